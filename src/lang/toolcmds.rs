//! The everyday tools as language functions: `ping`, `traceroute`, `sweep`.
//! They print exactly as the subcommands do and return their results; IPv4
//! and IPv6 hosts and networks alike.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::output;
use super::value::*;
use crate::net::names::Family;
use crate::tools::{ping, stdout_sink, sweep, traceroute};
use std::net::IpAddr;

macro_rules! commands {
    ($($name:literal => $f:ident : $doc:literal),* $(,)?) => {
        pub static COMMANDS: &[Builtin] = &[
            $(Builtin { name: $name, f: $f, doc: $doc }),*
        ];
    };
}

commands! {
    "ping" => c_ping: "ping(host, count=4, interval=1, timeout=10, size=56, ttl=None, df=False, type=\"echo\", numeric=False): iputils-style ping of an address or host name (ICMPv6 echo for an IPv6 host; timestamp and mask are IPv4 only); returns the statistics as a dict",
    "traceroute" => c_traceroute: "traceroute(host, mode=\"udp\", max_ttl=30, queries=3, wait=5, port=None, numeric=False): IPv4 or IPv6, an address or host name (numeric=True: hops without names); returns [(ttl, [(addr, rtt_ms, note) or None, ...]), ...]",
    "sweep" => c_sweep: "sweep(network, type=\"echo\", rate=None, timeout=1, retry=0, port=80, shards=1, shard=0, seed=None): host discovery (seed: ZMap's pseudo-random order, shards of it) over an IPv4 or IPv6 network (at most 2^32 addresses); returns the alive addresses",
}

/// A host address or name (through the interpreter's host resolver).
fn host_arg(interp: &Interp, v: &Value) -> R<(IpAddr, Option<crate::tools::HostName>)> {
    let s = v.text("host")?;
    crate::tools::resolve(interp.net.as_ref(), &s, Family::Any)
        .map_err(|e| raise("OSError", e.to_string()))
}

fn f64_kw(a: &mut Args, k: &str, d: f64) -> R<f64> {
    a.kw(k)
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.float(k))
        .transpose()
        .map(|x| x.unwrap_or(d))
}

fn c_ping(interp: &mut Interp, mut a: Args) -> R {
    let (host, name) = host_arg(interp, &a.req(0, "host", "ping")?)?;
    let count = a
        .get(1, "count")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.int("count"))
        .transpose()?
        .unwrap_or(4);
    let kind = match a.kw("type").as_ref().and_then(|v| v.as_str()) {
        None | Some("echo") => ping::Kind::Echo,
        Some("timestamp") => ping::Kind::Timestamp,
        Some("mask") => ping::Kind::Mask,
        Some(other) => {
            return Err(raise(
                "ValueError",
                format!("unknown ping type {other:?} (echo, timestamp, mask)"),
            ))
        }
    };
    let o = ping::Options {
        host,
        name,
        numeric: a.kw("numeric").is_some_and(|v| v.truthy()),
        count: (count > 0).then_some(count as u64),
        interval: f64_kw(&mut a, "interval", 1.0)?,
        wait: f64_kw(&mut a, "timeout", 10.0)?,
        size: a
            .kw("size")
            .map(|v| v.int("size"))
            .transpose()?
            .unwrap_or(56)
            .clamp(0, 65_000) as usize,
        ttl: a
            .kw("ttl")
            .filter(|v| !matches!(v, Value::None))
            .map(|v| v.int("ttl"))
            .transpose()?
            .map(|t| t.clamp(1, 255) as u8),
        df: a.kw("df").is_some_and(|v| v.truthy()),
        source: None,
        iface: None,
        kind,
        json: false,
        quiet: a.kw("quiet").is_some_and(|v| v.truthy()),
    };
    a.done(
        "ping",
        2,
        &[
            "count", "interval", "timeout", "size", "ttl", "df", "type", "quiet", "numeric",
        ],
    )?;
    output::flush();
    let net = interp.net.clone();
    let st = ping::run(net.as_ref(), &o, stdout_sink()).map_err(super::netcmds::net_error)?;
    let mut d = Dict::default();
    d.insert(Value::str("transmitted"), Value::Int(st.transmitted as i64))?;
    d.insert(Value::str("received"), Value::Int(st.received as i64))?;
    d.insert(Value::str("errors"), Value::Int(st.errors as i64))?;
    d.insert(Value::str("duplicates"), Value::Int(st.duplicates as i64))?;
    d.insert(Value::str("loss"), Value::Float(st.loss()))?;
    if let Some((mn, avg, mx, md)) = st.rtt() {
        for (k, v) in [("min", mn), ("avg", avg), ("max", mx), ("mdev", md)] {
            d.insert(Value::str(k), Value::Float(v as f64 / 1000.0))?;
        }
    }
    Ok(Value::dict(d))
}

