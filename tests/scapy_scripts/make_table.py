#!/usr/bin/env python3
# Scapy's multi-target traceroute table.
# args: 198.19.0.1 198.19.0.2
# expect: 3 198.19.0.1   198.19.0.2
from scapy.all import *

ans, unans = sr(IP(dst=["198.19.0.1", "198.19.0.2"], ttl=(1, 3))/ICMP(), timeout=5, verbose=0)
ans.make_table(lambda s, r: (s.dst, s.ttl, r.src))
