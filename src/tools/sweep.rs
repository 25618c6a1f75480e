//! `sweep`: host discovery over a network with echo, timestamp or TCP SYN
//! probes at a chosen rate; alive hosts and ICMP errors are printed as they
//! arrive (fping's wording), then an fping `-s`-like summary. An IPv6
//! network is swept with ICMPv6 echo or TCP SYN over IPv6; networks of more
//! addresses than IPv4 has ([`MAX_TARGETS`]) are refused.

use super::Sink;
use crate::layers::{icmp::ICMP, icmpv6, tcp::TCP};
use crate::net::route::in_network;
use crate::net::{NetError, Network, Observer, SrOptions};
use crate::packet::{Layer, Packet, Value, WirePacket};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex};

/// The most addresses one sweep probes: all of IPv4 (2^32), so an IPv6
/// prefix must be /96 or longer.
pub const MAX_TARGETS: u64 = 1 << 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Echo,
    Timestamp,
    Syn,
}

#[derive(Clone, Debug)]
pub struct Options {
    /// The network's first address (IPv4 or IPv6).
    pub base: IpAddr,
    pub prefix: u8,
    pub probe: Probe,
    /// Packets per second (`None`: as fast as possible).
    pub rate: Option<f64>,
    pub port: u16,
    pub timeout: f64,
    pub retry: i32,
    pub json: bool,
    /// Probe this shard of the space in its walk order (`None`: every
    /// address, in address order).
    pub shard: Option<super::shard::Shard>,
    /// Addresses never probed (`--exclude-file`).
    pub exclude: Vec<(IpAddr, u8)>,
    /// When not empty, the only addresses probed (`--include-file`).
    pub include: Vec<(IpAddr, u8)>,
}

/// Networks read from a file, one `base/prefix` (or address) a line; `#`
/// starts a comment. Errors name the file and line.
pub fn read_networks(path: &str) -> Result<Vec<(IpAddr, u8)>, NetError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| NetError::Usage(format!("{path}: {e}")))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.split('#').next().unwrap_or("").trim();
        if l.is_empty() {
            continue;
        }
        out.push(super::ip_net(l).ok_or_else(|| {
            NetError::Usage(format!(
                "{path}:{}: {l:?} is not a network like 198.18.0.0/15 or 2001:2::/48",
                n + 1
            ))
        })?);
    }
    Ok(out)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub targets: u64,
    pub alive: u64,
    pub unreachable: u64,
    pub sent: u64,
    pub replies: u64,
    pub other_icmp: u64,
    pub rtt_ms: Vec<f64>,
    pub elapsed: f64,
    /// Why the sweep stopped early (the interface went down...), with how
    /// many probes were never sent; what came before is counted.
    pub fault: Option<String>,
    pub unsent: u64,
}

/// fping's text for an ICMP unreachable code.
pub fn unreach_text(code: u64) -> String {
    const T: [&str; 16] = [
        "ICMP Network Unreachable",
        "ICMP Host Unreachable",
        "ICMP Protocol Unreachable",
        "ICMP Port Unreachable",
        "ICMP Unreachable (Fragmentation Needed)",
        "ICMP Unreachable (Source Route Failed)",
        "ICMP Unreachable (Destination Network Unknown)",
        "ICMP Unreachable (Destination Host Unknown)",
        "ICMP Unreachable (Source Host Isolated)",
        "ICMP Unreachable (Communication with Network Prohibited)",
        "ICMP Unreachable (Communication with Host Prohibited)",
        "ICMP Unreachable (Network Unreachable For Type Of Service)",
        "ICMP Unreachable (Host Unreachable For Type Of Service)",
        "ICMP Unreachable (Communication Administratively Prohibited)",
        "ICMP Unreachable (Host Precedence Violation)",
        "ICMP Unreachable (Precedence cutoff in effect)",
    ];
    T.get(code as usize)
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("ICMP Unreachable (Invalid Code {code})"))
}

