#!/usr/bin/env python3
# Offline crafting: struct, checksums, hexdump-free byte checks, ls-free field access.
# args:
# expect: checksum ok: True
# expect: ttl set: [1, 2, 3]
# expect: 45000054
import struct
from scapy.all import *

p = IP(src="198.18.0.1", dst="198.18.0.2")/ICMP(id=1, seq=1)/("x" * 56)
raw_bytes = raw(p)
print(raw_bytes[:4].hex())
ver_ihl, tos, total = struct.unpack("!BBH", raw_bytes[:4])
print("version", ver_ihl >> 4, "ihl", ver_ihl & 15, "len", total, len(p))

def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

print("checksum ok:", checksum(raw_bytes[:20]) == 0)
q = IP(raw_bytes)
print(q.summary())
print("ttl set:", [x.ttl for x in IP(dst="198.18.0.2", ttl=(1, 3))])
print(q[ICMP].id, q[ICMP].seq, len(q[Raw].load))
