#!/usr/bin/env -S packsmith run
# Destination unreachable, communication administratively prohibited (3/13):
# router2 of the lab rejects 198.18.15.0/24 with nft
# "reject with icmp type admin-prohibited".
# Usage: packsmith run samples/icmp-admin-prohibited.pks [TARGET] [OUT.pcap]
# Made in the prober namespace of scripts/lab.sh by scripts/make-samples.sh.
import sys
target = sys.argv[1] if len(sys.argv) > 1 else "198.18.15.1"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-admin-prohibited.pcap"

ans, unans = sr(IP(dst=target)/ICMP(id=0x5053, seq=1)/"packsmith", timeout=2)
if not ans:
    print("no answer for", target)
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary())
    print("got: ", r.summary())
    print("  %s %s from %s, quoting %s > %s" % (r.sprintf("%ICMP.type%"), r.sprintf("%ICMP.code%"), r[IP].src, r[IPerror].src, r[IPerror].dst))
wrpcap(out, ans)
print("wrote", out)
