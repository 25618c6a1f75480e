//! An in-memory host for testing the engine, the tools and the interpreter
//! without privileges ([`MemHost`]): what is sent goes to a responder
//! function whose replies come back through the receiver, after an optional
//! delay; [`linux_like`] answers as a Linux network does, for both families.

use super::host::{Channel, Host};
use super::names::{Family, Namer, Resolved};
use super::route::{Iface, Route};
use super::sock::SockFilter;
use super::{NetError, Rx, Tx};
use crate::packet::{Layer, Packet, Timestamp, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Computes the replies to one sent packet (attempt counts from 0 per probe bytes).
pub type Responder = Arc<dyn Fn(&[u8], usize) -> Vec<Vec<u8>> + Send + Sync>;

pub struct FakeTx {
    wire: Sender<(Vec<u8>, Timestamp)>,
    responder: Responder,
    attempts: Arc<Mutex<std::collections::HashMap<Vec<u8>, usize>>>,
    delay: Duration,
    /// Everything sent, for assertions.
    pub sent: Arc<Mutex<Vec<Vec<u8>>>>,
}

pub struct FakeRx {
    wire: Receiver<(Vec<u8>, Timestamp)>,
}

impl Tx for FakeTx {
    fn send(&mut self, bytes: &[u8], _dst: std::net::IpAddr) -> std::io::Result<()> {
        if let Ok(mut s) = self.sent.lock() {
            s.push(bytes.to_vec());
        }
        let attempt = {
            let mut a = self
                .attempts
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            let n = a.entry(bytes.to_vec()).or_insert(0);
            *n += 1;
            *n - 1
        };
        for r in (self.responder)(bytes, attempt) {
            let (wire, delay) = (self.wire.clone(), self.delay);
            if delay.is_zero() {
                let _ = wire.send((r, Timestamp::now()));
            } else {
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    let _ = wire.send((r, Timestamp::now()));
                });
            }
        }
        Ok(())
    }
}

impl Rx for FakeRx {
    fn recv(&mut self, wait: Duration) -> std::io::Result<Option<(Vec<u8>, Timestamp)>> {
        match self.wire.recv_timeout(wait) {
            Ok(x) => Ok(Some(x)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                // nobody can send any more: wait as a quiet wire would
                std::thread::sleep(wait);
                Ok(None)
            }
        }
    }
}

/// A connected fake transmitter and receiver.
pub fn pair(responder: Responder, delay: Duration) -> (FakeTx, FakeRx) {
    let (tx, rx) = channel();
    (
        FakeTx {
            wire: tx,
            responder,
            attempts: Default::default(),
            delay,
            sent: Default::default(),
        },
        FakeRx { wire: rx },
    )
}

/// A host in memory: interfaces, routes and a neighbour table given as data,
/// and sockets that lead to a responder instead of a wire. Whatever is sent
/// at layer 3 goes to `responder`; frames sent at layer 2 are answered by
/// the peers of `link` (ARP and neighbour solicitations for their addresses)
/// and, for IPv4/IPv6 inside, by `responder` with the answer framed back
/// from the peer that owns the next hop. Replies come back through the
/// receiver opened last. It needs no privileges, so engine, tool and
/// interpreter tests run anywhere.
pub struct MemHost {
    pub ifaces: Vec<Iface>,
    pub routes: Vec<Route>,
    /// The host's own neighbour table: (address, interface) -> MAC.
    pub neighbours: HashMap<(IpAddr, String), u64>,
    /// Peers on the links: (address, MAC) answering for themselves.
    pub link: Vec<(IpAddr, u64)>,
    pub responder: Responder,
    pub delay: Duration,
    /// Everything sent, at either layer, for assertions.
    pub sent: Arc<Mutex<Vec<Vec<u8>>>>,
    /// The host's /etc/hosts: an address, its canonical name, then aliases.
    pub hosts: Vec<(IpAddr, Vec<String>)>,
    wire: Mutex<Option<Wire>>,
}

/// Where replies go: the receiver opened last.
type Wire = Sender<(Vec<u8>, Timestamp)>;

/// The in-memory lab host's interface, addresses and neighbours.
pub const MEM_IFACE: &str = "mem0";
pub const MEM_MAC: u64 = 0x02_00_00_00_00_01;
pub const MEM_GW_MAC: u64 = 0x02_00_00_00_00_fe;

