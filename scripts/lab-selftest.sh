#!/usr/bin/env bash
# Self-test of the packsmith network lab (scripts/lab.sh).
#
# Brings up a lab with a unique ID, checks every promised behaviour with
# standard tools (iputils ping, traceroute, hping3, fping, tcpdump, tshark),
# prints PASS/FAIL per behaviour, always tears everything down, and exits 1
# if anything failed (77 if the machine cannot run the lab at all).
#
# Usage: scripts/lab-selftest.sh [--quick]     (--quick: fping a /20, not the /16)
#        LAB_SELFTEST_KEEP=1 keeps the temporary directory (captures, outputs)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/lab.sh
QUICK=0
[[ ${1:-} == --quick ]] && QUICK=1

ID=st$$r$RANDOM
PAR_IDS=()
TMP=$(mktemp -d /tmp/lab-selftest.XXXXXX)
NPASS=0
NFAIL=0
CAP_PID=

pass() { printf 'PASS  %s\n' "$*"; NPASS=$((NPASS + 1)); }
fail() { printf 'FAIL  %s\n' "$*"; NFAIL=$((NFAIL + 1)); }
info() { printf 'INFO  %s\n' "$*"; }
# expect DESCRIPTION COMMAND... : PASS if the command succeeds
expect() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

cleanup() {
    [[ -n $CAP_PID ]] && kill "$CAP_PID" 2>/dev/null
    "$LAB" down "$ID" 2>/dev/null
    local p
    for p in "${PAR_IDS[@]}"; do "$LAB" down "$p" 2>/dev/null; done
    "$LAB" down "${ID}f" 2>/dev/null
    if [[ -n ${LAB_SELFTEST_KEEP:-} ]]; then echo "(kept $TMP)"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now_ms() { echo $(($(date +%s%N) / 1000000)); }
in_lab_space() { # is IPv4 address $1 inside 198.18.0.0/15?
    [[ $1 =~ ^198\.(18|19)\.([0-9]+)\.([0-9]+)$ ]] && ((BASH_REMATCH[2] < 256 && BASH_REMATCH[3] < 256))
}
P() { "$LAB" exec "$ID" prober "$@"; }
N() { local node=$1; shift; "$LAB" exec "$ID" "$node" "$@"; }
has() { grep -qE -- "$2" <<<"$1"; }

# ---- capture on the prober's interface ------------------------------------
cap_start() { # cap_start FILE FILTER
    local f=$1 filter=$2 i
    ip netns exec "$PROBER_NS" tcpdump -Z root --immediate-mode -i "$PROBER_IF" -n -U -w "$f" "$filter" 2>"$f.log" &
    CAP_PID=$!
    for i in $(seq 100); do
        grep -q 'listening on' "$f.log" 2>/dev/null && return 0
        sleep 0.02
    done
    return 1
}
cap_stop() {
    sleep 0.3
    kill -INT "$CAP_PID" 2>/dev/null
    wait "$CAP_PID" 2>/dev/null
    CAP_PID=
}
tsh() { tshark -r "$@" 2>/dev/null; }

# ---- root namespace snapshot (must be left untouched) ----------------------
root_snapshot() {
    ip -o link show | awk -F': ' '{print $2}' | sort
    ip -4 route show table all 2>/dev/null
    ip -4 addr show | grep inet
    sysctl net.ipv4.ip_forward net.ipv4.icmp_ratelimit net.ipv4.icmp_ratemask \
        net.ipv4.icmp_msgs_per_sec net.ipv4.icmp_msgs_burst net.ipv4.conf.all.rp_filter \
        net.ipv4.conf.default.rp_filter net.ipv6.conf.all.disable_ipv6 \
        net.ipv6.conf.default.disable_ipv6 net.core.netdev_max_backlog 2>/dev/null
}

echo "== packsmith lab self-test (lab ID $ID)"

# ---- check ----------------------------------------------------------------
reason=$("$LAB" check)
rc=$?
if ((rc == 77)); then
    echo "SKIP  $reason"
    exit 77
fi
expect "lab.sh check exits 0 on this machine" test "$rc" -eq 0

root_snapshot >"$TMP/root.before"

# ---- up -------------------------------------------------------------------
t0=$(now_ms)
"$LAB" up "$ID" >"$TMP/env" 2>"$TMP/up.err"
rc=$?
t1=$(now_ms)
if ((rc != 0)); then
    fail "lab.sh up $ID (rc=$rc): $(tr '\n' ' ' <"$TMP/up.err")"
    echo "== $NPASS passed, $NFAIL failed"
    exit 1
fi
pass "lab.sh up $ID exits 0"
if ((t1 - t0 < 1000)); then pass "up took $((t1 - t0)) ms (< 1 s)"; else fail "up took $((t1 - t0)) ms (>= 1 s)"; fi

bad=$(grep -cvE '^[A-Z][A-Z0-9_]*=[A-Za-z0-9_./:-]+$' "$TMP/env")
expect "up prints only KEY=VALUE lines on stdout ($(wc -l <"$TMP/env") lines)" test "$bad" -eq 0
while IFS= read -r line; do
    [[ $line =~ ^[A-Z][A-Z0-9_]*=[A-Za-z0-9_./:-]+$ ]] && declare -g "$line"
done <"$TMP/env"
for k in PROBER_NS R1_NS R2_NS TARGET_NS PROBER_IF PROBER_ADDR PROBER_MAC R1_ADDR R1_MAC \
    R2_ADDR R1_TTL_SRC R2_TTL_SRC TARGET_ADDR TARGET_NET UNREACH_NET PROHIBIT_NET \
    NETUNREACH_NET DROP_NET MTU_LINK; do
    [[ -n ${!k:-} ]] || fail "up output lacks $k"
done
ok=1
for ns in "$PROBER_NS" "$R1_NS" "$R2_NS" "$TARGET_NS"; do
    [[ $ns == *"$ID"* ]] || ok=0
    ip netns list | awk '{print $1}' | grep -qx "$ns" || ok=0
done
expect "four namespaces exist and their names contain the ID" test $ok = 1
expect "TARGET_NET is 198.19.0.0/16, MTU_LINK is 1000" test "$TARGET_NET/$MTU_LINK" = "198.19.0.0/16/1000"
"$LAB" env "$ID" | cmp -s - "$TMP/env"
expect "lab.sh env ID reprints the same KEY=VALUE lines" test $? = 0

# ---- address rule -----------------------------------------------------------
ok=1
for ip4 in $(grep -oE '([0-9]{1,3}\.){3}[0-9]{1,3}' "$TMP/env"); do
    in_lab_space "$ip4" || { ok=0; echo "      outside 198.18.0.0/15 in up output: $ip4"; }
done
expect "every address in the up output is inside 198.18.0.0/15" test $ok = 1
ok=1
for ns in "$PROBER_NS" "$R1_NS" "$R2_NS" "$TARGET_NS"; do
    while read -r dev addr; do
        a=${addr%/*}
        if [[ $dev == lo && $a == 127.0.0.1 ]]; then continue; fi
        in_lab_space "$a" || { ok=0; echo "      $ns $dev has $addr"; }
    done < <(ip -n "$ns" -o -4 addr show | awk '{print $2, $4}')
    if [[ -n $(ip -n "$ns" -o -6 addr show) ]]; then ok=0; echo "      $ns has IPv6 addresses"; fi
    for dst in $(ip -n "$ns" -4 route show table all | awk '{d=$1; if (d ~ /^(unreachable|prohibit|blackhole|local|broadcast)$/) d=$2; print d}'); do
        [[ $dst == default ]] && continue
        a=${dst%/*}
        [[ $a == 127.* ]] && continue
        in_lab_space "$a" || { ok=0; echo "      $ns route to $dst"; }
    done
done
expect "namespaces hold only 198.18.0.0/15 addresses/routes (plus 127.0.0.1 on lo), no IPv6" test $ok = 1

# ---- sysctls --------------------------------------------------------------
ok=1
for ns in "$PROBER_NS" "$R1_NS" "$R2_NS" "$TARGET_NS"; do
    v=$(ip netns exec "$ns" cat /proc/sys/net/ipv4/icmp_ratelimit /proc/sys/net/ipv4/icmp_ratemask \
        /proc/sys/net/ipv4/icmp_msgs_per_sec /proc/sys/net/ipv4/icmp_msgs_burst \
        /proc/sys/net/ipv4/conf/all/rp_filter | tr '\n' ' ')
    [[ $v == "0 0 100000 100000 0 " ]] || { ok=0; echo "      $ns: ratelimit ratemask per_sec burst rp_filter = $v"; }
done
for ns in "$R1_NS" "$R2_NS"; do
    [[ $(ip netns exec "$ns" cat /proc/sys/net/ipv4/ip_forward) == 1 ]] || { ok=0; echo "      $ns: no ip_forward"; }
done
expect "ICMP rate limits off (ratelimit=0 ratemask=0 msgs 100000/100000), rp_filter 0, routers forward" test $ok = 1

# ---- layer 2 ----------------------------------------------------------------
mac=$(ip -n "$PROBER_NS" -o link show "$PROBER_IF" | grep -oE 'link/ether [0-9a-f:]+' | awk '{print $2}')
expect "prober interface $PROBER_IF has MAC $PROBER_MAC" test "$mac" = "$PROBER_MAC"
cap_start "$TMP/arp.pcap" arp || fail "tcpdump did not start"
P ip neigh flush dev "$PROBER_IF" >/dev/null 2>&1
P ping -c1 -W2 "$R1_ADDR" >/dev/null
cap_stop
arp=$(tsh "$TMP/arp.pcap" -Y 'arp.opcode == 2' -T fields -e arp.src.proto_ipv4 -e arp.src.hw_mac -e arp.dst.proto_ipv4)
expect "router1 answers ARP: $R1_ADDR is-at $R1_MAC (tshark)" has "$arp" "^$R1_ADDR[[:space:]]+$R1_MAC[[:space:]]+$PROBER_ADDR"
neigh=$(P ip neigh show "$R1_ADDR" dev "$PROBER_IF")
expect "prober neighbour table: $neigh" has "$neigh" "lladdr $R1_MAC (REACHABLE|DELAY|STALE|PROBE)"

# ---- echo / timestamp / UDP / TCP at the target ---------------------------
out=$(P ping -c1 -W2 "$TARGET_ADDR")
expect "echo to TARGET_ADDR $TARGET_ADDR answered (ttl 62, 3 hops)" has "$out" "bytes from $TARGET_ADDR: icmp_seq=1 ttl=62"
r=198.19.$((RANDOM % 256)).$((RANDOM % 256))
out=$(P ping -c1 -W2 "$r")
expect "echo to random $r answered from $r" has "$out" "bytes from $r: icmp_seq=1"
out=$(P ping -c1 -W2 198.19.0.0; P ping -c1 -W2 198.19.255.255)
expect "echo to 198.19.0.0 and 198.19.255.255 answered" \
    bash -c 'grep -q "bytes from 198.19.0.0:" <<<"$1" && grep -q "bytes from 198.19.255.255:" <<<"$1"' _ "$out"
out=$(P ping -c1 -W2 "$TARGET_LINK_ADDR"; P ping -c1 -W2 "$R2_ADDR"; P ping -c1 -W2 "$R1_ADDR")
expect "target link address and both routers answer echo" test "$(grep -c 'bytes from' <<<"$out")" = 3

cap_start "$TMP/icmp.pcap" "icmp or udp or tcp" || fail "tcpdump did not start"
out=$(P hping3 -n --icmp-ts -c 1 "$r" 2>&1)
expect "ICMP timestamp request (13) gets a timestamp reply from $r (hping3 --icmp-ts)" has "$out" "ICMP timestamp: Originate="
out=$(P hping3 -n --udp -p 33434 -c 1 "$r" 2>&1)
expect "UDP to a closed port gets port unreachable from $r (hping3)" has "$out" "ICMP Port Unreachable from ip=$r"
out=$(P hping3 -n -S -p "${TARGET_TCP_OPEN:-80}" -c 1 "$r" 2>&1)
expect "TCP SYN to open port ${TARGET_TCP_OPEN:-80} gets SYN/ACK from $r" has "$out" "ip=$r .*sport=${TARGET_TCP_OPEN:-80} flags=SA"
out=$(P hping3 -n -S -p 81 -c 1 "$r" 2>&1)
expect "TCP SYN to closed port 81 gets RST/ACK from $r" has "$out" "ip=$r .*sport=81 flags=RA"

# ---- ICMP errors ------------------------------------------------------------
out=$(P ping -c1 -W2 -t1 "$TARGET_ADDR")
expect "TTL 1 -> time exceeded from router1 ($R1_TTL_SRC)" has "$out" "From $R1_TTL_SRC icmp_seq=1 Time to live exceeded"
out=$(P ping -c1 -W2 -t2 "$TARGET_ADDR")
expect "TTL 2 -> time exceeded from router2 ($R2_TTL_SRC)" has "$out" "From $R2_TTL_SRC icmp_seq=1 Time to live exceeded"
tr_out=$(P traceroute -I -n -q1 -w2 -m5 "$TARGET_ADDR" 2>&1)
hops=$(awk 'NR > 1 {print $2}' <<<"$tr_out" | tr '\n' ' ')
expect "traceroute -I -n $TARGET_ADDR: $hops" test "$hops" = "$R1_ADDR $R2_ADDR $TARGET_ADDR "
out=$(P ping -c1 -W2 "$UNREACH_ADDR")
expect "UNREACH_NET $UNREACH_NET (unreachable route) -> 3/1 host unreachable from $R2_ADDR" has "$out" "From $R2_ADDR icmp_seq=1 Destination Host Unreachable"
out=$(P ping -c1 -W2 "$PROHIBIT_ADDR")
expect "PROHIBIT_NET $PROHIBIT_NET (prohibit route) -> 3/13 from $R2_ADDR" has "$out" "From $R2_ADDR icmp_seq=1 Packet filtered"
out=$(P ping -c1 -W2 "$NETUNREACH_ADDR")
expect "NETUNREACH_NET $NETUNREACH_NET (nft reject) -> 3/0 net unreachable from $R2_ADDR" has "$out" "From $R2_ADDR icmp_seq=1 Destination Net Unreachable"
out=$(P ping -c1 -W2 "$UNREACH_NFT_ADDR")
expect "UNREACH_NFT_NET $UNREACH_NFT_NET (nft reject) -> 3/1 from $R2_ADDR" has "$out" "From $R2_ADDR icmp_seq=1 Destination Host Unreachable"
out=$(P ping -c1 -W2 "$PROHIBIT_NFT_ADDR")
expect "PROHIBIT_NFT_NET $PROHIBIT_NFT_NET (nft reject) -> 3/13 from $R2_ADDR" has "$out" "From $R2_ADDR icmp_seq=1 Packet filtered"
out=$(P ping -c2 -i0.3 -W1 "$DROP_ADDR")
expect "DROP_NET $DROP_NET -> no answer at all" has "$out" "2 packets transmitted, 0 received, 100% packet loss"
has "$out" "errors" && fail "DROP_NET produced ICMP errors"

# ---- MTU 1000 / fragmentation needed ----------------------------------------
m1=$(ip -n "$R2_NS" -o link show r2-t | grep -oE 'mtu [0-9]+')
m2=$(ip -n "$TARGET_NS" -o link show "${TARGET_IF:-t-r2}" | grep -oE 'mtu [0-9]+')
expect "router2-target link MTU 1000 on both ends ($m1 / $m2)" test "$m1/$m2" = "mtu 1000/mtu 1000"
"$LAB" flush "$ID"
f=198.19.250.$((RANDOM % 250 + 1))
out=$(P ping -M do -s 1172 -c1 -W2 "$f" 2>&1)
expect "1200-byte DF packet -> 3/4 frag needed (mtu = 1000) from $R2_ADDR" has "$out" "From $R2_ADDR icmp_seq=1 Frag needed and DF set \(mtu = 1000\)"
rg=$(P ip route get "$f")
expect "prober caches the PMTU (ip route get: mtu 1000)" has "$rg" "mtu 1000"
out=$(P ping -M do -s 1172 -c1 -W2 "$f" 2>&1)
expect "while cached, ping -M do fails locally (message too long, mtu=1000)" has "$out" "message too long, mtu=1000"
"$LAB" flush "$ID"
rg=$(P ip route get "$f")
out=$(P ping -M do -s 1172 -c1 -W2 "$f" 2>&1)
expect "lab.sh flush clears it: frag needed from router2 again" bash -c '! grep -q "mtu 1000" <<<"$1" && grep -q "Frag needed and DF set (mtu = 1000)" <<<"$2"' _ "$rg" "$out"
"$LAB" flush "$ID"
out=$(P ping -M do -s 972 -c1 -W2 "$f" 2>&1)
expect "1000-byte DF packet passes (echo reply)" has "$out" "bytes from $f:"
out=$(P ping -M dont -s 1172 -c1 -W2 "$f" 2>&1)
expect "1200-byte packet without DF is fragmented by router2 and answered" has "$out" "1180 bytes from $f:"
"$LAB" flush "$ID"
cap_stop

# exact types/codes/sources, decoded by tshark from the capture above
# (keep only what was sent *to* the prober: the outer source of those is not the
# prober's address; ICMP errors list "outer,inner" for ip.src/ip.dst/type/code)
tsh "$TMP/icmp.pcap" -T fields -E separator=' ' -e ip.src -e icmp.type -e icmp.code -e ip.dst -e icmp.mtu |
    awk -v me="$PROBER_ADDR" '$1 != me' >"$TMP/decoded"
tcheck() { # tcheck DESC SRC TYPE CODE INNER_DST
    # error lines look like "OUTER_SRC,INNER_SRC TYPE[,INNER_TYPE] CODE[,INNER_CODE] OUTER_DST,INNER_DST [MTU]"
    if grep -qE "^$2,[0-9.]+ $3(,[0-9]+)? $4(,[0-9]+)? [0-9.]+,$5( |$)" "$TMP/decoded"; then pass "tshark: $1"; else fail "tshark: $1"; fi
}
tcheck "time exceeded 11/0 from router1 $R1_TTL_SRC" "$R1_TTL_SRC" 11 0 "$TARGET_ADDR"
tcheck "time exceeded 11/0 from router2 $R2_TTL_SRC" "$R2_TTL_SRC" 11 0 "$TARGET_ADDR"
tcheck "3/1 for $UNREACH_ADDR" "$R2_ADDR" 3 1 "$UNREACH_ADDR"
tcheck "3/13 for $PROHIBIT_ADDR" "$R2_ADDR" 3 13 "$PROHIBIT_ADDR"
tcheck "3/0 for $NETUNREACH_ADDR" "$R2_ADDR" 3 0 "$NETUNREACH_ADDR"
tcheck "3/1 for $UNREACH_NFT_ADDR" "$R2_ADDR" 3 1 "$UNREACH_NFT_ADDR"
tcheck "3/13 for $PROHIBIT_NFT_ADDR" "$R2_ADDR" 3 13 "$PROHIBIT_NFT_ADDR"
tcheck "3/3 port unreachable from $r" "$r" 3 3 "$r"
if grep -qE "^$R2_ADDR,[0-9.]+ 3(,8)? 4(,0)? [0-9.]+,$f 1000$" "$TMP/decoded"; then
    pass "tshark: 3/4 frag needed for $f with next-hop MTU 1000"
else fail "tshark: 3/4 frag needed for $f with next-hop MTU 1000"; fi
expect "tshark: timestamp reply (type 14) from $r" grep -qE "^$r 14 0 $PROBER_ADDR" "$TMP/decoded"
expect "tshark: nothing at all came back for DROP_NET" bash -c '! grep -qE "(^|,)${1//./\\.}( |,|$)" "$2"' _ "$DROP_ADDR" "$TMP/decoded"

# ---- no rate limiting -------------------------------------------------------
burst() { # burst DESC EXPECTED ping-args...
    local d=$1 n=$2; shift 2
    local o e
    o=$(P ping -q -i0 -c "$n" -W1 "$@" 2>&1)
    e=$(grep -oE '\+[0-9]+ errors' <<<"$o" | tr -dc 0-9)
    e=${e:-0}
    if [[ $e == "$n" ]]; then pass "$d: $e/$n ICMP errors"; else fail "$d: ${e}/$n ICMP errors"; fi
}
burst "200 back-to-back TTL=1 probes" 200 -t1 "$TARGET_ADDR"
burst "200 back-to-back TTL=2 probes" 200 -t2 "$TARGET_ADDR"
burst "200 back-to-back probes to NETUNREACH_NET" 200 "$NETUNREACH_ADDR"
burst "200 back-to-back probes to UNREACH_NFT_NET" 200 "$UNREACH_NFT_ADDR"
burst "200 back-to-back probes to PROHIBIT_NFT_NET" 200 "$PROHIBIT_NFT_ADDR"
# (count from hping3's statistics line: its per-packet lines can interleave)
n=$(P hping3 -n --udp -p 9 -c 200 -i u200 "$TARGET_ADDR" 2>&1 | grep -oE '[0-9]+ packets received' | tr -dc 0-9)
expect "200 UDP probes at 5000 pps: $n/200 port unreachables" test "$n" = 200
n=$(P hping3 -n --icmp -y -d 1172 -c 100 -i u200 "198.19.251.1" 2>&1 | grep -oE '[0-9]+ packets received' | tr -dc 0-9)
expect "100 DF 1200-byte probes at 5000 pps: $n/100 frag-needed" test "$n" = 100
o=$(P ping -q -i0 -c 20 -W1 "$UNREACH_ADDR" 2>&1)
info "route-based UNREACH_NET, 20 back-to-back probes: $(grep -oE '\+[0-9]+ errors' <<<"$o" || echo '+0 errors') (kernel ip_error limit: burst 5, then 1/s per source; global sysctls net.ipv4.route.error_cost/error_burst)"

# ---- throughput: the whole /16 -----------------------------------------------
if ((QUICK)); then net=198.19.0.0/20; else net=198.19.0.0/16; fi
t0=$(now_ms)
P fping -q -s -i0 -r0 -g "$net" >"$TMP/fping" 2>&1
t1=$(now_ms)
targets=$(awk '/ targets$/ {print $1}' "$TMP/fping")
alive=$(awk '/ alive$/ {print $1}' "$TMP/fping")
expect "fping -q -s -i0 -r0 -g $net: $alive/$targets alive in $((t1 - t0)) ms" test -n "$alive" -a "$alive" = "$targets"
info "fping: $(grep -E 'elapsed' "$TMP/fping" | sed 's/^ *//')  (fping -g CIDR skips .0.0 and .255.255; those are pinged separately above)"

# ---- parallel up/down ---------------------------------------------------------
for round in 1 2; do
    pids=()
    for i in 1 2 3 4; do
        pid_id=${ID}p$round$i
        PAR_IDS+=("$pid_id")
        (
            "$LAB" up "$pid_id" >"$TMP/par.$pid_id" 2>&1 || { echo "up failed" >>"$TMP/par.$pid_id.err"; exit 1; }
            "$LAB" exec "$pid_id" prober ping -c1 -W2 198.19.$i.$round >/dev/null || echo "ping failed" >>"$TMP/par.$pid_id.err"
            "$LAB" down "$pid_id" || echo "down failed" >>"$TMP/par.$pid_id.err"
        ) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
done
errs=$(cat "$TMP"/par.*.err 2>/dev/null)
left=$(ip netns list | awk '{print $1}' | grep -c -- "-${ID}p")
expect "2 rounds of 4 concurrent up/ping/down cycles: no errors${errs:+ ($errs)}, no leftovers ($left)" test -z "$errs" -a "$left" = 0

# ---- failure part-way leaves nothing ------------------------------------------
mkdir -p "$TMP/fakebin"
printf '#!/bin/sh\nexit 1\n' >"$TMP/fakebin/nft"
chmod +x "$TMP/fakebin/nft"
PATH=$TMP/fakebin:$PATH "$LAB" up "${ID}f" >"$TMP/fail.out" 2>/dev/null
rc=$?
left=$(ip netns list | awk '{print $1}' | grep -c -- "-${ID}f-")
expect "up failing part-way (broken nft) exits $rc != 0, prints nothing, leaves no namespace" \
    test "$rc" != 0 -a "$left" = 0 -a ! -s "$TMP/fail.out"

# ---- root namespace untouched --------------------------------------------------
root_snapshot >"$TMP/root.after"
expect "root namespace links, routes, addresses and sysctls unchanged" cmp -s "$TMP/root.before" "$TMP/root.after"

# ---- down -----------------------------------------------------------------------
"$LAB" down "$ID"
rc1=$?
"$LAB" down "$ID"
rc2=$?
left=$(ip netns list | awk '{print $1}' | grep -c -- "-$ID-")
expect "down exits 0 twice (idempotent) and removes all four namespaces" test "$rc1$rc2" = 00 -a "$left" = 0
sleep 0.2
procs=$(ps -eo pid=,args= | grep -c "[p]acksmith-lab-listener /run/netns/pkl-$ID")
expect "no lab process left behind (target TCP listeners)" test "$procs" = 0

echo "== $NPASS passed, $NFAIL failed"
((NFAIL == 0))
