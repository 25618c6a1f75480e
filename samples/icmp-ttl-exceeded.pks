#!/usr/bin/env -S packsmith run
# Time exceeded in transit (11/0): echo requests with ttl 1 and 2 expire at
# router1 and router2 of the lab, which answer with the quoted probe. Each
# probe's seq is its ttl, so each error matches exactly one probe.
# Usage: packsmith run samples/icmp-ttl-exceeded.pks [TARGET] [OUT.pcap]
# Made in the prober namespace of scripts/lab.sh by scripts/make-samples.sh.
import sys
target = sys.argv[1] if len(sys.argv) > 1 else "198.19.0.1"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-ttl-exceeded.pcap"

probes = [IP(dst=target, ttl=t)/ICMP(id=0x5053, seq=t)/"packsmith" for t in (1, 2)]
ans, unans = sr(probes, timeout=2)
if not ans:
    print("no answer for", target)
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary(), "ttl", s[IP].ttl)
    print("got: ", r.summary())
    print("  %s %s from %s, quoting seq %d" % (r.sprintf("%ICMP.type%"), r.sprintf("%ICMP.code%"), r[IP].src, r[ICMPerror].seq))
wrpcap(out, ans)
print("wrote", out)
