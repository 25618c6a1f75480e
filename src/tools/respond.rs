//! `respond`: answers ICMP echo (8 -> 0), timestamp (13 -> 14, with real
//! milliseconds since midnight UTC), information (15 -> 16) and address-mask
//! (17 -> 18) requests sent to the addresses it owns, at layer 2 on one
//! interface. Linux itself never answers address-mask requests; this makes
//! the RFC 950 layout testable.
//!
//! It answers only what a host may answer (RFC 1122 3.2.2.6, RFC 1812
//! 4.3.2.7): a valid, unfragmented, unicast request addressed to one of its
//! own addresses from a source that could be a host, at most `rate_limit`
//! answers a second to each source (a token bucket per source, as the
//! kernel's icmp_ratelimit). Everything else is refused and counted by
//! reason ([`Reason`]). [`decide`] is the whole decision on a frame's bytes;
//! [`run`] reads and writes frames in batches through one socket.
//!
//! For its IPv6 addresses (`owns6`) it answers ICMPv6 echo requests (128 ->
//! 129) under the same rules, and Neighbor Solicitations for them with
//! Neighbor Advertisements (RFC 4861 7.2.4: solicited and override flags,
//! our link-layer address as the target option), without which no
//! neighbour could reach those addresses. Solicitations are checked as
//! RFC 4861 7.1.1 says (hop limit 255, code 0, no multicast target, the
//! unspecified source only to a solicited-node group and without a source
//! link-layer option); IPv6 packets with extension headers are ignored.

use super::Sink;
use crate::net::frames::{FrameSocket, LinkEvent, PACKET_OUTGOING};
use crate::net::NetError;
use crate::packet::Timestamp;
use crate::wire::{checksum, finish, ones_sum};
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Options {
    pub iface: String,
    /// Networks whose addresses we answer for.
    pub owns: Vec<(u32, u8)>,
    /// IPv6 networks whose addresses we answer for (echo and neighbour
    /// solicitations).
    pub owns6: Vec<(u128, u8)>,
    /// The interface's own networks (their network and broadcast addresses
    /// are never answered for nor accepted as sources); filled by `run`.
    pub subnets: Vec<(u32, u8)>,
    /// Our MAC address (frames to other MACs are ignored); filled by `run`.
    pub mac: Option<[u8; 6]>,
    /// Request types to answer (8, 13, 15, 17); 8 answers ICMPv6 echo (128)
    /// too. Neighbour solicitations for `owns6` are always answered.
    pub types: Vec<u64>,
    /// The mask given in address-mask replies.
    pub mask: Ipv4Addr,
    /// Stop after this many answers.
    pub count: Option<u64>,
    pub timeout: Option<f64>,
    /// Answers per second to one source (0: no limit).
    pub rate_limit: f64,
    /// Answers one source may get in a burst (tokens of its bucket).
    pub burst: f64,
    /// Output lines as JSON objects.
    pub json: bool,
    /// No line per answer (the summary is still printed).
    pub quiet: bool,
}

impl Options {
    /// Options answering `types` for `owns` on `iface`, with the default
    /// rate limit (100 answers a second per source, burst of 100).
    pub fn new(iface: &str, owns: Vec<(u32, u8)>, types: Vec<u64>, mask: Ipv4Addr) -> Options {
        Options {
            iface: iface.to_string(),
            owns,
            owns6: Vec::new(),
            subnets: Vec::new(),
            mac: None,
            types,
            mask,
            count: None,
            timeout: None,
            rate_limit: 100.0,
            burst: 100.0,
            json: false,
            quiet: false,
        }
    }
}

/// Why a request was not answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Source MAC is a broadcast or multicast address.
    EtherSrcGroup,
    /// Frame sent to the Ethernet broadcast or a multicast address.
    EtherDstGroup,
    /// Shorter than an IPv4 header.
    IpTruncated,
    /// IP version other than 4 in an IPv4 frame.
    IpVersion,
    /// Header length below 5 words or beyond the frame.
    IpHeaderLength,
    /// Total length below the header or beyond the frame.
    IpTotalLength,
    IpChecksum,
    /// A fragment (MF set or non-zero offset).
    IpFragment,
    /// Destination 255.255.255.255 or a subnet broadcast address.
    DstBroadcast,
    /// Destination is the network address of a subnet.
    DstNetwork,
    DstMulticast,
    /// Source 0.0.0.0/8.
    SrcUnspecified,
    /// Source 127.0.0.0/8.
    SrcLoopback,
    /// Source 255.255.255.255 or a subnet broadcast address.
    SrcBroadcast,
    /// Source 224.0.0.0/4.
    SrcMulticast,
    /// Source 240.0.0.0/4 (reserved, class E).
    SrcReserved,
    /// Source is one of the addresses we answer for.
    SrcOwn,
    /// ICMP message shorter than its type's fixed part.
    IcmpTruncated,
    IcmpChecksum,
    /// The source's token bucket is empty.
    RateLimited,
    /// A neighbour solicitation whose hop limit is not 255 (it came from
    /// beyond the link).
    NdHopLimit,
    /// A neighbour solicitation RFC 4861 7.1.1 says to drop (code, target,
    /// options, unspecified source rules).
    NdInvalid,
}

impl Reason {
    pub const ALL: [Reason; REASONS] = [
        Reason::EtherSrcGroup,
        Reason::EtherDstGroup,
        Reason::IpTruncated,
        Reason::IpVersion,
        Reason::IpHeaderLength,
        Reason::IpTotalLength,
        Reason::IpChecksum,
        Reason::IpFragment,
        Reason::DstBroadcast,
        Reason::DstNetwork,
        Reason::DstMulticast,
        Reason::SrcUnspecified,
        Reason::SrcLoopback,
        Reason::SrcBroadcast,
        Reason::SrcMulticast,
        Reason::SrcReserved,
        Reason::SrcOwn,
        Reason::IcmpTruncated,
        Reason::IcmpChecksum,
        Reason::RateLimited,
        Reason::NdHopLimit,
        Reason::NdInvalid,
    ];

    /// The name shown in the summary and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Reason::EtherSrcGroup => "ether-src-group",
            Reason::EtherDstGroup => "ether-dst-group",
            Reason::IpTruncated => "ip-truncated",
            Reason::IpVersion => "ip-version",
            Reason::IpHeaderLength => "ip-header-length",
            Reason::IpTotalLength => "ip-total-length",
            Reason::IpChecksum => "ip-checksum",
            Reason::IpFragment => "ip-fragment",
            Reason::DstBroadcast => "dst-broadcast",
            Reason::DstNetwork => "dst-network",
            Reason::DstMulticast => "dst-multicast",
            Reason::SrcUnspecified => "src-unspecified",
            Reason::SrcLoopback => "src-loopback",
            Reason::SrcBroadcast => "src-broadcast",
            Reason::SrcMulticast => "src-multicast",
            Reason::SrcReserved => "src-reserved",
            Reason::SrcOwn => "src-own-address",
            Reason::IcmpTruncated => "icmp-truncated",
            Reason::IcmpChecksum => "icmp-checksum",
            Reason::RateLimited => "rate-limited",
            Reason::NdHopLimit => "nd-hop-limit",
            Reason::NdInvalid => "nd-invalid",
        }
    }

    fn index(self) -> usize {
        Reason::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

/// How many refusal reasons there are.
pub const REASONS: usize = 22;

/// What to do with one received frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The reply (of this ICMP type) was written to the output buffer.
    Answer(u8),
    /// Not an ICMP request of ours (other protocols, other hosts' traffic).
    Ignore,
    Refuse(Reason),
}

