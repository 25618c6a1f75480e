//! The network side: sending at layer 3 (raw IPv4 and IPv6) and layer 2 (AF_PACKET),
//! receiving, matching answers to probes, sniffing. It never formats text:
//! callers get results and statistics.
//!
//! Public API: [`Network`] (what tools and the language call; every
//! [`Host`] is one: [`System`] is Linux, `fake::MemHost` is in memory),
//! [`SrOptions`]/[`SrResult`], [`SendOptions`], [`SniffOptions`], [`NetError`].

pub mod engine;
pub mod fake;
pub mod frames;
pub mod host;
pub mod names;
pub mod neigh;
pub mod route;
pub mod sock;

use crate::layers::{arp::ARP, ether::ETHER, ipv4::IP, ipv6::IPV6_LAYER as IPV6};
use crate::packet::matching::MatchOpts;
use crate::packet::{Layer, LayerDef, Packet, Timestamp, Value, WirePacket};
use engine::{Ready, Unready};
pub use host::{Channel, Host, System};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

/// Sends whole packets (IPv4 at layer 3, frames at layer 2).
pub trait Tx {
    fn send(&mut self, bytes: &[u8], dst: IpAddr) -> std::io::Result<()>;
}

/// Receives packets with their arrival time; `None` when nothing came.
pub trait Rx: Send {
    fn recv(&mut self, wait: Duration) -> std::io::Result<Option<(Vec<u8>, Timestamp)>>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// Raw sockets need root or CAP_NET_RAW.
    #[error("{0}")]
    Permission(String),
    #[error("{0}")]
    Io(String),
    /// A packet or option the engine cannot use as given.
    #[error("{0}")]
    Usage(String),
}

/// Called in the receiver thread with each (probe, answer) as it is matched.
#[derive(Clone)]
pub struct Observer(pub std::sync::Arc<ObserverFn>);

/// `(probe, answer)` callback type.
pub type ObserverFn = dyn Fn(&WirePacket, &WirePacket) + Send + Sync;

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// Options of `sr`, `sr1`, `srp`, `srp1`.
#[derive(Clone, Debug)]
pub struct SrOptions {
    /// Seconds to wait after the last send (`None`: until all are answered).
    pub timeout: Option<f64>,
    /// Resend unanswered probes this many times (negative: until -retry rounds bring nothing).
    pub retry: i32,
    /// Seconds between sends.
    pub inter: f64,
    /// Packets per second (when `inter` is 0).
    pub rate: Option<f64>,
    /// Keep every answer to a probe, not just the first.
    pub multi: bool,
    /// With `multi`, still finish as soon as every probe has an answer.
    pub done_when_all_answered: bool,
    /// Stop at the first answer (`sr1`).
    pub first_only: bool,
    pub iface: Option<String>,
    pub matching: MatchOpts,
    /// The layer probes and answers start with (IP at layer 3, Ether at layer 2).
    pub first: &'static LayerDef,
    /// BPF text applied to received packets (needs tcpdump to compile).
    pub filter: Option<String>,
    /// Sees every answer as it arrives (tools print from it).
    pub observer: Option<Observer>,
}

impl Default for SrOptions {
    fn default() -> Self {
        SrOptions {
            timeout: None,
            retry: 0,
            inter: 0.0,
            rate: None,
            multi: false,
            done_when_all_answered: false,
            first_only: false,
            iface: None,
            matching: MatchOpts::default(),
            first: &IP,
            filter: None,
            observer: None,
        }
    }
}

/// What an exchange produced. Answered pairs are in arrival order.
#[derive(Debug)]
pub struct SrResult {
    pub answered: Vec<(WirePacket, WirePacket)>,
    pub unanswered: Vec<WirePacket>,
    pub sent: usize,
    pub received: usize,
    pub interrupted: bool,
    pub elapsed: Duration,
    /// Probes never sent because of `fault`: the last `unsent` of `unanswered`.
    pub unsent: usize,
    /// What ended the exchange early (the interface went down, the receiver
    /// failed); what was collected before is kept.
    pub fault: Option<NetError>,
}

