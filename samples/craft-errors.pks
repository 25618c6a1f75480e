#!/usr/bin/env -S packsmith run
# Crafts the classic ICMP errors as a router would send them back to a prober,
# quoting the offending datagram, and shows how packsmith dissects them.
prober, target, router = "198.18.0.1", "198.19.0.1", "198.18.255.2"

probe_udp = IP(src=prober, dst=target, ttl=1)/UDP(sport=40000, dport=33434)
probe_df = IP(src=prober, dst=target, flags="DF", len=1200)/ICMP(id=0x4242, seq=1)

errors = [
    ("host unreachable", ICMP(type="dest-unreach", code="host-unreachable"), probe_udp),
    ("admin prohibited", ICMP(type=3, code="communication-prohibited"), probe_udp),
    ("port unreachable", ICMP(type=3, code=3), probe_udp),
    ("fragmentation needed", ICMP(type=3, code=4, nexthopmtu=1000), probe_df),
    ("TTL exceeded", ICMP(type="time-exceeded", code=0), probe_udp),
]
for name, icmp, quoted in errors:
    reply = IP(src=router, dst=prober)/icmp/quoted
    wire = bytes(reply)
    back = IP(wire)
    print(f"{name:22} {len(wire):3} bytes  {back.summary()}")
    print("   answers its probe:", back.answers(quoted), "| quoted dst:", back[IPerror].dst)

print()
IP(bytes(IP(src=router, dst=prober)/ICMP(type=3, code=4, nexthopmtu=1000)/probe_df)).show()