/// Per-source token buckets and the IP id counter: the state [`decide`]
/// keeps between frames.
pub struct Guard {
    rate: f64,
    burst: f64,
    buckets: HashMap<u128, (f64, Instant)>,
    ip_id: u16,
}

/// Sources remembered at most; idle (full) buckets are forgotten first.
const MAX_SOURCES: usize = 65_536;

impl Guard {
    pub fn new(rate: f64, burst: f64) -> Guard {
        Guard {
            rate,
            burst: burst.max(1.0),
            buckets: HashMap::new(),
            ip_id: (std::process::id() & 0xffff) as u16,
        }
    }

    /// Takes a token of `src`'s bucket at time `now`; false when empty.
    /// (`src` is an IPv4 address widened, or an IPv6 address.)
    pub fn allow(&mut self, src: u128, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        if self.buckets.len() >= MAX_SOURCES && !self.buckets.contains_key(&src) {
            let (rate, burst) = (self.rate, self.burst);
            self.buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < burst
            });
            if self.buckets.len() >= MAX_SOURCES {
                self.buckets.clear();
            }
        }
        let (rate, burst) = (self.rate, self.burst);
        let b = self.buckets.entry(src).or_insert((burst, now));
        b.0 = (b.0 + now.saturating_duration_since(b.1).as_secs_f64() * rate).min(burst);
        b.1 = now;
        if b.0 >= 1.0 {
            b.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

fn mask_of(p: u8) -> u32 {
    if p == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(p.min(32)))
    }
}

fn in_net(a: u32, (base, p): (u32, u8)) -> bool {
    a & mask_of(p) == base & mask_of(p)
}

/// The broadcast and network addresses of networks that have them (/30 and
/// wider: /31 and /32 have none, RFC 3021).
fn special(nets: &[(u32, u8)], a: u32) -> Option<Reason> {
    for &(base, p) in nets {
        if p >= 31 || !in_net(a, (base, p)) {
            continue;
        }
        let host = a & !mask_of(p);
        if host == !mask_of(p) {
            return Some(Reason::DstBroadcast);
        }
        if host == 0 {
            return Some(Reason::DstNetwork);
        }
    }
    None
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn is_group(mac: &[u8]) -> bool {
    mac[0] & 1 == 1
}

/// Milliseconds since midnight UTC (the ICMP timestamp clock).
pub fn ms_since_midnight(t: Timestamp) -> u32 {
    (t.secs.rem_euclid(86_400) as u32) * 1000 + t.nanos / 1_000_000
}

/// Decides on one received Ethernet frame and, for an answer, writes the
/// reply frame into `out` (cleared first). `now` drives the rate limit and
/// `ms` is the time of day put in timestamp replies.
pub fn decide(
    o: &Options,
    frame: &[u8],
    guard: &mut Guard,
    now: Instant,
    ms: u32,
    out: &mut Vec<u8>,
) -> Verdict {
    use Verdict::{Answer, Ignore, Refuse};
    out.clear();
    if frame.len() < 14 {
        return Ignore;
    }
    match be16(frame, 12) {
        0x0800 => {}
        0x86dd => return decide6(o, frame, guard, now, out),
        _ => return Ignore,
    }
    let ip = &frame[14..];
    if ip.is_empty() {
        return Refuse(Reason::IpTruncated);
    }
    if ip[0] >> 4 != 4 {
        return Refuse(Reason::IpVersion);
    }
    if ip.len() < 20 {
        return Refuse(Reason::IpTruncated);
    }
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    if ihl < 20 || ihl > ip.len() {
        return Refuse(Reason::IpHeaderLength);
    }
    let total = usize::from(be16(ip, 2));
    if total < ihl || total > ip.len() {
        return Refuse(Reason::IpTotalLength);
    }
    if ip[9] != 1 {
        return Ignore;
    }
    let icmp = &ip[ihl..total];
    let ty = icmp.first().copied().map(u64::from);
    if !ty.is_some_and(|t| o.types.contains(&t)) {
        return Ignore;
    }
    let (src, dst) = (be32(ip, 12), be32(ip, 16));
    // where it was sent: only our unicast addresses are answered
    let dst_ip = Ipv4Addr::from(dst);
    if dst_ip.is_multicast() {
        return Refuse(Reason::DstMulticast);
    }
    if dst == u32::MAX {
        return Refuse(Reason::DstBroadcast);
    }
    if let Some(r) = special(&o.subnets, dst).or_else(|| special(&o.owns, dst)) {
        return Refuse(r);
    }
    if !o.owns.iter().any(|n| in_net(dst, *n)) {
        return Ignore;
    }
    if let Some(m) = o.mac {
        if !is_group(&frame[0..6]) && frame[0..6] != m {
            return Ignore;
        }
    }
    if is_group(&frame[0..6]) {
        return Refuse(Reason::EtherDstGroup);
    }
    if is_group(&frame[6..12]) {
        return Refuse(Reason::EtherSrcGroup);
    }
    if checksum(&ip[..ihl]) != 0 {
        return Refuse(Reason::IpChecksum);
    }
    if be16(ip, 6) & 0x3fff != 0 {
        return Refuse(Reason::IpFragment);
    }
    // who it came from: a host, not a broadcast, group, loopback or us
    let src_ip = Ipv4Addr::from(src);
    let first = src >> 24;
    let src_bad = if first == 0 {
        Some(Reason::SrcUnspecified)
    } else if first == 127 {
        Some(Reason::SrcLoopback)
    } else if src == u32::MAX {
        Some(Reason::SrcBroadcast)
    } else if src_ip.is_multicast() {
        Some(Reason::SrcMulticast)
    } else if first >= 240 {
        Some(Reason::SrcReserved)
    } else if special(&o.subnets, src)
        .or_else(|| special(&o.owns, src))
        .is_some()
    {
        Some(Reason::SrcBroadcast)
    } else if o.owns.iter().any(|n| in_net(src, *n)) {
        Some(Reason::SrcOwn)
    } else {
        None
    };
    if let Some(r) = src_bad {
        return Refuse(r);
    }
    let ty = icmp[0];
    let need = match ty {
        13 => 20,
        17 => 12,
        _ => 8,
    };
    if icmp.len() < need {
        return Refuse(Reason::IcmpTruncated);
    }
    if checksum(icmp) != 0 {
        return Refuse(Reason::IcmpChecksum);
    }
    if !guard.allow(u128::from(src), now) {
        return Refuse(Reason::RateLimited);
    }
    // echo 8 -> 0; timestamp 13 -> 14, information 15 -> 16, mask 17 -> 18
    let Some(reply_ty) = crate::layers::icmp::REQUEST_REPLY
        .iter()
        .find(|(q, _)| *q == u64::from(ty))
        .map(|(_, r)| *r as u8)
    else {
        return Ignore;
    };
    // the reply's ICMP message: echo and information carry the data back
    let body_len = match ty {
        13 => 20,
        17 => 12,
        _ => icmp.len(),
    };
    out.reserve(14 + 20 + body_len);
    out.extend_from_slice(&frame[6..12]);
    out.extend_from_slice(
        &o.mac
            .unwrap_or([frame[0], frame[1], frame[2], frame[3], frame[4], frame[5]]),
    );
    out.extend_from_slice(&[0x08, 0x00]);
    guard.ip_id = guard.ip_id.wrapping_add(1);
    let tot = (20 + body_len) as u16;
    out.extend_from_slice(&[0x45, ip[1]]);
    out.extend_from_slice(&tot.to_be_bytes());
    out.extend_from_slice(&guard.ip_id.to_be_bytes());
    out.extend_from_slice(&[0, 0, 64, 1, 0, 0]);
    out.extend_from_slice(&dst.to_be_bytes());
    out.extend_from_slice(&src.to_be_bytes());
    let c = checksum(&out[14..34]);
    out[24..26].copy_from_slice(&c.to_be_bytes());
    let at = out.len();
    out.extend_from_slice(&icmp[..body_len]);
    out[at] = reply_ty;
    out[at + 1] = 0;
    out[at + 2] = 0;
    out[at + 3] = 0;
    match ty {
        13 => {
            // originate stays; receive and transmit are now
            out[at + 12..at + 16].copy_from_slice(&ms.to_be_bytes());
            out[at + 16..at + 20].copy_from_slice(&ms.to_be_bytes());
        }
        17 => out[at + 8..at + 12].copy_from_slice(&u32::from(o.mask).to_be_bytes()),
        _ => {}
    }
    let c = checksum(&out[at..]);
    out[at + 2..at + 4].copy_from_slice(&c.to_be_bytes());
    Answer(reply_ty)
}

fn in_net6(a: u128, (base, p): (u128, u8)) -> bool {
    let mask = if p == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(p.min(128)))
    };
    a & mask == base & mask
}

