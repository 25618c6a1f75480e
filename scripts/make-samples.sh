#!/usr/bin/env bash
# Regenerates the ICMP sample captures samples/icmp-*.pcap: brings up a lab
# (scripts/lab.sh), runs every samples/icmp-*.pks in the prober namespace with
# the lab's addresses, and tears the lab down again (also on failure).
#
# Usage: scripts/make-samples.sh [OUTDIR]       (root; default OUTDIR: samples)
#   PACKSMITH=FILE   the binary to run (default: target/release/packsmith;
#                    build it first with "cargo build --release")
#
# Cases (script -> target):
#   icmp-echo               TARGET_ADDR        8/0 -> 0/0
#   icmp-timestamp          TARGET_ADDR        13/0 -> 14/0
#   icmp-host-unreachable   UNREACH_NFT_ADDR   3/1 (nft reject on router2)
#   icmp-admin-prohibited   PROHIBIT_NFT_ADDR  3/13 (nft reject on router2)
#   icmp-port-unreachable   TARGET_ADDR        3/3 (UDP to a closed port)
#   icmp-frag-needed        198.19.4.4         3/4 mtu 1000 (PMTU cache flushed first)
#   icmp-ttl-exceeded       TARGET_ADDR        11/0 from router1 and router2
#   icmp-address-mask       TARGET_ADDR        17/0 -> 18/0 (packsmith respond
#                                              runs in the target namespace)
# Every script runs even when one fails; the exit status is 1 if any failed,
# 77 (with the reason) when this machine cannot run a lab.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${1:-samples}
PS=${PACKSMITH:-target/release/packsmith}
[[ -x $PS ]] || { echo "make-samples: $PS not found; run 'cargo build --release' first" >&2; exit 1; }
PS=$(realpath "$PS")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

scripts/lab.sh check || exit $?

ID=smp$$
TMP=$(mktemp -d)
cleanup() {
    scripts/lab.sh down "$ID"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

scripts/lab.sh up "$ID" >"$TMP/env"
declare -A LAB
while IFS='=' read -r k v; do
    [[ -n $k ]] && LAB[$k]=$v
done <"$TMP/env"

run() { # NAME TARGET
    local name=$1 target=$2
    echo "== $name ($target)"
    if ! scripts/lab.sh exec "$ID" prober env NO_COLOR=1 \
            "$PS" run "samples/$name.pks" "$target" "$OUT/$name.pcap"; then
        echo "make-samples: $name FAILED" >&2
        FAILED+=("$name")
    fi
}

# packsmith respond in the target namespace, answering address-mask requests
# for the target network; waits until it says it is answering.
start_responder() {
    scripts/lab.sh exec "$ID" target "$PS" respond --no-color \
        --iface "${LAB[TARGET_IF]}" --addr "${LAB[TARGET_NET]}" \
        --types mask --count 1 --timeout 20 >"$TMP/respond.out" 2>&1 &
    RESPONDER=$!
    local i
    # it prints "answering" once its socket is open; wait for that (bounded)
    for i in $(seq 600); do
        grep -q '^answering' "$TMP/respond.out" && break
        sleep 0.1
    done
}

FAILED=()
run icmp-echo "${LAB[TARGET_ADDR]}"
run icmp-timestamp "${LAB[TARGET_ADDR]}"
run icmp-host-unreachable "${LAB[UNREACH_NFT_ADDR]}"
run icmp-admin-prohibited "${LAB[PROHIBIT_NFT_ADDR]}"
run icmp-port-unreachable "${LAB[TARGET_ADDR]}"
scripts/lab.sh flush "$ID"
run icmp-frag-needed 198.19.4.4
run icmp-ttl-exceeded "${LAB[TARGET_ADDR]}"
start_responder
run icmp-address-mask "${LAB[TARGET_ADDR]}"
wait "$RESPONDER" || true
sed 's/^/   responder: /' "$TMP/respond.out"

if (( ${#FAILED[@]} )); then
    echo "make-samples: failed: ${FAILED[*]}" >&2
    exit 1
fi
echo "make-samples: wrote ${OUT}/icmp-*.pcap"
