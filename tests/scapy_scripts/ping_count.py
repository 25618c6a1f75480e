#!/usr/bin/env python3
# ping -c 3 the Scapy way, with loss percentage.
# args: TARGET_ADDR DROP_ADDR
# expect: Reply from 198.19.0.1: icmp_seq=2 ttl=62
# expect: 198.19.0.1: 3 sent, 3 received, 0.0% loss
# expect: 198.18.13.1: 3 sent, 0 received, 100.0% loss
import sys
from scapy.all import IP, ICMP, sr1

def ping(host, count=3):
    received = 0
    for seq in range(1, count + 1):
        pkt = IP(dst=host)/ICMP(id=0x4242, seq=seq)/("X" * 32)
        reply = sr1(pkt, timeout=5, verbose=0)
        if reply:
            received += 1
            print("Reply from %s: icmp_seq=%d ttl=%d" % (reply[IP].src, reply[ICMP].seq, reply[IP].ttl))
    loss = 100.0 * (count - received) / count
    print("%s: %d sent, %d received, %.1f%% loss" % (host, count, received, loss))

for h in sys.argv[1:]:
    ping(h)
