#!/usr/bin/env -S packsmith run
# Destination unreachable, port unreachable (3/3): UDP to a closed port on the
# lab's target; the target's kernel answers, quoting our datagram.
# Usage: packsmith run samples/icmp-port-unreachable.pks [TARGET] [OUT.pcap]
# Made in the prober namespace of scripts/lab.sh by scripts/make-samples.sh.
import sys
target = sys.argv[1] if len(sys.argv) > 1 else "198.19.0.1"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-port-unreachable.pcap"

ans, unans = sr(IP(dst=target)/UDP(sport=40000, dport=33434)/"packsmith", timeout=2)
if not ans:
    print("no answer for", target)
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary())
    print("got: ", r.summary())
    print("  %s %s from %s, quoting UDP %d -> %d" % (r.sprintf("%ICMP.type%"), r.sprintf("%ICMP.code%"), r[IP].src, r[UDPerror].sport, r[UDPerror].dport))
wrpcap(out, ans)
print("wrote", out)
