#!/usr/bin/env python3
# Which ICMP error does each kind of destination produce?
# args: UNREACH_NFT_ADDR PROHIBIT_NFT_ADDR NETUNREACH_ADDR DROP_ADDR
# expect: 198.18.14.1: dest-unreach host-unreachable
# expect: 198.18.15.1: dest-unreach communication-prohibited
# expect: 198.18.12.1: dest-unreach network-unreachable
# expect: 198.18.13.1: no answer
from scapy.all import *
import sys

for dst in sys.argv[1:]:
    r = sr1(IP(dst=dst)/ICMP(), timeout=5, verbose=0)
    if r is None:
        print("%s: no answer" % dst)
    else:
        print("%s: %s" % (dst, r.sprintf("%ICMP.type% %ICMP.code%")))
