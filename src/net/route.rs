//! Interfaces, the kernel's IPv4 routing table and source address selection.
//! Nothing here sends a packet: routes come from `/proc/net/route`, the
//! source address from a connected (never used) UDP socket.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A network interface and its IPv4 addresses.
#[derive(Clone, Debug)]
pub struct Iface {
    pub name: String,
    pub index: u32,
    pub mac: Option<[u8; 6]>,
    pub addrs: Vec<(Ipv4Addr, u8)>,
    pub loopback: bool,
    pub up: bool,
}

/// The system's interfaces (via pnet).
pub fn interfaces() -> Vec<Iface> {
    pnet::datalink::interfaces()
        .into_iter()
        .map(|i| Iface {
            mac: i.mac.map(|m| m.octets()),
            addrs: i
                .ips
                .iter()
                .filter_map(|n| match n {
                    pnet::ipnetwork::IpNetwork::V4(v) => Some((v.ip(), v.prefix())),
                    _ => None,
                })
                .collect(),
            loopback: i.is_loopback(),
            up: i.is_up(),
            index: i.index,
            name: i.name,
        })
        .collect()
}

pub fn iface_by_name(name: &str) -> Option<Iface> {
    interfaces().into_iter().find(|i| i.name == name)
}

/// One entry of the main routing table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub dest: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Option<Ipv4Addr>,
    pub iface: String,
    pub metric: u32,
}

fn hex_addr(s: &str) -> Option<Ipv4Addr> {
    // /proc/net/route prints addresses as host-order hex of network-order bytes
    u32::from_str_radix(s, 16)
        .ok()
        .map(|v| Ipv4Addr::from(v.to_le_bytes()))
}

/// Parses `/proc/net/route` text.
pub fn parse_proc_route(text: &str) -> Vec<Route> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 {
            continue;
        }
        let (Some(dest), Some(gw), Some(mask)) = (hex_addr(f[1]), hex_addr(f[2]), hex_addr(f[7]))
        else {
            continue;
        };
        let flags = u32::from_str_radix(f[3], 16).unwrap_or(0);
        if flags & 1 == 0 {
            continue; // not up
        }
        out.push(Route {
            dest,
            prefix: u32::from(mask).count_ones() as u8,
            gateway: (flags & 2 != 0 && !gw.is_unspecified()).then_some(gw),
            iface: f[0].to_string(),
            metric: f[6].parse().unwrap_or(0),
        });
    }
    out
}

/// The main routing table.
pub fn routes() -> Vec<Route> {
    std::fs::read_to_string("/proc/net/route")
        .map(|t| parse_proc_route(&t))
        .unwrap_or_default()
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

/// Where a packet to `dst` goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub iface: String,
    /// The gateway, or `None` when `dst` is on the link.
    pub gateway: Option<Ipv4Addr>,
}

impl Hop {
    /// The address whose MAC the frame is sent to.
    pub fn next_hop(&self, dst: Ipv4Addr) -> Ipv4Addr {
        self.gateway.unwrap_or(dst)
    }
}

/// Longest-prefix match over `table`, lowest metric first; local addresses
/// and 127/8 go through the loopback interface.
pub fn lookup_in(table: &[Route], ifaces: &[Iface], dst: Ipv4Addr) -> Option<Hop> {
    if dst.is_loopback()
        || ifaces
            .iter()
            .any(|i| i.addrs.iter().any(|(a, _)| *a == dst))
    {
        let lo = ifaces
            .iter()
            .find(|i| i.loopback)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| "lo".into());
        return Some(Hop {
            iface: lo,
            gateway: None,
        });
    }
    let d = u32::from(dst);
    table
        .iter()
        .filter(|r| d & mask(r.prefix) == u32::from(r.dest) & mask(r.prefix))
        .max_by(|a, b| a.prefix.cmp(&b.prefix).then(b.metric.cmp(&a.metric)))
        .map(|r| Hop {
            iface: r.iface.clone(),
            gateway: r.gateway,
        })
}

/// The source address the kernel picks towards `dst` (a UDP socket is
/// connected, which consults the routing table without sending anything).
pub fn source_for(dst: Ipv4Addr) -> Option<Ipv4Addr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect((dst, 9)).ok()?;
    match s.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(a) if !a.is_unspecified() => Some(a),
        _ => None,
    }
}

