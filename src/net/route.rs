//! Interfaces, the kernel's routing tables (IPv4 and IPv6) and source
//! address selection, read from Linux. Nothing here sends a packet: routes
//! come from `/proc/net/route` and `/proc/net/ipv6_route`, the source address
//! from a connected (never used) UDP socket. [`Router`] answers routing
//! questions over any [`Host`](super::host::Host)'s tables.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A network interface and its addresses.
#[derive(Clone, Debug, Default)]
pub struct Iface {
    pub name: String,
    pub index: u32,
    pub mac: Option<[u8; 6]>,
    pub addrs: Vec<(Ipv4Addr, u8)>,
    pub addrs6: Vec<(Ipv6Addr, u8)>,
    pub loopback: bool,
    pub up: bool,
}

impl Iface {
    /// The MAC as a field value (0 when the interface has none).
    pub fn mac_value(&self) -> u64 {
        self.mac
            .map(|m| u64::from_be_bytes([0, 0, m[0], m[1], m[2], m[3], m[4], m[5]]))
            .unwrap_or(0)
    }

    /// Whether `a` is one of this interface's addresses.
    pub fn owns(&self, a: IpAddr) -> bool {
        match a {
            IpAddr::V4(a) => self.addrs.iter().any(|(x, _)| *x == a),
            IpAddr::V6(a) => self.addrs6.iter().any(|(x, _)| *x == a),
        }
    }

    /// An address of the family of `towards` to speak from on this link:
    /// one on the same subnet, else the first (IPv6: global before link-local).
    pub fn address_for(&self, towards: IpAddr) -> Option<IpAddr> {
        match towards {
            IpAddr::V4(t) => self
                .addrs
                .iter()
                .find(|(a, p)| {
                    same_net(u128::from(u32::from(*a)), u128::from(u32::from(t)), *p, 32)
                })
                .or(self.addrs.first())
                .map(|(a, _)| IpAddr::V4(*a)),
            IpAddr::V6(t) => self
                .addrs6
                .iter()
                .find(|(a, p)| same_net(u128::from(*a), u128::from(t), *p, 128))
                .or_else(|| self.addrs6.iter().find(|(a, _)| !is_link_local(*a)))
                .or(self.addrs6.first())
                .map(|(a, _)| IpAddr::V6(*a)),
        }
    }
}

fn is_link_local(a: Ipv6Addr) -> bool {
    a.segments()[0] & 0xffc0 == 0xfe80
}

fn same_net(a: u128, b: u128, prefix: u8, width: u8) -> bool {
    let m = mask(prefix, width);
    a & m == b & m
}

/// The mask of a `prefix` in an address `width` bits wide, as a u128.
fn mask(prefix: u8, width: u8) -> u128 {
    let p = u32::from(prefix.min(width));
    let all = if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    if p == 0 {
        0
    } else {
        all & !all.checked_shr(p).unwrap_or(0)
    }
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
            addrs6: i
                .ips
                .iter()
                .filter_map(|n| match n {
                    pnet::ipnetwork::IpNetwork::V6(v) => Some((v.ip(), v.prefix())),
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

/// One entry of a routing table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub dest: IpAddr,
    pub prefix: u8,
    pub gateway: Option<IpAddr>,
    pub iface: String,
    pub metric: u32,
    /// An unreachable/prohibit/blackhole route: packets matching it go nowhere.
    pub reject: bool,
}

impl Route {
    /// A route to `dest/prefix` through `iface`, via `gateway` when given.
    pub fn new(dest: IpAddr, prefix: u8, gateway: Option<IpAddr>, iface: &str) -> Route {
        Route {
            dest,
            prefix,
            gateway,
            iface: iface.to_string(),
            metric: 0,
            reject: false,
        }
    }

    fn matches(&self, dst: IpAddr) -> bool {
        in_network(dst, (self.dest, self.prefix))
    }
}

/// Whether `a` lies in `base/prefix` (never across families).
pub fn in_network(a: IpAddr, (base, prefix): (IpAddr, u8)) -> bool {
    match (base, a) {
        (IpAddr::V4(d), IpAddr::V4(x)) => same_net(
            u128::from(u32::from(d)),
            u128::from(u32::from(x)),
            prefix,
            32,
        ),
        (IpAddr::V6(d), IpAddr::V6(x)) => same_net(u128::from(d), u128::from(x), prefix, 128),
        _ => false,
    }
}

fn hex_addr(s: &str) -> Option<Ipv4Addr> {
    // /proc/net/route prints addresses as host-order hex of network-order bytes
    u32::from_str_radix(s, 16)
        .ok()
        .map(|v| Ipv4Addr::from(v.to_le_bytes()))
}

/// Parses `/proc/net/route` text (the IPv4 main table).
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
        if flags & RTF_UP == 0 {
            continue;
        }
        out.push(Route {
            dest: dest.into(),
            prefix: u32::from(mask).count_ones() as u8,
            gateway: (flags & RTF_GATEWAY != 0 && !gw.is_unspecified()).then_some(gw.into()),
            iface: f[0].to_string(),
            metric: f[6].parse().unwrap_or(0),
            reject: flags & RTF_REJECT != 0,
        });
    }
    out
}

