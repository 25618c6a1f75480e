#!/usr/bin/env -S packsmith run
# ICMP timestamp (13/14) and address mask (17/18) layouts, with checksums
# filled in (show2) and the raw bytes.
ts = IP(src="198.18.0.1", dst="198.19.0.1")/ICMP(type="timestamp-request", id=7, seq=1, ts_ori="12:00:00.250", ts_rx=0, ts_tx=0)
ts.show2()
hexdump(ts)
mask = IP(src="198.19.0.1", dst="198.18.0.1")/ICMP(type="address-mask-reply", id=7, seq=1, addr_mask="255.255.0.0")
print(mask.summary(), "mask", mask[ICMP].addr_mask)
print("reply answers request:", (IP(src="198.19.0.1", dst="198.18.0.1")/ICMP(type=14, id=7, seq=1)).answers(ts))
