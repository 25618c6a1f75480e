//! The subcommands behind the CLI: the everyday probes built on the engine
//! (`net::Network`) — `ping`, `traceroute`, `sweep` and the ICMP
//! `respond`er — which never send or receive on their own and print through
//! a `Sink`, and `read`, which prints capture files.

pub mod ping;
pub mod read;
pub mod respond;
pub mod shard;
pub mod sweep;
pub mod traceroute;

use crate::layers::{ipv4, ipv6};
use crate::net::names::Family;
use crate::net::{NetError, Network};
use crate::packet::{Layer, Value};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A target given by name: the name as typed and the resolver's canonical
/// name (iputils prints one or the other depending on the family).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostName {
    pub typed: String,
    pub canonical: String,
}

/// The address of a target given as an address or a host name (through the
/// host's resolver, the first address of `family`), with the name when it
/// was one. Errors read as iputils': `NAME: Name or service not known`.
pub fn resolve(
    net: &dyn Network,
    host: &str,
    family: Family,
) -> Result<(IpAddr, Option<HostName>), NetError> {
    let host = host.trim();
    if let Ok(a) = host.parse::<IpAddr>() {
        if !family.admits(a) {
            return Err(NetError::Usage(format!(
                "{host}: address family not supported with -{}",
                if family == Family::V4 { 4 } else { 6 }
            )));
        }
        return Ok((a, None));
    }
    let r = net
        .lookup(host, family)
        .map_err(|e| NetError::Usage(format!("{host}: {e}")))?;
    let addr = r
        .addrs
        .first()
        .copied()
        .ok_or_else(|| NetError::Usage(format!("{host}: Name or service not known")))?;
    Ok((
        addr,
        Some(HostName {
            typed: host.to_string(),
            canonical: r.canonical.unwrap_or_else(|| host.to_string()),
        }),
    ))
}

/// The IP header of a probe to `dst` (IPv4 or IPv6 by the address), with
/// its TTL / hop limit and, when given, its source (of the same family).
pub fn ip_layer(dst: IpAddr, src: Option<IpAddr>, ttl: u8) -> Layer {
    match dst {
        IpAddr::V4(d) => {
            let mut ip = Layer::new(&ipv4::IP);
            ip.set(ipv4::DST, Value::Int(u128::from(u32::from(d))));
            if let Some(IpAddr::V4(s)) = src {
                ip.set(ipv4::SRC, Value::Int(u128::from(u32::from(s))));
            }
            ip.set(ipv4::TTL, Value::Int(u128::from(ttl)));
            ip
        }
        IpAddr::V6(d) => {
            let mut ip = Layer::new(&ipv6::IPV6_LAYER);
            ip.set(ipv6::DST, Value::Int(u128::from(d)));
            if let Some(IpAddr::V6(s)) = src {
                ip.set(ipv6::SRC, Value::Int(u128::from(s)));
            }
            ip.set(ipv6::HLIM, Value::Int(u128::from(ttl)));
            ip
        }
    }
}

/// Whether `l` is an IPv6 header (else IPv4 is assumed).
pub fn is_v6(l: &Layer) -> bool {
    std::ptr::eq(l.def, &ipv6::IPV6_LAYER)
}

/// Source address of an IP or IPv6 header.
pub fn ip_src(l: &Layer) -> IpAddr {
    if is_v6(l) {
        IpAddr::V6(l.wide(ipv6::SRC).into())
    } else {
        IpAddr::V4((l.int(ipv4::SRC) as u32).into())
    }
}

/// Destination address of an IP or IPv6 header.
pub fn ip_dst(l: &Layer) -> IpAddr {
    if is_v6(l) {
        IpAddr::V6(l.wide(ipv6::DST).into())
    } else {
        IpAddr::V4((l.int(ipv4::DST) as u32).into())
    }
}

/// TTL or hop limit.
pub fn ip_ttl(l: &Layer) -> u64 {
    if is_v6(l) {
        l.int(ipv6::HLIM)
    } else {
        l.int(ipv4::TTL)
    }
}