const RTF_UP: u32 = 0x1;
const RTF_GATEWAY: u32 = 0x2;
const RTF_REJECT: u32 = 0x200;

/// Parses `/proc/net/ipv6_route` text: destination, prefix length (hex),
/// source, source prefix, next hop, metric, refcount, use, flags, device.
pub fn parse_proc_ipv6_route(text: &str) -> Vec<Route> {
    let addr = |s: &str| u128::from_str_radix(s, 16).ok().map(Ipv6Addr::from);
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Some(dest), Ok(prefix), Some(gw), Ok(metric), Ok(flags)) = (
            addr(f[0]),
            u8::from_str_radix(f[1], 16),
            addr(f[4]),
            u32::from_str_radix(f[5], 16),
            u32::from_str_radix(f[8], 16),
        ) else {
            continue;
        };
        // the kernel lists reject routes (unreachable, prohibit, blackhole,
        // and its own ::/0 of last resort) without RTF_UP
        if flags & (RTF_UP | RTF_REJECT) == 0 || prefix > 128 {
            continue;
        }
        out.push(Route {
            dest: dest.into(),
            prefix,
            gateway: (flags & RTF_GATEWAY != 0 && !gw.is_unspecified()).then_some(gw.into()),
            iface: f[9].to_string(),
            metric,
            reject: flags & RTF_REJECT != 0,
        });
    }
    out
}

/// The kernel's routes, IPv4 then IPv6.
pub fn routes() -> Vec<Route> {
    let read = |path: &str, parse: fn(&str) -> Vec<Route>| {
        std::fs::read_to_string(path)
            .map(|t| parse(&t))
            .unwrap_or_default()
    };
    let mut r = read("/proc/net/route", parse_proc_route);
    r.extend(read("/proc/net/ipv6_route", parse_proc_ipv6_route));
    r
}

/// Where a packet to `dst` goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub iface: String,
    /// The gateway, or `None` when `dst` is on the link.
    pub gateway: Option<IpAddr>,
}

impl Hop {
    /// The address whose MAC the frame is sent to.
    pub fn next_hop(&self, dst: IpAddr) -> IpAddr {
        self.gateway.unwrap_or(dst)
    }
}