impl MemHost {
    /// A host with no interfaces or routes.
    pub fn new(responder: Responder) -> MemHost {
        MemHost {
            ifaces: Vec::new(),
            routes: Vec::new(),
            neighbours: HashMap::new(),
            link: Vec::new(),
            responder,
            delay: Duration::ZERO,
            sent: Default::default(),
            hosts: Vec::new(),
            wire: Mutex::new(None),
        }
    }

    /// Adds a hosts-file line: `addr name [alias...]`.
    pub fn named(mut self, addr: IpAddr, names: &[&str]) -> MemHost {
        self.hosts
            .push((addr, names.iter().map(|n| n.to_string()).collect()));
        self
    }

    /// A dual-stack host on one link, as the netns labs are: `mem0` with
    /// 198.18.0.1/24 and 2001:2::1/64 (and fe80::1), default routes via
    /// 198.18.0.254 and 2001:2::fe (one peer, MAC 02:00:00:00:00:fe, that
    /// answers ARP and neighbour solicitation), a reject route for
    /// 2001:2:0:10::/64, and a Linux-like network behind the gateway
    /// ([`linux_like`], routers 198.18.255.2 and 2001:2:0:1::2).
    pub fn lab() -> MemHost {
        let v4 = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        let v6 = |s: &str| IpAddr::V6(s.parse().unwrap_or(Ipv6Addr::UNSPECIFIED));
        let mut h = MemHost::new(linux_like(
            Ipv4Addr::new(198, 18, 255, 2),
            "2001:2:0:1::2".parse().unwrap_or(Ipv6Addr::UNSPECIFIED),
        ));
        let m = MEM_MAC.to_be_bytes();
        h.ifaces = vec![
            Iface {
                name: "lo".into(),
                index: 1,
                addrs: vec![(Ipv4Addr::LOCALHOST, 8)],
                addrs6: vec![(Ipv6Addr::LOCALHOST, 128)],
                loopback: true,
                up: true,
                ..Iface::default()
            },
            Iface {
                name: MEM_IFACE.into(),
                index: 2,
                mac: Some([m[2], m[3], m[4], m[5], m[6], m[7]]),
                addrs: vec![(Ipv4Addr::new(198, 18, 0, 1), 24)],
                addrs6: vec![
                    ("fe80::1".parse().unwrap_or(Ipv6Addr::UNSPECIFIED), 64),
                    ("2001:2::1".parse().unwrap_or(Ipv6Addr::UNSPECIFIED), 64),
                ],
                loopback: false,
                up: true,
            },
        ];
        let mut reject = Route::new(v6("2001:2:0:10::"), 64, None, "lo");
        reject.reject = true;
        h.routes = vec![
            Route::new(v4(198, 18, 0, 0), 24, None, MEM_IFACE),
            Route::new(v4(0, 0, 0, 0), 0, Some(v4(198, 18, 0, 254)), MEM_IFACE),
            Route::new(v6("2001:2::"), 64, None, MEM_IFACE),
            Route::new(v6("::"), 0, Some(v6("2001:2::fe")), MEM_IFACE),
            reject,
        ];
        h.link = vec![
            (v4(198, 18, 0, 254), MEM_GW_MAC),
            (v6("2001:2::fe"), MEM_GW_MAC),
        ];
        h.named(v4(127, 0, 0, 1), &["localhost"])
            .named(v6("::1"), &["ip6-localhost", "ip6-loopback"])
    }

    /// The same host with another network behind it.
    pub fn answering(mut self, responder: Responder) -> MemHost {
        self.responder = responder;
        self
    }

    fn tx(&self, responder: Responder) -> FakeTx {
        let wire = self
            .wire
            .lock()
            .ok()
            .and_then(|w| w.clone())
            .unwrap_or_else(|| channel().0);
        FakeTx {
            wire,
            responder,
            attempts: Default::default(),
            delay: self.delay,
            sent: self.sent.clone(),
        }
    }

    fn rx(&self) -> FakeRx {
        let (tx, rx) = channel();
        if let Ok(mut w) = self.wire.lock() {
            *w = Some(tx);
        }
        FakeRx { wire: rx }
    }

    /// Answers a frame as the link would: ARP and neighbour solicitations
    /// for a peer's address by that peer, IP inside by the responder.
    fn frame_responder(&self, me: u64) -> Responder {
        let (link, inner) = (self.link.clone(), self.responder.clone());
        Arc::new(move |frame: &[u8], attempt| frames_answer(&link, &inner, me, frame, attempt))
    }
}

