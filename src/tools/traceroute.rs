//! `traceroute` in ICMP, UDP and TCP SYN modes. TTLs are probed in parallel
//! (up to a probe budget per batch) through the engine; output follows
//! traceroute(8) `-n`: hop, addresses, round-trip times, `!H`/`!N`/`!P`/
//! `!X`/`!F-<mtu>` annotations, `*` for silence.

use super::Sink;
use crate::layers::{icmp::ICMP, ipv4::IP, raw::RAW, tcp::TCP, udp::UDP};
use crate::net::{NetError, Network, SrOptions};
use crate::packet::{Layer, Packet, Value, WirePacket};
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Icmp,
    Udp,
    Tcp,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub host: Ipv4Addr,
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
    /// Whole packet length in bytes (traceroute's trailing argument).
    pub packet_len: usize,
    /// Set don't-fragment (`-F`).
    pub df: bool,
    pub json: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: Ipv4Addr::LOCALHOST,
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

/// A printed hop: its TTL and one outcome per query.
pub type Hop = (u8, Vec<Option<Reply>>);

/// One probe's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub from: Ipv4Addr,
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

fn probe(o: &Options, ttl: u8, n: u16, id: u16) -> Packet {
    let mut ip = Layer::new(&IP);
    ip.set(
        crate::layers::ipv4::DST,
        Value::Int(u128::from(u32::from(o.host))),
    );
    ip.set(crate::layers::ipv4::TTL, Value::Int(u128::from(ttl)));
    ip.set(crate::layers::ipv4::ID, Value::Int(u128::from(n)));
    if o.df {
        ip.set(crate::layers::ipv4::FLAGS, Value::Int(2));
    }
    let data = o.packet_len.saturating_sub(28);
    let payload = |len: usize| {
        crate::packet::dissect::bytes_layer(
            &RAW,
            &(0..len).map(|i| 0x40 + (i % 32) as u8).collect::<Vec<_>>(),
        )
    };
    let layers = match o.mode {
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
            if o.packet_len > 40 {
                layers.push(payload(o.packet_len - 40));
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
    let from = Ipv4Addr::from(
        r.layers
            .first()
            .map(|l| l.int(crate::layers::ipv4::SRC) as u32)
            .unwrap_or(0),
    );
    let rtt_ms = reply.time.since(&probe.time) * 1000.0;
    let second = r.layers.get(1);
    let (mut note, mut last) = (String::new(), false);
    match second.map(|l| l.def.name) {
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

/// The printed line of one hop (`-n` format).
pub fn hop_line(ttl: u8, replies: &[Option<Reply>]) -> String {
    let mut s = format!("{ttl:2} ");
    let mut prev: Option<Ipv4Addr> = None;
    for r in replies {
        match r {
            Some(r) => {
                if prev != Some(r.from) {
                    s.push_str(&format!(" {}", r.from));
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
            o.host, o.host, o.max_ttl, o.packet_len
        ));
    }
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
            ..SrOptions::default()
        };
        let r = net.sr(&mut probes, &opts, &mut |_, _| {})?;
        for &(t, _) in &batch {
            results.entry(t).or_insert_with(|| vec![None; q]);
        }
        for (pq, ans) in &r.answered {
            let qp = pq.packet();
            let n = qp
                .layers
                .first()
                .map(|l| l.int(crate::layers::ipv4::ID) as u16)
                .unwrap_or(0);
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
                hop_line(t, replies)
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
                from: Ipv4Addr::from(a),
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
                ]
            ),
            " 1  198.18.0.254  0.055 ms  0.012 ms  0.010 ms"
        );
        assert_eq!(hop_line(3, &[None, None, None]), " 3  * * *");
        assert_eq!(
            hop_line(2, &[r([198, 18, 255, 2], 0.31, "!H"), None]),
            " 2  198.18.255.2  0.310 ms !H *"
        );
        assert_eq!(
            hop_line(12, &[r([1, 1, 1, 1], 1.0, ""), r([2, 2, 2, 2], 2.0, "")]),
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
}
