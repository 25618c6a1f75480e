//! Arguments and entry points of the tool subcommands (`ping`, `traceroute`,
//! `sweep`, `respond`), kept out of `main.rs` so it holds no logic.

use crate::net::names::Family;
use crate::net::{NetError, System};
use crate::tools::HostName;
use crate::tools::{block_stdout_sink, ping, read, respond, stdout_sink, sweep, traceroute};
use clap::{Args, ValueEnum};
use std::net::{IpAddr, Ipv4Addr};

/// Exit code for an engine error (77: missing privilege).
fn fail(e: NetError) -> i32 {
    eprintln!("packsmith: {e}");
    match e {
        NetError::Permission(_) => 77,
        NetError::Usage(_) => 2,
        NetError::Io(_) => 1,
    }
}

/// An IPv4 or IPv6 address (a source); `v4`/`v6` require that family.
fn ip_addr(host: &str, v4: bool, v6: bool) -> Result<IpAddr, i32> {
    let a: IpAddr = host.trim().parse().map_err(|_| {
        eprintln!("packsmith: {host:?} is not an IPv4 or IPv6 address");
        2
    })?;
    if (v4 && a.is_ipv6()) || (v6 && a.is_ipv4()) {
        eprintln!(
            "packsmith: {host}: address family not supported with -{}",
            if v4 { 4 } else { 6 }
        );
        return Err(2);
    }
    Ok(a)
}

/// A target address or host name (getaddrinfo, `-4`/`-6` as its family).
fn target(host: &str, v4: bool, v6: bool) -> Result<(IpAddr, Option<HostName>), i32> {
    crate::tools::resolve(&System, host, Family::from_flags(v4, v6)).map_err(fail)
}