fn c_traceroute(interp: &mut Interp, mut a: Args) -> R {
    let (host, name) = host_arg(interp, &a.req(0, "host", "traceroute")?)?;
    let mode = match a.kw("mode").as_ref().and_then(|v| v.as_str()) {
        None | Some("udp") => traceroute::Mode::Udp,
        Some("icmp") => traceroute::Mode::Icmp,
        Some("tcp") => traceroute::Mode::Tcp,
        Some(other) => {
            return Err(raise(
                "ValueError",
                format!("unknown traceroute mode {other:?} (icmp, udp, tcp)"),
            ))
        }
    };
    let int_kw = |a: &mut Args, k: &str, d: i64| -> R<i64> {
        Ok(a.kw(k).map(|v| v.int(k)).transpose()?.unwrap_or(d))
    };
    let o = traceroute::Options {
        host,
        name,
        numeric: a.kw("numeric").is_some_and(|v| v.truthy()),
        mode,
        first_ttl: int_kw(&mut a, "first_ttl", 1)?.clamp(1, 255) as u8,
        max_ttl: int_kw(&mut a, "max_ttl", 30)?.clamp(1, 255) as u8,
        queries: int_kw(&mut a, "queries", 3)?.clamp(1, 10) as u8,
        wait: f64_kw(&mut a, "wait", 5.0)?,
        budget: int_kw(&mut a, "budget", 16)?.clamp(1, 1024) as usize,
        port: int_kw(
            &mut a,
            "port",
            if mode == traceroute::Mode::Tcp {
                80
            } else {
                33434
            },
        )?
        .clamp(1, 65535) as u16,
        packet_len: int_kw(
            &mut a,
            "packet_len",
            traceroute::default_packet_len(host) as i64,
        )?
        .clamp(if host.is_ipv6() { 48 } else { 28 }, 65_000) as usize,
        df: a.kw("df").is_some_and(|v| v.truthy()),
        json: false,
    };
    a.done(
        "traceroute",
        1,
        &[
            "mode",
            "first_ttl",
            "max_ttl",
            "queries",
            "wait",
            "budget",
            "port",
            "packet_len",
            "df",
            "numeric",
        ],
    )?;
    output::flush();
    let net = interp.net.clone();
    let hops =
        traceroute::run(net.as_ref(), &o, stdout_sink()).map_err(super::netcmds::net_error)?;
    Ok(Value::list(
        hops.into_iter()
            .map(|(ttl, replies)| {
                let rs = replies
                    .into_iter()
                    .map(|r| match r {
                        Some(r) => Value::tuple(vec![
                            Value::str(r.from.to_string()),
                            Value::Float(r.rtt_ms),
                            Value::str(r.note),
                        ]),
                        None => Value::None,
                    })
                    .collect();
                Value::tuple(vec![Value::Int(i64::from(ttl)), Value::list(rs)])
            })
            .collect(),
    ))
}

fn c_sweep(interp: &mut Interp, mut a: Args) -> R {
    let net_s = a.req(0, "network", "sweep")?.text("network")?;
    let (base, prefix) = crate::tools::ip_net(&net_s).ok_or_else(|| {
        raise(
            "ValueError",
            format!("{net_s:?} is not an IPv4 or IPv6 network"),
        )
    })?;
    let probe = match a.kw("type").as_ref().and_then(|v| v.as_str()) {
        None | Some("echo") => sweep::Probe::Echo,
        Some("timestamp") => sweep::Probe::Timestamp,
        Some("syn") => sweep::Probe::Syn,
        Some(other) => {
            return Err(raise(
                "ValueError",
                format!("unknown sweep type {other:?} (echo, timestamp, syn)"),
            ))
        }
    };
    let rate = super::netcmds::opt_pace(&mut a, "rate")?;
    let o = sweep::Options {
        base,
        prefix,
        probe,
        rate,
        port: a
            .kw("port")
            .map(|v| v.int("port"))
            .transpose()?
            .unwrap_or(80)
            .clamp(1, 65535) as u16,
        timeout: f64_kw(&mut a, "timeout", 1.0)?,
        retry: a
            .kw("retry")
            .map(|v| v.int("retry"))
            .transpose()?
            .unwrap_or(0)
            .clamp(-100, 100) as i32,
        json: false,
        shard: None,
        exclude: Vec::new(),
        include: Vec::new(),
    };
    // ZMap's sharding: shards=N, shard=I, seed=S
    let int_kw = |a: &mut Args, k: &str| -> R<Option<i64>> {
        a.kw(k)
            .filter(|v| !matches!(v, Value::None))
            .map(|v| v.int(k))
            .transpose()
    };
    let seed = int_kw(&mut a, "seed")?;
    let shards = int_kw(&mut a, "shards")?.unwrap_or(1);
    let shard = int_kw(&mut a, "shard")?.unwrap_or(0);
    if seed.is_none() && shards != 1 {
        return Err(raise(
            "ValueError",
            "shards need a seed= shared by every shard",
        ));
    }
    let o = sweep::Options {
        shard: seed.map(|seed| crate::tools::shard::Shard {
            count: shards.clamp(0, i64::from(u32::MAX)) as u32,
            index: shard.clamp(0, i64::from(u32::MAX)) as u32,
            seed: seed as u64,
        }),
        ..o
    };
    a.done(
        "sweep",
        1,
        &[
            "type", "rate", "port", "timeout", "retry", "shards", "shard", "seed",
        ],
    )?;
    output::flush();
    // collect alive hosts from the printed lines' source: run with a capturing sink
    let alive = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (a2, out) = (alive.clone(), crate::tools::block_stdout_sink());
    let sink: crate::tools::Sink = std::sync::Arc::new(move |line: &str| {
        if let Some(h) = line.strip_suffix(" is alive") {
            if let Ok(mut v) = a2.lock() {
                v.push(h.to_string());
            }
        }
        out(line);
    });
    let net = interp.net.clone();
    sweep::run(net.as_ref(), &o, sink).map_err(super::netcmds::net_error)?;
    let hosts = alive.lock().map(|v| v.clone()).unwrap_or_default();
    Ok(Value::list(hosts.into_iter().map(Value::str).collect()))
}