/// fping's text for an ICMPv6 destination unreachable code (fping 5.1
/// prints none for IPv6; these are RFC 4443's names).
pub fn unreach6_text(code: u64) -> String {
    const T: [&str; 7] = [
        "ICMPv6 No Route to Destination",
        "ICMPv6 Communication with Destination Administratively Prohibited",
        "ICMPv6 Beyond Scope of Source Address",
        "ICMPv6 Address Unreachable",
        "ICMPv6 Port Unreachable",
        "ICMPv6 Source Address Failed Ingress/Egress Policy",
        "ICMPv6 Reject Route to Destination",
    ];
    T.get(code as usize)
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("ICMPv6 Unreachable (Invalid Code {code})"))
}

/// The number of addresses of `base/prefix`.
pub fn net_size(base: IpAddr, prefix: u8) -> u128 {
    let bits: u32 = if base.is_ipv6() { 128 } else { 32 };
    let host = bits.saturating_sub(u32::from(prefix));
    if host >= 128 {
        u128::MAX
    } else {
        1u128 << host
    }
}

/// The `i`-th address of the network.
fn nth(base: IpAddr, i: u64) -> IpAddr {
    match base {
        IpAddr::V4(b) => IpAddr::V4(Ipv4Addr::from(u32::from(b).wrapping_add(i as u32))),
        IpAddr::V6(b) => IpAddr::V6(Ipv6Addr::from(u128::from(b).wrapping_add(u128::from(i)))),
    }
}

/// The low 32 bits of an address (probe sequence numbers and SYN seqs).
fn low32(a: IpAddr) -> u32 {
    match a {
        IpAddr::V4(a) => u32::from(a),
        IpAddr::V6(a) => u128::from(a) as u32,
    }
}

/// A reply's source and, for an ICMP or ICMPv6 error, its type and code,
/// read straight from the bytes (the receiver thread sees every reply of a
/// sweep); `None` where only the dissector can tell (IPv6 extension headers).
fn read_reply(b: &[u8]) -> Option<(IpAddr, Option<(u64, u64)>)> {
    match b.first()? >> 4 {
        4 => {
            let ihl = usize::from(b[0] & 15) * 4;
            let src: [u8; 4] = b.get(12..16)?.try_into().ok()?;
            let error = match (b.get(9), b.get(ihl), b.get(ihl + 1)) {
                (Some(1), Some(&t), Some(&c)) => crate::layers::ipv4::ICMP_ERROR_TYPES
                    .contains(&u64::from(t))
                    .then_some((u64::from(t), u64::from(c))),
                (Some(1), ..) => return None,
                _ => None,
            };
            Some((IpAddr::V4(src.into()), error))
        }
        6 => {
            let src: [u8; 16] = b.get(8..24)?.try_into().ok()?;
            let error = match (b.get(6), b.get(40), b.get(41)) {
                (Some(58), Some(&t), Some(&c)) => {
                    (1..=4).contains(&t).then_some((u64::from(t), u64::from(c)))
                }
                (Some(6), ..) => None,
                _ => return None,
            };
            Some((IpAddr::V6(src.into()), error))
        }
        _ => None,
    }
}

/// The destination of a probe as sent.
fn probe_dst(b: &[u8]) -> Option<IpAddr> {
    match b.first()? >> 4 {
        4 => {
            let d: [u8; 4] = b.get(16..20)?.try_into().ok()?;
            Some(IpAddr::V4(d.into()))
        }
        6 => {
            let d: [u8; 16] = b.get(24..40)?.try_into().ok()?;
            Some(IpAddr::V6(d.into()))
        }
        _ => None,
    }
}

