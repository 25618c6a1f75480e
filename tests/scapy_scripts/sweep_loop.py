#!/usr/bin/env python3
# Ping sweep of a small subnet, one host at a time (ipaddress module).
# args: 198.19.5.0/29
# expect: 198.19.5.1 is alive
# expect: 6 hosts alive
import ipaddress
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import *

network = ipaddress.ip_network(sys.argv[1])
alive = []
for host in network.hosts():
    resp = sr1(IP(dst=str(host))/ICMP(), timeout=5, verbose=0)
    if resp is not None and resp.haslayer(ICMP) and resp[ICMP].type == 0:
        print(f"{host} is alive")
        alive.append(str(host))
print(f"{len(alive)} hosts alive")
