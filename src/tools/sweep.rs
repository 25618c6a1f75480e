//! `sweep`: host discovery over a network with echo, timestamp or TCP SYN
//! probes at a chosen rate; alive hosts and ICMP errors are printed as they
//! arrive (fping's wording), then an fping `-s`-like summary.

use super::Sink;
use crate::layers::{icmp::ICMP, ipv4::IP, tcp::TCP};
use crate::net::{NetError, Network, Observer, SrOptions};
use crate::packet::{Layer, Packet, Value, WirePacket};
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Echo,
    Timestamp,
    Syn,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub base: u32,
    pub prefix: u8,
    pub probe: Probe,
    /// Packets per second (`None`: as fast as possible).
    pub rate: Option<f64>,
    pub port: u16,
    pub timeout: f64,
    pub retry: i32,
    pub json: bool,
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

fn probe(o: &Options, dst: u32, id: u16) -> Packet {
    let mut ip = Layer::new(&IP);
    ip.set(crate::layers::ipv4::DST, Value::Int(u128::from(dst)));
    let l4 = match o.probe {
        Probe::Echo | Probe::Timestamp => {
            let mut icmp = Layer::new(&ICMP);
            icmp.set(
                crate::layers::icmp::TYPE,
                Value::Int(if o.probe == Probe::Echo { 8 } else { 13 }),
            );
            icmp.set(crate::layers::icmp::ID, Value::Int(u128::from(id)));
            icmp.set(
                crate::layers::icmp::SEQ,
                Value::Int(u128::from(dst & 0xffff)),
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
            tcp.set(crate::layers::tcp::SEQ, Value::Int(u128::from(dst)));
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
    let size = 1u64 << (32 - u32::from(o.prefix.min(32)));
    let summary = Arc::new(Mutex::new(Summary {
        targets: size,
        ..Summary::default()
    }));
    let (s2, sink2, o2) = (summary.clone(), sink.clone(), o.clone());
    let observer = Observer(Arc::new(move |probe: &WirePacket, reply: &WirePacket| {
        let r = reply.packet();
        let from = Ipv4Addr::from(
            r.layers
                .first()
                .map(|l| l.int(crate::layers::ipv4::SRC) as u32)
                .unwrap_or(0),
        );
        let dst = Ipv4Addr::from(
            probe
                .packet()
                .layers
                .first()
                .map(|l| l.int(crate::layers::ipv4::DST) as u32)
                .unwrap_or(0),
        );
        let rtt = reply.time.since(&probe.time) * 1000.0;
        let second = r.layers.get(1);
        let is_error = second.is_some_and(|l| {
            l.def.name == "ICMP" && crate::layers::ipv4::ICMP_ERROR_TYPES.contains(&l.int(0))
        });
        let Ok(mut s) = s2.lock() else { return };
        let line = if is_error {
            s.other_icmp += 1;
            s.unreachable += 1;
            let (ty, code) = second.map(|l| (l.int(0), l.int(1))).unwrap_or((0, 0));
            let what = if ty == 3 {
                unreach_text(code)
            } else {
                format!("ICMP type {ty} code {code}")
            };
            if o2.json {
                format!("{{\"type\":\"error\",\"target\":\"{dst}\",\"from\":\"{from}\",\"icmp_type\":{ty},\"icmp_code\":{code},\"message\":\"{what}\"}}")
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
                format!("{{\"type\":\"alive\",\"target\":\"{dst}\",\"rtt_ms\":{rtt:.3}}}")
            } else {
                format!("{dst} is alive")
            }
        };
        drop(s);
        sink2(&line);
    }));
    let opts = SrOptions {
        timeout: Some(o.timeout),
        retry: o.retry,
        rate: o.rate,
        observer: Some(observer),
        ..SrOptions::default()
    };
    let (base, o3) = (o.base, o.clone());
    let mut probes = (0..size).map(move |i| probe(&o3, base.wrapping_add(i as u32), id));
    let r = net.sr(&mut probes, &opts, &mut |_, _| {})?;
    crate::sys::clear_interrupt();
    let mut s = summary.lock().map(|s| s.clone()).unwrap_or_default();
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
