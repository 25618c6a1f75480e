#!/usr/bin/env python3
# Traceroute by TTL with UDP probes, stopping at the port unreachable.
# args: TARGET_ADDR
# expect: 1 198.18.0.254
# expect: 2 198.18.1.2
# expect: 3 198.19.0.1 (destination reached)
from scapy.all import *
import sys

dst = sys.argv[1]
for ttl in range(1, 16):
    pkt = IP(dst=dst, ttl=ttl) / UDP(dport=33434 + ttl)
    reply = sr1(pkt, verbose=0, timeout=5)
    if reply is None:
        print("%d *" % ttl)
    elif reply.type == 3:
        print("%d %s (destination reached)" % (ttl, reply.src))
        break
    else:
        print("%d %s" % (ttl, reply.src))