fn probe(o: &Options, dst: IpAddr, id: u16) -> Packet {
    let ip = super::ip_layer(dst, None, 64);
    let l4 = match o.probe {
        Probe::Echo if dst.is_ipv6() => {
            let mut icmp = Layer::new(&icmpv6::ECHO_REQUEST);
            icmp.set(icmpv6::ECHO_ID, Value::Int(u128::from(id)));
            icmp.set(
                icmpv6::ECHO_SEQ,
                Value::Int(u128::from(low32(dst) & 0xffff)),
            );
            icmp
        }
        Probe::Echo | Probe::Timestamp => {
            let mut icmp = Layer::new(&ICMP);
            icmp.set(
                crate::layers::icmp::TYPE,
                Value::Int(if o.probe == Probe::Echo { 8 } else { 13 }),
            );
            icmp.set(crate::layers::icmp::ID, Value::Int(u128::from(id)));
            icmp.set(
                crate::layers::icmp::SEQ,
                Value::Int(u128::from(low32(dst) & 0xffff)),
            );
            if o.probe == Probe::Timestamp {
                for f in [
                    crate::layers::icmp::TS_ORI,
                    crate::layers::icmp::TS_RX,
                    crate::layers::icmp::TS_TX,
                ] {
                    icmp.set(f, Value::Int(0));
                }
            }
            icmp
        }
        Probe::Syn => {
            let mut tcp = Layer::new(&TCP);
            tcp.set(
                crate::layers::tcp::SPORT,
                Value::Int(u128::from(id | 0x8000)),
            );
            tcp.set(crate::layers::tcp::DPORT, Value::Int(u128::from(o.port)));
            tcp.set(crate::layers::tcp::SEQ, Value::Int(u128::from(low32(dst))));
            tcp
        }
    };
    Packet {
        layers: vec![ip, l4],
        ..Packet::default()
    }
}

fn kind_name(p: Probe) -> &'static str {
    match p {
        Probe::Echo => "ICMP Echo",
        Probe::Timestamp => "ICMP Timestamp",
        Probe::Syn => "TCP SYN",
    }
}

