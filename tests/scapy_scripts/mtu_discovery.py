#!/usr/bin/env python3
# Path MTU discovery with DF set: shrink until it passes, trust the
# next-hop MTU the router reports.
# args: 198.19.7.7
# expect: 1400 bytes: too big, next-hop MTU 1000
# expect: path MTU is 1000
from scapy.all import *
import sys

dst = sys.argv[1]
size = 1400
while size > 576:
    pkt = IP(dst=dst, flags="DF")/ICMP()/Raw(load="A" * (size - 28))
    r = sr1(pkt, timeout=5, verbose=0)
    if r is None:
        print("%d bytes: no answer" % size)
        break
    if r.haslayer(ICMP) and r[ICMP].type == 3 and r[ICMP].code == 4:
        mtu = r[ICMP].nexthopmtu
        print("%d bytes: too big, next-hop MTU %d" % (size, mtu))
        size = mtu
        continue
    print("path MTU is %d" % size)
    break
