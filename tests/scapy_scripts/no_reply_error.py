#!/usr/bin/env python3
# The classic mistake: reading a field of the None that sr1 returns.
# args: DROP_ADDR
# expect: no reply: 'NoneType' object has no attribute 'type'
from scapy.all import *
import sys

try:
    r = sr1(IP(dst=sys.argv[1])/ICMP(), timeout=5, verbose=0)
    print(r.type)
except AttributeError as e:
    print("no reply:", e)
else:
    print("unexpected")
finally:
    print("done")
