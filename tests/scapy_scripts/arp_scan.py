#!/usr/bin/env python3
# ARP scan of the local segment with srp().
# args: 198.18.0.248/29 PROBER_IF
# expect: 198.18.0.254 02:00:c6:12:00:fe
from scapy.all import srp, Ether, ARP, conf
import sys

conf.verb = 0
ans, unans = srp(Ether(dst="ff:ff:ff:ff:ff:ff")/ARP(pdst=sys.argv[1]), iface=sys.argv[2], timeout=5)
for snd, rcv in ans:
    print(rcv.sprintf("%ARP.psrc% %ARP.hwsrc%"))
print("%d of %d answered" % (len(ans), len(ans) + len(unans)))
