#!/usr/bin/env python3
# Traceroute with ICMP echo; time-exceeded hops until the echo reply.
# args: TARGET_ADDR
# expect: hop 1: 198.18.0.254 time-exceeded
# expect: hop 3: 198.19.0.1 echo-reply
from scapy.all import *
import sys

target = sys.argv[1]
for i in range(1, 30):
    reply = sr1(IP(dst=target, ttl=i)/ICMP(id=7, seq=i), verbose=0, timeout=5)
    if reply is None:
        print("hop %d: *" % i)
        continue
    print("hop %d: %s %s" % (i, reply[IP].src, reply.sprintf("%ICMP.type%")))
    if reply[ICMP].type == 0:
        break
