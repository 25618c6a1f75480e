#!/usr/bin/env python3
# UDP to a closed port: the ICMP error quotes our datagram (as IPerror/UDPerror,
# so `UDP in r` is False and a UDP-reply check does not mistake it for one).
# args: TARGET_ADDR
# expect: dest-unreach port-unreachable from 198.19.0.1
# expect: quoted ports: 40000 -> 9
# expect: UDP in r: False, UDPerror in r: True, IPerror in r: True, haslayer(UDP): False
from scapy.all import *
import sys

r = sr1(IP(dst=sys.argv[1])/UDP(sport=40000, dport=9)/"hello", timeout=5, verbose=0)
print(r.sprintf("%ICMP.type% %ICMP.code% from %IP.src%"))
print("quoted ports: %d -> %d" % (r[UDPerror].sport, r[UDPerror].dport))
print("quoted destination:", r[IPerror].dst)
print("UDP in r: %s, UDPerror in r: %s, IPerror in r: %s, haslayer(UDP): %s" % (
    UDP in r, UDPerror in r, IPerror in r, bool(r.haslayer(UDP))))