fn be128(b: &[u8], at: usize) -> u128 {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[at..at + 16]);
    u128::from_be_bytes(a)
}

/// The ICMPv6 checksum of `body` (RFC 8200 8.1 pseudo-header: source,
/// destination, upper-layer length, next header 58).
pub fn icmp6_checksum(src: u128, dst: u128, body: &[u8]) -> u16 {
    let mut acc = ones_sum(&src.to_be_bytes(), 0);
    acc = ones_sum(&dst.to_be_bytes(), acc);
    acc = ones_sum(&(body.len() as u32).to_be_bytes(), acc);
    acc = ones_sum(&[0, 0, 0, 58], acc);
    finish(ones_sum(body, acc))
}

/// The solicited-node multicast group of `a` (ff02::1:ffXX:XXXX).
fn solicited_node(a: u128) -> u128 {
    0xff02_0000_0000_0000_0000_0001_ff00_0000 | (a & 0x00ff_ffff)
}

/// Writes Ether + IPv6 (next header ICMPv6) + `icmp` into `out`, with the
/// ICMPv6 checksum filled in.
fn write_ipv6(
    out: &mut Vec<u8>,
    eth_dst: &[u8],
    eth_src: &[u8; 6],
    hlim: u8,
    src: u128,
    dst: u128,
    icmp: &[u8],
) {
    out.reserve(14 + 40 + icmp.len());
    out.extend_from_slice(eth_dst);
    out.extend_from_slice(eth_src);
    out.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
    out.extend_from_slice(&(icmp.len() as u16).to_be_bytes());
    out.extend_from_slice(&[58, hlim]);
    out.extend_from_slice(&src.to_be_bytes());
    out.extend_from_slice(&dst.to_be_bytes());
    let at = out.len();
    out.extend_from_slice(icmp);
    out[at + 2] = 0;
    out[at + 3] = 0;
    let c = icmp6_checksum(src, dst, &out[at..]);
    out[at + 2..at + 4].copy_from_slice(&c.to_be_bytes());
}

