//! `traceroute` in ICMP, UDP and TCP SYN modes. TTLs are probed in parallel
//! (up to a probe budget per batch) through the engine; output follows
//! traceroute(8) `-n`: hop, addresses, round-trip times, `!H`/`!N`/`!P`/
//! `!X`/`!F-<mtu>` annotations, `*` for silence. An IPv6 host is traced
//! with the same probes over IPv6 (ICMPv6 echo, UDP, TCP SYN; hop limit for
//! TTL) and traceroute(8) -6's annotations for ICMPv6 errors
//! ([`annotation6`]); only the probe header and the reading of an answer
//! differ by family.

use super::Sink;
use crate::layers::{icmp::ICMP, icmpv6, ipv6, raw::RAW, tcp::TCP, udp::UDP};
use crate::net::names::{cached, display, Namer};
use crate::net::{NetError, Network, SrOptions};
use crate::packet::{Layer, Packet, Value, WirePacket};
use std::net::{IpAddr, Ipv4Addr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Icmp,
    Udp,
    Tcp,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub host: IpAddr,
    /// The name the host was given by (`None`: given as an address).
    pub name: Option<super::HostName>,
    /// `-n`: hops as addresses, not `name (address)`.
    pub numeric: bool,
    pub mode: Mode,
    pub first_ttl: u8,
    pub max_ttl: u8,
    pub queries: u8,
    /// Seconds to wait for the answers of a batch.
    pub wait: f64,
    /// Probes sent at once (traceroute's `-N`).
    pub budget: usize,
    /// UDP base port / TCP destination port.
    pub port: u16,
    /// Whole packet length in bytes (traceroute's trailing argument;
    /// [`default_packet_len`] when not given).
    pub packet_len: usize,
    /// Set don't-fragment (`-F`).
    pub df: bool,
    pub json: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            name: None,
            numeric: false,
            mode: Mode::Udp,
            first_ttl: 1,
            max_ttl: 30,
            queries: 3,
            wait: 5.0,
            budget: 16,
            port: 33434,
            packet_len: 60,
            df: false,
            json: false,
        }
    }
}

/// traceroute(8)'s default packet length: 60 bytes for IPv4, 80 for IPv6.
pub fn default_packet_len(host: IpAddr) -> usize {
    if host.is_ipv6() {
        80
    } else {
        60
    }
}

/// IP (20) or IPv6 (40) header bytes.
fn ip_header_len(host: IpAddr) -> usize {
    if host.is_ipv6() {
        40
    } else {
        20
    }
}

/// A printed hop: its TTL and one outcome per query.
pub type Hop = (u8, Vec<Option<Reply>>);

/// One probe's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub from: IpAddr,
    pub rtt_ms: f64,
    /// `!H`, `!F-1000`, ... (empty for plain answers).
    pub note: String,
    /// The destination answered, or an error ends the trace.
    pub last: bool,
}

/// The annotation traceroute(8) prints for an ICMP error from a hop.
pub fn annotation(ty: u64, code: u64, mtu: u64) -> Option<String> {
    if ty != 3 {
        return None;
    }
    Some(match code {
        0 | 6 | 8 | 11 => "!N".into(),
        1 | 7 | 12 => "!H".into(),
        2 => "!P".into(),
        3 => return None,
        4 => format!("!F-{mtu}"),
        5 => "!S".into(),
        9 | 10 | 13 => "!X".into(),
        14 => "!V".into(),
        15 => "!C".into(),
        c => format!("!<{c}>"),
    })
}

/// The annotation traceroute(8) -6 prints for an ICMPv6 error from a hop
/// (as seen in scripts/lab6.sh: 1/0 `!N`, 1/1 `!X`, 1/3 `!H`, Packet Too
/// Big `!F-<mtu>`); port unreachable (1/4) means the destination was
/// reached and has none.
pub fn annotation6(ty: u64, code: u64, mtu: u64) -> Option<String> {
    match (ty, code) {
        (1, 0) => Some("!N".into()),
        (1, 1) => Some("!X".into()),
        (1, 3) => Some("!H".into()),
        (1, 4) => None,
        (1, c) => Some(format!("!<{c}>")),
        (2, _) => Some(format!("!F-{mtu}")),
        _ => None,
    }
}

/// The number a probe carries to find its slot again: the IP id, or for
/// IPv6 (no id) the flow label.
fn probe_number(ip: &Layer) -> u16 {
    if super::is_v6(ip) {
        ip.int(ipv6::FL) as u16
    } else {
        ip.int(crate::layers::ipv4::ID) as u16
    }
}

