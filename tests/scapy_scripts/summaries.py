#!/usr/bin/env python3
# Result lists: summary with a lambda, nsummary, filter, indexing, truthiness.
# args: TARGET_ADDR
# expect: 198.19.0.1 replied to seq 1
# expect: 3 answers, 3 echo replies
# expect: first answer src 198.19.0.1
from scapy.all import *
import sys

ans, unans = sr(IP(dst=sys.argv[1])/ICMP(id=9, seq=(1, 3)), timeout=5, verbose=0)
if not ans:
    print("nothing")
ans = sorted(ans, key=lambda p: p[0][ICMP].seq)
for s, r in ans:
    print(r.sprintf("%IP.src% replied to seq ") + str(s[ICMP].seq))
replies = [r for s, r in ans if r[ICMP].type == 0]
print("%d answers, %d echo replies" % (len(ans), len(replies)))
print("first answer src", ans[0][1][IP].src)