fn frames_answer(
    link: &[(IpAddr, u64)],
    inner: &Responder,
    me: u64,
    frame: &[u8],
    attempt: usize,
) -> Vec<Vec<u8>> {
    use crate::layers::{arp::ARP, ether::ETHER, icmpv6, ipv6::IPV6_LAYER};
    let p = Packet::dissect(&ETHER, frame);
    let Some(eth) = p.layers.first() else {
        return vec![];
    };
    let field = |l: &Layer, n: &str| l.def.field_index(n).map(|i| l.wide(i)).unwrap_or(0);
    let framed = |from_mac: u64, layers: Vec<Layer>| {
        let mut e = Layer::new(&ETHER);
        e.set(0, Value::Int(u128::from(me)));
        e.set(1, Value::Int(u128::from(from_mac)));
        let mut all = vec![e];
        all.extend(layers);
        Packet {
            layers: all,
            ..Packet::default()
        }
        .build()
    };
    let peer = |ip: IpAddr| link.iter().find(|(a, _)| *a == ip).map(|(_, m)| *m);
    if let Some(arp) = p.layers.get(1).filter(|l| std::ptr::eq(l.def, &ARP)) {
        let want = IpAddr::V4(Ipv4Addr::from(field(arp, "pdst") as u32));
        let Some(mac) = peer(want).filter(|_| field(arp, "op") == 1) else {
            return vec![];
        };
        let mut r = Layer::new(&ARP);
        for (n, v) in [
            ("op", 2),
            ("hwsrc", u128::from(mac)),
            ("psrc", field(arp, "pdst")),
            ("hwdst", field(arp, "hwsrc")),
            ("pdst", field(arp, "psrc")),
        ] {
            if let Some(i) = ARP.field_index(n) {
                r.set(i, Value::Int(v));
            }
        }
        return vec![framed(mac, vec![r])];
    }
    if let Some(ns) = p
        .layers
        .iter()
        .find(|l| std::ptr::eq(l.def, &icmpv6::ND_NS))
    {
        let tgt = field(ns, "tgt");
        let Some(mac) = peer(IpAddr::V6(Ipv6Addr::from(tgt))) else {
            return vec![];
        };
        let src = p
            .layers
            .get(1)
            .map(|ip| field(ip, "src"))
            .unwrap_or_default();
        let mut ip = Layer::new(&IPV6_LAYER);
        for (n, v) in [("src", tgt), ("dst", src), ("hlim", 255)] {
            if let Some(i) = IPV6_LAYER.field_index(n) {
                ip.set(i, Value::Int(v));
            }
        }
        let mut na = Layer::new(&icmpv6::ND_NA);
        for (n, v) in [("tgt", tgt), ("R", 0), ("S", 1)] {
            if let Some(i) = icmpv6::ND_NA.field_index(n) {
                na.set(i, Value::Int(v));
            }
        }
        let mut opt = Layer::new(&icmpv6::OPT_DST_LLADDR);
        if let Some(i) = icmpv6::OPT_DST_LLADDR.field_index("lladdr") {
            opt.set(i, Value::Int(u128::from(mac)));
        }
        return vec![framed(mac, vec![ip, na, opt])];
    }
    // IP to a peer's MAC: the network behind it answers
    let to = field(eth, "dst") as u64;
    let Some(&(_, mac)) = link.iter().find(|(_, m)| *m == to) else {
        return vec![];
    };
    let inside = frame.get(14..).unwrap_or_default();
    inner(inside, attempt)
        .into_iter()
        .map(|r| {
            let mut out = Vec::with_capacity(r.len() + 14);
            out.extend_from_slice(&me.to_be_bytes()[2..]);
            out.extend_from_slice(&mac.to_be_bytes()[2..]);
            let ty: u16 = if r.first().is_some_and(|b| b >> 4 == 6) {
                0x86dd
            } else {
                0x0800
            };
            out.extend_from_slice(&ty.to_be_bytes());
            out.extend_from_slice(&r);
            out
        })
        .collect()
}

impl Host for MemHost {
    fn interfaces(&self) -> Vec<Iface> {
        self.ifaces.clone()
    }

    fn routes(&self) -> Vec<Route> {
        self.routes.clone()
    }