fn probe(o: &Options, ttl: u8, n: u16, id: u16) -> Packet {
    let mut ip = super::ip_layer(o.host, None, ttl);
    if o.host.is_ipv6() {
        // IPv6 is never fragmented on the way: -F is how it always is
        ip.set(ipv6::FL, Value::Int(u128::from(n)));
    } else {
        ip.set(crate::layers::ipv4::ID, Value::Int(u128::from(n)));
        if o.df {
            ip.set(crate::layers::ipv4::FLAGS, Value::Int(2));
        }
    }
    let hdr = ip_header_len(o.host);
    let data = o.packet_len.saturating_sub(hdr + 8);
    let payload = |len: usize| {
        crate::packet::dissect::bytes_layer(
            &RAW,
            &(0..len).map(|i| 0x40 + (i % 32) as u8).collect::<Vec<_>>(),
        )
    };
    let layers = match o.mode {
        Mode::Icmp if o.host.is_ipv6() => {
            let mut icmp = Layer::new(&icmpv6::ECHO_REQUEST);
            icmp.set(icmpv6::ECHO_ID, Value::Int(u128::from(id)));
            icmp.set(icmpv6::ECHO_SEQ, Value::Int(u128::from(n)));
            icmp.set(
                icmpv6::ECHO_DATA,
                Value::Bytes((0..data).map(|i| 0x40 + (i % 32) as u8).collect()),
            );
            vec![ip, icmp]
        }
        Mode::Icmp => {
            let mut icmp = Layer::new(&ICMP);
            icmp.set(crate::layers::icmp::ID, Value::Int(u128::from(id)));
            icmp.set(crate::layers::icmp::SEQ, Value::Int(u128::from(n)));
            vec![ip, icmp, payload(data)]
        }
        Mode::Udp => {
            let mut udp = Layer::new(&UDP);
            udp.set(
                crate::layers::udp::SPORT,
                Value::Int(u128::from(id | 0x8000)),
            );
            udp.set(
                crate::layers::udp::DPORT,
                Value::Int(u128::from(o.port.wrapping_add(n))),
            );
            vec![ip, udp, payload(data)]
        }
        Mode::Tcp => {
            let mut tcp = Layer::new(&TCP);
            tcp.set(
                crate::layers::tcp::SPORT,
                Value::Int(u128::from((id | 0x8000).wrapping_add(n))),
            );
            tcp.set(crate::layers::tcp::DPORT, Value::Int(u128::from(o.port)));
            tcp.set(
                crate::layers::tcp::SEQ,
                Value::Int(u128::from(id) << 16 | u128::from(u64::from(n))),
            );
            let mut layers = vec![ip, tcp];
            if o.packet_len > hdr + 20 {
                layers.push(payload(o.packet_len - hdr - 20));
            }
            layers
        }
    };
    Packet {
        layers,
        ..Packet::default()
    }
}

fn classify(o: &Options, probe: &WirePacket, reply: &WirePacket) -> Reply {
    let r = reply.packet();
    let from = r
        .layers
        .first()
        .map(super::ip_src)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let rtt_ms = reply.time.since(&probe.time) * 1000.0;
    let second = r.layers.get(1);
    let (mut note, mut last) = (String::new(), false);
    match second.map(|l| l.def.name) {
        Some("ICMPv6EchoReply") => last = true,
        Some(n) if n.starts_with("ICMPv6") => {
            if let Some(l) = second {
                let (ty, code) = (l.int(icmpv6::TYPE), l.int(icmpv6::CODE));
                if ty == 1 || ty == 2 {
                    note = annotation6(ty, code, l.int(icmpv6::TOO_BIG_MTU)).unwrap_or_default();
                    last = true;
                }
            }
        }
        Some("ICMP") => {
            let l = second
                .map(|l| (l.int(0), l.int(1), l.int(crate::layers::icmp::NEXTHOPMTU)))
                .unwrap_or((0, 0, 0));
            match l {
                (0, _, _) => last = true,
                (3, 3, _) => last = from == o.host,
                (3, c, m) => {
                    note = annotation(3, c, m).unwrap_or_default();
                    last = true;
                }
                _ => {}
            }
        }
        Some("TCP") => last = true,
        _ => {}
    }
    Reply {
        from,
        rtt_ms,
        note,
        last,
    }
}

