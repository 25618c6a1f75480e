//! IPv6 in the language and the model, without a lab: Scapy's import paths,
//! the `in6_*` helpers (values checked against Scapy 2.8), names through the
//! system resolver, IPv6 sets and random addresses, raw-IP captures that
//! tshark reads as IPv6, hostile bytes, and echo on the loopback (root).

use assert_cmd::Command;
use predicates::prelude::*;

fn ps() -> Command {
    let mut c = Command::cargo_bin("packsmith").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

fn run(code: &str) -> String {
    let o = ps().arg("-c").arg(code).output().expect("run");
    assert!(
        o.status.success(),
        "{code}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn scapy_inet6_import_paths() {
    let out = run(
        "from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest, IPerror6\n\
                   import scapy.layers.inet6 as i6\n\
                   from scapy.all import *\n\
                   print(i6.IPv6 is IPv6, (IPv6()/ICMPv6EchoRequest()).summary())",
    );
    assert_eq!(out, "True IPv6 / ICMPv6 Echo Request (id: 0x0 seq: 0x0)\n");
}

#[test]
fn in6_helpers_agree_with_scapy() {
    // the values Scapy 2.8 prints for the same calls
    let out = run("import socket\n\
        a = socket.inet_pton(socket.AF_INET6, '2001:2:0:1::2')\n\
        print(socket.inet_ntop(socket.AF_INET6, in6_getnsma(a)), in6_getnsmac(in6_getnsma(a)))\n\
        print(in6_ismaddr('ff02::1'), in6_isaddrllallnodes('ff02::1'), in6_isaddrllallservers('ff02::1'))\n\
        print(in6_islladdr('fe80::1'), in6_isgladdr('2001:2::1'), in6_isuladdr('fd00::1'), in6_isdocaddr('2001:db8::5'))\n\
        print(in6_isllsnmaddr('ff02::1:ff00:2'), in6_ismlladdr('ff02::fb'), in6_ismgladdr('ff0e::1'))\n\
        print(in6_ptop('2001:0002:0::0001'), in6_isincluded('2001:2::9', '2001:2::', 64), in6_isincluded('2001:3::9', '2001:2::', 64))");
    assert_eq!(
        out,
        "ff02::1:ff00:2 33:33:ff:00:00:02\nTrue True False\nTrue True True True\nTrue True True\n2001:2::1 True False\n"
    );
    // scapy.all's star import brings inet_pton/inet_ntop with it, as Scapy's does
    assert_eq!(
        run("from scapy.all import *\n\
             print(inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, '2001:2::1'))))"),
        "ff02::1:ff00:1\n"
    );
    ps().arg("-c")
        .arg("in6_getnsma('2001:2::1')")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("16 packed bytes"));
}

#[test]
fn host_names_resolve_through_the_system() {
    assert_eq!(run("print(IP(dst='localhost').dst)"), "127.0.0.1\n");
    assert_eq!(
        run("import socket\nprint(socket.gethostbyname('localhost'))"),
        "127.0.0.1\n"
    );
    ps().arg("-c")
        .arg("IP(dst='no-such-host.invalid')")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ValueError"));
}

#[test]
fn ipv6_sets_and_random_addresses() {
    // a /64 is 2^64 packets: counted, never expanded
    assert_eq!(
        run("print(len(IPv6(dst='2001:2::/120')/ICMPv6EchoRequest()))"),
        "48\n"
    );
    let out = run("p = IPv6(dst='2001:2::/126')\n\
                   print([q.dst for q in p])\n\
                   r = IPv6(dst=RandIP6('2001:2:0:7::/64'))\n\
                   print(all(in6_isincluded(IPv6(bytes(r)).dst, '2001:2:0:7::', 64) for _ in range(50)))\n\
                   print(IPv6(dst=RandIP6('2001:2::/64')).dst != IPv6(dst=RandIP6('2001:2::/64')).dst)");
    assert_eq!(
        out,
        "['2001:2::', '2001:2::1', '2001:2::2', '2001:2::3']\nTrue\nTrue\n"
    );
}

#[test]
fn hostile_ipv6_bytes_never_panic() {
    // truncated headers, lying lengths, option lists that run past the end
    let out = run("import random\n\
        random.seed(7)\n\
        base = bytes(IPv6(src='2001:2::1', dst='2001:2::2')/IPv6ExtHdrHopByHop(options=[RouterAlert(), Jumbo()])/IPv6ExtHdrRouting(addresses=['2001:2::7'])/IPv6ExtHdrFragment()/ICMPv6ND_NS(tgt='2001:2::2')/ICMPv6NDOptSrcLLAddr())\n\
        n = 0\n\
        for i in range(400):\n\
        \x20   b = list(base[:random.randrange(1, len(base) + 1)])\n\
        \x20   for _ in range(3):\n\
        \x20       if b:\n\
        \x20           b[random.randrange(len(b))] = random.randrange(256)\n\
        \x20   p = IPv6(bytes(b))\n\
        \x20   n += len(p.summary()) > 0 and bytes(p) == bytes(b)\n\
        print(n)");
    // every dissection rebuilds the bytes it came from
    assert_eq!(out, "400\n");
}

#[test]
fn truncated_option_lists_rebuild_as_they_came() {
    // found by the dissect fuzz target: an MLDv2 record claiming 8 bytes of
    // auxdata with 2 left was padded to 4 on rebuild, as IPv4 options are;
    // a Hop-by-Hop header cut inside its options likewise
    let out = run("p = IPv6(dst='ff02::16')/ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(dst='ff02::fb', auxdata=b'abcdefgh')])\n\
        h = IPv6(dst='2001:2::1')/IPv6ExtHdrHopByHop(options=[RouterAlert(), PadN(optdata=b'abcdefgh')])/UDP()\n\
        for b in (bytes(p), bytes(h)):\n\
        \x20   for cut in range(1, 12):\n\
        \x20       t = b[:-cut]\n\
        \x20       print(len(bytes(IPv6(t))) - len(t), end=' ')\n\
        print()");
    assert_eq!(out.trim(), ["0"; 22].join(" "));
}

#[test]
fn raw_ip_captures_carry_ipv6_for_tshark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("v6.pcap");
    let f = f.to_string_lossy().to_string();
    run(&format!(
        "wrpcap({f:?}, [IPv6(src='2001:2::1', dst='2001:2:0:1::2')/ICMPv6EchoRequest(id=1, seq=2), IP(src='198.18.0.1', dst='198.18.0.2')/ICMP()], linktype=101)"
    ));
    let o = ps().args(["read", &f]).output().expect("read");
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        text.contains("IPv6 / ICMPv6 Echo Request (id: 0x1 seq: 0x2)"),
        "{text}"
    );
    assert!(text.contains("IP / ICMP 198.18.0.1 > 198.18.0.2"), "{text}");
    if std::process::Command::new("tshark")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped the tshark half: tshark is not installed");
        return;
    }
    let t = std::process::Command::new("tshark")
        .args([
            "-n",
            "-r",
            &f,
            "-T",
            "fields",
            "-e",
            "ipv6.dst",
            "-e",
            "icmpv6.echo.sequence_number",
            "-e",
            "ip.dst",
        ])
        .output()
        .expect("tshark");
    assert_eq!(
        String::from_utf8_lossy(&t.stdout),
        "2001:2:0:1::2\t2\t\n\t\t198.18.0.2\n"
    );
}