/// Longest-prefix match over `table`, lowest metric first (a reject route
/// that wins means no route); local addresses and loopback go through the
/// loopback interface.
pub fn lookup_in(table: &[Route], ifaces: &[Iface], dst: IpAddr) -> Option<Hop> {
    if dst.is_loopback() || ifaces.iter().any(|i| i.owns(dst)) {
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
    table
        .iter()
        .filter(|r| r.matches(dst))
        .max_by(|a, b| a.prefix.cmp(&b.prefix).then(b.metric.cmp(&a.metric)))
        .filter(|r| !r.reject)
        .map(|r| Hop {
            iface: r.iface.clone(),
            gateway: r.gateway,
        })
}

/// The source address the kernel picks towards `dst` (a UDP socket is
/// connected, which consults the routing table and, for IPv6, RFC 6724's
/// selection, without sending anything).
pub fn source_for(dst: IpAddr) -> Option<IpAddr> {
    let s = match dst {
        IpAddr::V4(_) => std::net::UdpSocket::bind("0.0.0.0:0"),
        IpAddr::V6(_) => std::net::UdpSocket::bind("[::]:0"),
    }
    .ok()?;
    s.connect((dst, 9)).ok()?;
    Some(s.local_addr().ok()?.ip()).filter(|a| !a.is_unspecified())
}

/// Routing decisions for many destinations over one host's tables, with the
/// source address asked once per route.
pub struct Router {
    table: Vec<Route>,
    ifaces: Vec<Iface>,
    sources: std::collections::HashMap<(String, Option<IpAddr>, bool), Option<IpAddr>>,
}

impl Router {
    /// The Linux machine's tables.
    pub fn new() -> Router {
        Router::of(&super::host::System)
    }

    pub fn of(host: &dyn super::host::Host) -> Router {
        Router {
            table: host.routes(),
            ifaces: host.interfaces(),
            sources: Default::default(),
        }
    }

    pub fn ifaces(&self) -> &[Iface] {
        &self.ifaces
    }

    pub fn table(&self) -> &[Route] {
        &self.table
    }

    pub fn hop(&self, dst: IpAddr) -> Option<Hop> {
        lookup_in(&self.table, &self.ifaces, dst)
    }

    /// The source towards a link-scope `dst` on link `iface`: the link's
    /// own link-local address, as the kernel picks it.
    pub fn link_source(&self, iface: &str, dst: Ipv6Addr) -> Option<IpAddr> {
        let link = self.ifaces.iter().find(|i| i.name == iface)?;
        link.addrs6
            .iter()
            .find(|(a, _)| is_link_local(*a))
            .map(|(a, _)| IpAddr::V6(*a))
            .or_else(|| link.address_for(dst.into()))
    }

    /// The source address for `dst`, asking `host` once per route.
    pub fn source(&mut self, host: &dyn super::host::Host, dst: IpAddr) -> Option<IpAddr> {
        let Some(hop) = self.hop(dst) else {
            return host.source(dst);
        };
        if hop.gateway.is_none() && self.ifaces.iter().any(|i| i.owns(dst)) {
            return Some(dst);
        }
        if let IpAddr::V6(d) = dst {
            if super::sock::link_scoped(d) {
                return self.link_source(&hop.iface, d);
            }
        }
        let key = (hop.iface.clone(), hop.gateway, dst.is_ipv4());
        *self.sources.entry(key).or_insert_with(|| host.source(dst))
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

/// The source address towards `dst` on this machine, for showing and
/// building packets without sending them (from a per-thread router built once).
pub fn cached_source(dst: IpAddr) -> Option<IpAddr> {
    ROUTER.with(|r| {
        let mut r = r.borrow_mut();
        r.get_or_insert_with(Router::new)
            .source(&super::host::System, dst)
    })
}

/// `conf.route` / `conf.route6`: a table as `ip route` would list it.
pub fn describe(routes: &[Route], v6: bool) -> String {
    let (w, g) = if v6 { (44, 26) } else { (18, 16) };
    let mut s = format!(
        "{:<w$} {:<g$} {:<10} {}\n",
        "Network", "Gateway", "Iface", "Metric"
    );
    for r in routes.iter().filter(|r| r.dest.is_ipv6() == v6) {
        let unspecified = if v6 { "::" } else { "0.0.0.0" };
        s.push_str(&format!(
            "{:<w$} {:<g$} {:<10} {}\n",
            format!("{}/{}", r.dest, r.prefix),
            r.gateway
                .map(|g| g.to_string())
                .unwrap_or_else(|| unspecified.into()),
            r.iface,
            r.metric
        ));
    }
    s
}
#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    fn v6(s: &str) -> IpAddr {
        s.parse().expect("an IPv6 address")
    }

    /// Lines as the kernel writes them in a lab namespace: a route to the
    /// prober link, a default via r1, an unreachable /64 (reject, on lo, not
    /// up), the local table's own address, a down route, and the kernel's
    /// reject ::/0 of last resort (metric 0xffffffff).
    const TABLE6: &str = "\
20010002000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001   p-r1
00000000000000000000000000000000 00 00000000000000000000000000000000 00 200100020000000000000000000000fe 00000400 00000003 00000000 00000003   p-r1
20010002000000100000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00200200     lo
20010002000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001   p-r1
20010002000000200000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000000   p-r1
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
short line
";

    #[test]
    fn parses_ipv6_routes_and_honours_reject() {
        let t = parse_proc_ipv6_route(TABLE6);
        assert_eq!(t.len(), 5, "{t:?}");
        assert_eq!(t[0].dest, v6("2001:2::"));
        assert_eq!((t[0].prefix, t[0].gateway), (64, None));
        assert_eq!(t[1].gateway, Some(v6("2001:2::fe")));
        assert_eq!(t[1].metric, 0x400);
        assert!(t[2].reject && !t[1].reject);
        let h = lookup_in(&t, &[], v6("2001:2:0:100::1")).expect("default route");
        assert_eq!(h.gateway, Some(v6("2001:2::fe")));
        assert_eq!(h.next_hop(v6("2001:2:0:100::1")), v6("2001:2::fe"));
        let on_link = lookup_in(&t, &[], v6("2001:2::9")).expect("link route");
        assert_eq!((on_link.iface.as_str(), on_link.gateway), ("p-r1", None));
        assert_eq!(
            lookup_in(&t, &[], v6("2001:2:0:10::1")),
            None,
            "unreachable route"
        );
        assert_eq!(
            lookup_in(&t, &[], v4(198, 18, 0, 1)),
            None,
            "families do not mix"
        );
    }

    #[test]
    fn interface_addresses_by_family_and_subnet() {
        let i = Iface {
            name: "m0".into(),
            addrs: vec![(Ipv4Addr::new(198, 18, 0, 1), 24)],
            addrs6: vec![
                ("fe80::1".parse().expect("v6"), 64),
                ("2001:2::1".parse().expect("v6"), 64),
                ("2001:2:1::1".parse().expect("v6"), 64),
            ],
            ..Iface::default()
        };
        assert_eq!(i.address_for(v6("2001:2:1::7")), Some(v6("2001:2:1::1")));
        assert_eq!(i.address_for(v6("2001:2:9::7")), Some(v6("2001:2::1")));
        assert_eq!(i.address_for(v4(198, 19, 0, 1)), Some(v4(198, 18, 0, 1)));
        assert!(i.owns(v6("2001:2::1")) && !i.owns(v6("2001:2::2")));
        assert_eq!(mask(64, 128), u128::MAX << 64);
        assert_eq!(mask(0, 32), 0);
        assert_eq!(mask(128, 128), u128::MAX);
        use super::super::sock::link_scoped;
        for (a, scoped) in [
            ("fe80::1", true),
            ("ff02::1", true),
            ("ff01::1", true),
            ("ff05::2", false),
            ("ff0e::1", false),
            ("2001:2::1", false),
        ] {
            assert_eq!(link_scoped(a.parse().expect("v6")), scoped, "{a}");
        }
        let r = Router {
            table: vec![],
            ifaces: vec![i.clone()],
            sources: Default::default(),
        };
        assert_eq!(
            r.link_source("m0", "ff02::1".parse().expect("v6")),
            Some(v6("fe80::1"))
        );
        assert_eq!(r.link_source("nope", "ff02::1".parse().expect("v6")), None);
        assert_eq!(mask(24, 32), 0xffff_ff00);
        assert_eq!(mask(200, 32), 0xffff_ffff);
    }

    const TABLE: &str =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
veth0\t00000000\tFE0012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
veth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
veth1\t000013C6\t010012C6\t0003\t0\t0\t5\t0000FFFF\t0\t0\t0\n";

    #[test]
    fn parses_and_matches_longest_prefix() {
        let t = parse_proc_route(TABLE);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].gateway, Some(v4(198, 18, 0, 254)));
        assert_eq!(t[1].prefix, 24);
        let h = lookup_in(&t, &[], v4(198, 19, 7, 7)).unwrap();
        assert_eq!(
            h,
            Hop {
                iface: "veth1".into(),
                gateway: Some(v4(198, 18, 0, 1))
            }
        );
        let h = lookup_in(&t, &[], v4(198, 18, 0, 9)).unwrap();
        assert_eq!(h.gateway, None);
        let h = lookup_in(&t, &[], v4(198, 20, 0, 1)).unwrap();
        assert_eq!(h.next_hop(v4(198, 20, 0, 1)), v4(198, 18, 0, 254));
        assert_eq!(lookup_in(&t, &[], v4(127, 0, 0, 1)).unwrap().iface, "lo");
    }
}