fn addr(host: &str) -> Result<Ipv4Addr, i32> {
    host.parse().map_err(|_| {
        eprintln!("packsmith: {host:?} is not an IPv4 address");
        2
    })
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PingType {
    Echo,
    Timestamp,
    Mask,
}

#[derive(Args, Debug)]
pub struct PingArgs {
    /// Host name or IPv4 or IPv6 address to ping
    pub host: String,
    /// Only IPv4 (an IPv4 address, or a name's IPv4 address)
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Only IPv6: ICMPv6 echo (an IPv6 address, or a name's IPv6 address)
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Stop after COUNT probes (default: until Ctrl-C)
    #[arg(short = 'c')]
    pub count: Option<u64>,
    /// Seconds between probes (0 floods; needs root)
    #[arg(short = 'i', default_value_t = 1.0)]
    pub interval: f64,
    /// Seconds to wait for answers after the last probe
    #[arg(short = 'W', default_value_t = 10.0)]
    pub wait: f64,
    /// Payload bytes of echo requests
    #[arg(short = 's', default_value_t = 56)]
    pub size: usize,
    /// IP time to live (IPv6: hop limit)
    #[arg(short = 't')]
    pub ttl: Option<u8>,
    /// Path MTU discovery: "do" sets don't-fragment, "dont"/"want" do not
    #[arg(short = 'M')]
    pub pmtu: Option<String>,
    /// Source address, or an interface (its address towards the host)
    #[arg(short = 'S', short_alias = 'I')]
    pub source: Option<String>,
    /// Request type: echo (8/0; IPv6 128/129), timestamp (13/14) or mask (17/18), IPv4 only
    #[arg(long = "type", value_enum, default_value_t = PingType::Echo)]
    pub kind: PingType,
    /// Quiet: only the header and the statistics
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Numeric output: reply addresses without their names
    #[arg(short = 'n')]
    pub numeric: bool,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
}

pub fn ping(a: PingArgs) -> i32 {
    let (host, name) = match target(&a.host, a.ipv4, a.ipv6) {
        Ok(h) => h,
        Err(c) => return c,
    };
    // -I takes an address or, as iputils, an interface
    let (source, iface) = match a.source.as_deref() {
        None => (None, None),
        Some(s) if s.trim().parse::<IpAddr>().is_ok() => {
            match ip_addr(s, host.is_ipv4(), host.is_ipv6()) {
                Ok(a) => (Some(a), None),
                Err(c) => return c,
            }
        }
        Some(dev) => match ping::interface_source(&System, dev, host) {
            Ok(a) => (Some(a), Some(dev.to_string())),
            Err(e) => return fail(e),
        },
    };
    let o = ping::Options {
        host,
        name,
        numeric: a.numeric,
        count: a.count,
        interval: a.interval,
        wait: a.wait,
        size: a.size,
        ttl: a.ttl,
        df: a.pmtu.as_deref() == Some("do"),
        source,
        iface,
        kind: match a.kind {
            PingType::Echo => ping::Kind::Echo,
            PingType::Timestamp => ping::Kind::Timestamp,
            PingType::Mask => ping::Kind::Mask,
        },
        json: a.json,
        quiet: a.quiet,
    };
    match ping::run(&System, &o, stdout_sink()) {
        Ok(s) if s.received > 0 => 0,
        Ok(_) => 1,
        Err(e) => fail(e),
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TraceMode {
    Icmp,
    Udp,
    Tcp,
}

#[derive(Args, Debug)]
pub struct TracerouteArgs {
    /// Host name or IPv4 or IPv6 address to trace
    pub host: String,
    /// Whole packet length in bytes (default 60, IPv6 80)
    pub packet_len: Option<usize>,
    /// Only IPv4 (an IPv4 address, or a name's IPv4 address)
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Only IPv6 (an IPv6 address, or a name's IPv6 address)
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Set don't-fragment (see !F-<mtu> from routers; IPv6 probes never fragment)
    #[arg(short = 'F')]
    pub df: bool,
    /// Probe with ICMP echo (traceroute -I; ICMPv6 echo for IPv6)
    #[arg(short = 'I', conflicts_with_all = ["tcp", "mode"])]
    pub icmp: bool,
    /// Probe with TCP SYN (traceroute -T)
    #[arg(short = 'T', conflicts_with_all = ["icmp", "mode"])]
    pub tcp: bool,
    /// Probe mode (default udp)
    #[arg(long, value_enum)]
    pub mode: Option<TraceMode>,
    /// Probes per hop
    #[arg(short = 'q', default_value_t = 3)]
    pub queries: u8,
    /// Largest TTL
    #[arg(short = 'm', default_value_t = 30)]
    pub max_ttl: u8,
    /// First TTL
    #[arg(short = 'f', default_value_t = 1)]
    pub first_ttl: u8,
    /// Seconds to wait for each batch of answers
    #[arg(short = 'w', default_value_t = 5.0)]
    pub wait: f64,
    /// Probes in flight at once
    #[arg(short = 'N', default_value_t = 16)]
    pub budget: usize,
    /// UDP base port (default 33434) or TCP port (default 80)
    #[arg(short = 'p')]
    pub port: Option<u16>,
    /// Numeric output: hop addresses without their names
    #[arg(short = 'n')]
    pub numeric: bool,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
}

pub fn traceroute(a: TracerouteArgs) -> i32 {
    let (host, name) = match target(&a.host, a.ipv4, a.ipv6) {
        Ok(h) => h,
        Err(c) => return c,
    };
    let mode = match (a.icmp, a.tcp, a.mode) {
        (true, _, _) | (_, _, Some(TraceMode::Icmp)) => traceroute::Mode::Icmp,
        (_, true, _) | (_, _, Some(TraceMode::Tcp)) => traceroute::Mode::Tcp,
        _ => traceroute::Mode::Udp,
    };
    let o = traceroute::Options {
        host,
        name,
        numeric: a.numeric,
        mode,
        first_ttl: a.first_ttl,
        max_ttl: a.max_ttl,
        queries: a.queries,
        wait: a.wait,
        budget: a.budget,
        port: a.port.unwrap_or(if mode == traceroute::Mode::Tcp {
            80
        } else {
            33434
        }),
        packet_len: a
            .packet_len
            .unwrap_or(traceroute::default_packet_len(host))
            .clamp(if host.is_ipv6() { 48 } else { 28 }, 65_000),
        df: a.df,
        json: a.json,
    };
    match traceroute::run(&System, &o, stdout_sink()) {
        Ok(_) => 0,
        Err(e) => fail(e),
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SweepType {
    Echo,
    Timestamp,
    Syn,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Network to sweep, e.g. 198.19.0.0/24 or 2001:2:0:100::/120 (at most 2^32 addresses)
    pub network: String,
    /// Probe type (IPv6: echo or syn)
    #[arg(long = "type", value_enum, default_value_t = SweepType::Echo)]
    pub kind: SweepType,
    /// Probes per second (default: as fast as possible)
    #[arg(long)]
    pub rate: Option<f64>,
    /// TCP port for SYN probes
    #[arg(short = 'p', default_value_t = 80)]
    pub port: u16,
    /// Seconds to wait after the last probe
    #[arg(long, default_value_t = 1.0)]
    pub timeout: f64,
    /// Resend unanswered probes this many times
    #[arg(long, default_value_t = 0)]
    pub retry: i32,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
    /// Cut the space into this many shards (ZMap's sharding: one process
    /// or host each; the same --seed everywhere)
    #[arg(long, default_value_t = 1, requires = "seed")]
    pub shards: u32,
    /// Which shard this process probes, 0 to --shards - 1
    #[arg(long, default_value_t = 0)]
    pub shard: u32,
    /// Probe in the pseudo-random order of this seed (a cyclic-group walk of
    /// the space, as ZMap's); the same seed gives the same order
    #[arg(long)]
    pub seed: Option<u64>,
    /// Never probe the networks in this file (one CIDR a line, # comments)
    #[arg(long)]
    pub exclude_file: Option<String>,
    /// Probe only the addresses of the networks in this file
    #[arg(long)]
    pub include_file: Option<String>,
}

/// The networks of an `--exclude-file`/`--include-file` (none without one).
fn networks(file: Option<&str>) -> Result<Vec<(IpAddr, u8)>, i32> {
    file.map_or(Ok(Vec::new()), |f| sweep::read_networks(f).map_err(fail))
}

pub fn sweep(a: SweepArgs) -> i32 {
    let Some((base, prefix)) = crate::tools::ip_net(&a.network) else {
        eprintln!(
            "packsmith: {:?} is not an IPv4 or IPv6 network like 198.19.0.0/24 or 2001:2:0:100::/120",
            a.network
        );
        return 2;
    };
    let o = sweep::Options {
        base,
        prefix,
        probe: match a.kind {
            SweepType::Echo => sweep::Probe::Echo,
            SweepType::Timestamp => sweep::Probe::Timestamp,
            SweepType::Syn => sweep::Probe::Syn,
        },
        rate: a.rate,
        port: a.port,
        timeout: a.timeout,
        retry: a.retry,
        json: a.json,
        shard: a.seed.map(|seed| crate::tools::shard::Shard {
            count: a.shards,
            index: a.shard,
            seed,
        }),
        exclude: match networks(a.exclude_file.as_deref()) {
            Ok(v) => v,
            Err(c) => return c,
        },
        include: match networks(a.include_file.as_deref()) {
            Ok(v) => v,
            Err(c) => return c,
        },
    };
    match sweep::run(&System, &o, block_stdout_sink()) {
        Ok(s) if s.fault.is_some() => {
            eprintln!("packsmith: warning: {}", s.fault.unwrap_or_default());
            1
        }
        Ok(s) if s.alive > 0 => 0,
        Ok(_) => 1,
        Err(e) => fail(e),
    }
}

#[derive(Args, Debug)]
pub struct RespondArgs {
    /// Interface to answer on
    #[arg(long)]
    pub iface: String,
    /// Networks whose addresses to answer for, IPv4 or IPv6 (repeatable;
    /// default: the interface's own IPv4 and IPv6 addresses). For IPv6 addresses
    /// neighbour solicitations are answered too.
    #[arg(long = "addr", visible_alias = "owns")]
    pub addrs: Vec<String>,
    /// Request types to answer: any of echo (ICMP and ICMPv6), timestamp, info, mask
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "echo,timestamp,info,mask"
    )]
    pub types: Vec<String>,
    /// Mask to give in address-mask replies (default: from the first --addr)
    #[arg(long)]
    pub mask: Option<String>,
    /// Stop after answering this many requests
    #[arg(long)]
    pub count: Option<u64>,
    /// Stop after this many seconds
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Answers per second to one source address, a token bucket per source
    /// like the kernel's icmp_ratelimit (0: no limit)
    #[arg(long, default_value_t = 100.0)]
    pub rate_limit: f64,
    /// Answers one source may get at once (default: the rate limit, at least 1)
    #[arg(long)]
    pub burst: Option<f64>,
    /// One JSON object per line (start, answers, summary with the refusals)
    #[arg(long)]
    pub json: bool,
    /// No line per answer (the summary is still printed)
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn respond(a: RespondArgs) -> i32 {
    let (mut owns, mut owns6) = (Vec::new(), Vec::new());
    for s in &a.addrs {
        match crate::tools::ip_net(s) {
            Some((IpAddr::V4(b), p)) => owns.push((u32::from(b), p)),
            Some((IpAddr::V6(b), p)) => owns6.push((u128::from(b), p)),
            None => {
                eprintln!("packsmith: {s:?} is not an IPv4 or IPv6 network");
                return 2;
            }
        }
    }
    if owns.is_empty() && owns6.is_empty() {
        match crate::net::route::iface_by_name(&a.iface) {
            Some(i) => {
                owns.extend(i.addrs.iter().map(|(a, _)| (u32::from(*a), 32u8)));
                owns6.extend(i.addrs6.iter().map(|(a, _)| (u128::from(*a), 128u8)));
            }
            None => {
                eprintln!("packsmith: no interface named {:?}", a.iface);
                return 2;
            }
        }
    }
    let mut types = Vec::new();
    for t in &a.types {
        types.push(match t.as_str() {
            "echo" => 8,
            "timestamp" => 13,
            "info" => 15,
            "mask" => 17,
            other => {
                eprintln!(
                    "packsmith: unknown request type {other:?} (echo, timestamp, info, mask)"
                );
                return 2;
            }
        });
    }
    let mask = match &a.mask {
        Some(m) => match addr(m) {
            Ok(m) => m,
            Err(c) => return c,
        },
        None => {
            let p = owns
                .first()
                .map(|(_, p)| *p)
                .filter(|p| *p < 32)
                .unwrap_or(24);
            Ipv4Addr::from(if p == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(p))
            })
        }
    };
    if !a.rate_limit.is_finite() || a.rate_limit < 0.0 {
        eprintln!(
            "packsmith: --rate-limit must be 0 (no limit) or a positive number of answers a second"
        );
        return 2;
    }
    let mut o = respond::Options::new(&a.iface, owns, types, mask);
    o.owns6 = owns6;
    o.count = a.count;
    o.timeout = a.timeout;
    o.rate_limit = a.rate_limit;
    o.burst = a.burst.unwrap_or(a.rate_limit).max(1.0);
    o.json = a.json;
    o.quiet = a.quiet;
    let (stats, r) = respond::run(&o, stdout_sink());
    eprintln!("packsmith respond: {}", stats.text());
    match r {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

#[derive(Args, Debug)]
pub struct ReadArgs {
    /// A pcap or pcapng file ('-' reads standard input)
    pub file: String,
    /// Stop after printing N packets
    #[arg(short = 'c', long)]
    pub count: Option<u64>,
    /// Keep packets for which EXPR is true; EXPR is packsmith code over `p`,
    /// e.g. 'ICMP in p and p[ICMP].type == 3', or a bare layer name: 'TCP'
    #[arg(short = 'f', long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Show every field of each packet (Scapy's show())
    #[arg(long, conflicts_with = "json")]
    pub show: bool,
    /// Hexdump each packet
    #[arg(short = 'x', long, conflicts_with = "json")]
    pub hex: bool,
    /// One JSON object per packet (number, time, length, summary, layers and fields)
    #[arg(long)]
    pub json: bool,
}

/// `packsmith read`: 0 when the whole file was read, 1 when it could not be
/// (the packets before the damage are printed first), 2 for a bad filter.
pub fn read(a: ReadArgs) -> i32 {
    let o = read::Options {
        path: a.file,
        count: a.count,
        filter: a.filter,
        show: a.show,
        json: a.json,
        hex: a.hex,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, crate::sys::CheckedStdout);
    match read::run(&o, &mut out) {
        Ok(_) => 0,
        Err(read::Failure::Capture(e)) => {
            use std::io::Write;
            let _ = out.flush();
            eprintln!("packsmith: {e}");
            1
        }
        Err(read::Failure::Filter(e)) => {
            use std::io::Write;
            let _ = out.flush();
            let color = colored::control::SHOULD_COLORIZE.should_colorize();
            eprint!("{}", crate::lang::render_error(&e, color));
            match e {
                crate::lang::RunError::Syntax(_) => 2,
                _ => 1,
            }
        }
    }
}
