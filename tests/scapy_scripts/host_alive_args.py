#!/usr/bin/env python3
# Host-alive check with argparse; exit status tells whether all are up.
# args: -t 5 TARGET_ADDR DROP_ADDR PROBER_GW
# expect: [UP]   198.19.0.1
# expect: [DOWN] 198.18.13.1
# expect: [UP]   198.18.0.254
# exit: 1
import argparse
import sys
from scapy.all import IP, ICMP, sr1

def main():
    parser = argparse.ArgumentParser(description="Check whether hosts answer ICMP echo")
    parser.add_argument("hosts", nargs="+", help="addresses to check")
    parser.add_argument("-t", "--timeout", type=float, default=5, help="seconds to wait")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    down = 0
    for h in args.hosts:
        r = sr1(IP(dst=h)/ICMP(), timeout=args.timeout, verbose=args.verbose)
        if r is None:
            print("[DOWN] %s" % h)
            down += 1
        else:
            print("[UP]   %s" % h)
    return 1 if down else 0

if __name__ == '__main__':
    sys.exit(main())