impl SrResult {
    /// The warning to show for a fault: what failed, and which probes were
    /// never sent (`N probes were never sent: first <summary>`).
    pub fn fault_warning(&self) -> Option<String> {
        let e = self.fault.as_ref()?;
        let mut s = format!(
            "the exchange stopped after {} sent ({e}); kept {} answers",
            self.sent,
            self.answered.len()
        );
        if self.unsent > 0 {
            let first = self
                .unanswered
                .len()
                .checked_sub(self.unsent)
                .and_then(|i| self.unanswered.get(i))
                .map(|w| crate::packet::show::summary(&w.packet()))
                .unwrap_or_default();
            s.push_str(&format!(
                "; {} probe{} never sent (in unans): first {first}",
                self.unsent,
                if self.unsent == 1 { " was" } else { "s were" }
            ));
        }
        Some(s)
    }
}

/// Options of `send`/`sendp`.
#[derive(Clone, Debug, Default)]
pub struct SendOptions {
    /// Send everything this many times (0 means once).
    pub count: u64,
    /// Repeat until interrupted.
    pub forever: bool,
    pub inter: f64,
    pub rate: Option<f64>,
    pub iface: Option<String>,
    pub layer2: bool,
}

#[derive(Debug, Default)]
pub struct SendReport {
    pub sent: usize,
    pub interrupted: bool,
}

/// Options of `sniff`.
#[derive(Clone, Debug, Default)]
pub struct SniffOptions {
    pub iface: Option<String>,
    pub timeout: Option<f64>,
    pub filter: Option<String>,
}

/// Everything the language and the tools ask of the network.
pub trait Network {
    /// Sends probes and matches answers.
    fn sr(
        &self,
        probes: &mut dyn Iterator<Item = Packet>,
        opts: &SrOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SrResult, NetError>;
    /// Sends packets without waiting for answers.
    fn send(
        &self,
        pkts: &mut dyn Iterator<Item = Packet>,
        opts: &SendOptions,
    ) -> Result<SendReport, NetError>;
    /// Receives frames until `on_packet` returns false, the timeout passes or
    /// Ctrl-C; returns how many were seen.
    fn sniff(
        &self,
        opts: &SniffOptions,
        on_packet: &mut dyn FnMut(WirePacket) -> bool,
    ) -> Result<usize, NetError>;
    /// Where a packet to `dst` goes, and the source it would carry.
    fn route(&self, dst: IpAddr) -> Option<(route::Hop, Option<IpAddr>)>;
    /// The routing tables, both families (`conf.route`, `conf.route6`).
    fn routes(&self) -> Vec<route::Route>;
    /// A host name's addresses, through the host's resolver.
    fn lookup(&self, name: &str, family: names::Family) -> Result<names::Resolved, String>;
    /// Reverse lookups for printing replies.
    fn namer(&self) -> names::Namer;
}

/// Fills what the user left for the engine: IP sources from the route, Ether
/// addresses from the interface and the neighbour table (resolving by ARP or
/// neighbour solicitation now if needed), ARP sender fields.
pub struct Prep<'h> {
    host: &'h dyn Host,
    pub router: route::Router,
    neigh: neigh::Cache,
    /// The interface given for this exchange (`iface=`, or the one frames go
    /// out of): link-scope IPv6 destinations take their source from it.
    pub link: Option<String>,
}