/// [`decide`] for an IPv6 frame: echo requests to our addresses and
/// neighbour solicitations for them.
fn decide6(
    o: &Options,
    frame: &[u8],
    guard: &mut Guard,
    now: Instant,
    out: &mut Vec<u8>,
) -> Verdict {
    use Verdict::{Answer, Ignore, Refuse};
    let ip = &frame[14..];
    if ip.is_empty() {
        return Refuse(Reason::IpTruncated);
    }
    if ip[0] >> 4 != 6 {
        return Refuse(Reason::IpVersion);
    }
    if ip.len() < 40 {
        return Refuse(Reason::IpTruncated);
    }
    let plen = usize::from(be16(ip, 4));
    if 40 + plen > ip.len() {
        return Refuse(Reason::IpTotalLength);
    }
    if ip[6] != 58 {
        return Ignore;
    }
    let icmp = &ip[40..40 + plen];
    let (src, dst, hlim) = (be128(ip, 8), be128(ip, 24), ip[7]);
    let ours = |a: u128| o.owns6.iter().any(|n| in_net6(a, *n));
    let multicast = |a: u128| a >> 120 == 0xff;
    let eth_dst_group = is_group(&frame[0..6]);
    match icmp.first() {
        Some(128) if o.types.contains(&8) => {
            if multicast(dst) {
                return Refuse(Reason::DstMulticast);
            }
            if !ours(dst) {
                return Ignore;
            }
            if let Some(m) = o.mac {
                if !eth_dst_group && frame[0..6] != m {
                    return Ignore;
                }
            }
            if eth_dst_group {
                return Refuse(Reason::EtherDstGroup);
            }
            if is_group(&frame[6..12]) {
                return Refuse(Reason::EtherSrcGroup);
            }
            let src_bad = if src == 0 {
                Some(Reason::SrcUnspecified)
            } else if src == 1 {
                Some(Reason::SrcLoopback)
            } else if multicast(src) {
                Some(Reason::SrcMulticast)
            } else if ours(src) {
                Some(Reason::SrcOwn)
            } else {
                None
            };
            if let Some(r) = src_bad {
                return Refuse(r);
            }
            if icmp.len() < 8 {
                return Refuse(Reason::IcmpTruncated);
            }
            if icmp6_checksum(src, dst, icmp) != 0 {
                return Refuse(Reason::IcmpChecksum);
            }
            if !guard.allow(src, now) {
                return Refuse(Reason::RateLimited);
            }
            let mut reply = icmp.to_vec();
            reply[0] = 129;
            reply[1] = 0;
            let mac = o
                .mac
                .unwrap_or([frame[0], frame[1], frame[2], frame[3], frame[4], frame[5]]);
            write_ipv6(out, &frame[6..12], &mac, 64, dst, src, &reply);
            Answer(129)
        }
        Some(135) => {
            if icmp.len() < 24 {
                return Refuse(Reason::IcmpTruncated);
            }
            let target = be128(icmp, 8);
            if !ours(target) && !multicast(target) {
                return Ignore;
            }
            // to the target itself or to its solicited-node group
            if dst != target && dst != solicited_node(target) {
                return Ignore;
            }
            if let Some(m) = o.mac {
                if !eth_dst_group && frame[0..6] != m {
                    return Ignore;
                }
            }
            if is_group(&frame[6..12]) {
                return Refuse(Reason::EtherSrcGroup);
            }
            if hlim != 255 {
                return Refuse(Reason::NdHopLimit);
            }
            if icmp6_checksum(src, dst, icmp) != 0 {
                return Refuse(Reason::IcmpChecksum);
            }
            if icmp[1] != 0 || multicast(target) {
                return Refuse(Reason::NdInvalid);
            }
            if multicast(src) {
                return Refuse(Reason::SrcMulticast);
            }
            if src == 1 {
                return Refuse(Reason::SrcLoopback);
            }
            // options: (type, length in 8-byte units), none of length 0
            let mut slla: Option<[u8; 6]> = None;
            let mut at = 24;
            while at < icmp.len() {
                let len = icmp.get(at + 1).map(|l| usize::from(*l) * 8).unwrap_or(0);
                if len == 0 || at + len > icmp.len() {
                    return Refuse(Reason::NdInvalid);
                }
                if icmp[at] == 1 && len == 8 {
                    let mut m = [0u8; 6];
                    m.copy_from_slice(&icmp[at + 2..at + 8]);
                    slla = Some(m);
                }
                at += len;
            }
            if src == 0 && (dst != solicited_node(target) || slla.is_some()) {
                return Refuse(Reason::NdInvalid);
            }
            let Some(mac) = o.mac.or_else(|| {
                (!eth_dst_group)
                    .then(|| [frame[0], frame[1], frame[2], frame[3], frame[4], frame[5]])
            }) else {
                return Ignore;
            };
            // RFC 4861 7.2.4: to the soliciting node, solicited; a node doing
            // duplicate address detection (source ::) hears it on all-nodes
            let (to, eth_to, solicited) = if src == 0 {
                (
                    0xff02_0000_0000_0000_0000_0000_0000_0001u128,
                    [0x33, 0x33, 0, 0, 0, 1],
                    false,
                )
            } else {
                let mut e = [0u8; 6];
                e.copy_from_slice(&frame[6..12]);
                (src, slla.unwrap_or(e), true)
            };
            let mut na = Vec::with_capacity(32);
            na.extend_from_slice(&[136, 0, 0, 0]);
            na.push(if solicited { 0x60 } else { 0x20 });
            na.extend_from_slice(&[0, 0, 0]);
            na.extend_from_slice(&target.to_be_bytes());
            na.extend_from_slice(&[2, 1]);
            na.extend_from_slice(&mac);
            write_ipv6(out, &eth_to, &mac, 255, target, to, &na);
            Answer(136)
        }
        _ => Ignore,
    }
}

/// What an answer frame says, for the line printed: (request name, who
/// asked, for which of our addresses).
fn answer_text(reply: &[u8]) -> (&'static str, String, String) {
    if reply.len() >= 54 && be16(reply, 12) == 0x86dd {
        let (ours, asker) = (
            Ipv6Addr::from(be128(reply, 22)),
            Ipv6Addr::from(be128(reply, 38)),
        );
        return match reply[54..].first() {
            Some(136) => (
                "neighbor-solicitation",
                asker.to_string(),
                Ipv6Addr::from(be128(reply, 62)).to_string(),
            ),
            _ => ("echo-request", asker.to_string(), ours.to_string()),
        };
    }
    if reply.len() < 35 {
        return ("icmp", String::new(), String::new());
    }
    let (to, from) = (&reply[26..30], &reply[30..34]);
    let ty = u64::from(reply[34]);
    let req = crate::layers::icmp::REQUEST_REPLY
        .iter()
        .find(|(_, r)| *r == ty)
        .map(|(q, _)| type_name(*q))
        .unwrap_or("icmp");
    (
        req,
        Ipv4Addr::new(from[0], from[1], from[2], from[3]).to_string(),
        Ipv4Addr::new(to[0], to[1], to[2], to[3]).to_string(),
    )
}

fn type_name(t: u64) -> &'static str {
    crate::layers::icmp::type_name(t).unwrap_or("icmp")
}

/// What a run did: answers, frames ignored, requests refused by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub answered: u64,
    pub ignored: u64,
    pub refused: [u64; REASONS],
    /// Replies the link did not take (it was down).
    pub unsent: u64,
    pub link_down: u64,
}

impl Stats {
    pub fn refused_total(&self) -> u64 {
        self.refused.iter().sum()
    }

    pub fn count(&mut self, r: Reason) {
        self.refused[r.index()] += 1;
    }

    pub fn refused_by(&self, r: Reason) -> u64 {
        self.refused[r.index()]
    }

    /// `answered 3, refused 2 (ip-checksum 1, rate-limited 1), ignored 40`.
    pub fn text(&self) -> String {
        let parts: Vec<String> = Reason::ALL
            .iter()
            .filter(|r| self.refused_by(**r) > 0)
            .map(|r| format!("{} {}", r.name(), self.refused_by(*r)))
            .collect();
        let mut s = format!(
            "answered {}, refused {}{}, ignored {}",
            self.answered,
            self.refused_total(),
            if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join(", "))
            },
            self.ignored
        );
        if self.unsent > 0 || self.link_down > 0 {
            s.push_str(&format!(
                ", link down {} times, {} replies not sent",
                self.link_down, self.unsent
            ));
        }
        s
    }

    pub fn json(&self) -> String {
        let refused: Vec<String> = Reason::ALL
            .iter()
            .map(|r| format!("\"{}\":{}", r.name(), self.refused_by(*r)))
            .collect();
        format!(
            "{{\"type\":\"summary\",\"answered\":{},\"refused_total\":{},\"refused\":{{{}}},\"ignored\":{},\"link_down\":{},\"unsent\":{}}}",
            self.answered,
            self.refused_total(),
            refused.join(","),
            self.ignored,
            self.link_down,
            self.unsent
        )
    }
}

