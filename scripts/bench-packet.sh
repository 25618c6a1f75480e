#!/usr/bin/env bash
# Build/dissect throughput and start-up time, packsmith vs Scapy in the same run.
# Prints a markdown table for the README's performance section.
# Usage: scripts/bench-packet.sh        (Scapy and hyperfine are optional)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo bench --bench packet -- --warm-up-time 1 --measurement-time 3 >/dev/null 2>&1
mean_ns() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['mean']['point_estimate'])" "target/criterion/${2:-ip_icmp_8}/$1/new/estimates.json"; }
ps_build=$(mean_ns construct_and_build)
ps_build_only=$(mean_ns build)
ps_dissect=$(mean_ns dissect)
ps_build6=$(mean_ns construct_and_build ipv6_icmpv6_8)
ps_dissect6=$(mean_ns dissect ipv6_icmpv6_8)

scapy_build="" scapy_dissect="" scapy_build6="" scapy_dissect6=""
if python3 -c 'import scapy' 2>/dev/null; then
  read -r scapy_build scapy_dissect scapy_build6 scapy_dissect6 < <(python3 - <<'PY'
import timeit, logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import IP, ICMP, IPv6, ICMPv6EchoRequest
mk = lambda: bytes(IP(src="198.18.0.1", dst="198.19.0.1")/ICMP(id=0x1234, seq=7)/b"12345678")
mk6 = lambda: bytes(IPv6(src="2001:2::1", dst="2001:2:0:100::1")/ICMPv6EchoRequest(id=0x1234, seq=7, data=b"12345678"))
raw, raw6 = mk(), mk6()
n = 3000
b = timeit.timeit(mk, number=n) / n * 1e9
d = timeit.timeit(lambda: IP(raw), number=n) / n * 1e9
b6 = timeit.timeit(mk6, number=n) / n * 1e9
d6 = timeit.timeit(lambda: IPv6(raw6), number=n) / n * 1e9
print(b, d, b6, d6)
PY
)
fi

cargo build --release --quiet
startup_ps="" startup_scapy=""
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs 50 --export-json /tmp/ps-startup.json "target/release/packsmith -c pass" >/dev/null 2>&1
  startup_ps=$(python3 -c "import json; print(json.load(open('/tmp/ps-startup.json'))['results'][0]['mean']*1000)")
  if python3 -c 'import scapy' 2>/dev/null; then
    hyperfine -N --warmup 1 --runs 5 --export-json /tmp/scapy-startup.json "python3 -c 'import scapy.all'" >/dev/null 2>&1
    startup_scapy=$(python3 -c "import json; print(json.load(open('/tmp/scapy-startup.json'))['results'][0]['mean']*1000)")
  fi
fi

python3 - "$ps_build" "$ps_build_only" "$ps_dissect" "$scapy_build" "$scapy_dissect" "$startup_ps" "$startup_scapy" "$ps_build6" "$ps_dissect6" "$scapy_build6" "$scapy_dissect6" <<'PY'
import sys
pb, pbo, pd, sb, sd, ups, usc, pb6, pd6, sb6, sd6 = (float(x) if x else None for x in sys.argv[1:])
rate = lambda ns: f"{1e9/ns:,.0f}/s"
ratio = lambda a, b: f"{b/a:,.0f}x" if a and b else "n/a"
print("| operation | packsmith | Scapy 2.8 | ratio |")
print("|---|---|---|---|")
print(f"| construct + build IP/ICMP/8 B | {rate(pb)} | {rate(sb) if sb else 'n/a'} | {ratio(pb, sb)} |")
print(f"| build only (constructed packet) | {rate(pbo)} | | |")
print(f"| dissect IP/ICMP/8 B | {rate(pd)} | {rate(sd) if sd else 'n/a'} | {ratio(pd, sd)} |")
print(f"| construct + build IPv6/ICMPv6 echo/8 B | {rate(pb6)} | {rate(sb6) if sb6 else 'n/a'} | {ratio(pb6, sb6)} |")
print(f"| dissect IPv6/ICMPv6 echo/8 B | {rate(pd6)} | {rate(sd6) if sd6 else 'n/a'} | {ratio(pd6, sd6)} |")
if ups:
    print(f"| start-up (`-c pass` / `import scapy.all`) | {ups:.1f} ms | {f'{usc:.0f} ms' if usc else 'n/a'} | {ratio(ups, usc)} |")
PY
