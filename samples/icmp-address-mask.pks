#!/usr/bin/env -S packsmith run
# ICMP address mask request (17/0) and address mask reply (18/0). Linux never
# answers 17, so scripts/make-samples.sh runs packsmith's responder in the
# lab's target namespace first:
#   packsmith respond --iface t-r2 --addr 198.19.0.0/16 --types mask --count 1
# Usage: packsmith run samples/icmp-address-mask.pks [TARGET] [OUT.pcap]
import sys
target = sys.argv[1] if len(sys.argv) > 1 else "198.19.0.1"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-address-mask.pcap"

ans, unans = sr(IP(dst=target)/ICMP(type="address-mask-request", id=0x5053, seq=1, addr_mask="0.0.0.0"), timeout=2)
if not ans:
    print("no address mask reply from", target, "(is packsmith respond running there?)")
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary())
    print("got: ", r.summary())
    print("  mask", r[ICMP].addr_mask)
wrpcap(out, ans)
print("wrote", out)
