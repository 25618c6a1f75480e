#!/usr/bin/env python3
"""Generates extra reference vectors with the real Scapy (the oracle), in the
format of ../shared/vectors: build (expr, hex, summary) and sets (expr, count,
hexes). Usage: scripts/gen-vectors.py tests/vectors/extra_build.tsv tests/vectors/extra_sets.tsv
Every machine-dependent field is set explicitly."""
import sys
from scapy.all import *

S = 'src="198.18.0.1", dst="198.18.1.2"'
B = [
    f'IP({S})/ICMP(type={t})' for t in [x for x in range(0, 45) if x not in (13, 14)] + [253, 254, 255]
] + [
    f'IP({S})/ICMP(type={t}, ts_ori=0, ts_rx=86399999, ts_tx=5)' for t in (13, 14)
] + [
    f'IP({S})/ICMP(type=3, code={c})' for c in range(0, 17)
] + [
    f'IP({S})/ICMP(type=5, code={c}, gw="198.18.9.9")' for c in range(0, 4)
] + [
    f'IP({S})/ICMP(type=11, code=1)',
    f'IP({S})/ICMP(type=12, code=0, ptr=20)',
    f'IP({S})/ICMP(type=12, code=2, ptr=1, length=5)',
    f'IP({S})/ICMP(type=3, code=4, nexthopmtu=1500, length=7)',
    f'IP({S})/ICMP(type=3, code=3, reserved=1)',
    f'IP({S})/ICMP(type=11, unused=7)',
    f'IP({S})/ICMP(type=4, unused=0x01020304)',
    f'IP({S})/ICMP(type="source-quench")',
    f'IP({S})/ICMP(type="parameter-problem", code="required-option-missing")',
    f'IP({S})/ICMP(type="timestamp-reply", id=1, seq=2, ts_ori=1000, ts_rx=2000, ts_tx=3000)',
    f'IP({S})/ICMP(type=13, ts_ori="12:34:56.789", ts_rx=0, ts_tx=0)',
    f'IP({S})/ICMP(type="address-mask-request", id=0xffff, seq=0xffff)',
    f'IP({S})/ICMP(type=17, addr_mask="255.255.0.0")',
    f'IP({S})/ICMP(type="information-request", id=1)',
    f'IP({S})/ICMP(type=0, id=1, seq=1)/("x"*56)',
    f'IP({S})/ICMP(type=8, code=1)',
    f'IP({S})/ICMP(chksum=0)',
    f'IP({S})/ICMP(type=37, id=1, seq=2)',
    f'IP({S})/ICMP(type=38)',
    f'IP({S})/ICMP(type="echo-reply", id=0xabcd, seq=0x1234)/Raw(load=b"\\xde\\xad\\xbe\\xef")',
    f'IP({S})/ICMP(type=3, code=1)/IP(src="198.18.1.2", dst="198.19.0.1")/ICMP(id=5, seq=9)',
    f'IP({S})/ICMP(type=3, code=13)/IP(src="198.18.1.2", dst="198.19.0.1")/UDP(sport=1234, dport=53)',
    f'IP({S})/ICMP(type=3, code=3)/IP(src="198.18.1.2", dst="198.19.0.1")/TCP(sport=1234, dport=80, seq=1)',
    f'IP({S})/ICMP(type=11)/IP(src="198.18.1.2", dst="198.19.0.1", ttl=1)/UDP(sport=33434, dport=33435)/("z"*8)',
    f'IP({S})/ICMP(type=12, ptr=8)/IP(src="198.18.1.2", dst="198.19.0.1")/ICMP()',
    f'IP({S})/ICMP(type=4)/IP(src="198.18.1.2", dst="198.19.0.1")/UDP()',
    f'IP({S})/ICMP(type=5, gw="198.18.0.254")/IP(src="198.18.1.2", dst="198.19.0.1")/ICMP()',
    f'IP({S}, ttl=0)',
    f'IP({S}, ttl=1, id=65535, tos=0xff)',
    f'IP({S}, flags="DF+MF")',
    f'IP({S}, flags=7, frag=8191)',
    f'IP({S}, flags="evil")',
    f'IP({S}, ihl=6)',
    f'IP({S}, ihl=15)/ICMP()',
    f'IP({S}, len=20)/ICMP()',
    f'IP({S}, len=1500)/UDP()',
    f'IP({S}, len=10)/TCP()',
    f'IP({S}, proto="tcp")',
    f'IP({S}, proto="icmp")/UDP()',
    f'IP({S}, proto=1)/TCP()',
    f'IP({S}, version=6)',
    f'IP({S}, version=0, ihl=0)',
    f'IP({S}, chksum=0)/UDP(chksum=0xffff)',
    f'IP({S})/IP(src="198.18.2.2", dst="198.18.3.3")/ICMP()',
    f'IP({S})/IP(src="198.18.2.2", dst="198.18.3.3", proto=17)/("x"*3)',
    f'IP({S}, options=[IPOption_RR()])/ICMP()',
    f'IP({S}, options=[IPOption_RR(routers=["198.18.0.1", "198.18.0.2"])])/ICMP()',
    f'IP({S}, options=[IPOption_RR(length=39)])/ICMP()',
    f'IP({S}, options=[IPOption_SSRR(routers=["198.18.5.5"], pointer=8)])/ICMP()',
    f'IP({S}, options=[IPOption_LSRR(routers=["198.18.5.5", "198.18.6.6"])])/UDP()',
    f'IP({S}, options=[IPOption_SSRR(routers=["198.18.5.5"])])/TCP()',
    f'IP({S}, options=[IPOption_Timestamp()])/ICMP()',
    f'IP({S}, options=[IPOption_Timestamp(flg=0, timestamp=12345)])/ICMP()',
    f'IP({S}, options=[IPOption_Timestamp(flg=1, internet_address="198.18.0.9", timestamp=7)])',
    f'IP({S}, options=[IPOption_Router_Alert()])/ICMP()',
    f'IP({S}, options=[IPOption_Router_Alert(alert=5)])',
    f'IP({S}, options=[IPOption_NOP()])',
    f'IP({S}, options=[IPOption_EOL()])',
    f'IP({S}, options=[IPOption_NOP(), IPOption_RR(routers=["198.18.0.7"]), IPOption_EOL()])/ICMP()',
    f'IP({S}, options=[IPOption(option=30, value=b"ab")])/ICMP()',
    f'IP({S}, options=[IPOption(copy_flag=1, optclass=2, option=25, value=b"\\x01\\x02\\x03\\x04\\x05\\x06")])',
    f'IP({S}, options=[IPOption_MTU_Probe(mtu=1500)])',
    f'IP({S}, options=[IPOption_Traceroute(id=1, outbound_hops=2, return_hops=3, originator_ip="198.18.0.1")])',
    f'IP({S}, options=[IPOption_Stream_Id(security=42)])',
    f'IP({S})/UDP(sport=0, dport=0)',
    f'IP({S})/UDP(sport=65535, dport=65535)/("a"*100)',
    f'IP({S})/UDP(len=100)',
    f'IP({S})/UDP(len=4)/("abc")',
    f'IP({S})/UDP(sport="domain", dport="ntp")',
    f'IP({S})/UDP(dport=33434)/Raw(load=b"")',
    f'IP({S})/UDP()/UDP()',
    f'IP({S})/UDP(dport=123)/("\\x00"*48)',
    f'IP({S})/TCP(sport=1234, dport=5678, seq=0xdeadbeef, ack=0x12345678)',
    f'IP({S})/TCP(flags=0)',
    f'IP({S})/TCP(flags="SA")',
    f'IP({S})/TCP(flags="FA")',
    f'IP({S})/TCP(flags="N")',
    f'IP({S})/TCP(flags=["S", "A"])',
    f'IP({S}, flags=["DF", "MF"])/ICMP()',
    f'IP({S})/TCP(flags=0x1ff)',
    f'IP({S})/TCP(flags="PA", urgptr=7)/("GET / HTTP/1.0\\r\\n\\r\\n")',
    f'IP({S})/TCP(window=0, reserved=5)',
    f'IP({S})/TCP(dataofs=15)',
    f'IP({S})/TCP(dataofs=4)',
    f'IP({S})/TCP(options=[("MSS", 1460)])',
    f'IP({S})/TCP(options=[("MSS", 1460), ("NOP", None), ("WScale", 7), ("SAckOK", b""), ("Timestamp", (1, 2))])',
    f'IP({S})/TCP(options=[("SAck", (1, 2, 3, 4))])',
    f'IP({S})/TCP(options=[("NOP", None), ("NOP", None), ("EOL", None)])',
    f'IP({S})/TCP(options=[("WScale", 14)])',
    f'IP({S})/TCP(options=[("SAckOK", b"")])',
    f'IP({S})/TCP(options=[(99, b"\\x01\\x02")])',
    f'IP({S})/TCP(options=[("Timestamp", (4294967295, 0))])',
    f'IP({S})/TCP(options=[("UTO", 300)])',
    f'IP({S})/TCP(options=[("MSS", 536), ("EOL", None)])',
    f'IP({S})/TCP(sport="ssh", dport="https")',
    f'IP({S})/TCP(chksum=0x1234)/("x")',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x86dd)/("x"*40)',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type="ARP")',
    'Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(hwsrc="02:00:00:00:00:01", psrc="198.18.0.1", pdst="198.18.0.2", hwdst="ff:ff:ff:ff:ff:ff")',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/ARP(op=2, hwsrc="02:00:00:00:00:01", psrc="198.18.0.1", hwdst="02:00:00:00:00:02", pdst="198.18.0.2")',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/ARP(op=3, hwsrc="02:00:00:00:00:01", psrc="198.18.0.1", pdst="198.18.0.2")',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/ARP(op="RARP-req", hwsrc="02:00:00:00:00:01", psrc="0.0.0.0", pdst="0.0.0.0")',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/ARP(hwsrc="02:00:00:00:00:01", psrc="198.18.0.1", pdst="198.18.0.2", hwlen=6, plen=4)',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.1.2", ttl=1)/UDP(sport=33434, dport=33434)',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.1.2")/ICMP(type=13, ts_ori=1, ts_rx=2, ts_tx=3)',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.1.2")/TCP(flags="S", options=[("MSS", 1460)])',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.1.2")/ICMP()/Padding(load=b"\\x00"*18)',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/Padding(load=b"\\x00"*4)',
    f'IP({S})/ICMP()/Padding(load=b"pad")',
    f'IP({S})/UDP()/Raw(load=b"abc")/Padding(load=b"\\xff\\xff")',
    f'IP({S})/Raw(load=bytes(range(256)))',
    f'IP({S})/("A"*1000)',
    f'IP({S})/ICMP()/("B"*1472)',
    'IP(src="255.255.255.255", dst="0.0.0.0")/UDP(sport=68, dport=67)',
    'IP(src="198.19.255.255", dst="198.19.0.0")/TCP(sport=65535, dport=1)',
    'Raw(load=b"\\x01\\x02\\x03")',
    'ICMP()',
    'ICMP(type=3, code=3)/IP(src="198.18.1.2", dst="198.19.0.1")/UDP()',
    'UDP(sport=1, dport=2)/("x"*4)',
    'TCP(sport=1, dport=2)',
]
SETS = [
    f'IP({S}, ttl=(1, 3))/ICMP(seq=(1, 2))',
    f'IP({S}, ttl=[5, 10, 15])/UDP(dport=(33434, 33435))',
    f'IP({S}, tos=(0, 8, 4))',
    f'IP({S}, id=[1, (5, 7)])',
    'IP(src="198.18.0.1", dst=["198.18.0.0/31", "198.19.0.1"])/ICMP()',
    'IP(src="198.18.0.1", dst=("198.18.0.1", "198.18.0.3"))/ICMP()',
    'IP(src="198.18.0.0/31", dst="198.18.1.0/31")/ICMP()',
    'IP(dst="198.18.1.0/31", src="198.18.0.0/31")/ICMP()',
    f'IP({S})/ICMP(type=[0, 8], code=[0, 1])',
    f'IP({S})/ICMP(code=[0, 1], type=[0, 8])',
    f'IP({S})/ICMP(type=(3, 5), code=(0, 1))',
    f'IP({S})/TCP(dport=[22, 80, 443], sport=(1024, 1025))',
    f'IP({S}, ttl=(3, 1))',
    f'IP({S}, ttl=[64])/ICMP()',
    f'IP({S}, frag=(0, 2))/ICMP()',
    'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/ARP(hwsrc="02:00:00:00:00:01", psrc="198.18.0.1", pdst="198.18.0.0/30")',
    'Ether(src="02:00:00:00:00:01", dst=["02:00:00:00:00:02", "02:00:00:00:00:03"])/IP(src="198.18.0.1", dst="198.18.1.2", ttl=(1, 2))',
    f'IP({S})/UDP(sport=[1, 2], dport=[3, 4])/Raw(load=["a", "bb"])',
    'IP(src="198.18.0.1", dst="198.18.0.0/29", ttl=(1, 2))/ICMP(id=(1, 2))',
    f'IP({S})/ICMP(type=13, ts_ori=(1, 3), ts_rx=0, ts_tx=0)',
    f'IP({S})/ICMP(type=["echo-request", "address-mask-request"], seq=(1, 2))',
    'IP(src="198.18.0.1", dst="198.19.0.0/24")/ICMP()',
]

def main(bout, sout):
    with open(bout, "w") as f:
        for e in B:
            p = eval(e)
            raw_bytes = bytes(p)
            summ = p.__class__(raw_bytes).summary()
            f.write(f"{e}\t{raw_bytes.hex()}\t{summ}\n")
    with open(sout, "w") as f:
        for e in SETS:
            l = [bytes(x).hex() for x in eval(e)]
            f.write(f"{e}\t{len(l)}\t{','.join(l)}\n")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
