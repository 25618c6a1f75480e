#!/usr/bin/env bash
# Traceroute wall time in the netns lab (3 hops: router1, router2, target),
# ICMP mode: packsmith (every TTL probed at once) vs traceroute(8) -I, best of
# 5 runs each, same lab, same run. Prints a markdown table. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/lab.sh check >/dev/null; then
  echo "skipped: $(bash scripts/lab.sh check)"; exit 0
fi
ID="trbench$$"
trap 'bash scripts/lab.sh down "$ID" >/dev/null 2>&1 || true' EXIT
eval "$(bash scripts/lab.sh up "$ID" 2>/dev/null)"
cargo build --release --quiet
PS=target/release/packsmith
best() {  # best wall time in ms of 5 runs of a command in the prober namespace; last run's output kept
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(5):
    t = time.perf_counter()
    r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    dt = (time.perf_counter() - t) * 1000
    best = dt if best is None else min(best, dt)
print(f"{best:.1f}")
sys.stdout.write(r.stdout)
PY
}
ps_out=$(best ip netns exec "$PROBER_NS" $PS traceroute -I -n "$TARGET_ADDR")
tr_out=$(best ip netns exec "$PROBER_NS" traceroute -I -n "$TARGET_ADDR")
ps_ms="${ps_out%%$'\n'*}"; tr_ms="${tr_out%%$'\n'*}"
ps_hops=$(echo "$ps_out" | tail -n +3 | grep -c . || true)
tr_hops=$(echo "$tr_out" | tail -n +3 | grep -c . || true)
echo "| traceroute -I -n $TARGET_ADDR | wall time (best of 5) | hops |"
echo "|---|---|---|"
echo "| packsmith traceroute -I | ${ps_ms} ms | ${ps_hops} |"
echo "| traceroute(8) -I | ${tr_ms} ms | ${tr_hops} |"
python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'\npacksmith time / traceroute(8) time: {a/b:.1f}')" "$ps_ms" "$tr_ms"
echo
echo "packsmith:"; echo "$ps_out" | tail -n +2
echo "traceroute(8):"; echo "$tr_out" | tail -n +2