impl<'h> Prep<'h> {
    pub fn new(host: &'h dyn Host) -> Prep<'h> {
        Prep {
            host,
            router: route::Router::of(host),
            neigh: neigh::Cache::default(),
            link: None,
        }
    }

    /// The destination of the IPv4 or IPv6 layer at `i`, its source filled
    /// from the route when unset.
    fn fill_src(&mut self, p: &mut Packet, i: usize) -> Result<IpAddr, NetError> {
        let v6 = std::ptr::eq(p.layers[i].def, &IPV6);
        let (src, dst) = if v6 {
            (crate::layers::ipv6::SRC, crate::layers::ipv6::DST)
        } else {
            (crate::layers::ipv4::SRC, crate::layers::ipv4::DST)
        };
        let d = p.field_wide(i, dst);
        let dst = if v6 {
            IpAddr::V6(Ipv6Addr::from(d))
        } else {
            IpAddr::V4(Ipv4Addr::from(d as u32))
        };
        if !p.layers[i].is_set(src) {
            let on_link = match (dst, &self.link) {
                (IpAddr::V6(d), Some(l)) if sock::link_scoped(d) => self.router.link_source(l, d),
                _ => None,
            };
            let from = on_link
                .or_else(|| self.router.source(self.host, dst))
                .ok_or_else(|| {
                    NetError::Usage(format!(
                        "no route to {dst}: set {}(src=...) or add a route",
                        p.layers[i].def.name
                    ))
                })?;
            let v = match from {
                IpAddr::V4(a) => u128::from(u32::from(a)),
                IpAddr::V6(a) => u128::from(a),
            };
            p.layers[i].set(src, Value::Int(v));
        }
        Ok(dst)
    }

    /// A layer-3 probe: an IPv4 or IPv6 packet with its source filled.
    pub fn layer3(&mut self, p: &mut Packet) -> Result<Ready, NetError> {
        match p.layers.first() {
            Some(l) if is_ip(l.def) => {}
            Some(l) if std::ptr::eq(l.def, &ETHER) => {
                return Err(NetError::Usage(
                    "this sends at layer 3 and the packet starts with Ether: use sendp()/srp() for frames".into(),
                ))
            }
            _ => {
                return Err(NetError::Usage(
                    "layer-3 sending needs packets that start with IP or IPv6".into(),
                ))
            }
        }
        let dst = self.fill_src(p, 0)?;
        Ok(Ready {
            bytes: built(p)?,
            dst,
        })
    }

    /// A layer-2 frame for interface `iface`: Ether and ARP fields filled,
    /// the destination MAC from the next hop of the first IP or IPv6 layer.
    pub fn layer2(&mut self, p: &mut Packet, iface: &route::Iface) -> Result<Ready, NetError> {
        if !p
            .layers
            .first()
            .is_some_and(|l| std::ptr::eq(l.def, &ETHER))
        {
            return Err(NetError::Usage(
                "layer-2 sending needs frames that start with Ether".into(),
            ));
        }
        let mac = iface.mac_value();
        let my_ip = iface
            .addrs
            .first()
            .map(|(a, _)| u64::from(u32::from(*a)))
            .unwrap_or(0);
        let mut dst_ip = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        let mut next_hop = None;
        if let Some(i) = p.layers.iter().position(|l| is_ip(l.def)) {
            dst_ip = self.fill_src(p, i)?;
            // a group address is its own next hop, whatever the route says
            next_hop = Some(match neigh::group_mac(dst_ip) {
                Some(_) => dst_ip,
                None => self
                    .router
                    .hop(dst_ip)
                    .map(|h| h.next_hop(dst_ip))
                    .unwrap_or(dst_ip),
            });
        }
        if let Some(i) = p.layers.iter().position(|l| std::ptr::eq(l.def, &ARP)) {
            let arp: &mut Layer = &mut p.layers[i];
            for (field, v) in [("hwsrc", mac), ("psrc", my_ip)] {
                if let Some(fi) = arp.def.field_index(field) {
                    if !arp.is_set(fi) {
                        arp.set(fi, Value::Int(u128::from(v)));
                    }
                }
            }
        }
        let eth = &mut p.layers[0];
        if !eth.is_set(1) {
            eth.set(1, Value::Int(u128::from(mac)));
        }
        if !eth.is_set(0) {
            let d = match next_hop {
                Some(nh) => self.neigh.resolve(self.host, nh, iface)?,
                None => 0xffff_ffff_ffff,
            };
            p.layers[0].set(0, Value::Int(u128::from(d)));
        }
        Ok(Ready {
            bytes: built(p)?,
            dst: dst_ip,
        })
    }

    /// The index of interface `name` (`None`: 0, every interface).
    pub fn l3_iface(&self, name: Option<&str>) -> Result<u32, NetError> {
        match name {
            Some(n) => Ok(self
                .router
                .ifaces()
                .iter()
                .find(|i| i.name == n)
                .ok_or_else(|| NetError::Usage(format!("no interface named {n:?}")))?
                .index),
            None => Ok(0),
        }
    }

    /// The interface link-scope IPv6 destinations go out of: `iface=`, else
    /// the route of the first packet's destination (the first interface
    /// with a route, as `ip route get` picks).
    pub fn scope(&self, iface: u32, p: Option<&Packet>) -> u32 {
        if iface != 0 {
            return iface;
        }
        p.and_then(|p| {
            p.layers.first().filter(|l| std::ptr::eq(l.def, &IPV6))?;
            let dst = IpAddr::V6(Ipv6Addr::from(p.field_wide(0, crate::layers::ipv6::DST)));
            let hop = self.router.hop(dst)?;
            self.router
                .ifaces()
                .iter()
                .find(|i| i.name == hop.iface)
                .map(|i| i.index)
        })
        .unwrap_or(0)
    }

    /// The interface frames go out of: `iface=`, else the route of the first
    /// packet's IP or IPv6 destination, else the first interface that is up.
    pub fn l2_iface(
        &self,
        name: Option<&str>,
        p: Option<&Packet>,
    ) -> Result<route::Iface, NetError> {
        let ifaces = self.router.ifaces();
        let find = |n: &str| ifaces.iter().find(|i| i.name == n).cloned();
        if let Some(n) = name {
            return find(n).ok_or_else(|| NetError::Usage(format!("no interface named {n:?}")));
        }
        let dst = p.and_then(|p| {
            let i = p.layers.iter().position(|l| is_ip(l.def))?;
            Some(if std::ptr::eq(p.layers[i].def, &IPV6) {
                IpAddr::V6(Ipv6Addr::from(p.field_wide(i, crate::layers::ipv6::DST)))
            } else {
                IpAddr::V4(Ipv4Addr::from(
                    p.field_int(i, crate::layers::ipv4::DST) as u32
                ))
            })
        });
        dst.and_then(|d| self.router.hop(d))
            .and_then(|h| find(&h.iface))
            .or_else(|| ifaces.iter().find(|i| !i.loopback && i.up).cloned())
            .ok_or_else(|| NetError::Usage("no interface to send frames on: pass iface=".into()))
    }
}

fn is_ip(def: &LayerDef) -> bool {
    std::ptr::eq(def, &IP) || std::ptr::eq(def, &IPV6)
}

fn bpf(filter: &Option<String>, layer2: bool) -> Result<Option<Vec<sock::SockFilter>>, NetError> {
    filter
        .as_deref()
        .map(|f| sock::compile_bpf(f, layer2))
        .transpose()
}

/// Every host is a network: the engine over its sockets, with sources,
/// routes and neighbours from its tables.
impl<H: Host + ?Sized> Network for H {
    fn sr(
        &self,
        probes: &mut dyn Iterator<Item = Packet>,
        opts: &SrOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SrResult, NetError> {
        let host: &dyn Host = &Dyn(self);
        let mut prep = Prep::new(host);
        let layer2 = std::ptr::eq(opts.first, &ETHER);
        let mut probes = probes.peekable();
        prep.link.clone_from(&opts.iface);
        let (mut tx, rx, iface) = if layer2 {
            let iface = prep.l2_iface(opts.iface.as_deref(), probes.peek())?;
            prep.link = Some(iface.name.clone());
            let (tx, rx) = self.l2_channel(&iface, bpf(&opts.filter, true)?.as_deref())?;
            (tx, rx, Some(iface))
        } else {
            let index = prep.l3_iface(opts.iface.as_deref())?;
            let rx = self.l3_receiver(index, bpf(&opts.filter, false)?.as_deref())?;
            let scope = prep.scope(index, probes.peek());
            (self.l3_sender(scope)?, rx, None)
        };
        let mut ready = probes.map(|mut p| {
            match &iface {
                Some(i) => prep.layer2(&mut p, i),
                None => prep.layer3(&mut p),
            }
            .map_err(|error| Unready {
                error,
                bytes: p.build(),
            })
        });
        engine::exchange(tx.as_mut(), rx, opts.first, &mut ready, opts, progress)
    }

    fn send(
        &self,
        pkts: &mut dyn Iterator<Item = Packet>,
        opts: &SendOptions,
    ) -> Result<SendReport, NetError> {
        let host: &dyn Host = &Dyn(self);
        let mut prep = Prep::new(host);
        let mut pkts = pkts.peekable();
        prep.link.clone_from(&opts.iface);
        if opts.layer2 {
            let iface = prep.l2_iface(opts.iface.as_deref(), pkts.peek())?;
            prep.link = Some(iface.name.clone());
            let (mut tx, _rx) = self.l2_channel(&iface, None)?;
            let mut ready = pkts.map(|mut p| prep.layer2(&mut p, &iface));
            send_loop(tx.as_mut(), &mut ready, opts)
        } else {
            let index = prep.l3_iface(opts.iface.as_deref())?;
            let mut tx = self.l3_sender(prep.scope(index, pkts.peek()))?;
            let mut ready = pkts.map(|mut p| prep.layer3(&mut p));
            send_loop(tx.as_mut(), &mut ready, opts)
        }
    }

    fn sniff(
        &self,
        opts: &SniffOptions,
        on_packet: &mut dyn FnMut(WirePacket) -> bool,
    ) -> Result<usize, NetError> {
        let mut rx = self.capture(opts.iface.as_deref(), bpf(&opts.filter, true)?)?;
        let deadline = opts.timeout.and_then(crate::sys::deadline);
        let mut n = 0;
        loop {
            if crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
                || deadline.is_some_and(|d| Instant::now() >= d)
            {
                return Ok(n);
            }
            let wait = deadline
                .map(|d| d.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_millis(50))
                .min(Duration::from_millis(50));
            if let Some((bytes, time)) = rx
                .recv(wait)
                .map_err(|e| NetError::Io(format!("capturing failed: {e}")))?
            {
                n += 1;
                if !on_packet(WirePacket::new(&ETHER, &bytes, time)) {
                    return Ok(n);
                }
            }
        }
    }

    fn route(&self, dst: IpAddr) -> Option<(route::Hop, Option<IpAddr>)> {
        let host: &dyn Host = &Dyn(self);
        let mut r = route::Router::of(host);
        Some((r.hop(dst)?, r.source(host, dst)))
    }

    fn routes(&self) -> Vec<route::Route> {
        Host::routes(self)
    }

    fn lookup(&self, name: &str, family: names::Family) -> Result<names::Resolved, String> {
        Host::lookup(self, name, family)
    }

    fn namer(&self) -> names::Namer {
        Host::namer(self)
    }
}

/// No network at all: for interpreters that only build and read packets
/// (`--filter` expressions); every exchange is refused with the reason.
pub struct Offline;

impl Network for Offline {
    fn sr(
        &self,
        _probes: &mut dyn Iterator<Item = Packet>,
        _opts: &SrOptions,
        _progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SrResult, NetError> {
        Err(offline())
    }
    fn send(
        &self,
        _pkts: &mut dyn Iterator<Item = Packet>,
        _opts: &SendOptions,
    ) -> Result<SendReport, NetError> {
        Err(offline())
    }
    fn sniff(
        &self,
        _opts: &SniffOptions,
        _on_packet: &mut dyn FnMut(WirePacket) -> bool,
    ) -> Result<usize, NetError> {
        Err(offline())
    }
    fn route(&self, _dst: IpAddr) -> Option<(route::Hop, Option<IpAddr>)> {
        None
    }
    fn routes(&self) -> Vec<route::Route> {
        Vec::new()
    }
    fn lookup(&self, _name: &str, _family: names::Family) -> Result<names::Resolved, String> {
        Err(offline().to_string())
    }
    fn namer(&self) -> names::Namer {
        std::sync::Arc::new(|_| None)
    }
}

fn offline() -> NetError {
    NetError::Usage("this interpreter has no network (it only builds and reads packets)".into())
}

/// A `&H` seen as `&dyn Host` when `H` itself may be unsized.
struct Dyn<'a, H: ?Sized>(&'a H);

impl<H: Host + ?Sized> Host for Dyn<'_, H> {
    fn interfaces(&self) -> Vec<route::Iface> {
        self.0.interfaces()
    }
    fn routes(&self) -> Vec<route::Route> {
        self.0.routes()
    }
    fn source(&self, dst: IpAddr) -> Option<IpAddr> {
        self.0.source(dst)
    }
    fn neighbour(&self, ip: IpAddr, iface: &str) -> Option<u64> {
        self.0.neighbour(ip, iface)
    }
    fn l3_sender(&self, scope: u32) -> Result<Box<dyn Tx>, NetError> {
        self.0.l3_sender(scope)
    }
    fn l3_receiver(
        &self,
        ifindex: u32,
        bpf: Option<&[sock::SockFilter]>,
    ) -> Result<Box<dyn Rx>, NetError> {
        self.0.l3_receiver(ifindex, bpf)
    }
    fn l2_channel(
        &self,
        iface: &route::Iface,
        bpf: Option<&[sock::SockFilter]>,
    ) -> Result<Channel, NetError> {
        self.0.l2_channel(iface, bpf)
    }
    fn capture(
        &self,
        iface: Option<&str>,
        bpf: Option<Vec<sock::SockFilter>>,
    ) -> Result<Box<dyn Rx>, NetError> {
        self.0.capture(iface, bpf)
    }
    fn lookup(&self, name: &str, family: names::Family) -> Result<names::Resolved, String> {
        self.0.lookup(name, family)
    }
    fn namer(&self) -> names::Namer {
        self.0.namer()
    }
}

/// Sends prepared packets, streaming them once, or `count` times / forever
/// (keeping the prepared bytes to repeat them), paced by `inter` or `rate`.
pub fn send_loop(
    tx: &mut dyn Tx,
    ready: &mut dyn Iterator<Item = Result<Ready, NetError>>,
    opts: &SendOptions,
) -> Result<SendReport, NetError> {
    let gap = match (opts.inter, opts.rate) {
        (i, _) if i > 0.0 => Some(crate::sys::duration(i)),
        (_, Some(r)) if r > 0.0 => Some(crate::sys::duration(1.0 / r)),
        _ => None,
    };
    let repeat = opts.forever || opts.count > 1;
    let mut kept: Vec<Ready> = Vec::new();
    let mut report = SendReport::default();
    let mut next = Instant::now();
    let mut one = |r: &Ready, report: &mut SendReport| -> Result<bool, NetError> {
        if crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            report.interrupted = true;
            return Ok(false);
        }
        if let Some(g) = gap {
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
            next = next.max(now) + g;
        }
        tx.send(&r.bytes, r.dst)
            .map_err(|e| NetError::Io(format!("sending to {} failed: {e}", r.dst)))?;
        report.sent += 1;
        Ok(true)
    };
    for r in ready {
        let r = r?;
        if !one(&r, &mut report)? {
            return Ok(report);
        }
        if repeat {
            kept.push(r);
        }
    }
    let mut round = 1;
    while repeat && (opts.forever || round < opts.count) && !kept.is_empty() {
        for r in &kept {
            if !one(r, &mut report)? {
                return Ok(report);
            }
        }
        round += 1;
    }
    Ok(report)
}

/// A probe's bytes; a computed field that does not fit (an IP length past
/// 65535, an MSS past 16 bits) is refused as a usage error instead of being
/// sent truncated, as `bytes()` raises for it.
fn built(p: &Packet) -> Result<Vec<u8>, NetError> {
    crate::packet::build::try_build(p).map_err(NetError::Usage)
}