/// Answers until `count` answers, the timeout, or Ctrl-C, through one socket
/// read and written in batches. A link that goes down and comes back is
/// waited out; an interface deleted for good ends the run with an error.
/// The statistics are returned with the error, if any.
pub fn run(o: &Options, sink: Sink) -> (Stats, Result<(), NetError>) {
    let mut stats = Stats::default();
    let mut o = o.clone();
    if let Some(i) = crate::net::route::iface_by_name(&o.iface) {
        if o.mac.is_none() {
            o.mac = i.mac;
        }
        if o.subnets.is_empty() {
            o.subnets = i.addrs.iter().map(|(a, p)| (u32::from(*a), *p)).collect();
        }
    }
    let mut sock = match FrameSocket::open(Some(&o.iface), false, None) {
        Ok(s) => s,
        Err(e) => return (stats, Err(e)),
    };
    let types = o
        .types
        .iter()
        .map(|t| type_name(*t))
        .collect::<Vec<_>>()
        .join(", ");
    let owns = o
        .owns
        .iter()
        .map(|(b, p)| format!("{}/{p}", Ipv4Addr::from(*b)))
        .chain(
            o.owns6
                .iter()
                .map(|(b, p)| format!("{}/{p}", Ipv6Addr::from(*b))),
        )
        .collect::<Vec<_>>()
        .join(", ");
    let limit = if o.rate_limit > 0.0 {
        format!("{} a second per source", o.rate_limit)
    } else {
        "no limit".into()
    };
    if o.json {
        sink(&format!(
            "{{\"type\":\"start\",\"iface\":{},\"types\":\"{types}\",\"addrs\":\"{owns}\",\"rate_limit\":{}}}",
            crate::packet::json::escape(&o.iface),
            o.rate_limit
        ));
    } else {
        sink(&format!(
            "answering {types} on {} for {owns} ({limit})",
            o.iface
        ));
    }
    let deadline = o.timeout.and_then(crate::sys::deadline);
    let mut guard = Guard::new(o.rate_limit, o.burst);
    let mut replies: Vec<Vec<u8>> = (0..crate::net::frames::BATCH).map(|_| Vec::new()).collect();
    let mut result = Ok(());
    'outer: loop {
        if crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
            || deadline.is_some_and(|d| Instant::now() >= d)
            || o.count.is_some_and(|c| stats.answered >= c)
        {
            break;
        }
        let wait = deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_millis(100))
            .min(Duration::from_millis(100));
        let n = match sock.recv_batch(wait) {
            Ok(Ok(n)) => n,
            Ok(Err(ev)) => {
                if ev == LinkEvent::Down {
                    stats.link_down += 1;
                }
                let what = match ev {
                    LinkEvent::Down => "is down; waiting for it to come back",
                    LinkEvent::Reopened => "was recreated; answering on the new one",
                };
                if !o.json {
                    sink(&format!("{} {what}", o.iface));
                }
                continue;
            }
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        if n == 0 {
            continue;
        }
        let now = Instant::now();
        let ms = ms_since_midnight(Timestamp::now());
        let mut k = 0;
        let mut lines: Vec<String> = Vec::new();
        for i in 0..n {
            let f = sock.frame(i);
            if f.pkttype == PACKET_OUTGOING {
                continue;
            }
            if o.count.is_some_and(|c| stats.answered + k as u64 >= c) {
                break;
            }
            match decide(&o, f.bytes, &mut guard, now, ms, &mut replies[k]) {
                Verdict::Answer(_) => {
                    if !o.quiet {
                        let (req, from, to) = answer_text(&replies[k]);
                        lines.push(if o.json {
                            format!("{{\"type\":\"answer\",\"request\":\"{req}\",\"from\":\"{from}\",\"for\":\"{to}\"}}")
                        } else {
                            format!("answered {req} from {from} for {to}")
                        });
                    }
                    k += 1;
                }
                Verdict::Ignore => stats.ignored += 1,
                Verdict::Refuse(r) => stats.count(r),
            }
        }
        if k > 0 {
            let frames: Vec<&[u8]> = replies[..k].iter().map(|r| r.as_slice()).collect();
            match sock.send_batch(&frames) {
                Ok(sent) => {
                    stats.answered += sent as u64;
                    stats.unsent += (k - sent) as u64;
                    for l in lines.iter().take(sent) {
                        sink(l);
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break 'outer;
                }
            }
        }
    }
    crate::sys::clear_interrupt();
    if o.json {
        sink(&stats.json());
    }
    (stats, result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{ether::ETHER, icmp::ICMP, ipv4::IP};
    use crate::packet::{Input, Layer, Packet};

    const OUR_MAC: [u8; 6] = [2, 0, 0, 0, 0, 2];

    fn request(ty: i128, src: &str, dst: &str) -> Vec<u8> {
        let mut e = Layer::new(&ETHER);
        e.set_input("src", Input::Str("02:00:00:00:00:01".into()))
            .unwrap();
        e.set_input("dst", Input::Str("02:00:00:00:00:02".into()))
            .unwrap();
        let mut ip = Layer::new(&IP);
        ip.set_input("src", Input::Str(src.into())).unwrap();
        ip.set_input("dst", Input::Str(dst.into())).unwrap();
        let mut icmp = Layer::new(&ICMP);
        icmp.set_input("type", Input::Int(ty)).unwrap();
        icmp.set_input("id", Input::Int(9)).unwrap();
        icmp.set_input("seq", Input::Int(4)).unwrap();
        let mut layers = vec![e, ip, icmp];
        if ty == 8 {
            let mut raw = Layer::new(crate::layers::raw());
            raw.set(0, crate::packet::Value::Bytes(b"abcdefgh".to_vec()));
            layers.push(raw);
        }
        Packet {
            layers,
            ..Packet::default()
        }
        .build()
    }

    fn req(ty: i128, dst: &str) -> Vec<u8> {
        request(ty, "198.18.0.1", dst)
    }

    fn opts() -> Options {
        let mut o = Options::new(
            "x",
            vec![(u32::from(Ipv4Addr::new(198, 19, 0, 0)), 16)],
            vec![8, 13, 15, 17],
            Ipv4Addr::new(255, 255, 0, 0),
        );
        o.mac = Some(OUR_MAC);
        o.subnets = vec![(u32::from(Ipv4Addr::new(198, 18, 2, 2)), 30)];
        o
    }

    fn verdict(o: &Options, frame: &[u8]) -> (Verdict, Vec<u8>) {
        let mut g = Guard::new(0.0, 1.0);
        let mut out = Vec::new();
        let v = decide(o, frame, &mut g, Instant::now(), 1234, &mut out);
        (v, out)
    }

    fn answer(o: &Options, frame: &[u8]) -> Packet {
        match verdict(o, frame) {
            (Verdict::Answer(_), out) => Packet::dissect(&ETHER, &out),
            (v, _) => panic!("not answered: {v:?}"),
        }
    }

    #[test]
    fn answers_each_request_with_its_reply_type_keeping_id_seq_and_data() {
        let o = opts();
        let d = answer(&o, &req(8, "198.19.5.5"));
        assert_eq!(
            crate::packet::show::summary(&d),
            "Ether / IP / ICMP 198.19.5.5 > 198.18.0.1 echo-reply 0 / Raw"
        );
        assert_eq!(d.layers[2].int(crate::layers::icmp::ID), 9);
        assert_eq!(d.layers[2].int(crate::layers::icmp::SEQ), 4);
        assert_eq!(
            d.layers[0].int(0),
            0x0200_0000_0001,
            "back to the requester's MAC"
        );
        assert_eq!(d.layers[0].int(1), 0x0200_0000_0002, "from ours");
        let raw = d.layers.iter().find(|l| l.def.name == "Raw").expect("data");
        assert_eq!(
            raw.get(0),
            Some(&crate::packet::Value::Bytes(b"abcdefgh".to_vec()))
        );
        let d = answer(&o, &req(17, "198.19.5.5"));
        assert_eq!(
            crate::packet::show::summary(&d),
            "Ether / IP / ICMP 198.19.5.5 > 198.18.0.1 address-mask-reply 0"
        );
        assert_eq!(d.layers[2].int(crate::layers::icmp::ADDR_MASK), 0xffff_0000);
        let d = answer(&o, &req(13, "198.19.5.5"));
        assert_eq!(d.layers[2].int(0), 14);
        assert_eq!(d.layers[2].int(crate::layers::icmp::ID), 9);
        assert_eq!(d.layers[2].int(crate::layers::icmp::TS_RX), 1234);
        assert_eq!(d.layers[2].int(crate::layers::icmp::TS_TX), 1234);
        let d = answer(&o, &req(15, "198.19.5.5"));
        assert_eq!(d.layers[2].int(0), 16);
        assert_eq!(d.layers[2].int(crate::layers::icmp::SEQ), 4);
        // every checksum of every reply is right
        for ty in [8, 13, 15, 17] {
            let (_, out) = verdict(&o, &req(ty, "198.19.5.5"));
            let r = crate::packet::verify::checksums(&Packet::dissect(&ETHER, &out));
            assert_eq!(r.len(), 2, "IP and ICMP checksums");
            assert!(
                r.iter()
                    .all(|c| c.status == crate::packet::verify::Status::Good),
                "type {ty}: {r:?}"
            );
        }
        assert_eq!(
            verdict(&o, &req(17, "198.18.5.5")).0,
            Verdict::Ignore,
            "not ours"
        );
        assert_eq!(
            verdict(&o, &req(0, "198.19.5.5")).0,
            Verdict::Ignore,
            "not a request"
        );
        let mut only_mask = opts();
        only_mask.types = vec![17];
        assert_eq!(
            verdict(&only_mask, &req(8, "198.19.5.5")).0,
            Verdict::Ignore
        );
    }

    fn refused(o: &Options, frame: &[u8]) -> Reason {
        match verdict(o, frame).0 {
            Verdict::Refuse(r) => r,
            v => panic!("not refused: {v:?}"),
        }
    }

    /// Sets the IP header checksum of an Ether/IP frame after an edit.
    fn fix_ip(mut f: Vec<u8>) -> Vec<u8> {
        let ihl = usize::from(f[14] & 0x0f) * 4;
        f[24] = 0;
        f[25] = 0;
        if 14 + ihl <= f.len() {
            let c = checksum(&f[14..14 + ihl]);
            f[24..26].copy_from_slice(&c.to_be_bytes());
        }
        f
    }

    #[test]
    fn refuses_what_no_host_should_answer() {
        let o = opts();
        let good = req(8, "198.19.5.5");
        assert!(matches!(verdict(&o, &good).0, Verdict::Answer(0)));
        let cases: Vec<(&str, Vec<u8>, Reason)> = vec![
            (
                "source 255.255.255.255",
                request(8, "255.255.255.255", "198.19.5.5"),
                Reason::SrcBroadcast,
            ),
            (
                "source 0.0.0.0",
                request(8, "0.0.0.0", "198.19.5.5"),
                Reason::SrcUnspecified,
            ),
            (
                "source 127.0.0.1",
                request(8, "127.0.0.1", "198.19.5.5"),
                Reason::SrcLoopback,
            ),
            (
                "source multicast",
                request(8, "224.0.0.1", "198.19.5.5"),
                Reason::SrcMulticast,
            ),
            (
                "source class E",
                request(8, "240.0.0.1", "198.19.5.5"),
                Reason::SrcReserved,
            ),
            (
                "source our own address",
                request(8, "198.19.5.5", "198.19.5.5"),
                Reason::SrcOwn,
            ),
            (
                "source in our own network",
                request(8, "198.19.9.9", "198.19.5.5"),
                Reason::SrcOwn,
            ),
            (
                "source the subnet broadcast",
                request(8, "198.18.2.3", "198.19.5.5"),
                Reason::SrcBroadcast,
            ),
            (
                "source our network's broadcast",
                request(8, "198.19.255.255", "198.19.5.5"),
                Reason::SrcBroadcast,
            ),
            (
                "destination 255.255.255.255",
                req(8, "255.255.255.255"),
                Reason::DstBroadcast,
            ),
            (
                "destination subnet broadcast",
                req(8, "198.18.2.3"),
                Reason::DstBroadcast,
            ),
            (
                "destination our network's broadcast",
                req(8, "198.19.255.255"),
                Reason::DstBroadcast,
            ),
            (
                "destination network address",
                req(8, "198.19.0.0"),
                Reason::DstNetwork,
            ),
            (
                "destination subnet network address",
                req(8, "198.18.2.0"),
                Reason::DstNetwork,
            ),
            (
                "destination multicast",
                req(8, "224.0.0.1"),
                Reason::DstMulticast,
            ),
        ];
        for (what, f, want) in cases {
            assert_eq!(refused(&o, &f), want, "{what}");
        }
        // Ethernet: broadcast or multicast destination, group source
        let mut f = good.clone();
        f[0..6].copy_from_slice(&[0xff; 6]);
        assert_eq!(refused(&o, &f), Reason::EtherDstGroup, "L2 broadcast");
        let mut f = good.clone();
        f[0..6].copy_from_slice(&[0x01, 0x00, 0x5e, 0, 0, 1]);
        assert_eq!(refused(&o, &f), Reason::EtherDstGroup, "L2 multicast");
        let mut f = good.clone();
        f[6] |= 1;
        assert_eq!(refused(&o, &f), Reason::EtherSrcGroup, "group source MAC");
        let mut f = good.clone();
        f[0..6].copy_from_slice(&[2, 0, 0, 0, 0, 9]);
        assert_eq!(verdict(&o, &f).0, Verdict::Ignore, "another host's frame");
        // checksums
        let mut f = good.clone();
        f[22] ^= 0x01; // ttl, header checksum now wrong
        assert_eq!(refused(&o, &f), Reason::IpChecksum);
        let mut f = good.clone();
        let last = f.len() - 1;
        f[last] ^= 0xff;
        assert_eq!(refused(&o, &f), Reason::IcmpChecksum);
        // fragments: MF, and a non-zero offset
        let mut f = good.clone();
        f[20] = 0x20;
        assert_eq!(
            refused(&o, &fix_ip(f)),
            Reason::IpFragment,
            "more fragments"
        );
        let mut f = good.clone();
        f[21] = 0x08;
        assert_eq!(refused(&o, &fix_ip(f)), Reason::IpFragment, "offset");
        // header length, version, total length
        let mut f = good.clone();
        f[14] = 0x44;
        assert_eq!(refused(&o, &f), Reason::IpHeaderLength, "ihl 4");
        let mut f = good.clone();
        f[14] = 0x4f;
        f.truncate(14 + 40);
        assert_eq!(
            refused(&o, &f),
            Reason::IpHeaderLength,
            "ihl beyond the frame"
        );
        let mut f = good.clone();
        f[14] = 0x65;
        assert_eq!(refused(&o, &fix_ip(f)), Reason::IpVersion, "version 6");
        let mut f = good.clone();
        let n = (f.len() - 14 + 1) as u16;
        f[16..18].copy_from_slice(&n.to_be_bytes());
        assert_eq!(
            refused(&o, &fix_ip(f)),
            Reason::IpTotalLength,
            "length beyond the frame"
        );
        let mut f = good.clone();
        f[16..18].copy_from_slice(&19u16.to_be_bytes());
        assert_eq!(
            refused(&o, &fix_ip(f)),
            Reason::IpTotalLength,
            "length below the header"
        );
        let f = good[..14 + 12].to_vec();
        assert_eq!(refused(&o, &f), Reason::IpTruncated);
        // a timestamp request cut short
        let mut f = req(13, "198.19.5.5");
        f.truncate(14 + 20 + 12);
        let n = (20 + 12) as u16;
        f[16..18].copy_from_slice(&n.to_be_bytes());
        assert_eq!(refused(&o, &fix_ip(f)), Reason::IcmpTruncated);
        // padding after the datagram is fine (short frames are padded to 60 bytes)
        let mut f = req(17, "198.19.5.5");
        f.extend_from_slice(&[0; 12]);
        assert!(matches!(verdict(&o, &f).0, Verdict::Answer(18)));
    }

    #[test]
    fn rate_limit_is_a_token_bucket_per_source() {
        let o = opts();
        let mut g = Guard::new(10.0, 3.0);
        let t0 = Instant::now();
        let mut out = Vec::new();
        let a = request(8, "198.18.0.1", "198.19.5.5");
        let b = request(8, "198.18.0.7", "198.19.5.5");
        let v: Vec<Verdict> = (0..5)
            .map(|_| decide(&o, &a, &mut g, t0, 0, &mut out))
            .collect();
        assert_eq!(
            v.iter().filter(|v| matches!(v, Verdict::Answer(_))).count(),
            3,
            "burst of 3"
        );
        assert_eq!(v[4], Verdict::Refuse(Reason::RateLimited));
        assert!(
            matches!(decide(&o, &b, &mut g, t0, 0, &mut out), Verdict::Answer(_)),
            "another source has its own bucket"
        );
        // 10 a second: one more token after 100 ms
        let t1 = t0 + Duration::from_millis(100);
        assert!(matches!(
            decide(&o, &a, &mut g, t1, 0, &mut out),
            Verdict::Answer(_)
        ));
        assert_eq!(
            decide(&o, &a, &mut g, t1, 0, &mut out),
            Verdict::Refuse(Reason::RateLimited)
        );
        let mut unlimited = Guard::new(0.0, 1.0);
        for _ in 0..1000 {
            assert!(matches!(
                decide(&o, &a, &mut unlimited, t0, 0, &mut out),
                Verdict::Answer(_)
            ));
        }
    }

    #[test]
    fn summary_names_every_refusal() {
        let mut s = Stats {
            answered: 3,
            ignored: 7,
            ..Stats::default()
        };
        s.count(Reason::IpChecksum);
        s.count(Reason::RateLimited);
        s.count(Reason::RateLimited);
        assert_eq!(
            s.text(),
            "answered 3, refused 3 (ip-checksum 1, rate-limited 2), ignored 7"
        );
        assert!(s.json().contains("\"rate-limited\":2"));
        assert!(s.json().contains("\"answered\":3"));
        let names: std::collections::HashSet<_> = Reason::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names.len(), Reason::ALL.len());
    }

    // Frames Scapy 2.8 builds (scripts: see each constant), hex.
    /// Ether(src="02:00:00:00:00:01", dst="33:33:ff:00:00:05")/IPv6(src="2001:2:0:3::1",
    /// dst="ff02::1:ff00:5", hlim=255)/ICMPv6ND_NS(tgt="2001:2:0:3::5")/
    /// ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")
    const SCAPY_NS: &str = "3333ff00000502000000000186dd6000000000203aff20010002000000030000000000000001ff0200000000000000000001ff0000058700378700000000200100020000000300000000000000050101020000000001";
    /// Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02")/IPv6(src="2001:2:0:3::5",
    /// dst="2001:2:0:3::1", hlim=255)/ICMPv6ND_NA(tgt="2001:2:0:3::5", R=0, S=1, O=1)/
    /// ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:02")
    const SCAPY_NA: &str = "02000000000102000000000286dd6000000000203aff20010002000000030000000000000005200100020000000300000000000000018800b38460000000200100020000000300000000000000050201020000000002";
    /// The NS of duplicate address detection: IPv6(src="::", ...) without options.
    const SCAPY_DAD_NS: &str = "3333ff00000502000000000186dd6000000000183aff00000000000000000000000000000000ff0200000000000000000001ff00000587005a980000000020010002000000030000000000000005";
    /// Its answer: to ff02::1 (33:33:00:00:00:01), S=0, O=1.
    const SCAPY_DAD_NA: &str = "33330000000102000000000286dd6000000000203aff20010002000000030000000000000005ff0200000000000000000000000000018800148820000000200100020000000300000000000000050201020000000002";
    /// Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IPv6(src="2001:2::1",
    /// dst="2001:2:0:3::5")/ICMPv6EchoRequest(id=9, seq=4, data=b"abcdefgh")
    const SCAPY_ECHO6: &str = "02000000000202000000000186dd6000000000103a4020010002000000000000000000000001200100020000000300000000000000058000ae03000900046162636465666768";
    /// Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02")/IPv6(src="2001:2:0:3::5",
    /// dst="2001:2::1", hlim=64)/ICMPv6EchoReply(id=9, seq=4, data=b"abcdefgh")
    const SCAPY_ECHO6_REPLY: &str = "02000000000102000000000286dd6000000000103a4020010002000000030000000000000005200100020000000000000000000000018100ad03000900046162636465666768";

    fn unhex(h: &str) -> Vec<u8> {
        (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn opts6() -> Options {
        let mut o = opts();
        o.owns6 = vec![(0x2001_0002_0000_0003_0000_0000_0000_0000, 120)];
        o
    }

    /// Sets the ICMPv6 checksum of an Ether/IPv6/ICMPv6 frame after an edit.
    fn fix6(mut f: Vec<u8>) -> Vec<u8> {
        f[56] = 0;
        f[57] = 0;
        let c = icmp6_checksum(be128(&f, 22), be128(&f, 38), &f[54..]);
        f[56..58].copy_from_slice(&c.to_be_bytes());
        f
    }

    #[test]
    fn answers_neighbor_solicitations_as_scapy_builds_the_advertisement() {
        let o = opts6();
        let (v, out) = verdict(&o, &unhex(SCAPY_NS));
        assert_eq!(v, Verdict::Answer(136));
        assert_eq!(out, unhex(SCAPY_NA), "NA bytes vs Scapy");
        let (v, out) = verdict(&o, &unhex(SCAPY_DAD_NS));
        assert_eq!(v, Verdict::Answer(136));
        assert_eq!(out, unhex(SCAPY_DAD_NA), "DAD answer vs Scapy");
        assert_eq!(
            answer_text(&unhex(SCAPY_NA)),
            (
                "neighbor-solicitation",
                "2001:2:0:3::1".to_string(),
                "2001:2:0:3::5".to_string()
            )
        );
        // sent to the target itself (unicast NS, as a neighbour re-checking
        // reachability does) the answer is the same
        let mut f = unhex(SCAPY_NS);
        f[0..6].copy_from_slice(&OUR_MAC);
        f.copy_within(62..78, 38);
        let (v, out) = verdict(&o, &fix6(f));
        assert_eq!((v, out), (Verdict::Answer(136), unhex(SCAPY_NA)));
        // not ours: another target (and its group)
        let mut f = unhex(SCAPY_NS);
        f[77] = 0x05;
        f[75] = 0x01; // 2001:2:0:3::105, outside the /120
        f[51] = 0x01;
        assert_eq!(verdict(&o, &fix6(f)).0, Verdict::Ignore);
        // refusals RFC 4861 7.1.1 asks for
        let mut f = unhex(SCAPY_NS);
        f[21] = 64;
        assert_eq!(refused(&o, &f), Reason::NdHopLimit, "hop limit 64");
        let mut f = unhex(SCAPY_NS);
        f[55] = 1;
        assert_eq!(refused(&o, &fix6(f)), Reason::NdInvalid, "code 1");
        let mut f = unhex(SCAPY_NS);
        f[79] = 0;
        assert_eq!(
            refused(&o, &fix6(f)),
            Reason::NdInvalid,
            "option of length 0"
        );
        let mut f = unhex(SCAPY_NS);
        f[22..38].copy_from_slice(&[0; 16]);
        assert_eq!(
            refused(&o, &fix6(f)),
            Reason::NdInvalid,
            "unspecified source with a source link-layer option"
        );
        let mut f = unhex(SCAPY_NS);
        let last = f.len() - 1;
        f[last] ^= 1;
        assert_eq!(refused(&o, &f), Reason::IcmpChecksum);
        let mut f = unhex(SCAPY_NS);
        f[6] |= 1;
        assert_eq!(refused(&o, &f), Reason::EtherSrcGroup);
        // without IPv6 addresses nothing is answered
        assert_eq!(verdict(&opts(), &unhex(SCAPY_NS)).0, Verdict::Ignore);
    }

    #[test]
    fn answers_icmpv6_echo_like_scapy_and_refuses_the_rest() {
        let o = opts6();
        let (v, out) = verdict(&o, &unhex(SCAPY_ECHO6));
        assert_eq!(v, Verdict::Answer(129));
        assert_eq!(out, unhex(SCAPY_ECHO6_REPLY), "echo reply vs Scapy");
        let d = Packet::dissect(&ETHER, &out);
        assert!(crate::packet::verify::checksums(&d)
            .iter()
            .all(|c| c.status == crate::packet::verify::Status::Good));
        assert_eq!(
            answer_text(&out),
            (
                "echo-request",
                "2001:2::1".to_string(),
                "2001:2:0:3::5".to_string()
            )
        );
        let good = unhex(SCAPY_ECHO6);
        let with_src = |a: u128| {
            let mut f = good.clone();
            f[22..38].copy_from_slice(&a.to_be_bytes());
            fix6(f)
        };
        assert_eq!(refused(&o, &with_src(0)), Reason::SrcUnspecified);
        assert_eq!(refused(&o, &with_src(1)), Reason::SrcLoopback);
        assert_eq!(
            refused(&o, &with_src(0xff02 << 112 | 1)),
            Reason::SrcMulticast
        );
        assert_eq!(
            refused(&o, &with_src(0x2001_0002_0000_0003_0000_0000_0000_0009)),
            Reason::SrcOwn
        );
        let mut f = good.clone();
        f[38..54].copy_from_slice(&(0xff02u128 << 112 | 1).to_be_bytes());
        assert_eq!(refused(&o, &fix6(f)), Reason::DstMulticast);
        let mut f = good.clone();
        f[53] = 0x07;
        f[51] = 0x01; // 2001:2:0:3::107: not ours
        assert_eq!(verdict(&o, &fix6(f)).0, Verdict::Ignore);
        let mut f = good.clone();
        let last = f.len() - 1;
        f[last] ^= 1;
        assert_eq!(refused(&o, &f), Reason::IcmpChecksum);
        let mut f = good.clone();
        f[0..6].copy_from_slice(&[0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(refused(&o, &f), Reason::EtherDstGroup);
        let mut f = good.clone();
        f[19] = 0xff; // payload length beyond the frame
        assert_eq!(refused(&o, &f), Reason::IpTotalLength);
        assert_eq!(refused(&o, &good[..14 + 30]), Reason::IpTruncated);
        let mut f = good.clone();
        f[14] = 0x40;
        assert_eq!(refused(&o, &f), Reason::IpVersion);
        let mut f = good.clone();
        f[20] = 0; // hop-by-hop options first: not looked into
        assert_eq!(verdict(&o, &f).0, Verdict::Ignore);
        let mut only_mask = opts6();
        only_mask.types = vec![17];
        assert_eq!(verdict(&only_mask, &good).0, Verdict::Ignore);
        // one bucket per IPv6 source as per IPv4 source
        let mut g = Guard::new(10.0, 2.0);
        let mut out = Vec::new();
        let t0 = Instant::now();
        let v: Vec<Verdict> = (0..3)
            .map(|_| decide(&o, &good, &mut g, t0, 0, &mut out))
            .collect();
        assert_eq!(v[2], Verdict::Refuse(Reason::RateLimited));
    }
}
