//! `ping`: echo (or timestamp, or address-mask) probes on top of the engine,
//! printed the way iputils ping prints them: a header, one line per reply or
//! error, and the statistics (loss, rtt min/avg/max/mdev) at the end, also
//! after Ctrl-C. An IPv6 host gets ICMPv6 echo (128/129) and iputils'
//! IPv6 wording (`PING a(a) 56 data bytes`, `Destination unreachable: No
//! route`, `Packet too big: mtu=1280`, `Time exceeded: Hop limit`); the
//! probe and the reading of an answer are the only family-specific parts.

use super::{fmt_g, Sink};
use crate::layers::{icmp::ICMP, icmpv6};
use crate::net::names::{cached, display, Namer};
use crate::net::{NetError, Network, Observer, SrOptions};
use crate::packet::{Layer, Packet, Timestamp, Value, WirePacket};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Echo,
    Timestamp,
    Mask,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub host: IpAddr,
    /// The name the host was given by (`None`: given as an address).
    pub name: Option<super::HostName>,
    /// `-n`: print addresses only (implied when the host is an address).
    pub numeric: bool,
    /// Stop after this many probes (`None`: until Ctrl-C).
    pub count: Option<u64>,
    pub interval: f64,
    /// Seconds to wait for answers after the last probe.
    pub wait: f64,
    /// Payload bytes (echo only).
    pub size: usize,
    pub ttl: Option<u8>,
    /// Set don't-fragment (`-M do`).
    pub df: bool,
    pub source: Option<IpAddr>,
    /// The interface `-I` named (its address is `source`), for the header.
    pub iface: Option<String>,
    pub kind: Kind,
    pub json: bool,
    pub quiet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            name: None,
            numeric: false,
            count: None,
            interval: 1.0,
            wait: 10.0,
            size: 56,
            ttl: None,
            df: false,
            source: None,
            iface: None,
            kind: Kind::Echo,
            json: false,
            quiet: false,
        }
    }
}

/// Counters and round-trip times (microseconds, as iputils keeps them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub transmitted: u64,
    pub received: u64,
    pub duplicates: u64,
    pub corrupted: u64,
    pub errors: u64,
    pub tsum: i128,
    pub tsum2: i128,
    pub tmin: i64,
    pub tmax: i64,
    /// The most probes ever in flight when a reply came (iputils' `pipe`).
    pub pipesize: u64,
    seen: std::collections::HashSet<u16>,
}

impl Stats {
    /// A reply to probe `seq` came: as iputils' `acknowledge`, the probes
    /// sent since, it included, were in flight at once.
    pub fn acknowledge(&mut self, seq: u16) {
        let diff = (self.transmitted as u16).wrapping_sub(seq);
        if diff <= 0x7fff {
            self.pipesize = self.pipesize.max(u64::from(diff) + 1);
        }
    }

    /// Records one round trip of `us` microseconds.
    pub fn add_rtt(&mut self, us: i64) {
        let first = self.received + self.duplicates == 0;
        self.tsum += i128::from(us);
        self.tsum2 += i128::from(us) * i128::from(us);
        if first || us < self.tmin {
            self.tmin = us;
        }
        if us > self.tmax {
            self.tmax = us;
        }
    }

    /// Packet loss in percent.
    pub fn loss(&self) -> f64 {
        if self.transmitted == 0 {
            return 0.0;
        }
        // iputils computes it in single precision
        ((self.transmitted as f64 - self.received as f64) * 100.0 / self.transmitted as f64) as f32
            as f64
    }

    /// (min, avg, max, mdev) in microseconds, computed as iputils does.
    pub fn rtt(&self) -> Option<(i64, i64, i64, i64)> {
        let total = i128::from(self.received + self.duplicates);
        if self.received == 0 || total == 0 {
            return None;
        }
        let avg = self.tsum / total;
        let var = if self.tsum < i128::from(i32::MAX) {
            (self.tsum2 - (self.tsum * self.tsum) / total) / total
        } else {
            self.tsum2 / total - avg * avg
        };
        Some((self.tmin, avg as i64, self.tmax, isqrt(var.max(0)) as i64))
    }

