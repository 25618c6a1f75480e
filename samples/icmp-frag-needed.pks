#!/usr/bin/env -S packsmith run
# Destination unreachable, fragmentation needed and DF set (3/4): a 1200-byte
# datagram with DF toward the lab's target crosses router2's MTU-1000 link, and
# router2 reports next-hop MTU 1000. scripts/make-samples.sh flushes the
# prober's cached PMTU first ("scripts/lab.sh flush ID").
# Usage: packsmith run samples/icmp-frag-needed.pks [TARGET] [OUT.pcap]
import sys
target = sys.argv[1] if len(sys.argv) > 1 else "198.19.4.4"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-frag-needed.pcap"

probe = IP(dst=target, flags="DF")/ICMP(id=0x5053, seq=1)/("x" * 1172)
print("probe is", len(bytes(probe)), "bytes, DF set")
ans, unans = sr(probe, timeout=2)
if not ans:
    print("no answer for", target)
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary())
    print("got: ", r.summary())
    print("  %s %s from %s, next-hop MTU %d" % (r.sprintf("%ICMP.type%"), r.sprintf("%ICMP.code%"), r[IP].src, r[ICMP].nexthopmtu))
wrpcap(out, ans)
print("wrote", out)
