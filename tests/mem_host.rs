//! The interpreter over an in-memory host (`net::fake::MemHost::lab()`): a
//! dual-stack link with a gateway that answers ARP and neighbour
//! solicitation and a Linux-like network behind it. Runs without root: the
//! same `sr`/`srp`/`conf.route` code paths as on a real machine, with the
//! host handed to the interpreter by the caller.

use packsmith::lang::{self, interp::Interp};
use packsmith::net::fake::MemHost;
use std::rc::Rc;

/// Runs `code` with the in-memory host; returns what it printed (`print`
/// is collected in a list rather than written to stdout).
fn run(code: &str) -> String {
    let mut interp = Interp::new(vec![], Rc::new(MemHost::lab()));
    let program = format!(
        "_out = []\ndef print(*a):\n    _out.append(' '.join(str(x) for x in a))\n{code}\nresult = ''.join(x + '\\n' for x in _out)\n"
    );
    if let Err(e) = lang::run_source(&mut interp, "<mem>", &program) {
        panic!("{code}\n{}", lang::render_error(&e, false));
    }
    match interp.globals.get("result") {
        Some(v) => v.as_str().map(String::from).unwrap_or_default(),
        None => String::new(),
    }
}

#[test]
fn sr_fills_sources_from_the_hosts_routes_for_both_families() {
    let out = run(r#"
r = sr1(IP(dst="198.19.0.1")/ICMP(id=5), timeout=5, verbose=0)
print(r[IP].src, r[IP].dst, r[ICMP].type)
r = sr1(IPv6(dst="2001:2:0:100::1")/ICMPv6EchoRequest(id=5, data=b"x"), timeout=5, verbose=0)
print(r[IPv6].src, r[IPv6].dst, r.payload.type, r.payload.data)
ans, unans = sr(IPv6(dst="2001:2:0:100::/124")/ICMPv6EchoRequest(), timeout=5, verbose=0)
print(len(ans), len(unans), sorted(set(r[IPv6].src for s, r in ans))[:2])
r = sr1(IPv6(dst="2001:2:0:100::1", hlim=1)/UDP(dport=33434), timeout=5, verbose=0)
print(r.summary())
"#);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "198.19.0.1 198.18.0.1 0");
    assert_eq!(lines[1], "2001:2:0:100::1 2001:2::1 129 b'x'");
    assert_eq!(lines[2], "16 0 ['2001:2:0:100::', '2001:2:0:100::1']");
    assert!(
        lines[3].contains("2001:2:0:1::2 > 2001:2::1") && lines[3].contains("ICMPv6TimeExceeded"),
        "{}",
        lines[3]
    );
}

#[test]
fn srp_resolves_the_gateway_by_arp_and_ndp() {
    let out = run(r#"
r = srp1(Ether()/IP(dst="198.19.0.1")/ICMP(), timeout=5, verbose=0)
print(r[Ether].src, r[Ether].dst, r[IP].src)
r = srp1(Ether()/IPv6(dst="2001:2:0:100::1")/ICMPv6EchoRequest(), timeout=5, verbose=0)
print(r[Ether].src, r[Ether].dst, r[IPv6].src)
"#);
    assert_eq!(
        out,
        "02:00:00:00:00:fe 02:00:00:00:00:01 198.19.0.1\n\
         02:00:00:00:00:fe 02:00:00:00:00:01 2001:2:0:100::1\n"
    );
}

#[test]
fn conf_route_and_route6_read_the_hosts_tables() {
    let out = run(r#"
print(conf.route.route("198.19.0.1"))
print(conf.route6.route("2001:2:0:100::1"))
print(conf.route6.route("2001:2::9"))
print(conf.route6.route("2001:2:0:10::1"))
t = repr(conf.route6)
print("2001:2::/64" in t, "::/0" in t, "198.18.0.0/24" in t)
try:
    conf.route6.route("198.19.0.1")
except ValueError as e:
    print("ValueError", e)
"#);
    assert_eq!(
        out,
        "('mem0', '198.18.0.1', '198.18.0.254')\n\
         ('mem0', '2001:2::1', '2001:2::fe')\n\
         ('mem0', '2001:2::1', '::')\n\
         (None, None, '::')\n\
         True True False\n\
         ValueError not an IPv6 address: 198.19.0.1\n"
    );
}

#[test]
fn a_reject_route_is_a_clear_error_and_the_interpreter_goes_on() {
    let out = run(r#"
try:
    sr1(IPv6(dst="2001:2:0:10::1")/ICMPv6EchoRequest(), timeout=1, verbose=0)
except Exception as e:
    print(type(e).__name__, e)
print(sweep("198.19.0.0/30", timeout=2))
"#);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("no route to 2001:2:0:10::1"), "{out}");
    assert!(
        lines.last().is_some_and(|l| l.contains("198.19.0.1")),
        "{out}"
    );
}

#[test]
fn an_interpreter_without_a_network_says_so() {
    let mut interp = Interp::new(vec![], Rc::new(packsmith::net::Offline));
    let e = lang::run_source(
        &mut interp,
        "<offline>",
        "sr1(IP(dst='198.18.0.1')/ICMP(), timeout=1)",
    )
    .err()
    .map(|e| lang::render_error(&e, false))
    .unwrap_or_default();
    assert!(e.contains("no network"), "{e}");
}

/// Lines a tool printed, collected from its sink.
fn collect() -> (
    packsmith::tools::Sink,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let l2 = lines.clone();
    let sink: packsmith::tools::Sink = std::sync::Arc::new(move |l: &str| {
        if let Ok(mut v) = l2.lock() {
            v.push(l.to_string());
        }
    });
    (sink, lines)
}

/// The CLI tools over the in-memory host, both families: the same engine,
/// sources and matching as on a machine, without root.
#[test]
fn ping_traceroute_and_sweep_over_the_in_memory_host() {
    use packsmith::tools::{ping, sweep, traceroute};
    use std::net::IpAddr;
    let host = MemHost::lab();
    for target in ["198.19.0.1", "2001:2:0:100::1"] {
        let ip: IpAddr = target.parse().expect("an address");
        let (sink, lines) = collect();
        let o = ping::Options {
            host: ip,
            count: Some(3),
            interval: 0.01,
            wait: 5.0,
            ..ping::Options::default()
        };
        let s = ping::run(&host, &o, sink).expect("ping runs");
        assert_eq!((s.transmitted, s.received, s.errors), (3, 3, 0), "{target}");
        let lines = lines.lock().expect("lines").clone();
        let replies: Vec<&String> = lines.iter().filter(|l| l.contains("icmp_seq=")).collect();
        assert_eq!(replies.len(), 3, "{lines:?}");
        assert!(
            replies[0].starts_with(&format!("64 bytes from {target}: icmp_seq=1 ")),
            "{lines:?}"
        );

        let (sink, _) = collect();
        let o = traceroute::Options {
            host: ip,
            queries: 1,
            wait: 5.0,
            packet_len: traceroute::default_packet_len(ip),
            ..traceroute::Options::default()
        };
        let hops = traceroute::run(&host, &o, sink).expect("traceroute runs");
        let froms: Vec<String> = hops
            .iter()
            .map(|(_, replies)| {
                replies
                    .iter()
                    .flatten()
                    .map(|r| r.from.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        let router = if ip.is_ipv4() {
            "198.18.255.2"
        } else {
            "2001:2:0:1::2"
        };
        assert_eq!(froms, [router, target], "{target}");
    }
    for (net, prefix) in [("198.19.0.0", 28), ("2001:2:0:100::", 124)] {
        let (sink, _) = collect();
        let o = sweep::Options {
            base: net.parse().expect("an address"),
            prefix,
            probe: sweep::Probe::Echo,
            rate: None,
            port: 80,
            timeout: 5.0,
            retry: 0,
            json: false,
            shard: None,
            exclude: Vec::new(),
            include: Vec::new(),
        };
        let s = sweep::run(&host, &o, sink).expect("sweep runs");
        assert_eq!((s.targets, s.alive), (16, 16), "{net}/{prefix}");
    }
}

/// Host names through the host's resolver, printed as iputils and
/// traceroute(8) print them: IPv4 headers the canonical name, IPv6 headers
/// the name as typed, replies and hops `name (address)` unless `-n`.
#[test]
fn tools_take_host_names_and_print_them_as_iputils() {
    use packsmith::net::names::Family;
    use packsmith::tools::{ping, resolve, traceroute};
    use std::net::IpAddr;
    let ip = |s: &str| s.parse::<IpAddr>().expect("an address");
    let host = MemHost::lab()
        .named(ip("198.19.0.1"), &["target.mem", "t4"])
        .named(ip("2001:2:0:100::1"), &["target6.mem", "t6"])
        .named(ip("198.18.255.2"), &["router.mem"]);
    let r = resolve(&host, "t6", Family::Any).expect("t6 resolves");
    assert_eq!(r.0, ip("2001:2:0:100::1"));
    assert!(resolve(&host, "t6", Family::V4)
        .expect_err("t6 has no IPv4 address")
        .to_string()
        .contains("t6: Address family for hostname not supported"));
    assert!(resolve(&host, "nosuch.mem", Family::Any)
        .expect_err("unknown")
        .to_string()
        .contains("nosuch.mem: Name or service not known"));

    let ping_lines = |name: &str, numeric: bool| {
        let (addr, hn) = resolve(&host, name, Family::Any).expect("resolves");
        let (sink, lines) = collect();
        let o = ping::Options {
            host: addr,
            name: hn,
            numeric,
            count: Some(1),
            interval: 0.01,
            wait: 5.0,
            ..ping::Options::default()
        };
        ping::run(&host, &o, sink).expect("ping runs");
        let v = lines.lock().expect("lines").clone();
        v
    };
    let v = ping_lines("t4", false);
    assert_eq!(v[0], "PING target.mem (198.19.0.1) 56(84) bytes of data.");
    assert!(
        v[1].starts_with("64 bytes from target.mem (198.19.0.1): icmp_seq=1 "),
        "{v:?}"
    );
    assert_eq!(v[3], "--- target.mem ping statistics ---");
    let v = ping_lines("t6", false);
    assert_eq!(v[0], "PING t6(target6.mem (2001:2:0:100::1)) 56 data bytes");
    assert!(
        v[1].starts_with("64 bytes from target6.mem (2001:2:0:100::1): icmp_seq=1 "),
        "{v:?}"
    );
    assert_eq!(v[3], "--- t6 ping statistics ---");
    let v = ping_lines("t6", true);
    assert_eq!(v[0], "PING t6(2001:2:0:100::1) 56 data bytes");
    assert!(v[1].starts_with("64 bytes from 2001:2:0:100::1: "), "{v:?}");
    // an address given as one prints as one
    let v = ping_lines("198.19.0.1", false);
    assert_eq!(v[0], "PING 198.19.0.1 (198.19.0.1) 56(84) bytes of data.");
    assert!(v[1].starts_with("64 bytes from 198.19.0.1: "), "{v:?}");

    for numeric in [false, true] {
        let (addr, hn) = resolve(&host, "t4", Family::Any).expect("resolves");
        let (sink, lines) = collect();
        let o = traceroute::Options {
            host: addr,
            name: hn,
            numeric,
            queries: 1,
            wait: 5.0,
            ..traceroute::Options::default()
        };
        traceroute::run(&host, &o, sink).expect("traceroute runs");
        let v: Vec<String> = lines
            .lock()
            .expect("lines")
            .iter()
            .map(|l| packsmith_ms(l))
            .collect();
        let want: &[&str] = if numeric {
            &[
                "traceroute to t4 (198.19.0.1), 30 hops max, 60 byte packets",
                " 1  198.18.255.2  T ms",
                " 2  198.19.0.1  T ms",
            ]
        } else {
            &[
                "traceroute to t4 (198.19.0.1), 30 hops max, 60 byte packets",
                " 1  router.mem (198.18.255.2)  T ms",
                " 2  target.mem (198.19.0.1)  T ms",
            ]
        };
        assert_eq!(v, want);
    }
}

/// Round-trip times as `T ms`.
fn packsmith_ms(line: &str) -> String {
    let re = regex::Regex::new(r"\d+\.\d+ ms").expect("re");
    re.replace_all(line, "T ms").into_owned()
}

/// Replies slower than the interval: iputils counts the probes in flight
/// (`, pipe N` after the rtt line) and its `time` runs from the first send
/// to the last, not to the last reply.
#[test]
fn slow_replies_give_iputils_pipe_and_time() {
    use packsmith::tools::ping;
    let mut host = MemHost::lab();
    host.delay = std::time::Duration::from_secs(2);
    let (sink, lines) = collect();
    let o = ping::Options {
        host: "198.19.0.1".parse().expect("an address"),
        count: Some(3),
        interval: 0.1,
        wait: 10.0,
        ..ping::Options::default()
    };
    let s = ping::run(&host, &o, sink).expect("ping runs");
    assert_eq!((s.transmitted, s.received, s.pipesize), (3, 3, 3));
    let v = lines.lock().expect("lines").clone();
    let stats = v
        .iter()
        .find(|l| l.contains("packets transmitted"))
        .expect("stats");
    let ms: u64 = stats
        .rsplit("time ")
        .next()
        .and_then(|t| t.strip_suffix("ms"))
        .and_then(|t| t.parse().ok())
        .expect("time N ms");
    // two intervals of 100 ms from the first send to the last; the last
    // reply comes 2 s after that
    assert!((199..2000).contains(&ms), "{stats}");
    assert!(
        v.iter()
            .any(|l| l.starts_with("rtt ") && l.ends_with(" ms, pipe 3")),
        "{v:?}"
    );
}

/// `ping -I IFACE`: the interface's address towards the host, and iputils'
/// refusal when the route leaves by another interface.
#[test]
fn ping_takes_an_interface_as_its_source() {
    use packsmith::tools::ping::interface_source;
    let host = MemHost::lab();
    let dst = "198.19.0.1".parse().expect("an address");
    assert_eq!(
        interface_source(&host, "mem0", dst).expect("mem0 routes it"),
        "198.18.0.1"
            .parse::<std::net::IpAddr>()
            .expect("an address")
    );
    let e = interface_source(&host, "lo", dst).expect_err("lo has no route to it");
    assert!(e.to_string().contains("Network is unreachable"), "{e}");
    let dst6 = "2001:2:0:100::1".parse().expect("an address");
    assert_eq!(
        interface_source(&host, "mem0", dst6).expect("mem0 routes it"),
        "2001:2::1".parse::<std::net::IpAddr>().expect("an address")
    );
}