    /// The address of the route's interface in the family of `dst`.
    fn source(&self, dst: IpAddr) -> Option<IpAddr> {
        let hop = super::route::lookup_in(&self.routes, &self.ifaces, dst)?;
        self.ifaces
            .iter()
            .find(|i| i.name == hop.iface)?
            .address_for(dst)
    }

    fn neighbour(&self, ip: IpAddr, iface: &str) -> Option<u64> {
        self.neighbours.get(&(ip, iface.to_string())).copied()
    }

    fn l3_sender(&self, _scope: u32) -> Result<Box<dyn Tx>, NetError> {
        Ok(Box::new(self.tx(self.responder.clone())))
    }

    fn l3_receiver(
        &self,
        _ifindex: u32,
        _bpf: Option<&[SockFilter]>,
    ) -> Result<Box<dyn Rx>, NetError> {
        Ok(Box::new(self.rx()))
    }

    fn l2_channel(&self, iface: &Iface, _bpf: Option<&[SockFilter]>) -> Result<Channel, NetError> {
        let rx = self.rx();
        let tx = self.tx(self.frame_responder(iface.mac_value()));
        Ok((Box::new(tx), Box::new(rx)))
    }

    fn capture(
        &self,
        _iface: Option<&str>,
        _bpf: Option<Vec<SockFilter>>,
    ) -> Result<Box<dyn Rx>, NetError> {
        Ok(Box::new(self.rx()))
    }

    /// As glibc reads /etc/hosts: every line naming `name`, in file order,
    /// the first line's first name canonical; addresses stand for themselves.
    fn lookup(&self, name: &str, family: Family) -> Result<Resolved, String> {
        if let Ok(a) = name.parse::<IpAddr>() {
            return if family.admits(a) {
                Ok(Resolved {
                    addrs: vec![a],
                    canonical: Some(name.to_string()),
                })
            } else {
                Err("Address family for hostname not supported".into())
            };
        }
        let lines: Vec<&(IpAddr, Vec<String>)> = self
            .hosts
            .iter()
            .filter(|(_, n)| n.iter().any(|n| n.eq_ignore_ascii_case(name)))
            .collect();
        let addrs: Vec<IpAddr> = lines
            .iter()
            .map(|(a, _)| *a)
            .filter(|a| family.admits(*a))
            .collect();
        match (addrs.is_empty(), lines.is_empty()) {
            (false, _) => Ok(Resolved {
                addrs,
                canonical: lines
                    .iter()
                    .find(|(a, _)| family.admits(*a))
                    .and_then(|(_, n)| n.first().cloned()),
            }),
            (true, false) => Err("Address family for hostname not supported".into()),
            (true, true) => Err("Name or service not known".into()),
        }
    }

    fn namer(&self) -> Namer {
        let hosts = self.hosts.clone();
        Arc::new(move |a| {
            hosts
                .iter()
                .find(|(h, _)| *h == a)
                .and_then(|(_, n)| n.first().cloned())
        })
    }
}

/// A responder that behaves like a network of Linux hosts: IPv4 echo and
/// timestamp requests get replies, UDP gets port-unreachable quoting the
/// datagram, TTL 1 gets time-exceeded from `router4`; IPv6 alike (echo 128
/// gets 129, UDP 1/4, hop limit 1 3/0 from `router6`).
pub fn linux_like(router4: Ipv4Addr, router6: Ipv6Addr) -> Responder {
    Arc::new(move |bytes: &[u8], _attempt| {
        if bytes.first().is_some_and(|b| b >> 4 == 6) {
            answer6(router6, bytes)
        } else {
            answer4(router4, bytes)
        }
    })
}