/// The printed line of one hop; `namer` names the addresses (`None`: `-n`).
pub fn hop_line(ttl: u8, replies: &[Option<Reply>], namer: Option<&Namer>) -> String {
    let mut s = format!("{ttl:2} ");
    let mut prev: Option<IpAddr> = None;
    for r in replies {
        match r {
            Some(r) => {
                if prev != Some(r.from) {
                    s.push_str(&format!(" {}", display(r.from, namer)));
                    prev = Some(r.from);
                }
                s.push_str(&format!("  {:.3} ms", r.rtt_ms));
                if !r.note.is_empty() {
                    s.push_str(&format!(" {}", r.note));
                }
            }
            None => s.push_str(" *"),
        }
    }
    s
}

fn hop_json(ttl: u8, replies: &[Option<Reply>]) -> String {
    let probes: Vec<String> = replies
        .iter()
        .map(|r| match r {
            Some(r) => format!(
                "{{\"addr\":\"{}\",\"rtt_ms\":{:.3},\"annotation\":\"{}\"}}",
                r.from, r.rtt_ms, r.note
            ),
            None => "null".into(),
        })
        .collect();
    format!("{{\"hop\":{ttl},\"probes\":[{}]}}", probes.join(","))
}

/// Runs the trace; returns the hops printed (each with its replies).
pub fn run(net: &dyn Network, o: &Options, sink: Sink) -> Result<Vec<Hop>, NetError> {
    let id = (std::process::id() & 0x7fff) as u16;
    if o.json {
        sink(&format!(
            "{{\"type\":\"start\",\"host\":\"{}\",\"max_hops\":{},\"packet_bytes\":{}}}",
            o.host, o.max_ttl, o.packet_len
        ));
    } else {
        sink(&format!(
            "traceroute to {} ({}), {} hops max, {} byte packets",
            o.name
                .as_ref()
                .map_or_else(|| o.host.to_string(), |n| n.typed.clone()),
            o.host,
            o.max_ttl,
            o.packet_len
        ));
    }
    let namer = (!o.numeric && !o.json).then(|| cached(net.namer()));
    let q = usize::from(o.queries.max(1));
    let ttls: Vec<u8> = (o.first_ttl.max(1)..=o.max_ttl.max(o.first_ttl)).collect();
    let all: Vec<(u8, u16)> = ttls
        .iter()
        .flat_map(|&t| (0..q).map(move |k| (t, k)))
        .enumerate()
        .map(|(n, (t, _))| (t, n as u16))
        .collect();
    let mut results: std::collections::BTreeMap<u8, Vec<Option<Reply>>> = Default::default();
    let mut printed = Vec::new();
    let mut next_ttl = 0usize;
    let budget = o.budget.max(q);
    let mut offset = 0;
    while offset < all.len() {
        let batch: Vec<(u8, u16)> =
            all[offset..(offset + budget - budget % q).min(all.len())].to_vec();
        offset += batch.len();
        let mut probes = batch
            .iter()
            .map(|&(t, n)| probe(o, t, n, id))
            .collect::<Vec<_>>()
            .into_iter();
        let opts = SrOptions {
            timeout: Some(o.wait),
            first: &crate::layers::ipv6::IPV46,
            ..SrOptions::default()
        };
        let r = net.sr(&mut probes, &opts, &mut |_, _| {})?;
        for &(t, _) in &batch {
            results.entry(t).or_insert_with(|| vec![None; q]);
        }
        for (pq, ans) in &r.answered {
            let qp = pq.packet();
            let n = qp.layers.first().map(probe_number).unwrap_or(0);
            if let Some(&(t, _)) = batch.iter().find(|(_, k)| *k == n) {
                let slot = usize::from(n) % q;
                if let Some(v) = results.get_mut(&t) {
                    v[slot] = Some(classify(o, pq, ans));
                }
            }
        }
        // print complete hops in order; stop at the first final one
        let mut done = r.interrupted;
        while next_ttl < ttls.len() {
            let t = ttls[next_ttl];
            let Some(replies) = results.get(&t) else {
                break;
            };
            let line = if o.json {
                hop_json(t, replies)
            } else {
                hop_line(t, replies, namer.as_ref())
            };
            sink(&line);
            printed.push((t, replies.clone()));
            next_ttl += 1;
            if replies.iter().flatten().any(|r| r.last) {
                done = true;
                break;
            }
        }
        if done {
            break;
        }
    }
    crate::sys::clear_interrupt();
    Ok(printed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_like_traceroute() {
        let r = |a: [u8; 4], ms: f64, note: &str| {
            Some(Reply {
                from: IpAddr::V4(Ipv4Addr::from(a)),
                rtt_ms: ms,
                note: note.into(),
                last: false,
            })
        };
        assert_eq!(
            hop_line(
                1,
                &[
                    r([198, 18, 0, 254], 0.055, ""),
                    r([198, 18, 0, 254], 0.012, ""),
                    r([198, 18, 0, 254], 0.01, "")
                ],
                None
            ),
            " 1  198.18.0.254  0.055 ms  0.012 ms  0.010 ms"
        );
        assert_eq!(hop_line(3, &[None, None, None], None), " 3  * * *");
        assert_eq!(
            hop_line(2, &[r([198, 18, 255, 2], 0.31, "!H"), None], None),
            " 2  198.18.255.2  0.310 ms !H *"
        );
        let named: Namer = std::sync::Arc::new(|a: IpAddr| {
            (a == IpAddr::V4(Ipv4Addr::new(198, 18, 255, 2))).then(|| "r2.lab".to_string())
        });
        assert_eq!(
            hop_line(
                2,
                &[
                    r([198, 18, 255, 2], 0.31, ""),
                    r([198, 18, 255, 3], 0.5, "")
                ],
                Some(&named)
            ),
            " 2  r2.lab (198.18.255.2)  0.310 ms 198.18.255.3 (198.18.255.3)  0.500 ms"
        );
        assert_eq!(
            hop_line(
                12,
                &[r([1, 1, 1, 1], 1.0, ""), r([2, 2, 2, 2], 2.0, "")],
                None
            ),
            "12  1.1.1.1  1.000 ms 2.2.2.2  2.000 ms"
        );
    }

    #[test]
    fn annotations() {
        assert_eq!(annotation(3, 1, 0).as_deref(), Some("!H"));
        assert_eq!(annotation(3, 0, 0).as_deref(), Some("!N"));
        assert_eq!(annotation(3, 13, 0).as_deref(), Some("!X"));
        assert_eq!(annotation(3, 4, 1000).as_deref(), Some("!F-1000"));
        assert_eq!(annotation(3, 2, 0).as_deref(), Some("!P"));
        assert_eq!(annotation(11, 0, 0), None);
    }

    #[test]
    fn annotations6_like_traceroute8() {
        assert_eq!(annotation6(1, 0, 0).as_deref(), Some("!N"));
        assert_eq!(annotation6(1, 1, 0).as_deref(), Some("!X"));
        assert_eq!(annotation6(1, 3, 0).as_deref(), Some("!H"));
        assert_eq!(annotation6(1, 4, 0), None, "port unreachable: reached");
        assert_eq!(annotation6(2, 0, 1280).as_deref(), Some("!F-1280"));
        assert_eq!(annotation6(3, 0, 0), None, "time exceeded: a hop");
        assert_eq!(annotation6(1, 6, 0).as_deref(), Some("!<6>"));
    }

    #[test]
    fn ipv6_lines_and_probes() {
        let r = |a: &str, note: &str| {
            Some(Reply {
                from: a.parse().expect("addr"),
                rtt_ms: 0.5,
                note: note.into(),
                last: false,
            })
        };
        assert_eq!(
            hop_line(
                2,
                &[r("2001:2:0:1::2", "!N"), r("2001:2:0:1::2", "!N"), None],
                None
            ),
            " 2  2001:2:0:1::2  0.500 ms !N  0.500 ms !N *"
        );
        let o = Options {
            host: "2001:2:0:100::1".parse().expect("addr"),
            packet_len: 80,
            ..Options::default()
        };
        for mode in [Mode::Udp, Mode::Icmp, Mode::Tcp] {
            let o = Options { mode, ..o.clone() };
            let p = probe(&o, 3, 17, 5);
            let b = p.build();
            assert_eq!(b[0] >> 4, 6, "{mode:?}");
            assert_eq!(b[7], 3, "hop limit");
            assert_eq!(probe_number(&p.layers[0]), 17);
            if mode != Mode::Tcp {
                assert_eq!(b.len(), 80, "{mode:?}: traceroute(8)'s 80 bytes");
            }
            let d = Packet::dissect(&ipv6::IPV6_LAYER, &b);
            assert!(crate::packet::verify::checksums(&d)
                .iter()
                .all(|c| c.status == crate::packet::verify::Status::Good));
        }
    }
}
