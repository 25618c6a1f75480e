#!/usr/bin/env python3
# ICMP timestamp request (type 13) and the reply's three timestamps.
# args: TARGET_ADDR
# expect: timestamp-reply from 198.19.0.1
# expect: originate echoed: True
# expect: receive <= transmit: True
from scapy.all import *
import sys, time

now_ms = int((time.time() % 86400) * 1000)
req = IP(dst=sys.argv[1])/ICMP(type=13, id=1, seq=1, ts_ori=now_ms, ts_rx=0, ts_tx=0)
rep = sr1(req, timeout=5, verbose=0)
if rep is None:
    print("no reply")
else:
    print(rep.sprintf("%ICMP.type% from %IP.src%"))
    print("originate echoed:", rep[ICMP].ts_ori == now_ms)
    print("receive <= transmit:", rep[ICMP].ts_rx <= rep[ICMP].ts_tx)
    skew = rep[ICMP].ts_rx - now_ms
    print("clock skew small:", abs(skew) < 5000)
