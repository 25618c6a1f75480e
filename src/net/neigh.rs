//! Neighbour resolution for layer-2 sending: the host's table first, then a
//! request of our own on the link at send time (never while building): an
//! ARP request for IPv4, a Neighbor Solicitation to the solicited-node
//! multicast group for IPv6 (RFC 4861 7.2.2). Multicast and broadcast
//! destinations map to their MACs without asking.

use super::host::Host;
use super::route::Iface;
use super::NetError;
use crate::layers::{arp::ARP, ether::ETHER, icmpv6, ipv6::IPV6_LAYER};
use crate::packet::{Layer, LayerDef, Packet, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

/// Parses `/proc/net/arp`: complete entries only, as (ip, device) -> MAC.
pub fn parse_proc_arp(text: &str) -> HashMap<(Ipv4Addr, String), u64> {
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 {
            continue;
        }
        let flags = u32::from_str_radix(f[2].trim_start_matches("0x"), 16).unwrap_or(0);
        if flags & 0x2 == 0 {
            continue;
        }
        if let (Ok(ip), Some(mac)) = (f[0].parse::<Ipv4Addr>(), crate::wire::parse_mac(f[3])) {
            out.insert((ip, f[5].to_string()), mac);
        }
    }
    out
}

/// The MAC a multicast or broadcast destination maps to (RFC 1112 6.4,
/// RFC 2464 7), `None` for unicast.
pub fn group_mac(ip: IpAddr) -> Option<u64> {
    match ip {
        IpAddr::V4(a) if a.is_broadcast() => Some(0xffff_ffff_ffff),
        IpAddr::V4(a) if a.is_multicast() => {
            Some(0x0100_5e00_0000 | u64::from(u32::from(a) & 0x007f_ffff))
        }
        IpAddr::V6(a) if a.is_multicast() => {
            Some(0x3333_0000_0000 | u64::from(u128::from(a) as u32))
        }
        _ => None,
    }
}

/// The solicited-node multicast address of `a` (ff02::1:ffXX:XXXX).
pub fn solicited_node(a: Ipv6Addr) -> Ipv6Addr {
    Ipv6Addr::from(0xff02_0000_0000_0000_0000_0001_ff00_0000 | (u128::from(a) & 0x00ff_ffff))
}

#[derive(Default)]
pub struct Cache {
    known: HashMap<(IpAddr, String), u64>,
}

impl Cache {
    /// The MAC of `ip` on `iface`.
    pub fn resolve(&mut self, host: &dyn Host, ip: IpAddr, iface: &Iface) -> Result<u64, NetError> {
        if let Some(m) = group_mac(ip) {
            return Ok(m);
        }
        if iface.loopback {
            return Ok(0);
        }
        let key = (ip, iface.name.clone());
        if let Some(m) = self.known.get(&key) {
            return Ok(*m);
        }
        let m = match host.neighbour(ip, &iface.name) {
            Some(m) => m,
            None => solicit(host, ip, iface)?,
        };
        self.known.insert(key, m);
        Ok(m)
    }
}

fn layer(def: &'static LayerDef, fields: &[(&str, u128)]) -> Layer {
    let mut l = Layer::new(def);
    for (f, v) in fields {
        if let Some(i) = def.field_index(f) {
            l.set(i, Value::Int(*v));
        }
    }
    l
}

