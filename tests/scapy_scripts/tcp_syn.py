#!/usr/bin/env python3
# TCP SYN probe of a few ports: SYN/ACK open, RST closed, an ICMP error (which
# quotes our SYN as TCPerror, not TCP) or silence filtered.
# args: TARGET_ADDR UNREACH_NFT_ADDR
# expect: 198.19.0.1 port 80: open
# expect: 198.19.0.1 port 81: closed
# expect: 198.18.14.1 port 80: filtered (ICMP 3/1, quoting port 80)
from scapy.all import *
import sys

target, rejected = sys.argv[1], sys.argv[2]
for dst, port in [(target, 80), (target, 81), (rejected, 80)]:
    resp = sr1(IP(dst=dst)/TCP(sport=RandShort(), dport=port, flags="S"), timeout=5, verbose=0)
    if resp is None:
        state = "filtered"
    elif TCP in resp:
        state = "open" if resp[TCP].flags & 0x12 == 0x12 else "closed"
    elif ICMP in resp:
        state = "filtered (ICMP %d/%d, quoting port %d)" % (
            resp[ICMP].type, resp[ICMP].code, resp[TCPerror].dport)
    else:
        state = "unknown"
    print("%s port %d: %s" % (dst, port, state))