    /// The two statistics lines after `--- host ping statistics ---`.
    pub fn summary(&self, elapsed_ms: i64) -> (String, Option<String>) {
        let mut s = format!(
            "{} packets transmitted, {} received",
            self.transmitted, self.received
        );
        if self.duplicates > 0 {
            s.push_str(&format!(", +{} duplicates", self.duplicates));
        }
        if self.corrupted > 0 {
            s.push_str(&format!(", +{} corrupted", self.corrupted));
        }
        if self.errors > 0 {
            s.push_str(&format!(", +{} errors", self.errors));
        }
        if self.transmitted > 0 {
            s.push_str(&format!(
                ", {}% packet loss, time {elapsed_ms}ms",
                fmt_g(self.loss())
            ));
        }
        let rtt = self.rtt().map(|(a, b, c, d)| {
            let f = |x: i64| format!("{}.{:03}", x / 1000, x % 1000);
            let pipe = if self.pipesize > 1 {
                format!(", pipe {}", self.pipesize)
            } else {
                String::new()
            };
            format!(
                "rtt min/avg/max/mdev = {}/{}/{}/{} ms{pipe}",
                f(a),
                f(b),
                f(c),
                f(d)
            )
        });
        (s, rtt)
    }
}

/// Integer square root (floor).
fn isqrt(v: i128) -> i128 {
    if v < 2 {
        return v;
    }
    let mut x = (v as f64).sqrt() as i128;
    while x * x > v {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= v {
        x += 1;
    }
    x
}

/// `time=0.054 ms` with iputils' precision steps.
pub fn fmt_time(us: i64) -> String {
    if us >= 100_000 - 50 {
        format!("{} ms", (us + 500) / 1000)
    } else if us >= 10_000 - 5 {
        format!("{}.{} ms", (us + 50) / 1000, ((us + 50) % 1000) / 100)
    } else if us >= 1000 {
        format!("{}.{:02} ms", (us + 5) / 1000, ((us + 5) % 1000) / 10)
    } else {
        format!("{}.{:03} ms", us / 1000, us % 1000)
    }
}

/// What iputils prints for an ICMP error (type, code, next-hop MTU / gateway / pointer).
pub fn error_text(ty: u64, code: u64, info: u64) -> String {
    match (ty, code) {
        (3, 0) => "Destination Net Unreachable".into(),
        (3, 1) => "Destination Host Unreachable".into(),
        (3, 2) => "Destination Protocol Unreachable".into(),
        (3, 3) => "Destination Port Unreachable".into(),
        (3, 4) => format!("Frag needed and DF set (mtu = {info})"),
        (3, 5) => "Source Route Failed".into(),
        (3, 6) => "Destination Net Unknown".into(),
        (3, 7) => "Destination Host Unknown".into(),
        (3, 8) => "Source Host Isolated".into(),
        (3, 9) => "Destination Net Prohibited".into(),
        (3, 10) => "Destination Host Prohibited".into(),
        (3, 11) => "Destination Net Unreachable for Type of Service".into(),
        (3, 12) => "Destination Host Unreachable for Type of Service".into(),
        (3, 13) => "Packet filtered".into(),
        (3, 14) => "Precedence Violation".into(),
        (3, 15) => "Precedence Cutoff".into(),
        (3, c) => format!("Dest Unreachable, Bad Code: {c}"),
        (4, _) => "Source Quench".into(),
        (5, c) => {
            let kind = match c {
                0 => "Redirect Network".to_string(),
                1 => "Redirect Host".to_string(),
                2 => "Redirect Type of Service and Network".to_string(),
                3 => "Redirect Type of Service and Host".to_string(),
                c => format!("Redirect, Bad Code: {c}"),
            };
            format!("{kind}(New nexthop: {})", Ipv4Addr::from(info as u32))
        }
        (11, 0) => "Time to live exceeded".into(),
        (11, 1) => "Frag reassembly time exceeded".into(),
        (11, c) => format!("Time exceeded, Bad Code: {c}"),
        (12, _) => format!("Parameter problem: pointer = {info}"),
        (t, _) => format!("Bad ICMP type: {t}"),
    }
}

/// What iputils prints for an ICMPv6 error (type, code, MTU / pointer).
pub fn error_text6(ty: u64, code: u64, info: u64) -> String {
    match (ty, code) {
        (1, c) => format!(
            "Destination unreachable: {}",
            match c {
                0 => "No route".to_string(),
                1 => "Administratively prohibited".into(),
                2 => "Beyond scope of source address".into(),
                3 => "Address unreachable".into(),
                4 => "Port unreachable".into(),
                c => format!("Unknown code {c}"),
            }
        ),
        (2, 0) => format!("Packet too big: mtu={info}"),
        (2, c) => format!("Packet too big: mtu={info}, code={c}"),
        (3, 0) => "Time exceeded: Hop limit".into(),
        (3, 1) => "Time exceeded: Defragmentation failure".into(),
        (3, c) => format!("Time exceeded: code {c}"),
        (4, c) => format!(
            "Parameter problem: {}at {info}",
            match c {
                0 => "Wrong header field ".to_string(),
                1 => "Unknown header ".into(),
                2 => "Unknown option ".into(),
                c => format!("code {c} "),
            }
        ),
        (t, _) => format!("unknown icmp type: {t}"),
    }
}

/// The ICMP (or ICMPv6) payload bytes, and the bytes iputils adds for the
/// header line's `56(84)`: ICMP and IPv4 headers.
fn payload_len(o: &Options) -> usize {
    match o.kind {
        Kind::Echo => o.size,
        Kind::Timestamp => 12,
        Kind::Mask => 4,
    }
}

fn ms_since_midnight(t: &Timestamp) -> i64 {
    (t.secs.rem_euclid(86_400)) * 1000 + i64::from(t.nanos / 1_000_000)
}

fn fmt_ms_of_day(v: u64) -> String {
    let (s, ms) = (v / 1000, v % 1000);
    format!("{:02}:{:02}:{:02}.{ms:03}", s / 3600, (s / 60) % 60, s % 60)
}

/// The probe for sequence `seq`, stamped with the current time as iputils
/// does (16-byte timeval, then bytes 0x10, 0x11, ...).
pub fn probe(o: &Options, id: u16, seq: u16) -> Packet {
    let now = Timestamp::now();
    let mut ip = super::ip_layer(o.host, o.source, o.ttl.unwrap_or(64));
    let echo_data = |size: usize| {
        let mut data = Vec::with_capacity(size);
        if size >= 16 {
            data.extend_from_slice(&now.secs.to_le_bytes());
            data.extend_from_slice(&i64::from(now.nanos / 1000).to_le_bytes());
        }
        while data.len() < size {
            data.push(data.len() as u8);
        }
        data
    };
    if o.host.is_ipv6() {
        // routers never fragment IPv6: don't-fragment is how it always is
        let mut icmp = Layer::new(&icmpv6::ECHO_REQUEST);
        icmp.set(icmpv6::ECHO_ID, Value::Int(u128::from(id)));
        icmp.set(icmpv6::ECHO_SEQ, Value::Int(u128::from(seq)));
        icmp.set(icmpv6::ECHO_DATA, Value::Bytes(echo_data(o.size)));
        return Packet {
            layers: vec![ip, icmp],
            ..Packet::default()
        };
    }
    ip.set(crate::layers::ipv4::ID, Value::Int(u128::from(seq)));
    if o.df {
        ip.set(crate::layers::ipv4::FLAGS, Value::Int(2));
    }
    let mut icmp = Layer::new(&ICMP);
    let ty = match o.kind {
        Kind::Echo => 8,
        Kind::Timestamp => 13,
        Kind::Mask => 17,
    };
    icmp.set(crate::layers::icmp::TYPE, Value::Int(ty));
    icmp.set(crate::layers::icmp::ID, Value::Int(u128::from(id)));
    icmp.set(crate::layers::icmp::SEQ, Value::Int(u128::from(seq)));
    let mut layers = vec![ip, icmp];
    match o.kind {
        Kind::Echo => {
            layers.push(crate::packet::dissect::bytes_layer(
                crate::layers::raw(),
                &echo_data(o.size),
            ));
        }
        Kind::Timestamp => {
            let ms = ms_since_midnight(&now) as u64;
            layers[1].set(crate::layers::icmp::TS_ORI, Value::Int(u128::from(ms)));
            layers[1].set(crate::layers::icmp::TS_RX, Value::Int(0));
            layers[1].set(crate::layers::icmp::TS_TX, Value::Int(0));
        }
        Kind::Mask => layers[1].set(crate::layers::icmp::ADDR_MASK, Value::Int(0)),
    }
    Packet {
        layers,
        ..Packet::default()
    }
}

/// One reply or error, as printed; `namer` names the addresses.
fn describe(
    o: &Options,
    namer: Option<&Namer>,
    st: &mut Stats,
    probe: &WirePacket,
    reply: &WirePacket,
) -> Option<String> {
    let q = probe.packet();
    let r = reply.packet();
    let v6 = o.host.is_ipv6();
    let seq_field = if v6 {
        icmpv6::ECHO_SEQ
    } else {
        crate::layers::icmp::SEQ
    };
    let seq = q
        .layers
        .get(1)
        .map(|l| l.int(seq_field) as u16)
        .unwrap_or(0);
    let ipr = r.layers.first()?;
    let icmp = r.layers.get(1)?;
    if super::is_v6(ipr) != v6 {
        return None;
    }
    let from = super::ip_src(ipr);
    let ty = icmp.int(0);
    if let Some((_, code)) = super::icmp_error(icmp) {
        st.errors += 1;
        let text = if v6 {
            // Packet Too Big's MTU and Parameter Problem's pointer share a place
            let info = if ty == 2 || ty == 4 { icmp.int(3) } else { 0 };
            error_text6(ty, code, info)
        } else {
            let info = match ty {
                3 => icmp.int(crate::layers::icmp::NEXTHOPMTU),
                5 => icmp.int(crate::layers::icmp::GW),
                12 => icmp.int(crate::layers::icmp::PTR),
                _ => 0,
            };
            error_text(ty, code, info)
        };
        if o.json {
            return Some(format!("{{\"type\":\"error\",\"from\":\"{from}\",\"icmp_seq\":{seq},\"icmp_type\":{ty},\"icmp_code\":{code},\"message\":{}}}", crate::packet::json::escape(&text)));
        }
        return Some(format!(
            "From {} icmp_seq={seq} {text}",
            display(from, namer)
        ));
    }
    let us = ((reply.time.since(&probe.time)) * 1e6).round().max(0.0) as i64;
    let bad_sum = crate::packet::verify::checksums(&r)
        .iter()
        .any(|c| matches!(c.status, crate::packet::verify::Status::Bad { .. }) && c.layer == 1);
    let dup = !st.seen.insert(seq);
    if !bad_sum {
        st.add_rtt(us);
        st.acknowledge(seq);
    }
    if bad_sum {
        st.corrupted += 1;
    } else if dup {
        st.duplicates += 1;
    } else {
        st.received += 1;
    }
    let cc = if v6 {
        ipr.int(crate::layers::ipv6::PLEN) as usize
    } else {
        (ipr.int(crate::layers::ipv4::LEN) as usize)
            .saturating_sub(ipr.int(crate::layers::ipv4::IHL) as usize * 4)
    };
    let ttl = super::ip_ttl(ipr);
    let mut extra = String::new();
    match if v6 { 0 } else { ty } {
        14 => {
            let ori = icmp.int(crate::layers::icmp::TS_ORI);
            let rx = icmp.int(crate::layers::icmp::TS_RX);
            let tx = icmp.int(crate::layers::icmp::TS_TX);
            let back = ms_since_midnight(&reply.time);
            let offset = ((rx as i64 - ori as i64) + (tx as i64 - back)) as f64 / 2.0;
            extra = format!(
                " originate={} receive={} transmit={} offset={offset:+.1} ms",
                fmt_ms_of_day(ori),
                fmt_ms_of_day(rx),
                fmt_ms_of_day(tx)
            );
        }
        18 => {
            extra = format!(
                " mask={}",
                Ipv4Addr::from(icmp.int(crate::layers::icmp::ADDR_MASK) as u32)
            )
        }
        _ => {}
    }
    if o.json {
        return Some(format!(
            "{{\"type\":\"reply\",\"bytes\":{cc},\"from\":\"{from}\",\"icmp_seq\":{seq},\"ttl\":{ttl},\"time_ms\":{:.3},\"duplicate\":{dup},\"bad_checksum\":{bad_sum}{}}}",
            us as f64 / 1000.0,
            match if v6 { 0 } else { ty } {
                14 => format!(",\"originate\":{},\"receive\":{},\"transmit\":{}", icmp.int(5), icmp.int(6), icmp.int(7)),
                18 => format!(",\"mask\":\"{}\"", Ipv4Addr::from(icmp.int(crate::layers::icmp::ADDR_MASK) as u32)),
                _ => String::new(),
            }
        ));
    }
    let mut line = format!(
        "{cc} bytes from {}: icmp_seq={seq} ttl={ttl} time={}{extra}",
        display(from, namer),
        fmt_time(us)
    );
    if dup {
        line.push_str(" (DUP!)");
    }
    if bad_sum {
        line.push_str(" (BAD CHECKSUM!)");
    }
    Some(line)
}

/// The source of pings bound to interface `iface` (`-I IFACE`): the
/// address the route to `dst` takes out of it. packsmith sends by the
/// routing table, so a route out of another interface is refused as iputils
/// refuses one the bound device has no route for.
pub fn interface_source(net: &dyn Network, iface: &str, dst: IpAddr) -> Result<IpAddr, NetError> {
    let unreachable =
        |why: String| NetError::Usage(format!("connect: Network is unreachable ({why})"));
    match net.route(dst) {
        Some((hop, Some(src))) if hop.iface == iface => Ok(src),
        Some((hop, _)) if hop.iface == iface => {
            Err(unreachable(format!("{iface} has no address for {dst}")))
        }
        Some((hop, _)) => Err(unreachable(format!(
            "the route to {dst} goes out of {}, not {iface}",
            hop.iface
        ))),
        None => Err(unreachable(format!("no route to {dst}"))),
    }
}

/// Runs ping; lines go to `sink` as they happen. Returns the statistics.
pub fn run(net: &dyn Network, o: &Options, sink: Sink) -> Result<Stats, NetError> {
    let id = (std::process::id() & 0xffff) as u16;
    let v6 = o.host.is_ipv6();
    if v6 && o.kind != Kind::Echo {
        return Err(NetError::Usage(format!(
            "{} requests are IPv4 only (ICMPv6 has echo alone); {} is an IPv6 address",
            if o.kind == Kind::Timestamp {
                "timestamp"
            } else {
                "address-mask"
            },
            o.host
        )));
    }
    if let Some(s) = o.source.filter(|s| s.is_ipv6() != v6) {
        return Err(NetError::Usage(format!(
            "the source {s} is not an {} address like {}",
            super::family(o.host),
            o.host
        )));
    }
    let payload = payload_len(o);
    let headers = if v6 { 48 } else { 28 };
    // as iputils: names unless -n or the host was given as an address
    let namer = (!o.numeric && o.name.is_some() && !o.json).then(|| cached(net.namer()));
    // IPv4 prints the canonical name, IPv6 the name as typed
    let title = match &o.name {
        Some(n) if v6 => n.typed.clone(),
        Some(n) => n.canonical.clone(),
        None => o.host.to_string(),
    };
    if o.json {
        sink(&format!(
            "{{\"type\":\"start\",\"host\":\"{}\",\"data_bytes\":{payload},\"packet_bytes\":{}}}",
            o.host,
            payload + headers
        ));
    } else {
        // iputils names a source given with -I: "from 198.18.0.1 p-r1: ",
        // "from 2001:2::1 : " for an address
        let from = o
            .source
            .map(|s| format!("from {s} {}: ", o.iface.as_deref().unwrap_or("")))
            .unwrap_or_default();
        if v6 {
            sink(&format!(
                "PING {title}({}) {from}{payload} data bytes",
                display(o.host, namer.as_ref())
            ));
        } else {
            sink(&format!(
                "PING {title} ({}) {from}{}({}) bytes of data.",
                o.host,
                payload,
                payload + 28
            ));
        }
    }
    let stats = Arc::new(Mutex::new(Stats::default()));
    let started = Instant::now();
    let (st2, sink2, o2, namer2) = (stats.clone(), sink.clone(), o.clone(), namer.clone());
    let observer = Observer(Arc::new(move |probe: &WirePacket, reply: &WirePacket| {
        let line = match st2.lock() {
            Ok(mut st) => describe(&o2, namer2.as_ref(), &mut st, probe, reply),
            Err(_) => None,
        };
        if let Some(l) = line {
            if !o2.quiet {
                sink2(&l);
            }
        }
    }));
    let opts = SrOptions {
        timeout: Some(o.wait),
        first: &crate::layers::ipv6::IPV46,
        multi: true,
        done_when_all_answered: true,
        observer: Some(observer),
        ..SrOptions::default()
    };
    // probes are made when due, so their payload carries the send time
    let mut seq: u16 = 0;
    let mut next_due = Instant::now();
    let interval = crate::sys::duration(o.interval);
    let count = o.count;
    let st3 = stats.clone();
    let mut probes = std::iter::from_fn(|| {
        if count.is_some_and(|c| u64::from(seq) >= c) {
            return None;
        }
        while Instant::now() < next_due {
            if crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            std::thread::sleep((next_due - Instant::now()).min(Duration::from_millis(20)));
        }
        next_due += interval;
        seq = seq.wrapping_add(1);
        if let Ok(mut s) = st3.lock() {
            s.transmitted += 1;
        }
        Some(probe(o, id, seq))
    });
    let r = net.sr(&mut probes, &opts, &mut |_, _| {})?;
    // iputils reports the time from the first send to the last (its clock
    // moves with its sends, not its replies)
    let sends = r
        .answered
        .iter()
        .map(|(q, _)| q.time)
        .chain(r.unanswered.iter().map(|q| q.time));
    let first = sends.clone().min();
    let last = sends.max();
    let elapsed = match (first, last) {
        (Some(a), Some(b)) => crate::sys::duration(b.since(&a)),
        _ => started.elapsed(),
    };
    crate::sys::clear_interrupt();
    let st = stats.lock().map(|s| s.clone()).unwrap_or_default();
    let ms = elapsed.as_millis() as i64;
    let (line, rtt) = st.summary(ms);
    if o.json {
        let rtt_json = st
            .rtt()
            .map(|(a, b, c, d)| {
                format!(
                    ",\"rtt_ms\":{{\"min\":{:.3},\"avg\":{:.3},\"max\":{:.3},\"mdev\":{:.3}}}",
                    a as f64 / 1e3,
                    b as f64 / 1e3,
                    c as f64 / 1e3,
                    d as f64 / 1e3
                )
            })
            .unwrap_or_default();
        sink(&format!(
            "{{\"type\":\"summary\",\"host\":\"{}\",\"transmitted\":{},\"received\":{},\"duplicates\":{},\"errors\":{},\"loss_percent\":{},\"time_ms\":{ms}{rtt_json}{}}}",
            o.host, st.transmitted, st.received, st.duplicates, st.errors, fmt_g(st.loss()),
            if st.pipesize > 1 { format!(",\"pipe\":{}", st.pipesize) } else { String::new() }
        ));
    } else {
        sink("");
        sink(&format!("--- {title} ping statistics ---"));
        sink(&line);
        // iputils ends with an empty line where the rtt line would be
        sink(rtt.as_deref().unwrap_or(""));
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(rtts: &[i64], tx: u64) -> Stats {
        let mut s = Stats {
            transmitted: tx,
            ..Stats::default()
        };
        for r in rtts {
            s.add_rtt(*r);
            s.received += 1;
        }
        s
    }

    #[test]
    fn mdev_matches_hand_computation() {
        // rtts 1.000, 2.000, 4.000 ms: mean 2333 us (integer), variance
        // (1e6+4e6+16e6 - 7000^2/3)/3 = (21e6 - 16333333)/3 = 1555555 -> sqrt 1247
        let s = stats(&[1000, 2000, 4000], 3);
        assert_eq!(s.rtt(), Some((1000, 2333, 4000, 1247)));
        let (line, rtt) = s.summary(2003);
        assert_eq!(
            line,
            "3 packets transmitted, 3 received, 0% packet loss, time 2003ms"
        );
        assert_eq!(
            rtt.as_deref(),
            Some("rtt min/avg/max/mdev = 1.000/2.333/4.000/1.247 ms")
        );
        // identical rtts have no deviation
        assert_eq!(stats(&[54, 54, 54, 54], 4).rtt(), Some((54, 54, 54, 0)));
    }

    #[test]
    fn pipe_is_the_most_probes_in_flight() {
        let mut s = stats(&[2_000_000], 1);
        s.acknowledge(1);
        assert!(s.summary(0).1.is_some_and(|r| !r.contains("pipe")));
        // the reply to probe 1 came after probe 3 was sent
        s.transmitted = 3;
        s.acknowledge(1);
        assert!(s.summary(0).1.is_some_and(|r| r.ends_with(" ms, pipe 3")));
        // seq numbers wrap as iputils' do: probe 65,534 answered after 65,537
        s.pipesize = 0;
        s.transmitted = 65_537;
        s.acknowledge(65_534);
        assert_eq!(s.pipesize, 4);
    }

    #[test]
    fn loss_is_printed_like_iputils() {
        let mut s = stats(&[500, 700], 3);
        s.errors = 1;
        assert_eq!(fmt_g(s.loss()), "33.3333");
        assert_eq!(
            s.summary(2000).0,
            "3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2000ms"
        );
        assert_eq!(fmt_g(stats(&[], 4).loss()), "100");
        assert_eq!(stats(&[], 4).rtt(), None);
        assert_eq!(fmt_g(stats(&[1, 1, 1], 8).loss()), "62.5");
    }

    #[test]
    fn times_use_iputils_precision() {
        assert_eq!(fmt_time(54), "0.054 ms");
        assert_eq!(fmt_time(1234), "1.23 ms");
        assert_eq!(fmt_time(12_345), "12.3 ms");
        assert_eq!(fmt_time(123_456), "123 ms");
    }

    #[test]
    fn error_texts() {
        assert_eq!(error_text(3, 1, 0), "Destination Host Unreachable");
        assert_eq!(
            error_text(3, 4, 1000),
            "Frag needed and DF set (mtu = 1000)"
        );
        assert_eq!(error_text(3, 13, 0), "Packet filtered");
        assert_eq!(error_text(11, 0, 0), "Time to live exceeded");
    }

    #[test]
    fn probes_carry_time_and_pattern() {
        let o = Options {
            host: IpAddr::V4(Ipv4Addr::new(198, 19, 0, 1)),
            ..Options::default()
        };
        let p = probe(&o, 7, 3);
        let b = p.build();
        assert_eq!(b.len(), 84);
        assert_eq!(&b[20..22], &[8, 0]);
        assert_eq!(b[20 + 8 + 16], 16);
        assert_eq!(b[83], 55);
        // IPv6: ICMPv6 echo 128 with the same payload, hop limit from -t
        let o = Options {
            host: "2001:2:0:100::1".parse().expect("addr"),
            source: Some("2001:2::1".parse().expect("addr")),
            ttl: Some(1),
            ..Options::default()
        };
        let b = probe(&o, 7, 3).build();
        assert_eq!(b.len(), 40 + 8 + 56);
        assert_eq!(b[0] >> 4, 6);
        assert_eq!((b[6], b[7]), (58, 1), "next header ICMPv6, hop limit 1");
        assert_eq!(&b[40..42], &[128, 0]);
        assert_eq!(&b[44..48], &[0, 7, 0, 3], "id and seq");
        assert_eq!(b[40 + 8 + 16], 16);
        assert_eq!(b[103], 55);
        let checked = crate::packet::verify::checksums(&Packet::dissect(
            &crate::layers::ipv6::IPV6_LAYER,
            &b,
        ));
        assert!(
            checked
                .iter()
                .all(|c| c.status == crate::packet::verify::Status::Good),
            "{checked:?}"
        );
    }

    #[test]
    fn icmpv6_error_texts_are_iputils() {
        // as /usr/bin/ping -6 (iputils 20221126) prints them in scripts/lab6.sh
        assert_eq!(error_text6(1, 0, 0), "Destination unreachable: No route");
        assert_eq!(
            error_text6(1, 1, 0),
            "Destination unreachable: Administratively prohibited"
        );
        assert_eq!(
            error_text6(1, 3, 0),
            "Destination unreachable: Address unreachable"
        );
        assert_eq!(
            error_text6(1, 4, 0),
            "Destination unreachable: Port unreachable"
        );
        assert_eq!(error_text6(2, 0, 1280), "Packet too big: mtu=1280");
        assert_eq!(error_text6(3, 0, 0), "Time exceeded: Hop limit");
        assert_eq!(
            error_text6(4, 1, 40),
            "Parameter problem: Unknown header at 40"
        );
        assert_eq!(
            error_text6(1, 9, 0),
            "Destination unreachable: Unknown code 9"
        );
    }

    /// The in-memory host answering each IPv6 echo request with a reply
    /// (hop limit 62) or, with `error`, a no-route error from 2001:2:0:1::2
    /// quoting it.
    fn fake6(error: bool) -> crate::net::fake::MemHost {
        use crate::tools::respond::icmp6_checksum;
        let responder = Arc::new(move |q: &[u8], _: usize| {
            let addr = |b: &[u8]| {
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                u128::from_be_bytes(a)
            };
            let (src, dst) = (addr(&q[8..24]), addr(&q[24..40]));
            let (from, body) = if error {
                let mut b = vec![1, 0, 0, 0, 0, 0, 0, 0];
                b.extend_from_slice(q);
                (0x2001_0002_0000_0001_0000_0000_0000_0002u128, b)
            } else {
                let mut b = q[40..].to_vec();
                b[0] = 129;
                b[2] = 0;
                b[3] = 0;
                (dst, b)
            };
            let c = icmp6_checksum(from, src, &body);
            let mut r = vec![0x60, 0, 0, 0];
            r.extend_from_slice(&(body.len() as u16).to_be_bytes());
            r.extend_from_slice(&[58, 62]);
            r.extend_from_slice(&from.to_be_bytes());
            r.extend_from_slice(&src.to_be_bytes());
            r.extend_from_slice(&body);
            r[42..44].copy_from_slice(&c.to_be_bytes());
            vec![r]
        });
        crate::net::fake::MemHost::lab().answering(responder)
    }

    fn lines_of(net: &crate::net::fake::MemHost, o: &Options) -> (Vec<String>, Stats) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let l2 = lines.clone();
        let sink: Sink = Arc::new(move |l: &str| {
            if let Ok(mut v) = l2.lock() {
                v.push(l.to_string());
            }
        });
        let st = run(net, o, sink).expect("ping runs");
        let v = lines.lock().map(|v| v.clone()).unwrap_or_default();
        (v, st)
    }

    #[test]
    fn ipv6_replies_and_errors_print_as_iputils() {
        let o = Options {
            host: "2001:2:0:100::1".parse().expect("addr"),
            source: Some("2001:2::1".parse().expect("addr")),
            count: Some(2),
            interval: 0.01,
            wait: 5.0,
            ..Options::default()
        };
        let (lines, st) = lines_of(&fake6(false), &o);
        let t = regex::Regex::new(r"time=\S+ ms").expect("re");
        let lines: Vec<String> = lines
            .iter()
            .map(|l| t.replace_all(l, "time=T ms").to_string())
            .collect();
        assert_eq!(
            lines[0],
            "PING 2001:2:0:100::1(2001:2:0:100::1) from 2001:2::1 : 56 data bytes"
        );
        assert_eq!(
            lines[1],
            "64 bytes from 2001:2:0:100::1: icmp_seq=1 ttl=62 time=T ms"
        );
        assert_eq!(
            lines[2],
            "64 bytes from 2001:2:0:100::1: icmp_seq=2 ttl=62 time=T ms"
        );
        assert_eq!(lines[4], "--- 2001:2:0:100::1 ping statistics ---");
        assert!(lines[5].starts_with("2 packets transmitted, 2 received, 0% packet loss"));
        assert_eq!((st.received, st.errors), (2, 0));
        let (lines, st) = lines_of(&fake6(true), &o);
        assert_eq!(
            lines[1],
            "From 2001:2:0:1::2 icmp_seq=1 Destination unreachable: No route"
        );
        assert!(
            lines[5].starts_with("2 packets transmitted, 0 received, +2 errors, 100% packet loss"),
            "{lines:?}"
        );
        assert_eq!(lines.last().map(String::as_str), Some(""));
        assert_eq!((st.received, st.errors), (0, 2));
        // timestamp and mask are IPv4's: a usage error before anything is sent
        for kind in [Kind::Timestamp, Kind::Mask] {
            let o = Options { kind, ..o.clone() };
            let sink: Sink = Arc::new(|_: &str| {});
            assert!(matches!(
                run(&fake6(false), &o, sink),
                Err(NetError::Usage(_))
            ));
        }
    }
}
