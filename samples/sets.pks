#!/usr/bin/env -S packsmith run
# Implicit packet sets: ranges, lists and networks expand lazily, in Scapy's order.
trace = IP(dst="198.19.0.1", ttl=(1, 4))/UDP(sport=40000, dport=(33434, 33435))
print(len(list(trace)), "traceroute probes:")
for p in trace:
    print("  ", p.summary(), "ttl", p.ttl)

# a /8 is 16,777,216 packets; iterating builds them one at a time
sweep = IP(dst="198.0.0.0/8")/ICMP()
for i, p in enumerate(sweep):
    print("  sweep packet", i, "->", p.dst)
    if i == 2:
        break
