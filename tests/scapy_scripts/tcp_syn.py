#!/usr/bin/env python3
# TCP SYN probe of a few ports.
# args: TARGET_ADDR
# expect: port 80: open
# expect: port 81: closed
from scapy.all import *
import sys

target = sys.argv[1]
for port in [80, 81]:
    resp = sr1(IP(dst=target)/TCP(sport=RandShort(), dport=port, flags="S"), timeout=5, verbose=0)
    if resp is None:
        state = "filtered"
    elif resp.haslayer(TCP) and resp.getlayer(TCP).flags == 0x12:
        state = "open"
    elif resp.haslayer(TCP) and resp[TCP].flags & 0x04:
        state = "closed"
    else:
        state = "unknown"
    print("port %d: %s" % (port, state))
