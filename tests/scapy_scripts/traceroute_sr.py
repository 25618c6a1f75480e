#!/usr/bin/env python3
# All TTLs at once with sr(), then a table of hops.
# args: TARGET_ADDR
# expect: 1 198.18.0.254 11
# expect: 3 198.19.0.1 0
from scapy.all import *
import sys

ans, unans = sr(IP(dst=sys.argv[1], ttl=(1, 4))/ICMP(), timeout=5, verbose=0)
hops = {}
for snd, rcv in ans:
    hops[snd.ttl] = (rcv.src, rcv[ICMP].type)
for ttl in sorted(hops):
    src, t = hops[ttl]
    print(ttl, src, t)
