#!/usr/bin/env -S packsmith run
# ICMP echo request (8/0) and echo reply (0/0).
# Usage: packsmith run samples/icmp-echo.pks [TARGET] [OUT.pcap]
# Made in the prober namespace of scripts/lab.sh by scripts/make-samples.sh;
# the default target is the lab's target host.
import sys
target = sys.argv[1] if len(sys.argv) > 1 else "198.19.0.1"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-echo.pcap"

ans, unans = sr(IP(dst=target)/ICMP(id=0x5053, seq=1)/"packsmith echo", timeout=2)
if not ans:
    print("no echo reply from", target)
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary())
    print("got: ", r.summary())
    print("  id=%d seq=%d ttl=%d payload=%r" % (r[ICMP].id, r[ICMP].seq, r[IP].ttl, r[Raw].load))
wrpcap(out, ans)
print("wrote", out)
