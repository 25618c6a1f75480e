#!/usr/bin/env python3
# A single ping: is the host up?
# args: TARGET_ADDR
# expect: 198.19.0.1 is up, ttl 62
from scapy.all import *
import sys

conf.verb = 0
target = sys.argv[1]
reply = sr1(IP(dst=target)/ICMP(), timeout=5)
if reply is None:
    print(target, "is down")
else:
    print(target, "is up, ttl", reply.ttl)