fn answer4(router: Ipv4Addr, bytes: &[u8]) -> Vec<Vec<u8>> {
    {
        use crate::layers::{icmp::ICMP, ipv4::IP};
        let p = Packet::dissect(&IP, bytes);
        let Some(ip) = p.layers.first() else {
            return vec![];
        };
        let (src, dst) = (
            ip.int(crate::layers::ipv4::SRC),
            ip.int(crate::layers::ipv4::DST),
        );
        let mut rip = Layer::new(&IP);
        rip.set(crate::layers::ipv4::DST, Value::Int(u128::from(src)));
        let error = |ty: u64, code: u64, from: u64| {
            let mut rip = Layer::new(&IP);
            rip.set(crate::layers::ipv4::SRC, Value::Int(u128::from(from)));
            rip.set(crate::layers::ipv4::DST, Value::Int(u128::from(src)));
            let mut icmp = Layer::new(&ICMP);
            icmp.set(0, Value::Int(u128::from(ty)));
            icmp.set(1, Value::Int(u128::from(code)));
            let quote = &bytes[..bytes.len().min(28)];
            let mut layers = vec![rip, icmp];
            layers.extend(crate::packet::dissect::dissect_as(&IP, quote, true).layers);
            Packet {
                layers,
                ..Packet::default()
            }
            .build()
        };
        if ip.int(crate::layers::ipv4::TTL) <= 1 {
            return vec![error(11, 0, u64::from(u32::from(router)))];
        }
        rip.set(crate::layers::ipv4::SRC, Value::Int(u128::from(dst)));
        match p.layers.get(1).map(|l| l.def.name) {
            Some("ICMP") => {
                let q = &p.layers[1];
                let ty = q.int(0);
                let reply_ty = match ty {
                    8 => 0,
                    13 => 14,
                    _ => return vec![],
                };
                let mut r = q.clone();
                r.set(0, Value::Int(reply_ty));
                r.clear(2);
                let mut layers = vec![rip, r];
                layers.extend(p.layers[2..].iter().cloned());
                vec![Packet {
                    layers,
                    ..Packet::default()
                }
                .build()]
            }
            Some("UDP") => vec![error(3, 3, dst)],
            _ => vec![],
        }
    }
}