/// `(type, code)` of an ICMP or ICMPv6 error message layer (IPv4 3, 4, 5,
/// 11, 12; ICMPv6 1-4), `None` for anything else.
pub fn icmp_error(l: &Layer) -> Option<(u64, u64)> {
    let (ty, code) = (l.int(0), l.int(1));
    let error = match l.def.name {
        "ICMP" => ipv4::ICMP_ERROR_TYPES.contains(&ty),
        n => n.starts_with("ICMPv6") && (1..=4).contains(&ty),
    };
    error.then_some((ty, code))
}

/// `base/prefix` or a lone address (a /32 or /128) of either family, the
/// host bits cleared.
pub fn ip_net(s: &str) -> Option<(IpAddr, u8)> {
    use crate::packet::kinds::{IPV4, IPV6};
    let s = s.trim();
    if let Some((b, p)) = IPV4.parse_net(s) {
        return Some((IpAddr::V4((b as u32).into()), p));
    }
    if let Some((b, p)) = IPV6.parse_net(s) {
        return Some((IpAddr::V6(b.into()), p));
    }
    match s.parse::<IpAddr>().ok()? {
        a @ IpAddr::V4(_) => Some((a, 32)),
        a @ IpAddr::V6(_) => Some((a, 128)),
    }
}

/// The family word error messages use.
pub fn family(a: IpAddr) -> &'static str {
    if a.is_ipv6() {
        "IPv6"
    } else {
        "IPv4"
    }
}

/// Where a tool's output lines go (called from the receiver thread too).
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// A sink writing each line to stdout as it comes (ping, traceroute and
/// respond are watched line by line, as iputils flushes each).
pub fn stdout_sink() -> Sink {
    Arc::new(|line: &str| {
        use std::io::Write;
        let mut out = crate::sys::CheckedStdout;
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    })
}

/// A sink for many lines (a sweep's): each as it comes on a terminal; to a
/// file or pipe in blocks of up to 64 KiB, written when the next line comes
/// 100 ms after the last write, and the rest when the sink is dropped (the
/// tool's run ends), so a 65,536-line sweep is not 65,536 writes.
pub fn block_stdout_sink() -> Sink {
    use std::io::IsTerminal;
    let lines = Mutex::new(Pending {
        buf: Vec::with_capacity(BLOCK),
        flushed: Instant::now(),
        each: std::io::stdout().is_terminal(),
    });
    Arc::new(move |line: &str| {
        let Ok(mut p) = lines.lock() else { return };
        p.buf.extend_from_slice(line.as_bytes());
        p.buf.push(b'\n');
        if p.each || p.buf.len() >= BLOCK || p.flushed.elapsed() >= Duration::from_millis(100) {
            p.flush();
        }
    })
}

const BLOCK: usize = 64 * 1024;

/// Lines not yet written to stdout.
struct Pending {
    buf: Vec<u8>,
    flushed: Instant,
    each: bool,
}

impl Pending {
    fn flush(&mut self) {
        use std::io::Write;
        let mut out = crate::sys::CheckedStdout;
        let _ = out.write_all(&self.buf);
        let _ = out.flush();
        self.buf.clear();
        self.flushed = Instant::now();
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            self.flush();
        }
    }
}

/// C's `%g`: six significant digits, trailing zeros removed.
pub fn fmt_g(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    let s = if !(-4..6).contains(&exp) {
        let m = format!("{:.5e}", v);
        match m.split_once('e') {
            Some((mant, e)) => {
                let mant = mant.trim_end_matches('0').trim_end_matches('.');
                let e: i32 = e.parse().unwrap_or(0);
                format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            }
            None => m,
        }
    } else {
        let decimals = (5 - exp).max(0) as usize;
        let f = format!("{v:.decimals$}");
        if f.contains('.') {
            f.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            f
        }
    };
    s
}

#[cfg(test)]
mod tests {
    use super::fmt_g;

    #[test]
    fn g_format() {
        assert_eq!(fmt_g(0.0), "0");
        assert_eq!(fmt_g(100.0), "100");
        assert_eq!(fmt_g(33.33333), "33.3333");
        assert_eq!(fmt_g(66.66667), "66.6667");
        assert_eq!(fmt_g(12.5), "12.5");
        assert_eq!(fmt_g(0.001), "0.001");
    }
}
