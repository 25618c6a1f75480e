#!/usr/bin/env bash
# The IPv6 sweep benchmark in the IPv6 netns lab (scripts/lab6.sh), one run,
# everything timed here: 65,536 addresses of the target's local route
# (every address answers ICMPv6 echo):
#   fping -6 -i0 -r0 -f LIST   vs  sr(IPv6(dst="2001:2:0:100::/112")/ICMPv6EchoRequest())
#   vs  packsmith sweep 2001:2:0:100::/112,  and a /118 with Scapy (when installed).
# fping has no -g for IPv6, so it reads the same addresses from a file.
# Prints a markdown table (times, answered/unanswered, peak RSS). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/lab6.sh check >/dev/null; then
  echo "skipped: $(bash scripts/lab6.sh check)"; exit 0
fi
ID="bench6$$"
WORK=$(mktemp -d)
trap 'bash scripts/lab6.sh down "$ID" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
eval "$(bash scripts/lab6.sh up "$ID" 2>/dev/null)"
cargo build --release --quiet
PS=target/release/packsmith
inns() { ip netns exec "$PROBER_NS" "$@"; }
# runs a command; prints "SECONDS PEAK_RSS_KB" then the command's stdout
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.time()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(round(time.time() - t, 3), rss)
sys.stdout.write(r.stdout)
PY
}
NET=2001:2:0:100::/112
python3 -c 'import ipaddress; print("\n".join(str(a) for a in ipaddress.ip_network("2001:2:0:100::/112")))' > "$WORK/list"
# a first exchange fills the neighbour caches of every hop
inns ping -6 -c 1 -W 5 "$TARGET_ADDR" >/dev/null 2>&1 || true

fping_out=$(measure ip netns exec "$PROBER_NS" fping -6 -a -i0 -r0 -f "$WORK/list")
first="${fping_out%%$'\n'*}"; fping_t="${first%% *}"
fping_alive=$(echo "$fping_out" | tail -n +2 | grep -c . || true)

cat > "$WORK/sr.pks" <<'PKS'
import sys, time
t = time.time()
ans, unans = sr(IPv6(dst=sys.argv[1])/ICMPv6EchoRequest(), timeout=2, verbose=0)
print(len(ans), len(unans), round(time.time() - t, 3))
PKS
ps=$(measure ip netns exec "$PROBER_NS" $PS run "$WORK/sr.pks" "$NET")
first="${ps%%$'\n'*}"; ps_rss="${first#* }"
read -r ps_ans ps_un ps_t <<<"$(echo "$ps" | tail -1)"

sw=$(measure ip netns exec "$PROBER_NS" $PS sweep "$NET" --timeout 2)
first="${sw%%$'\n'*}"; sw_t="${first%% *}"; sw_rss="${first#* }"
sw_alive=$(echo "$sw" | grep -c ' is alive' || true)

sc_ans="" sc_un="" sc_t=""
ps118=$(inns $PS run "$WORK/sr.pks" 2001:2:0:100::/118)
read -r ps118_ans ps118_un ps118_t <<<"$ps118"
if python3 -c 'import scapy' 2>/dev/null; then
  cat > "$WORK/sweep_scapy.py" <<'PY'
import sys, time, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IPv6, ICMPv6EchoRequest, sr, conf
conf.verb = 0
t = time.time()
ans, unans = sr(IPv6(dst=sys.argv[1])/ICMPv6EchoRequest(), timeout=2, verbose=0)
print(len(ans), len(unans), round(time.time() - t, 3))
PY
  sc=$(inns python3 "$WORK/sweep_scapy.py" 2001:2:0:100::/118 2>"$WORK/scapy.err" || echo "0 0 0")
  [ "$sc" = "0 0 0" ] && echo "Scapy failed: $(tail -1 "$WORK/scapy.err")" >&2
  read -r sc_ans sc_un sc_t <<<"$sc"
fi

echo "| sweep | tool | time | answered | unanswered | peak RSS |"
echo "|---|---|---|---|---|---|"
echo "| $NET | fping -6 -i0 -r0 -f (65,536 listed) | ${fping_t} s | ${fping_alive} | | |"
echo "| $NET | packsmith sr() | ${ps_t} s | ${ps_ans} | ${ps_un} | $((ps_rss / 1024)) MB |"
echo "| $NET | packsmith sweep (whole process) | ${sw_t} s | ${sw_alive} | | $((sw_rss / 1024)) MB |"
echo "| 2001:2:0:100::/118 | packsmith sr() | ${ps118_t} s | ${ps118_ans} | ${ps118_un} | |"
if [ -n "$sc_t" ]; then
  echo "| 2001:2:0:100::/118 | Scapy 2.8 sr() | ${sc_t} s | ${sc_ans} | ${sc_un} | |"
  python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'\n/118 ratio: packsmith {b/a:.0f}x faster than Scapy' if a > 0 else '')" "$ps118_t" "$sc_t"
fi
python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'/112 ratio: fping / packsmith sr = {b/a:.2f}x' if a > 0 else '')" "$ps_t" "$fping_t"