/// What a Linux network answers to one IPv6 packet.
fn answer6(router: Ipv6Addr, bytes: &[u8]) -> Vec<Vec<u8>> {
    use crate::layers::{icmpv6, ipv6};
    let p = Packet::dissect(&ipv6::IPV6_LAYER, bytes);
    let Some(ip) = p
        .layers
        .first()
        .filter(|l| std::ptr::eq(l.def, &ipv6::IPV6_LAYER))
    else {
        return vec![];
    };
    let (src, dst) = (ip.wide(ipv6::SRC), ip.wide(ipv6::DST));
    let reply = |from: u128, layers: Vec<Layer>| {
        let mut rip = Layer::new(&ipv6::IPV6_LAYER);
        rip.set(ipv6::SRC, Value::Int(from));
        rip.set(ipv6::DST, Value::Int(src));
        let mut all = vec![rip];
        all.extend(layers);
        Packet {
            layers: all,
            ..Packet::default()
        }
        .build()
    };
    // an error quotes as much of the packet as fits in 1280 bytes
    let error = |def: &'static crate::packet::LayerDef, code: u128, from: u128| {
        let mut e = Layer::new(def);
        if let Some(i) = def.field_index("code") {
            e.set(i, Value::Int(code));
        }
        let mut quote = Layer::new(crate::layers::raw());
        quote.set(0, Value::Bytes(bytes[..bytes.len().min(1232)].to_vec()));
        reply(from, vec![e, quote])
    };
    if ip.int(ipv6::HLIM) <= 1 {
        return vec![error(&icmpv6::TIME_EXCEEDED, 0, u128::from(router))];
    }
    match p.layers.get(1) {
        Some(l) if std::ptr::eq(l.def, &icmpv6::ECHO_REQUEST) => {
            let mut r = Layer::new(&icmpv6::ECHO_REPLY);
            for n in ["id", "seq", "data"] {
                if let (Some(i), Some(j)) =
                    (l.def.field_index(n), icmpv6::ECHO_REPLY.field_index(n))
                {
                    if let Some(v) = l.get(i) {
                        r.set(j, v.clone());
                    }
                }
            }
            vec![reply(dst, vec![r])]
        }
        Some(l) if l.def.name == "UDP" => vec![error(&icmpv6::DEST_UNREACH, 4, dst)],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{icmp::ICMP, ipv4::IP, udp::UDP};
    use crate::net::{Network, SrOptions, SrResult};
    use crate::packet::Input;

    fn probe(dst: &str, ttl: u64, l4: &str, id: u64, seq: u64) -> Packet {
        let mut ip = Layer::new(&IP);
        ip.set_input("src", Input::Str("198.18.0.1".into()))
            .unwrap();
        ip.set_input("dst", Input::Str(dst.into())).unwrap();
        ip.set_input("ttl", Input::Int(i128::from(ttl))).unwrap();
        let mut t = match l4 {
            "udp" => Layer::new(&UDP),
            _ => Layer::new(&ICMP),
        };
        if l4 == "udp" {
            t.set_input("sport", Input::Int(i128::from(id))).unwrap();
            t.set_input("dport", Input::Int(i128::from(seq))).unwrap();
        } else {
            t.set_input("id", Input::Int(i128::from(id))).unwrap();
            t.set_input("seq", Input::Int(i128::from(seq))).unwrap();
        }
        Packet {
            layers: vec![ip, t],
            ..Packet::default()
        }
    }

    fn run(net: &MemHost, probes: Vec<Packet>, opts: SrOptions) -> SrResult {
        net.sr(&mut probes.into_iter(), &opts, &mut |_, _| {})
            .unwrap()
    }

    fn net() -> MemHost {
        MemHost::lab()
    }

    fn host(responder: Responder, delay: Duration) -> MemHost {
        MemHost {
            responder,
            delay,
            ..MemHost::lab()
        }
    }

    fn lin() -> Responder {
        linux_like(
            Ipv4Addr::new(198, 18, 255, 2),
            "2001:2:0:1::2".parse().expect("v6"),
        )
    }

    #[test]
    fn echo_replies_match_their_probes() {
        let probes: Vec<Packet> = (0..2000)
            .map(|i| probe(&format!("198.19.{}.{}", i / 256, i % 256), 64, "icmp", 7, i))
            .collect();
        let r = run(
            &net(),
            probes,
            SrOptions {
                timeout: Some(0.5),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 2000);
        assert!(r.unanswered.is_empty());
        for (q, a) in &r.answered {
            let (q, a) = (q.packet(), a.packet());
            assert_eq!(q.layers[1].int(4), a.layers[1].int(4), "seq matches");
            assert_eq!(
                q.layers[0].int(11),
                a.layers[0].int(10),
                "reply comes from the probed address"
            );
            assert!(a.time >= q.time);
        }
    }

    #[test]
    fn errors_match_the_quoted_probe() {
        let probes = vec![
            probe("198.19.0.1", 64, "udp", 40000, 33434),
            probe("198.19.0.1", 1, "udp", 40001, 33435),
            probe("198.19.0.1", 1, "icmp", 9, 1),
        ];
        let r = run(
            &net(),
            probes,
            SrOptions {
                timeout: Some(0.3),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 3);
        for (q, a) in &r.answered {
            let (q, a) = (q.packet(), a.packet());
            let ty = a.layers[1].int(0);
            match q.layers[0].int(crate::layers::ipv4::TTL) {
                1 => assert_eq!(ty, 11),
                _ => assert_eq!((ty, a.layers[1].int(1)), (3, 3)),
            }
            assert_eq!(
                a.layers[3].int(0),
                q.layers[1].int(0),
                "quoted transport header is the probe's"
            );
        }
    }

    #[test]
    fn quoted_icmp_type_must_match() {
        // an error quoting an echo with id 9 must not answer a timestamp request with id 9
        let mut ts = probe("198.19.0.1", 1, "icmp", 9, 1);
        ts.layers[1].set_input("type", Input::Int(13)).unwrap();
        let echo_reply_err: Responder = Arc::new(|bytes: &[u8], _| {
            let mut fake = bytes.to_vec();
            fake[20] = 8; // pretend the quote was an echo request
            let r = lin();
            r(&fake, 0)
        });
        let r = run(
            &host(echo_reply_err, Duration::ZERO),
            vec![ts],
            SrOptions {
                timeout: Some(0.2),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 0);
        assert_eq!(r.unanswered.len(), 1);
    }

    #[test]
    fn timeout_counts_from_last_send_and_retry_recovers() {
        // odd seq numbers are dropped on their first attempt
        let lossy: Responder = Arc::new(|bytes: &[u8], attempt| {
            let seq = bytes.get(27).copied().unwrap_or(0);
            if seq % 2 == 1 && attempt == 0 {
                return vec![];
            }
            lin()(bytes, attempt)
        });
        let n = host(lossy, Duration::ZERO);
        let probes = || {
            (0..40)
                .map(|i| probe("198.19.0.1", 64, "icmp", 3, i))
                .collect::<Vec<_>>()
        };
        let r = run(
            &n,
            probes(),
            SrOptions {
                timeout: Some(0.2),
                ..SrOptions::default()
            },
        );
        assert_eq!((r.answered.len(), r.unanswered.len(), r.sent), (20, 20, 40));
        let r = run(
            &n,
            probes(),
            SrOptions {
                timeout: Some(0.2),
                retry: 2,
                ..SrOptions::default()
            },
        );
        assert_eq!((r.answered.len(), r.unanswered.len(), r.sent), (40, 0, 60));
    }

    #[test]
    fn late_answers_within_the_timeout_count() {
        let n = host(lin(), Duration::from_millis(150));
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.5),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 1);
        let rtt = r.answered[0].1.time.since(&r.answered[0].0.time);
        assert!((0.14..0.5).contains(&rtt), "rtt {rtt}");
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.05),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 0);
    }

    #[test]
    fn multi_keeps_every_answer_and_first_only_stops_early() {
        let twice: Responder = Arc::new(|bytes: &[u8], a| {
            let r = lin()(bytes, a);
            r.iter().cloned().chain(r.iter().cloned()).collect()
        });
        let n = host(twice, Duration::ZERO);
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.2),
                multi: true,
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 2);
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.2),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 1);
        let start = std::time::Instant::now();
        let r = run(
            &net(),
            (0..5)
                .map(|i| probe("198.19.0.1", 64, "icmp", 1, i))
                .collect(),
            SrOptions {
                timeout: Some(5.0),
                first_only: true,
                ..SrOptions::default()
            },
        );
        assert!(!r.answered.is_empty());
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "sr1 returns at its first answer"
        );
    }

    fn parsed(code: &str) -> Packet {
        let mut interp =
            crate::lang::interp::Interp::new(vec![], std::rc::Rc::new(crate::net::Offline));
        if let Err(e) = crate::lang::run_source(&mut interp, "<test>", &format!("p = {code}")) {
            panic!("{code}: {}", crate::lang::render_error(&e, false));
        }
        match interp.globals.get("p") {
            Some(crate::lang::value::Value::Packet(ref r)) => r.snapshot(),
            _ => panic!("{code} is not a packet"),
        }
    }

    fn sr_one(h: &MemHost, p: Packet, first: &'static crate::packet::LayerDef) -> SrResult {
        run(
            h,
            vec![p],
            SrOptions {
                timeout: Some(5.0),
                first,
                ..SrOptions::default()
            },
        )
    }

    #[test]
    fn ipv6_probes_get_their_source_from_the_route_and_answers() {
        let h = net();
        let r = sr_one(
            &h,
            parsed("IPv6(dst='2001:2:0:100::1')/ICMPv6EchoRequest(id=7, seq=1, data=b'abc')"),
            &crate::layers::ipv6::IPV46,
        );
        assert_eq!(r.answered.len(), 1, "{r:?}");
        let (q, a) = (r.answered[0].0.packet(), r.answered[0].1.packet());
        let src = |p: &Packet| std::net::Ipv6Addr::from(p.field_wide(0, crate::layers::ipv6::SRC));
        assert_eq!(
            src(&q).to_string(),
            "2001:2::1",
            "source from the interface on the route"
        );
        assert_eq!(src(&a).to_string(), "2001:2:0:100::1");
        assert_eq!(a.layers[1].def.name, "ICMPv6EchoReply");
        let r = sr_one(
            &h,
            parsed("IPv6(dst='2001:2:0:100::1', hlim=1)/UDP(dport=33434)"),
            &crate::layers::ipv6::IPV46,
        );
        let a = r.answered[0].1.packet();
        assert_eq!(
            (a.layers[1].def.name, src(&a).to_string()),
            ("ICMPv6TimeExceeded", "2001:2:0:1::2".into())
        );
    }

    #[test]
    fn a_reject_route_is_no_route() {
        let h = net();
        let e = h
            .sr(
                &mut vec![parsed("IPv6(dst='2001:2:0:10::1')/ICMPv6EchoRequest()")].into_iter(),
                &SrOptions {
                    timeout: Some(1.0),
                    first: &crate::layers::ipv6::IPV46,
                    ..SrOptions::default()
                },
                &mut |_, _| {},
            )
            .expect_err("no route");
        assert!(e.to_string().contains("no route to 2001:2:0:10::1"), "{e}");
    }

    #[test]
    fn frames_resolve_the_gateway_by_arp_and_by_neighbour_solicitation() {
        use crate::layers::ether::ETHER;
        let h = net();
        for (code, request) in [
            (
                "Ether()/IP(dst='198.19.0.1')/ICMP()",
                // what Scapy 2.8 builds for the same ARP request
                "ffffffffffff02000000000108060001080006040001020000000001c6120001000000000000c61200fe",
            ),
            (
                "Ether()/IPv6(dst='2001:2:0:100::1')/ICMPv6EchoRequest()",
                // Scapy's neighsol(): Ether/IPv6(hlim=255)/ICMPv6ND_NS/ICMPv6NDOptSrcLLAddr
                "3333ff0000fe02000000000186dd6000000000203aff20010002000000000000000000000001ff0200000000000000000001ff0000fe8700359b00000000200100020000000000000000000000fe0101020000000001",
            ),
        ] {
            h.sent.lock().expect("sent").clear();
            let r = sr_one(&h, parsed(code), &ETHER);
            assert_eq!(r.answered.len(), 1, "{code}: {r:?}");
            let sent = h.sent.lock().expect("sent").clone();
            assert_eq!(sent[0].iter().map(|b| format!("{b:02x}")).collect::<String>(), request, "{code}");
            let probe = &sent[1];
            assert_eq!(&probe[..6], &MEM_GW_MAC.to_be_bytes()[2..], "{code}: to the gateway's MAC");
            assert_eq!(&probe[6..12], &MEM_MAC.to_be_bytes()[2..]);
            let a = r.answered[0].1.packet();
            assert!(matches!(a.layers[2].def.name, "ICMP" | "ICMPv6EchoReply"), "{code}");
        }
    }

    #[test]
    fn group_addresses_map_to_their_macs_without_asking() {
        use super::super::neigh::{group_mac, solicited_node};
        let v6 = |s: &str| s.parse::<Ipv6Addr>().expect("v6");
        assert_eq!(solicited_node(v6("2001:2::fe")), v6("ff02::1:ff00:fe"));
        assert_eq!(
            group_mac(IpAddr::V6(v6("ff02::1:ff00:fe"))),
            Some(0x3333_ff00_00fe)
        );
        assert_eq!(
            group_mac(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 251))),
            Some(0x0100_5e00_00fb)
        );
        assert_eq!(
            group_mac(IpAddr::V4(Ipv4Addr::BROADCAST)),
            Some(0xffff_ffff_ffff)
        );
        assert_eq!(group_mac(IpAddr::V6(v6("2001:2::1"))), None);
        let h = net();
        // nobody answers a group here: a short wait is enough
        let r = run(
            &h,
            vec![parsed("Ether()/IPv6(dst='ff02::1')/ICMPv6EchoRequest()")],
            SrOptions {
                timeout: Some(0.2),
                first: &crate::layers::ether::ETHER,
                ..SrOptions::default()
            },
        );
        let sent = h.sent.lock().expect("sent").clone();
        assert_eq!(sent.len(), 1, "no solicitation for a group");
        assert_eq!(&sent[0][..6], &[0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(r.sent, 1);
    }

    #[test]
    fn ipv6_keys_hold_the_addresses_except_towards_groups() {
        use crate::packet::matching::{hashret, MatchOpts};
        let o = MatchOpts::default();
        let wild = MatchOpts {
            wildcard: true,
            ..o
        };
        let key = |code: &str, o: &MatchOpts| hashret(&parsed(code), o);
        let q1 = key(
            "IPv6(src='2001:2::1', dst='2001:2:0:100::1')/ICMPv6EchoRequest(id=1)",
            &o,
        );
        let q2 = key(
            "IPv6(src='2001:2::1', dst='2001:2:0:100::2')/ICMPv6EchoRequest(id=1)",
            &o,
        );
        let a1 = key(
            "IPv6(src='2001:2:0:100::1', dst='2001:2::1')/ICMPv6EchoReply(id=1)",
            &o,
        );
        assert_eq!(q1, a1, "a reply files under its request");
        assert_ne!(q1, q2, "a sweep's probes are in buckets of their own");
        let routed = key(
            "IPv6(src='2001:2::1', dst='2001:2:0:1::2')/IPv6ExtHdrRouting(addresses=['2001:2:0:100::1'])/ICMPv6EchoRequest(id=1)",
            &o,
        );
        assert_eq!(
            routed, a1,
            "a routed request files under its final destination"
        );
        let group = key(
            "IPv6(src='fe80::1', dst='ff02::1')/ICMPv6EchoRequest(id=1)",
            &o,
        );
        let from_peer = "IPv6(src='fe80::2', dst='fe80::1')/ICMPv6EchoReply(id=1)";
        assert_ne!(group, key(from_peer, &o));
        assert_eq!(
            group,
            key(from_peer, &wild),
            "found through the key without addresses"
        );
    }
}
