#!/usr/bin/env bash
# Capture throughput: writing and reading a 1,000,000-packet pcap file of
# Ether/IP/ICMP echo requests (56-byte payload), packsmith vs Scapy and tshark
# in the same run, on the same file. Prints a markdown table in packets/s.
# Usage: scripts/bench-capture.sh      (Scapy, tshark and a `packsmith read`
#        subcommand are optional: their rows say n/a when missing)
# Files only: no packet is sent, and tshark runs with -n (no name lookups).
set -euo pipefail
cd "$(dirname "$0")/.."

SCAPY_N=20000   # Scapy writes ~1,300 and reads ~1,750 packets/s: time a slice
RUNS=3          # command-line rows: best of this many runs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file="$work/icmp-1m.pcap"

# criterion: build+write, write pre-built, read, read+dissect, read+dissect+summary;
# the bench leaves the 1M-packet file it reads at $file for the other tools
if ! PACKSMITH_CAPTURE_FILE="$file" cargo bench --bench capture >"$work/bench.log" 2>&1; then
  cat "$work/bench.log" >&2
  exit 1
fi
rate() { python3 -c "import json,sys; print(1e6 / (json.load(open(sys.argv[1]))['mean']['point_estimate'] / 1e9))" "target/criterion/capture_1m/$1/new/estimates.json"; }
ps_write=$(rate build_and_write)
ps_write_raw=$(rate write_prebuilt)
ps_records=$(rate read_records)
ps_dissect=$(rate read_dissect)
ps_summary=$(rate read_dissect_summary)
packets=$(python3 -c "import os,sys; print((os.path.getsize(sys.argv[1]) - 24) // (16 + 98))" "$file")
notes=()

# best wall time of $RUNS runs of a command (stdout to /dev/null), as packets/s
best_rate() {
  local n=$1 best="" t0 t1 dt
  shift
  for _ in $(seq "$RUNS"); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    t1=$EPOCHREALTIME
    dt=$(python3 -c "print($t1 - $t0)")
    if [[ -z $best ]] || python3 -c "import sys; sys.exit(not $dt < $best)"; then best=$dt; fi
  done
  python3 -c "print($n / $best)"
}

scapy_write="" scapy_write_raw="" scapy_dissect="" scapy_version=""
if python3 -c 'import scapy' 2>/dev/null; then
  scapy_version=$(python3 -c 'import scapy; print(scapy.__version__)')
  read -r scapy_write scapy_write_raw scapy_dissect < <(python3 - "$file" "$work/scapy.pcap" "$SCAPY_N" <<'PY'
import logging, sys, time
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import Ether, IP, ICMP, Raw, wrpcap, rdpcap
path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
load = bytes(range(56))
pkts = [Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")
        / IP(src="198.18.0.1", dst="198.19.0.1")
        / ICMP(id=i >> 16, seq=i & 0xffff) / Raw(load) for i in range(n)]
t = time.perf_counter(); wrpcap(out, pkts); write = time.perf_counter() - t
raw = [bytes(p) for p in pkts]
t = time.perf_counter(); wrpcap(out, raw, linktype=1); write_raw = time.perf_counter() - t
t = time.perf_counter(); got = rdpcap(path, count=n); read = time.perf_counter() - t
assert len(got) == n and got[n - 1][ICMP].seq == (n - 1) & 0xffff
print(n / write, n / write_raw, n / read)
PY
)
else
  notes+=("Scapy is not installed: its column is n/a.")
fi

tshark_summary="" tshark_fields=""
if command -v tshark >/dev/null; then
  tshark_summary=$(best_rate "$packets" tshark -n -r "$file")
  tshark_fields=$(best_rate "$packets" tshark -n -r "$file" -T fields -e icmp.seq)
else
  notes+=("tshark is not installed: its column is n/a.")
fi

cargo build --release --quiet
ps_cli=""
if target/release/packsmith read --help >/dev/null 2>&1; then
  ps_cli=$(best_rate "$packets" target/release/packsmith read "$file")
else
  notes+=("This build has no \`packsmith read\` subcommand: its row is skipped.")
fi

python3 - "$packets" "$SCAPY_N" "$scapy_version" "$ps_write" "$ps_write_raw" "$ps_records" "$ps_dissect" "$ps_summary" "$ps_cli" \
  "$scapy_write" "$scapy_write_raw" "$scapy_dissect" "$tshark_summary" "$tshark_fields" <<'PY'
import sys
packets, scapy_n, scapy_version = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
w, wr, rec, d, s, cli, sw, swr, sd, ts, tf = (float(x) if x else None for x in sys.argv[4:])
rate = lambda r: f"{r:,.0f}/s" if r else "n/a"
def ratio(a, b):
    if not (a and b):
        return ""
    x = a / b
    return f"{x:,.0f}x" if x >= 10 else f"{x:.2g}x"
print(f"{packets:,} packets of Ether/IP/ICMP echo with a 56-byte payload (98 bytes), pcap;"
      f" Scapy {scapy_version or 'n/a'} timed on the first {scapy_n:,}.\n")
print("| operation | packsmith | Scapy 2.8 | tshark | ratio vs Scapy | ratio vs tshark |")
print("|---|---|---|---|---|---|")
rows = [
    ("build + write (`wrpcap` of packets)", w, sw, None),
    ("write pre-built bytes", wr, swr, None),
    ("read records, no dissection", rec, None, None),
    ("read + dissect (`rdpcap`; tshark `-T fields -e icmp.seq`)", d, sd, tf),
    ("read + dissect + summary line, in process (tshark `-r`)", s, None, ts),
]
if cli:
    rows.append(("`packsmith read FILE` vs `tshark -n -r FILE`, > /dev/null", cli, None, ts))
for name, p, sc, t in rows:
    print(f"| {name} | {rate(p)} | {rate(sc) if sc else ''} | {rate(t) if t else ''} | {ratio(p, sc)} | {ratio(p, t)} |")
PY
# constant memory: peak RSS while streaming the whole file, which grows with
# nothing but the file; rdpcap keeps its list, so it is the contrast
cat > "$work/stream.pks" <<'PKS'
import sys
w = PcapWriter(sys.argv[2])
n = 0
for p in PcapReader(sys.argv[1]):
    w.write(p)
    n += 1
w.close()
print(n)
PKS
peak_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1 / 1024}'; }
if [ -x /usr/bin/time ]; then
  echo
  echo "| peak RSS over ${packets} packets | MB |"
  echo "|---|---|"
  echo "| \`packsmith read FILE\` | $(peak_mb target/release/packsmith read "$file") |"
  echo "| PcapReader → PcapWriter script (copies the file) | $(peak_mb target/release/packsmith run "$work/stream.pks" "$file" "$work/copy.pcap") |"
  echo "| \`rdpcap(FILE)\` (keeps the list, for contrast) | $(peak_mb target/release/packsmith -c "print(len(rdpcap('$file')))") |"
fi

for n in "${notes[@]}"; do echo; echo "$n"; done