/// Routing decisions for many destinations, cached per route.
pub struct Router {
    table: Vec<Route>,
    ifaces: Vec<Iface>,
    sources: std::collections::HashMap<(String, Option<Ipv4Addr>), Option<Ipv4Addr>>,
}

impl Router {
    pub fn new() -> Router {
        Router {
            table: routes(),
            ifaces: interfaces(),
            sources: Default::default(),
        }
    }

    pub fn ifaces(&self) -> &[Iface] {
        &self.ifaces
    }

    pub fn hop(&self, dst: Ipv4Addr) -> Option<Hop> {
        lookup_in(&self.table, &self.ifaces, dst)
    }

    /// The source address for `dst`, asking the kernel once per route.
    pub fn source(&mut self, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        let Some(hop) = self.hop(dst) else {
            return source_for(dst);
        };
        if hop.gateway.is_none()
            && self
                .ifaces
                .iter()
                .any(|i| i.addrs.iter().any(|(a, _)| *a == dst))
        {
            return Some(dst);
        }
        let key = (hop.iface.clone(), hop.gateway);
        *self.sources.entry(key).or_insert_with(|| source_for(dst))
    }
}

impl Default for Router {
    fn default() -> Self {
        Router::new()
    }
}

thread_local! {
    static ROUTER: std::cell::RefCell<Option<Router>> = const { std::cell::RefCell::new(None) };
}

/// The source address towards `dst`, for showing and building packets
/// without sending them: IPv4 from a per-thread router built once, IPv6 from
/// the kernel's source address selection (RFC 6724) for a connected socket.
pub fn cached_source(dst: IpAddr) -> Option<IpAddr> {
    match dst {
        IpAddr::V4(d) => ROUTER.with(|r| {
            let mut r = r.borrow_mut();
            r.get_or_insert_with(Router::new).source(d).map(IpAddr::V4)
        }),
        IpAddr::V6(d) => source6_for(d).map(IpAddr::V6),
    }
}

/// The IPv6 source the kernel picks towards `dst` (nothing is sent).
pub fn source6_for(dst: Ipv6Addr) -> Option<Ipv6Addr> {
    let s = std::net::UdpSocket::bind("[::]:0").ok()?;
    s.connect((dst, 9)).ok()?;
    match s.local_addr().ok()?.ip() {
        IpAddr::V6(a) if !a.is_unspecified() => Some(a),
        _ => None,
    }
}

/// `conf.route`: the table as `ip route` would list it.
pub fn describe() -> String {
    let mut s = format!(
        "{:<18} {:<16} {:<10} {}\n",
        "Network", "Gateway", "Iface", "Metric"
    );
    for r in routes() {
        s.push_str(&format!(
            "{:<18} {:<16} {:<10} {}\n",
            format!("{}/{}", r.dest, r.prefix),
            r.gateway
                .map(|g| g.to_string())
                .unwrap_or_else(|| "0.0.0.0".into()),
            r.iface,
            r.metric
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
veth0\t00000000\tFE0012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
veth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
veth1\t000013C6\t010012C6\t0003\t0\t0\t5\t0000FFFF\t0\t0\t0\n";

    #[test]
    fn parses_and_matches_longest_prefix() {
        let t = parse_proc_route(TABLE);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].gateway, Some(Ipv4Addr::new(198, 18, 0, 254)));
        assert_eq!(t[1].prefix, 24);
        let h = lookup_in(&t, &[], Ipv4Addr::new(198, 19, 7, 7)).unwrap();
        assert_eq!(
            h,
            Hop {
                iface: "veth1".into(),
                gateway: Some(Ipv4Addr::new(198, 18, 0, 1))
            }
        );
        let h = lookup_in(&t, &[], Ipv4Addr::new(198, 18, 0, 9)).unwrap();
        assert_eq!(h.gateway, None);
        let h = lookup_in(&t, &[], Ipv4Addr::new(198, 20, 0, 1)).unwrap();
        assert_eq!(
            h.next_hop(Ipv4Addr::new(198, 20, 0, 1)),
            Ipv4Addr::new(198, 18, 0, 254)
        );
        assert_eq!(
            lookup_in(&t, &[], Ipv4Addr::new(127, 0, 0, 1))
                .unwrap()
                .iface,
            "lo"
        );
    }
}