/// The request asking for `ip`'s MAC on `iface`.
fn request(host: &dyn Host, ip: IpAddr, iface: &Iface) -> Packet {
    let me = u128::from(iface.mac_value());
    let from = iface
        .address_for(ip)
        .or_else(|| host.source(ip))
        .unwrap_or(match ip {
            IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
            IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
        });
    let layers = match (ip, from) {
        (IpAddr::V6(t), from) => {
            let group = solicited_node(t);
            let src = match from {
                IpAddr::V6(a) => u128::from(a),
                IpAddr::V4(_) => 0,
            };
            vec![
                layer(
                    &ETHER,
                    &[
                        ("dst", u128::from(group_mac(group.into()).unwrap_or(0))),
                        ("src", me),
                    ],
                ),
                layer(
                    &IPV6_LAYER,
                    &[("src", src), ("dst", u128::from(group)), ("hlim", 255)],
                ),
                layer(&icmpv6::ND_NS, &[("tgt", u128::from(t))]),
                layer(&icmpv6::OPT_SRC_LLADDR, &[("lladdr", me)]),
            ]
        }
        (IpAddr::V4(t), from) => {
            let psrc = match from {
                IpAddr::V4(a) => u128::from(u32::from(a)),
                IpAddr::V6(_) => 0,
            };
            vec![
                layer(&ETHER, &[("dst", 0xffff_ffff_ffff), ("src", me)]),
                layer(
                    &ARP,
                    &[
                        ("op", 1),
                        ("hwsrc", me),
                        ("psrc", psrc),
                        ("pdst", u128::from(u32::from(t))),
                    ],
                ),
            ]
        }
    };
    Packet {
        layers,
        ..Packet::default()
    }
}

/// The MAC an answer gives for `ip`: an ARP reply from it, or a Neighbor
/// Advertisement for it (its target link-layer option, else the frame's source).
pub fn answer_for(frame: &[u8], ip: IpAddr) -> Option<u64> {
    let p = Packet::dissect(&ETHER, frame);
    let field = |l: &Layer, name: &str| l.def.field_index(name).map(|i| l.wide(i));
    match ip {
        IpAddr::V4(a) => {
            let arp = p.layers.get(1).filter(|l| std::ptr::eq(l.def, &ARP))?;
            (field(arp, "op")? == 2 && field(arp, "psrc")? == u128::from(u32::from(a)))
                .then(|| field(arp, "hwsrc").map(|m| m as u64))
                .flatten()
        }
        IpAddr::V6(a) => {
            let at = p
                .layers
                .iter()
                .position(|l| std::ptr::eq(l.def, &icmpv6::ND_NA))?;
            if field(&p.layers[at], "tgt")? != u128::from(a) {
                return None;
            }
            let option = p.layers[at + 1..]
                .iter()
                .find(|l| std::ptr::eq(l.def, &icmpv6::OPT_DST_LLADDR))
                .and_then(|l| field(l, "lladdr"));
            option
                .or_else(|| field(&p.layers[0], "src"))
                .map(|m| m as u64)
        }
    }
}

/// Asks the link for `ip`'s MAC (three tries, 400 ms each).
pub fn solicit(host: &dyn Host, ip: IpAddr, iface: &Iface) -> Result<u64, NetError> {
    let what = if ip.is_ipv4() {
        "ARP"
    } else {
        "neighbour solicitation"
    };
    let frame =
        crate::packet::build::try_build(&request(host, ip, iface)).map_err(NetError::Usage)?;
    let (mut tx, mut rx) = host.l2_channel(iface, None)?;
    for _ in 0..3 {
        tx.send(&frame, ip)
            .map_err(|e| NetError::Io(format!("{what} on {} failed: {e}", iface.name)))?;
        let until = Instant::now() + Duration::from_millis(400);
        while Instant::now() < until {
            if crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(NetError::Io(format!(
                    "interrupted while resolving by {what}"
                )));
            }
            let Ok(Some((bytes, _))) = rx.recv(Duration::from_millis(10)) else {
                continue;
            };
            if let Some(m) = answer_for(&bytes, ip) {
                return Ok(m);
            }
        }
    }
    Err(NetError::Io(format!(
        "no {what} answer from {ip} on {}",
        iface.name
    )))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_complete_entries_only() {
        let t = "IP address       HW type     Flags       HW address            Mask     Device\n\
                 198.18.0.254     0x1         0x2         02:aa:bb:cc:dd:ee     *        veth0\n\
                 198.18.0.9       0x1         0x0         00:00:00:00:00:00     *        veth0\n";
        let m = parse_proc_arp(t);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[&(Ipv4Addr::new(198, 18, 0, 254), "veth0".to_string())],
            0x02aa_bbcc_ddee
        );
    }
}
