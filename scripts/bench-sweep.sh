#!/usr/bin/env bash
# The issue-5 sweep benchmark in the netns lab, one run, everything timed here:
#   fping -i0 -r0 -g 198.19.0.0/16  vs  sr(IP(dst="198.19.0.0/16")/ICMP())
#   and `packsmith sweep 198.19.0.0/16` (the whole process),
#   and a /22 sweep with Scapy (when installed) vs packsmith.
# Prints a markdown table (times, answered/unanswered, peak RSS). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/lab.sh check >/dev/null; then
  echo "skipped: $(bash scripts/lab.sh check)"; exit 0
fi
ID="bench$$"
trap 'bash scripts/lab.sh down "$ID" >/dev/null 2>&1 || true' EXIT
eval "$(bash scripts/lab.sh up "$ID" 2>/dev/null)"
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

# fping over the /16 (it skips the network and broadcast addresses)
fping_out=$(measure ip netns exec "$PROBER_NS" fping -a -i0 -r0 -g 198.19.0.0/16)
first="${fping_out%%$'\n'*}"; fping_t="${first%% *}"
fping_alive=$(echo "$fping_out" | tail -n +2 | grep -c . || true)

cat > /tmp/ps-sweep-$$.pks <<'PKS'
import sys, time
t = time.time()
ans, unans = sr(IP(dst=sys.argv[1])/ICMP(), timeout=2, verbose=0)
print(len(ans), len(unans), round(time.time() - t, 3))
PKS
ps16=$(measure ip netns exec "$PROBER_NS" $PS run /tmp/ps-sweep-$$.pks 198.19.0.0/16)
first="${ps16%%$'\n'*}"; ps16_rss="${first#* }"
read -r ps16_ans ps16_un ps16_t <<<"$(echo "$ps16" | tail -1)"

# the sweep subcommand, timed as a whole process with its output lines
sw=$(measure ip netns exec "$PROBER_NS" $PS sweep 198.19.0.0/16 --timeout 2)
first="${sw%%$'\n'*}"; sw_t="${first%% *}"; sw_rss="${first#* }"
sw_alive=$(echo "$sw" | grep -c ' is alive' || true)

ps22=$(inns $PS run /tmp/ps-sweep-$$.pks 198.19.0.0/22)
read -r ps22_ans ps22_un ps22_t <<<"$ps22"

sc22_ans="" sc22_un="" sc22_t=""
if python3 -c 'import scapy' 2>/dev/null; then
  cat > /tmp/scapy-sweep-$$.py <<'PY'
import sys, time, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, ICMP, sr, conf
conf.verb = 0
t = time.time()
ans, unans = sr(IP(dst=sys.argv[1])/ICMP(), timeout=2, verbose=0)
print(len(ans), len(unans), round(time.time() - t, 3))
PY
  sc22=$(inns python3 /tmp/scapy-sweep-$$.py 198.19.0.0/22 2>/dev/null || echo "0 0 0")
  read -r sc22_ans sc22_un sc22_t <<<"$sc22"
fi
rm -f /tmp/ps-sweep-$$.pks /tmp/scapy-sweep-$$.py

echo "| sweep | tool | time | answered | unanswered | peak RSS |"
echo "|---|---|---|---|---|---|"
echo "| 198.19.0.0/16 | fping -i0 -r0 -g | ${fping_t} s | ${fping_alive} | | |"
echo "| 198.19.0.0/16 | packsmith sr() | ${ps16_t} s | ${ps16_ans} | ${ps16_un} | $((ps16_rss / 1024)) MB |"
echo "| 198.19.0.0/16 | packsmith sweep (whole process) | ${sw_t} s | ${sw_alive} | | $((sw_rss / 1024)) MB |"
echo "| 198.19.0.0/22 | packsmith sr() | ${ps22_t} s | ${ps22_ans} | ${ps22_un} | |"
if [ -n "$sc22_t" ]; then
  echo "| 198.19.0.0/22 | Scapy 2.8 sr() | ${sc22_t} s | ${sc22_ans} | ${sc22_un} | |"
  python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'\n/22 ratio: packsmith {b/a:.0f}x faster than Scapy' if a > 0 else '')" "$ps22_t" "$sc22_t"
fi
