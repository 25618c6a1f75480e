#!/usr/bin/env -S packsmith run
# ICMP timestamp request (13/0) and timestamp reply (14/0). Timestamps are
# milliseconds since midnight UTC (RFC 792).
# Usage: packsmith run samples/icmp-timestamp.pks [TARGET] [OUT.pcap]
# Made in the prober namespace of scripts/lab.sh by scripts/make-samples.sh;
# the default target is the lab's target host.
import sys
import time
target = sys.argv[1] if len(sys.argv) > 1 else "198.19.0.1"
out = sys.argv[2] if len(sys.argv) > 2 else "samples/icmp-timestamp.pcap"

now = int(time.time() % 86400 * 1000)
probe = IP(dst=target)/ICMP(type="timestamp-request", id=0x5053, seq=1, ts_ori=now, ts_rx=0, ts_tx=0)
ans, unans = sr(probe, timeout=2)
if not ans:
    print("no timestamp reply from", target)
    sys.exit(1)
for s, r in ans:
    print("sent:", s.summary())
    print("got: ", r.summary())
    t = r[ICMP]
    print("  originate=%d receive=%d transmit=%d (receive - originate = %d ms)" % (t.ts_ori, t.ts_rx, t.ts_tx, t.ts_rx - t.ts_ori))
wrpcap(out, ans)
print("wrote", out)
