#!/usr/bin/env bash
# packsmith IPv6 network lab: four network namespaces in a line
#
#   prober --- router1 --- router2 ===(MTU 1280)=== target
#                 |
#                 +--- responder (a stub link with no kernel IPv6: for packsmith respond)
#
# Usage:
#   scripts/lab6.sh check                exit 0 if this machine can run it, else print
#                                        one line why and exit 77 (skip)
#   scripts/lab6.sh up ID                create lab ID; prints KEY=VALUE lines on stdout
#   scripts/lab6.sh down ID              delete lab ID (idempotent, always exits 0)
#   scripts/lab6.sh exec ID NODE CMD...  run CMD in NODE's namespace
#                                        (prober|r1|r2|target|responder)
#
# ID: 1-24 characters of [A-Za-z0-9_-]. Namespaces are named pk6-ID-{p,r1,r2,t,s}.
# Every address is inside 2001:2::/48 (RFC 5180); nothing is created or changed
# in the root namespace. No IPv4 is configured.
#
# Addressing plan
#   2001:2:0:0::/64   prober link     prober ::1 (p-r1), r1 ::fe (r1-p)
#   2001:2:0:1::/64   r1-r2 link      r1 ::1, r2 ::2
#   2001:2:0:2::/64   r2-target link  r2 ::1, target ::2, MTU 1280 on both ends
#   2001:2:0:100::/64 target: a "local" route on lo, every address answers
#   2001:2:0:10::/64  r2: unreachable route -> ICMPv6 1/0 (no route)
#   2001:2:0:11::/64  r2: prohibit route    -> ICMPv6 1/1 (administratively prohibited)
#   2001:2:0:13::/64  r2: blackhole route   -> silently dropped
#   2001:2:0:3::/64   r1-responder link: r1 ::1 (r1-s); the responder's s-r1 has
#                     IPv6 disabled, so only a userspace responder (packsmith
#                     respond --addr 2001:2:0:3::100/120) answers neighbour
#                     solicitations and echo there
#   2001:2:0:2::99    on r2's target link, nobody there -> ICMPv6 1/3 (address
#                     unreachable) once neighbour discovery gives up (r2 sends one
#                     solicitation and waits 200 ms)
#   prober: default via r1; r1: default via r2; target: default via r2
#
# Addresses are added with nodad (usable at once), router advertisements are
# ignored, and ICMPv6 rate limits are off in every namespace.
set -euo pipefail

PREFIX=pk6
SELF=$(basename "$0")
log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }

P_ADDR=2001:2::1
R1_P_ADDR=2001:2::fe
R1_ADDR=2001:2:0:1::1
R2_ADDR=2001:2:0:1::2
R2_T_ADDR=2001:2:0:2::1
T_LINK_ADDR=2001:2:0:2::2
TARGET_NET=2001:2:0:100::/64
TARGET_ADDR=2001:2:0:100::1
UNREACH_NET=2001:2:0:10::/64
PROHIBIT_NET=2001:2:0:11::/64
DROP_NET=2001:2:0:13::/64
R1_S_ADDR=2001:2:0:3::1
RESPONDER_NET=2001:2:0:3::100/120
NOBODY_ADDR=2001:2:0:2::99
MTU_LINK=1280

valid_id() { [[ ${1:-} =~ ^[A-Za-z0-9_-]{1,24}$ ]]; }
set_names() {
    ID=$1
    P_NS=$PREFIX-$ID-p R1_NS=$PREFIX-$ID-r1 R2_NS=$PREFIX-$ID-r2 T_NS=$PREFIX-$ID-t
    S_NS=$PREFIX-$ID-s
    ALL_NS=("$P_NS" "$R1_NS" "$R2_NS" "$T_NS" "$S_NS")
}
ns_exists() { [[ -e /run/netns/$1 ]]; }
node_ns() {
    case $1 in
        prober|p) echo "$P_NS" ;; r1) echo "$R1_NS" ;; r2) echo "$R2_NS" ;;
        target|t) echo "$T_NS" ;; responder|s) echo "$S_NS" ;; *) return 1 ;;
    esac
}

