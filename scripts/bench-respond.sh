#!/usr/bin/env bash
# respond throughput in the netns lab, one run: router2 floods echo requests
# with hping3 --icmp --flood for SECONDS (default 5) at two destinations on
# the target's link, one after the other:
#   198.19.0.1      answered by the target's kernel
#   198.19.200.1    answered by `packsmith respond --rate-limit 0 --quiet`
#                   (an nft rule in the target drops these requests before the
#                   kernel's ICMP, after AF_PACKET has seen them)
# and counts the echo replies router2 received (/proc/net/snmp InEchoReps)
# and the requests it sent (r2-t tx packets). Prints a markdown table.
# Needs root, hping3 and nft. Not a test: figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-5}
if ! bash scripts/lab.sh check >/dev/null; then
  echo "skipped: $(bash scripts/lab.sh check)"; exit 0
fi
command -v hping3 >/dev/null || { echo "skipped: hping3 is not installed"; exit 0; }
ID="bresp$$"
RESP_PID=
cleanup() {
  [ -n "$RESP_PID" ] && kill -INT "$RESP_PID" 2>/dev/null || true
  bash scripts/lab.sh down "$ID" >/dev/null 2>&1 || true
}
trap cleanup EXIT
eval "$(bash scripts/lab.sh up "$ID" 2>/dev/null)"
cargo build --release --quiet
PS=$PWD/target/release/packsmith

ip netns exec "$TARGET_NS" nft -f - <<'NFT'
table ip bench {
  chain in {
    type filter hook input priority 0;
    ip daddr 198.19.200.0/24 icmp type echo-request drop
  }
}
NFT

echo_reps() {
  ip netns exec "$R2_NS" awk '/^Icmp:/ { n++; if (n == 1) { for (i = 1; i <= NF; i++) if ($i == "InEchoReps") c = i } else { print $c; exit } }' /proc/net/snmp
}
tx_packets() {
  ip netns exec "$R2_NS" cat /sys/class/net/r2-t/statistics/tx_packets
}
# floods DST for SECONDS_EACH; prints "requests replies"
flood() {
  local r0 t0 r1 t1
  r0=$(echo_reps); t0=$(tx_packets)
  ip netns exec "$R2_NS" timeout "$SECONDS_EACH" hping3 --icmp --flood -q "$1" >/dev/null 2>&1 || true
  sleep 1 # let the last replies arrive
  r1=$(echo_reps); t1=$(tx_packets)
  echo "$((t1 - t0)) $((r1 - r0))"
}

ip netns exec "$TARGET_NS" "$PS" respond --iface t-r2 --addr 198.19.200.0/24 \
  --types echo --rate-limit 0 --quiet >/tmp/bresp-$$.out 2>/tmp/bresp-$$.err &
RESP_PID=$!
for _ in $(seq 200); do
  grep -q answering /tmp/bresp-$$.out 2>/dev/null && break
  sleep 0.05
done

read -r k_req k_rep < <(flood 198.19.0.1)
read -r p_req p_rep < <(flood 198.19.200.1)
kill -INT "$RESP_PID"; wait "$RESP_PID" || true; RESP_PID=
summary=$(tail -n 1 /tmp/bresp-$$.err)
rm -f /tmp/bresp-$$.out /tmp/bresp-$$.err

rate() { echo $(( $1 / SECONDS_EACH )); }
echo "| echo answered by (hping3 --icmp --flood, ${SECONDS_EACH} s each) | requests sent | replies received | replies/s | answered |"
echo "|---|---|---|---|---|"
echo "| target kernel (198.19.0.1) | $k_req | $k_rep | $(rate "$k_rep") | $(( k_req ? 100 * k_rep / k_req : 0 ))% |"
echo "| packsmith respond (198.19.200.1) | $p_req | $p_rep | $(rate "$p_rep") | $(( p_req ? 100 * p_rep / p_req : 0 ))% |"
echo
echo "responder: $summary"
