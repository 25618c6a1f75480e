#!/usr/bin/env python3
# The classic sr() sweep with a summary lambda.
# args: 198.19.6.0/28 DROP_NET
# expect: 198.19.6.15 is alive
# expect: answered 16, unanswered 0
# expect: answered 0, unanswered 256
import sys
from scapy.all import *

conf.verb = 0
for net in sys.argv[1:]:
    ans, unans = sr(IP(dst=net)/ICMP(), timeout=5)
    ans = sorted(ans, key=lambda x: x[1].src.split(".")[-1].zfill(3))
    for s, r in ans:
        print(r.sprintf("%IP.src% is alive"))
    print("answered %d, unanswered %d" % (len(ans), len(unans)))