pub fn run(net: &dyn Network, o: &Options, sink: Sink) -> Result<Summary, NetError> {
    let id = (std::process::id() & 0x7fff) as u16;
    let v6 = o.base.is_ipv6();
    let total = net_size(o.base, o.prefix);
    if total > u128::from(MAX_TARGETS) {
        return Err(NetError::Usage(format!(
            "{}/{} has {} addresses; a sweep probes at most {MAX_TARGETS} (2^32): use a /{} or longer prefix",
            o.base,
            o.prefix,
            if total == u128::MAX {
                "2^128".to_string()
            } else {
                format!("2^{}", total.trailing_zeros())
            },
            if v6 { 96 } else { 0 }
        )));
    }
    if v6 && o.probe == Probe::Timestamp {
        return Err(NetError::Usage(
            "timestamp probes are IPv4 only (ICMPv6 has none): use --type echo or syn".into(),
        ));
    }
    let size = total as u64;
    if let Some(sh) = o.shard.filter(|sh| sh.count == 0 || sh.index >= sh.count) {
        return Err(NetError::Usage(format!(
            "shard {} of {}: shards are numbered from 0 to --shards - 1",
            sh.index, sh.count
        )));
    }
    let walk = o.shard.map(|sh| super::shard::Walk::new(size, sh));
    let counted = o.shard.is_some() || !o.exclude.is_empty() || !o.include.is_empty();
    let summary = Arc::new(Mutex::new(Summary {
        targets: size,
        ..Summary::default()
    }));
    let (s2, sink2, o2) = (summary.clone(), sink.clone(), o.clone());
    let observer = Observer(Arc::new(move |probe: &WirePacket, reply: &WirePacket| {
        let (from, dst, error) = match (read_reply(&reply.bytes), probe_dst(&probe.bytes)) {
            (Some((from, error)), Some(dst)) => (from, dst, error),
            // extension headers, odd replies: the dissector reads them
            _ => {
                let r = reply.packet();
                let unknown = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
                let from = r.layers.first().map(super::ip_src).unwrap_or(unknown);
                let dst = probe
                    .packet()
                    .layers
                    .first()
                    .map(super::ip_dst)
                    .unwrap_or(unknown);
                (from, dst, r.layers.get(1).and_then(super::icmp_error))
            }
        };
        let rtt = reply.time.since(&probe.time) * 1000.0;
        // JSON lines of a shard say which, so merged shards stay apart
        let shard = o2
            .shard
            .map(|sh| format!(",\"shard\":{}", sh.index))
            .unwrap_or_default();
        let Ok(mut s) = s2.lock() else { return };
        let line = if let Some((ty, code)) = error {
            s.other_icmp += 1;
            s.unreachable += 1;
            let what = match (dst.is_ipv6(), ty) {
                (false, 3) => unreach_text(code),
                (true, 1) => unreach6_text(code),
                (false, _) => format!("ICMP type {ty} code {code}"),
                (true, _) => format!("ICMPv6 type {ty} code {code}"),
            };
            if o2.json {
                format!("{{\"type\":\"error\",\"target\":\"{dst}\",\"from\":\"{from}\",\"icmp_type\":{ty},\"icmp_code\":{code},\"message\":\"{what}\"{shard}}}")
            } else {
                format!(
                    "{what} from {from} for {} sent to {dst}",
                    kind_name(o2.probe)
                )
            }
        } else {
            s.alive += 1;
            s.replies += 1;
            s.rtt_ms.push(rtt);
            if o2.json {
                format!("{{\"type\":\"alive\",\"target\":\"{dst}\",\"rtt_ms\":{rtt:.3}{shard}}}")
            } else {
                format!("{dst} is alive")
            }
        };
        drop(s);
        sink2(&line);
    }));
    let opts = SrOptions {
        timeout: Some(o.timeout),
        first: &crate::layers::ipv6::IPV46,
        retry: o.retry,
        rate: o.rate,
        observer: Some(observer),
        ..SrOptions::default()
    };
    let (base, o3) = (o.base, o.clone());
    let order: Box<dyn Iterator<Item = u64>> = match walk {
        Some(w) => Box::new(w),
        None => Box::new(0..size),
    };
    // excluded addresses never get a probe; a shard's or a filtered
    // space's size is known once it is walked: counted as it goes
    let walked = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (n, exclude, include) = (walked.clone(), o.exclude.clone(), o.include.clone());
    let mut probes = order
        .map(move |i| nth(base, i))
        .filter(move |a| {
            !exclude.iter().any(|&net| in_network(*a, net))
                && (include.is_empty() || include.iter().any(|&net| in_network(*a, net)))
        })
        .inspect(move |_| {
            n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .map(move |a| probe(&o3, a, id));
    let r = net.sr(&mut probes, &opts, &mut |_, _| {})?;
    crate::sys::clear_interrupt();
    let mut s = summary.lock().map(|s| s.clone()).unwrap_or_default();
    if counted {
        s.targets = walked.load(std::sync::atomic::Ordering::Relaxed);
    }
    s.sent = r.sent as u64;
    s.elapsed = r.elapsed.as_secs_f64();
    s.fault = r.fault_warning();
    s.unsent = r.unsent as u64;
    print_summary(o, &s, &sink);
    Ok(s)
}

fn print_summary(o: &Options, s: &Summary, sink: &Sink) {
    let timeouts = s
        .targets
        .saturating_sub(s.alive + s.unreachable)
        .saturating_sub(s.unsent);
    let (min, avg, max) = if s.rtt_ms.is_empty() {
        (0.0, 0.0, 0.0)
    } else {
        let min = s.rtt_ms.iter().copied().fold(f64::MAX, f64::min);
        let max = s.rtt_ms.iter().copied().fold(0.0, f64::max);
        (
            min,
            s.rtt_ms.iter().sum::<f64>() / s.rtt_ms.len() as f64,
            max,
        )
    };
    if o.json {
        sink(&format!(
            "{{\"type\":\"summary\",\"targets\":{},\"alive\":{},\"unreachable\":{},\"timeouts\":{timeouts},\"sent\":{},\"replies\":{},\"other_icmp\":{},\"rtt_ms\":{{\"min\":{min:.3},\"avg\":{avg:.3},\"max\":{max:.3}}},\"elapsed_s\":{:.3}{}}}",
            s.targets, s.alive, s.unreachable, s.sent, s.replies, s.other_icmp, s.elapsed,
            match &s.fault {
                Some(f) => format!(
                    ",\"unsent\":{},\"fault\":{}",
                    s.unsent,
                    crate::packet::json::escape(f)
                ),
                None => String::new(),
            }
        ));
        return;
    }
    let kind = kind_name(o.probe);
    sink("");
    sink(&format!(" {:>11} targets", s.targets));
    sink(&format!(" {:>11} alive", s.alive));
    sink(&format!(" {:>11} unreachable", s.unreachable));
    sink(&format!(" {:>11} unknown addresses", 0));
    sink("");
    sink(&format!(
        " {:>11} timeouts (waiting for response)",
        timeouts
    ));
    if s.unsent > 0 {
        sink(&format!(
            " {:>11} never sent (the sweep stopped early)",
            s.unsent
        ));
    }
    sink(&format!(" {:>11} {kind}s sent", s.sent));
    sink(&format!(" {:>11} {kind} Replies received", s.replies));
    sink(&format!(" {:>11} other ICMP received", s.other_icmp));
    sink("");
    sink(&format!(" {min:.2} ms (min round trip time)"));
    sink(&format!(" {avg:.2} ms (avg round trip time)"));
    sink(&format!(" {max:.2} ms (max round trip time)"));
    sink(&format!(" {:>12.3} sec (elapsed real time)", s.elapsed));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_lists() {
        let a = |s: &str| s.parse::<IpAddr>().expect("addr");
        assert!(in_network(a("198.18.3.4"), (a("198.18.0.0"), 15)));
        assert!(in_network(a("198.19.255.255"), (a("198.18.0.0"), 15)));
        assert!(!in_network(a("198.20.0.0"), (a("198.18.0.0"), 15)));
        assert!(in_network(a("1.2.3.4"), (a("0.0.0.0"), 0)));
        assert!(!in_network(a("2001:2::1"), (a("198.18.0.0"), 15)));
        assert!(in_network(a("2001:2:0:100::5"), (a("2001:2:0:100::"), 120)));
        assert!(in_network(a("2001:2::1"), (a("2001:2::1"), 128)));
        let dir = std::env::temp_dir().join(format!("ps-nets-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let f = dir.join("nets");
        let _ = std::fs::write(
            &f,
            "# lab\n198.19.0.0/24\n\n2001:2::/48  # v6\n198.19.1.1\n",
        );
        let path = f.to_string_lossy().to_string();
        assert_eq!(
            read_networks(&path).expect("reads"),
            vec![
                (a("198.19.0.0"), 24),
                (a("2001:2::"), 48),
                (a("198.19.1.1"), 32)
            ]
        );
        let _ = std::fs::write(&f, "198.19.0.0/24\nnot-a-net\n");
        let e = read_networks(&path).expect_err("line 2");
        assert!(e.to_string().contains(":2: \"not-a-net\""), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The bytes fast path reads what the dissector reads.
    #[test]
    fn replies_read_from_bytes_as_dissected() {
        let code = |src: &str| {
            let mut interp =
                crate::lang::Interp::new(vec![], std::rc::Rc::new(crate::net::Offline));
            if crate::lang::run_source(&mut interp, "<t>", &format!("r = bytes({src})")).is_err() {
                panic!("{src} does not build");
            }
            match &interp.globals.get("r") {
                Some(crate::lang::value::Value::Bytes(b)) => b.to_vec(),
                _ => panic!("{src}"),
            }
        };
        for src in [
            "IP(src='198.19.0.9', dst='198.18.0.1')/ICMP(type=0)",
            "IP(src='198.18.255.2', dst='198.18.0.1')/ICMP(type=3, code=1)/IPerror(dst='198.19.0.9')/ICMPerror()",
            "IP(src='198.19.0.9', dst='198.18.0.1', options=[IPOption_RR()])/ICMP(type=11)",
            "IP(src='198.19.0.9', dst='198.18.0.1')/TCP(flags='SA')",
            "IPv6(src='2001:2::9', dst='2001:2::1')/ICMPv6EchoReply()",
            "IPv6(src='2001:2:0:1::2', dst='2001:2::1')/ICMPv6DestUnreach(code=3)/IPv6(dst='2001:2::9')/ICMPv6EchoRequest()",
            "IPv6(src='2001:2::9', dst='2001:2::1')/TCP(flags='R')",
        ] {
            let b = code(src);
            let p = crate::packet::dissect::dissect(&crate::layers::ipv6::IPV46, &b);
            let want = (
                super::super::ip_src(&p.layers[0]),
                p.layers.get(1).and_then(super::super::icmp_error),
            );
            assert_eq!(read_reply(&b), Some(want), "{src}");
            assert_eq!(probe_dst(&b), Some(super::super::ip_dst(&p.layers[0])), "{src}");
        }
        // extension headers and cut bytes go to the dissector
        let b =
            code("IPv6(src='2001:2::9', dst='2001:2::1')/IPv6ExtHdrHopByHop()/ICMPv6EchoReply()");
        assert_eq!(read_reply(&b), None);
        assert_eq!(read_reply(&[0x45, 0, 0]), None);
        assert_eq!(read_reply(&[]), None);
    }

    #[test]
    fn ipv6_networks_and_limits() {
        let b: IpAddr = "2001:2:0:100::".parse().expect("addr");
        assert_eq!(net_size(b, 120), 256);
        assert_eq!(net_size(b, 96), u128::from(MAX_TARGETS));
        assert_eq!(net_size(b, 0), u128::MAX);
        assert_eq!(
            net_size(IpAddr::V4(Ipv4Addr::new(198, 19, 0, 0)), 0),
            u128::from(MAX_TARGETS)
        );
        assert_eq!(nth(b, 255).to_string(), "2001:2:0:100::ff");
        let o = Options {
            base: b,
            prefix: 124,
            probe: Probe::Echo,
            rate: None,
            port: 80,
            timeout: 1.0,
            retry: 0,
            json: false,
            shard: None,
            exclude: Vec::new(),
            include: Vec::new(),
        };
        let p = probe(&o, nth(b, 5), 9).build();
        assert_eq!(
            (p[0] >> 4, p[6], p[40]),
            (6, 58, 128),
            "ICMPv6 echo request"
        );
        assert_eq!(&p[44..48], &[0, 9, 0, 5], "id, seq from the address");
        let o = Options {
            probe: Probe::Syn,
            ..o
        };
        let p = probe(&o, nth(b, 5), 9).build();
        assert_eq!((p[6], p[40 + 13]), (6, 0x02), "TCP SYN over IPv6");
        // a /64 is refused before anything is sent, and so is timestamp over IPv6
        let net = crate::net::fake::MemHost::lab();
        let quiet: Sink = Arc::new(|_: &str| {});
        let wide = Options {
            prefix: 64,
            ..o.clone()
        };
        match run(&net, &wide, quiet.clone()) {
            Err(NetError::Usage(m)) => assert!(m.contains("2^64 addresses"), "{m}"),
            other => panic!("{other:?}"),
        }
        let ts = Options {
            probe: Probe::Timestamp,
            ..o
        };
        assert!(matches!(run(&net, &ts, quiet), Err(NetError::Usage(_))));
    }

    #[test]
    fn icmpv6_unreachable_texts() {
        assert_eq!(unreach6_text(0), "ICMPv6 No Route to Destination");
        assert_eq!(unreach6_text(3), "ICMPv6 Address Unreachable");
        assert_eq!(unreach6_text(9), "ICMPv6 Unreachable (Invalid Code 9)");
    }
}