del_ns() {
    local ns=$1 pids
    rm -rf "/etc/netns/${ns:?}"
    ns_exists "$ns" || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ') || pids=
    # shellcheck disable=SC2086
    [[ -n ${pids// /} ]] && kill -KILL $pids 2>/dev/null
    ip netns del "$ns" 2>/dev/null || true
}

# nsctl NS key=value...: write inside NS and read each value back
nsctl() {
    local ns=$1; shift
    ip netns exec "$ns" bash -c '
        for kv; do
            k=${kv%%=*} v=${kv#*=} p=/proc/sys/${k//.//}
            printf "%s\n" "$v" 2>/dev/null >"$p" || { echo "cannot set $k" >&2; exit 1; }
            read -r r <"$p"
            [[ $r == "$v" ]] || { echo "$k is $r, wanted $v" >&2; exit 1; }
        done' nsctl "$@" || die "sysctl in $ns failed"
}

COMMON_SYSCTLS=(
    net.ipv6.conf.all.disable_ipv6=0
    net.ipv6.conf.default.disable_ipv6=0
    net.ipv6.conf.all.accept_ra=0
    net.ipv6.conf.default.accept_ra=0
    net.ipv6.conf.all.accept_redirects=0
    net.ipv6.conf.default.accept_redirects=0
    net.ipv6.icmp.ratelimit=0
    net.ipv4.icmp_msgs_per_sec=100000
    net.ipv4.icmp_msgs_burst=100000
)
ROUTER_SYSCTLS=(net.ipv6.conf.all.forwarding=1)

print_env() {
    cat <<EOF
LAB_ID=$ID
PROBER_NS=$P_NS
R1_NS=$R1_NS
R2_NS=$R2_NS
TARGET_NS=$T_NS
RESPONDER_NS=$S_NS
RESPONDER_IF=s-r1
RESPONDER_NET=$RESPONDER_NET
RESPONDER_ROUTER=$R1_S_ADDR
PROBER_ADDR=$P_ADDR
R1_ADDR=$R1_P_ADDR
R2_ADDR=$R2_ADDR
TARGET_LINK_ADDR=$T_LINK_ADDR
TARGET_NET=$TARGET_NET
TARGET_ADDR=$TARGET_ADDR
TARGET_NAME=target6.lab
TARGET_ALIAS=t6
R1_NAME=r1.lab
TARGET_HOPS=3
UNREACH_ADDR=${UNREACH_NET%::/64}::1
PROHIBIT_ADDR=${PROHIBIT_NET%::/64}::1
DROP_ADDR=${DROP_NET%::/64}::1
NOBODY_ADDR=$NOBODY_ADDR
MTU_LINK=$MTU_LINK
EOF
}

UP_OK=0
CREATED=()
up_cleanup() {
    local rc=$? ns
    if (( UP_OK == 0 )); then
        log "lab $ID: setup failed (rc=$rc), removing what was created"
        for ns in "${CREATED[@]}"; do del_ns "$ns"; done
        (( rc == 0 )) && rc=1
    fi
    exit "$rc"
}

# the prober's /etc/hosts: `ip netns exec` mounts /etc/netns/NS/hosts over
# it, so iputils, traceroute(8) and packsmith resolve the lab's names alike
write_hosts() {
    mkdir -p "/etc/netns/$P_NS"
    cat > "/etc/netns/$P_NS/hosts" <<EOF
127.0.0.1 localhost
::1 ip6-localhost ip6-loopback
$TARGET_ADDR target6.lab t6
$R1_P_ADDR r1.lab
EOF
    # names the hosts file lacks fail at once: no DNS server answers here
    if [[ -e /etc/resolv.conf ]]; then
        printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"/etc/netns/$P_NS/resolv.conf"
    fi
}

cmd_up() {
    set_names "$1"
    local ns
    for ns in "${ALL_NS[@]}"; do
        ns_exists "$ns" && die "lab $ID already exists ($ns)"
    done
    trap up_cleanup EXIT
    trap 'exit 130' INT TERM HUP
    for ns in "${ALL_NS[@]}"; do
        ip netns add "$ns" || die "ip netns add $ns failed"
        CREATED+=("$ns")
    done
    nsctl "$P_NS" "${COMMON_SYSCTLS[@]}"
    nsctl "$R1_NS" "${COMMON_SYSCTLS[@]}" "${ROUTER_SYSCTLS[@]}"
    nsctl "$R2_NS" "${COMMON_SYSCTLS[@]}" "${ROUTER_SYSCTLS[@]}"
    nsctl "$T_NS" "${COMMON_SYSCTLS[@]}"
    nsctl "$S_NS" "${COMMON_SYSCTLS[@]}"

    ip -n "$P_NS" -batch - <<EOF
link set lo up
link add p-r1 type veth peer name r1-p netns $R1_NS
addr add $P_ADDR/64 dev p-r1 nodad
link set p-r1 up
route add default via $R1_P_ADDR dev p-r1
EOF
    ip -n "$R1_NS" -batch - <<EOF
link set lo up
link add r1-r2 type veth peer name r2-r1 netns $R2_NS
link add r1-s type veth peer name s-r1 netns $S_NS
addr add $R1_P_ADDR/64 dev r1-p nodad
addr add $R1_ADDR/64 dev r1-r2 nodad
addr add $R1_S_ADDR/64 dev r1-s nodad
link set r1-p up
link set r1-r2 up
link set r1-s up
route add default via $R2_ADDR dev r1-r2
EOF
    ip -n "$R2_NS" -batch - <<EOF
link set lo up
link add r2-t mtu $MTU_LINK type veth peer name t-r2 mtu $MTU_LINK netns $T_NS
addr add $R2_ADDR/64 dev r2-r1 nodad
addr add $R2_T_ADDR/64 dev r2-t nodad
link set r2-r1 up
link set r2-t up
route add 2001:2::/64 via $R1_ADDR dev r2-r1
route add $TARGET_NET via $T_LINK_ADDR dev r2-t
route add unreachable $UNREACH_NET
route add prohibit $PROHIBIT_NET
route add blackhole $DROP_NET
EOF
    # address unreachable comes quickly and always the same way
    nsctl "$R2_NS" net.ipv6.neigh.r2-t.mcast_solicit=1 net.ipv6.neigh.r2-t.retrans_time_ms=200
    ip -n "$T_NS" -batch - <<EOF
link set lo up
addr add $T_LINK_ADDR/64 dev t-r2 nodad
link set t-r2 up
route add local $TARGET_NET dev lo
route add default via $R2_T_ADDR dev t-r2
EOF
    # the responder's link carries no kernel IPv6: nothing but packsmith answers
    nsctl "$S_NS" net.ipv6.conf.s-r1.disable_ipv6=1
    ip -n "$S_NS" -batch - <<EOF
link set lo up
link set s-r1 up
EOF
    write_hosts
    UP_OK=1
    trap - EXIT INT TERM HUP
    print_env
}

cmd_down() {
    set_names "$1"
    local ns
    for ns in "${ALL_NS[@]}"; do del_ns "$ns"; done
    return 0
}

cmd_check() {
    local why= ns=$PREFIX-chk$$-$RANDOM
    if [[ $(id -u) != 0 ]]; then
        why="not root (uid $(id -u)); the network lab needs root"
    elif ! command -v ip >/dev/null 2>&1; then
        why="iproute2 'ip' not found"
    elif ! ip netns add "$ns" 2>/dev/null; then
        why="'ip netns add' does not work here"
    else
        if ! ip -n "$ns" link add name chk0 type veth peer name chk1 2>/dev/null; then
            why="cannot create veth pairs in a network namespace"
        elif ! ( nsctl "$ns" net.ipv6.conf.all.disable_ipv6=0 net.ipv6.icmp.ratelimit=0 ) >/dev/null 2>&1; then
            why="IPv6 is not available in network namespaces"
        fi
        ip netns del "$ns" 2>/dev/null || true
    fi
    if [[ -n $why ]]; then
        echo "lab unavailable: $why"
        exit 77
    fi
    exit 0
}

cmd=${1:-}
shift || true
case $cmd in
    up) [[ $# -eq 1 ]] && valid_id "$1" || usage; cmd_up "$1" ;;
    down) [[ $# -eq 1 ]] && valid_id "$1" || usage; cmd_down "$1"; exit 0 ;;
    exec)
        [[ $# -ge 3 ]] && valid_id "$1" || usage
        set_names "$1"
        ns=$(node_ns "$2") || die "unknown node '$2' (prober|r1|r2|target|responder)"
        ns_exists "$ns" || die "lab $1 does not exist"
        shift 2
        exec ip netns exec "$ns" "$@"
        ;;
    check) cmd_check ;;
    *) usage ;;
esac