#[test]
fn echo_on_the_ipv6_loopback() {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: raw sockets need root");
        return;
    }
    let out = run("r = sr1(IPv6(dst='::1')/ICMPv6EchoRequest(id=0x42, seq=3, data=b'six'), timeout=10, verbose=0)\n\
                   print(r[ICMPv6EchoReply].id, r[ICMPv6EchoReply].seq, r[ICMPv6EchoReply].data)\n\
                   r = sr1(IPv6(dst='::1')/UDP(sport=40001, dport=9), timeout=10, verbose=0)\n\
                   print(r.payload.type, r.payload.code, r[UDPerror].sport)");
    assert_eq!(out, "66 3 b'six'\n1 4 40001\n");
}

#[test]
fn messages_shorter_than_their_type_stay_raw_as_in_scapy() {
    // an NS cut at 20 of its 24 octets and an echo request at 6 of 8: what
    // Scapy 2.8 prints for the same bytes
    let out = run("print(IPv6(bytes.fromhex('6000000000183aff20010002000000000000000000000001200100020000000000000000000000028700189800000000200100020000000000000000')).summary())\n\
        print(IPv6(bytes.fromhex('6000000000083a40200100020000000000000000000000012001000200000000000000000000000280003fb40000')).summary())");
    assert_eq!(
        out,
        "2001:2::1 > 2001:2::2 (58) / Raw\n2001:2::1 > 2001:2::2 (58) / Raw\n"
    );
}
