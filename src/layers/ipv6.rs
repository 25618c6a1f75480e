//! IPv6 (RFC 8200) and its extension headers: Hop-by-Hop and Destination
//! options (Pad1, PadN, Router Alert, Jumbo, Home Address), Routing, Segment
//! Routing (RFC 8754) and Fragment. The upper-layer pseudo-header (RFC 8200
//! 8.1) is IPv6's `pseudo` hook, so UDP, TCP and ICMPv6 checksum through any
//! extension headers, with the final destination of a Routing header.

use crate::packet::decl::{
    auto, bits, byte, ipv6, short, Bind, Default, Field, Fixup, Kind, LayerDef, LayerKind, Len,
    Names, Next, OptionFamily, Phantom, Show, SummaryCtx, IPV6,
};
use crate::packet::kinds;
use crate::packet::matching::{answers_at, hashret_at, MatchOpts};
use crate::packet::{Layer, Packet, Value};

pub const VERSION: usize = 0;
pub const TC: usize = 1;
pub const FL: usize = 2;
pub const PLEN: usize = 3;
pub const NH: usize = 4;
pub const HLIM: usize = 5;
pub const SRC: usize = 6;
pub const DST: usize = 7;

/// Next-header names (Scapy's `ipv6nh`).
pub static IPV6_NH: Names = &[
    (0, "Hop-by-Hop Option Header"),
    (4, "IP"),
    (6, "TCP"),
    (17, "UDP"),
    (41, "IPv6"),
    (43, "Routing Header"),
    (44, "Fragment Header"),
    (47, "GRE"),
    (50, "ESP Header"),
    (51, "AH Header"),
    (58, "ICMPv6"),
    (59, "No Next Header"),
    (60, "Destination Option Header"),
    (112, "VRRP"),
    (132, "SCTP"),
    (135, "Mobility Header"),
];

static FIELDS: [Field; 8] = [
    bits("version", 4, 6),
    bits("tc", 8, 0)
        .class("BitField")
        .doc("traffic class (DSCP and ECN)"),
    bits("fl", 20, 0).doc("flow label"),
    auto("plen", 16).doc("payload length; computed when unset"),
    byte("nh", 59)
        .show(Show::Enum(IPV6_NH))
        .doc("next header; taken from the payload layer when unset"),
    byte("hlim", 64).doc("hop limit"),
    Field::new("src", IPV6, Default::Auto)
        .class("SourceIP6Field")
        .doc("source; the kernel's choice towards dst (RFC 6724) when unset"),
    ipv6("dst", 1).class("DestIP6Field").scapy_default("None"),
];

fn fixup(fx: &mut Fixup) {
    if fx.is_auto(PLEN) {
        let n = (fx.end - fx.start()).saturating_sub(40);
        fx.put_len16(4, "plen", n);
    }
}

fn payload_len(l: &Layer, _hdr: usize, _rest: usize) -> Option<usize> {
    // a jumbogram (plen 0 with a Hop-by-Hop header) runs to the end
    if l.int(PLEN) == 0 && l.int(NH) == 0 {
        return None;
    }
    Some(l.int(PLEN) as usize)
}

/// The addresses of a Routing or Segment Routing header (its default when
/// unset), `None` for other layers.
fn route_addresses(l: &Layer) -> Option<&[u128]> {
    let i = l.def.field_index("addresses")?;
    match (l.get(i), &l.def.fields[i].default) {
        (Some(Value::Addrs(a)), _) => Some(a),
        (None, Default::Addrs(d)) => Some(d),
        (None, _) => Some(&[]),
        _ => None,
    }
}

fn addr_at(buf: &[u8], off: usize) -> Option<u128> {
    let b: [u8; 16] = buf.get(off..off + 16)?.try_into().ok()?;
    Some(u128::from_be_bytes(b))
}

/// RFC 8200 8.1: source, final destination, upper-layer length, next header.
/// The final destination is the last address of a Routing header with
/// segments left (the first of a Segment Routing header); a Home Address
/// option replaces the source, as Scapy's `in6_pseudoheader` does.
fn pseudo_sum(fx: &Fixup, at: usize, proto: u8, upper_len: usize) -> Option<u32> {
    let (s, _) = fx.spans[at];
    let mut src = addr_at(fx.buf, s + 8)?;
    let mut dst = addr_at(fx.buf, s + 24)?;
    let mut routed = false;
    for l in fx.layers.get(at + 1..fx.idx)?.iter().rev() {
        let Some(a) = route_addresses(l) else {
            if std::ptr::eq(l.def, &DEST_OPT) {
                if let Some(Value::Options(o)) = l.get(EXT_OPTIONS) {
                    if let [only] = o.as_slice() {
                        if std::ptr::eq(only.def, &HAO) {
                            src = only.wide(HAO_HOA);
                        }
                    }
                }
            }
            continue;
        };
        let segleft =
            l.def
                .field_index("segleft")
                .map_or(1, |i| if l.is_set(i) { l.int(i) } else { 1 });
        if routed || segleft == 0 || a.is_empty() {
            continue;
        }
        routed = true;
        dst = if std::ptr::eq(l.def, &SEGMENT_ROUTING) {
            a[0]
        } else {
            a[a.len() - 1]
        };
    }
    let mut ph = [0u8; 40];
    ph[..16].copy_from_slice(&src.to_be_bytes());
    ph[16..32].copy_from_slice(&dst.to_be_bytes());
    ph[32..36].copy_from_slice(&(upper_len as u32).to_be_bytes());
    ph[39] = proto;
    Some(crate::wire::ones_sum(&ph, 0))
}

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    format!(
        "{} > {} ({})",
        crate::packet::show::int_repr(l, &f[SRC], l.int_shown(SRC)),
        crate::packet::show::int_repr(l, &f[DST], l.wide(DST)),
        c.field_int(NH)
    )
}

/// Index of the first layer above `i` that is not an extension header, and
/// the next-header value that announces it.
fn upper_of(p: &Packet, i: usize) -> (usize, u64) {
    let mut j = i;
    while p
        .layers
        .get(j + 1)
        .is_some_and(|l| l.def.kind == LayerKind::Extension)
    {
        j += 1;
    }
    let nh = p.layers[j]
        .def
        .field_index("nh")
        .map_or(59, |f| p.field_int(j, f));
    (j + 1, nh)
}

/// True when layer `i` is an error quoting a datagram (an ICMPv6 error
/// is dissected with the quote as `IPerror6` after it).
fn error_at(p: &Packet, i: usize) -> bool {
    p.layers.get(i).is_some_and(|l| !l.quoted)
        && p.layers
            .get(i + 1)
            .is_some_and(|q| q.quoted && std::ptr::eq(q.def, &IPV6_LAYER))
}

pub fn is_multicast(a: u128) -> bool {
    a >> 120 == 0xff
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    let (up, nh) = upper_of(p, i);
    if nh == 58 && error_at(p, up) {
        return hashret_at(p, up + 1, o, key);
    }
    // the addresses (source xor final destination, the same both ways) keep
    // a sweep's buckets to one probe each; not for a request to a group (an
    // answer comes from an address it never named: the engine also looks
    // replies up without addresses while such requests wait) nor for
    // neighbour discovery, as Scapy does; `answers` checks the addresses
    let nd = nh == 58
        && p.layers.get(up).is_some_and(|l| {
            l.def
                .field_index("type")
                .is_some_and(|t| matches!(p.field_int(up, t), 133..=136 | 144 | 145))
        });
    let dst = final_dst(p, i, up);
    if o.check_ip_src && o.check_ip_addr && !o.wildcard && !nd && !is_multicast(dst) {
        key.extend_from_slice(&(p.field_wide(i, SRC) ^ dst).to_be_bytes());
    }
    key.push(nh as u8);
    hashret_at(p, up, o, key);
}

/// Where the packet of the IPv6 layer at `i` is finally going: the last
/// address of a Routing header (the first of a Segment Routing one) with
/// segments left, else its destination.
fn final_dst(p: &Packet, i: usize, up: usize) -> u128 {
    for l in p.layers.get(i + 1..up).unwrap_or_default() {
        let Some(a) = route_addresses(l) else {
            continue;
        };
        let segleft =
            l.def
                .field_index("segleft")
                .map_or(1, |f| if l.is_set(f) { l.int(f) } else { 1 });
        let last = if std::ptr::eq(l.def, &SEGMENT_ROUTING) {
            a.first()
        } else {
            a.last()
        };
        if let (Some(d), true) = (last, segleft > 0) {
            return *d;
        }
    }
    p.field_wide(i, DST)
}

fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, o: &MatchOpts) -> bool {
    match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, &IPV6_LAYER) => {}
        _ => return false,
    }
    let r = |f| reply.field_wide(ri, f);
    let q = |f| req.field_wide(qi, f);
    let (rup, rnh) = upper_of(reply, ri);
    let (qup, qnh) = upper_of(req, qi);
    let routed = req.layers[qi + 1..qup]
        .iter()
        .any(|l| l.def.field_index("addresses").is_some());
    if reply.layers[ri].quoted {
        // the datagram quoted in an ICMPv6 error is the request itself
        let same = r(SRC) == q(SRC) && (routed || r(DST) == q(DST)) && rnh == qnh;
        return same && answers_at(reply, rup, req, qup, o);
    }
    if o.check_ip_addr {
        let (sd, os, od) = (r(DST), q(SRC), q(DST));
        if is_multicast(od) {
            // a multicast request: answers come to our source, or to the group
            let ok = if is_multicast(sd) { od == sd } else { os == sd };
            if !ok {
                return false;
            }
        } else if sd != os {
            return false;
        }
    }
    if rnh == 58 && error_at(reply, rup) {
        return answers_at(reply, rup + 1, req, qi, o);
    }
    rnh == qnh && answers_at(reply, rup, req, qup, o)
}

/// Internet Protocol version 6.
pub static IPV6_LAYER: LayerDef = LayerDef {
    quoted_names: Some(("IPerror6", "IPv6 in ICMPv6")),
    doc: "Internet Protocol version 6 (RFC 8200). plen and nh are computed when unset; \
          src is the kernel's choice towards dst.",
    linktypes: &[229],
    fixup: Some(fixup),
    pseudo: Some(pseudo_sum),
    payload_len: Some(payload_len),
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    ..LayerDef::base("IPv6", "IPv6", LayerKind::Protocol, &FIELDS)
};

/// Raw IP captures (LINKTYPE_RAW, 101) hold IPv4 or IPv6: the version
/// nibble decides (Scapy's `IPv46`).
fn ip_version(data: &[u8]) -> &'static LayerDef {
    match data.first().map(|b| b >> 4) {
        Some(6) => &IPV6_LAYER,
        _ => &super::ipv4::IP,
    }
}

pub static IPV46: LayerDef = LayerDef {
    doc: "Dissects IPv4 or IPv6 by the version nibble (raw IP captures); it has no fields.",
    linktypes: &[101],
    dispatch: Some(ip_version),
    ..LayerDef::base("IPv46", "IPv4/6", LayerKind::Protocol, &[])
};

// ------------------------------------------------------- extension headers

const EXT_LEN: usize = 1;
const EXT_OPTIONS: usize = 2;

/// Option type names (Scapy's `_hbhopts`).
static HBH_OPTS: Names = &[
    (0x00, "Pad1"),
    (0x01, "PadN"),
    (0x04, "Tunnel Encapsulation Limit"),
    (0x05, "Router Alert"),
    (0x06, "Quick-Start"),
    (0xc2, "Jumbo Payload"),
    (0xc9, "Home Address Option"),
];

static ROUTER_ALERT_VALUES: Names = &[
    (0, "Datagram contains a MLD message"),
    (1, "Datagram contains RSVP message"),
    (2, "Datagram contains an Active Network message"),
    (68, "NSIS NATFW NSLP"),
    (69, "MPLS OAM"),
    (65535, "Reserved"),
];

const fn otype(default: u64) -> Field {
    byte("otype", default)
        .show(Show::Enum(HBH_OPTS))
        .class("_OTypeField")
        .annotate(otype_policy)
}

/// What an option type's top three bits tell a node that doesn't know it
/// (RFC 8200 4.2), as Scapy's `_OTypeField` shows them.
fn otype_policy(v: u128) -> String {
    const ACTION: [&str; 4] = [
        "00: skip",
        "01: discard",
        "10: discard+ICMP",
        "11: discard+ICMP not mcast",
    ];
    const CHANGE: [&str; 2] = ["0: Don't change en-route", "1: May change en-route"];
    format!(
        "[{}, {}]",
        ACTION[((v >> 6) & 3) as usize],
        CHANGE[((v >> 5) & 1) as usize]
    )
}

fn optdata_len(l: &Layer) -> usize {
    l.int(1) as usize
}

/// An option's unset length is its data's.
fn opt_fixup(fx: &mut Fixup) {
    if fx.layer().def.fields.len() > 1 && fx.is_auto(1) {
        let n = (fx.end - fx.start()).saturating_sub(2);
        fx.put8(1, n.min(255) as u8);
    }
}

const fn hbh_option(name: &'static str, long: &'static str, fields: &'static [Field]) -> LayerDef {
    LayerDef {
        fixup: Some(opt_fixup),
        doc: "An IPv6 option; put it in IPv6ExtHdrHopByHop(options=[...]) or IPv6ExtHdrDestOpt.",
        ..LayerDef::base(name, long, LayerKind::Option, fields)
    }
}

/// Type, length and data: PadN, and any option packsmith does not know.
static TLV_OPTION_FIELDS: [Field; 3] = [
    otype(1),
    auto("optlen", 8).class("FieldLenField"),
    Field::new(
        "optdata",
        Kind::Bytes(Len::From(optdata_len)),
        Default::Bytes(b""),
    ),
];

pub static HBH_UNKNOWN: LayerDef =
    hbh_option("HBHOptUnknown", "Scapy6 Unknown Option", &TLV_OPTION_FIELDS);
pub static PAD1: LayerDef = hbh_option("Pad1", "Pad1", &[otype(0)]);
pub static PADN: LayerDef = hbh_option("PadN", "PadN", &TLV_OPTION_FIELDS);
pub static ROUTER_ALERT: LayerDef = hbh_option(
    "RouterAlert",
    "Router Alert",
    &[
        otype(5),
        byte("optlen", 2),
        Field::new("value", Kind::Bits(16), Default::Auto).show(Show::Enum(ROUTER_ALERT_VALUES)),
    ],
);
pub static JUMBO: LayerDef = hbh_option(
    "Jumbo",
    "Jumbo Payload",
    &[otype(0xc2), byte("optlen", 4), auto("jumboplen", 32)],
);
const HAO_HOA: usize = 2;
pub static HAO: LayerDef = hbh_option(
    "HAO",
    "Home Address Option",
    &[otype(0xc9), byte("optlen", 16), ipv6("hoa", 0)],
);

fn opt_dispatch(b: u8) -> &'static LayerDef {
    match b {
        0x00 => &PAD1,
        0x01 => &PADN,
        0x05 => &ROUTER_ALERT,
        0xc2 => &JUMBO,
        0xc9 => &HAO,
        _ => &HBH_UNKNOWN,
    }
}

fn opt_len(data: &[u8]) -> Option<usize> {
    match data.first()? {
        0 => Some(1),
        _ => Some(2 + usize::from(*data.get(1)?)),
    }
}

/// RFC 8200 4.2 alignment `xn+y` of an option.
fn alignment(def: &LayerDef) -> (usize, usize) {
    if std::ptr::eq(def, &ROUTER_ALERT) {
        (2, 0)
    } else if std::ptr::eq(def, &JUMBO) {
        (4, 2)
    } else if std::ptr::eq(def, &HAO) {
        (8, 6)
    } else {
        (1, 0)
    }
}

fn pad(out: &mut Vec<u8>, n: usize) {
    match n {
        0 => {}
        1 => out.push(0),
        _ => {
            out.push(1);
            out.push((n - 2).min(255) as u8);
            out.resize(out.len() + n - 2, 0);
        }
    }
}

/// Options as Scapy writes them: each aligned with Pad1/PadN before it, and
/// the header (which starts 2 bytes before the options) padded to 8 octets.
fn layout(opts: &[Layer], out: &mut Vec<u8>) {
    let start = out.len();
    let pos = |out: &Vec<u8>| 2 + out.len() - start;
    for o in opts {
        let (x, y) = alignment(o.def);
        let cur = pos(out);
        pad(
            out,
            (x * ((cur + x - 1).saturating_sub(y) / x) + y).saturating_sub(cur),
        );
        let _ = crate::packet::build::build_layers(std::slice::from_ref(o), out);
    }
    let rem = pos(out) % 8;
    if rem != 0 {
        pad(out, 8 - rem);
    }
}

pub static HBH_OPTIONS: OptionFamily = OptionFamily {
    name: "HBHOptUnknown",
    members: &[&HBH_UNKNOWN, &PAD1, &PADN, &ROUTER_ALERT, &JUMBO, &HAO],
    dispatch: opt_dispatch,
    option_len: opt_len,
    layout: Some(layout),
    pad_to: 1,
};

fn options_len(l: &Layer) -> usize {
    (8 * (l.int(EXT_LEN) as usize + 1)).saturating_sub(2)
}

/// An extension header's unset `len` counts 8-octet units past the first.
fn ext_len_fixup(fx: &mut Fixup) {
    if fx.is_auto(EXT_LEN) {
        let n = fx.header_end() - fx.start();
        fx.put8(1, (n / 8).saturating_sub(1).min(255) as u8);
    }
}

const fn ext_header(
    name: &'static str,
    long: &'static str,
    fields: &'static [Field],
    fixup: fn(&mut Fixup),
) -> LayerDef {
    LayerDef {
        alias: Some(&IPV6_LAYER),
        fixup: Some(fixup),
        doc: "An IPv6 extension header; nh is taken from the layer above when unset.",
        ..LayerDef::base(name, long, LayerKind::Extension, fields)
    }
}

const fn ext_nh() -> Field {
    byte("nh", 59).show(Show::Enum(IPV6_NH))
}

static OPT_HDR_FIELDS: [Field; 3] = [
    ext_nh(),
    auto("len", 8)
        .class("FieldLenField")
        .doc("length in 8-octet units past the first; computed when unset"),
    Field::new(
        "options",
        Kind::Options(&HBH_OPTIONS, Len::From(options_len)),
        Default::Empty,
    )
    .class("_OptionsField")
    .doc("a list of options (Pad1, PadN, RouterAlert, Jumbo, HAO); padded to 8 octets"),
];

/// Scapy's `autopad`: whether the options are padded to 8 octets, a phantom
/// field that never reaches the wire. packsmith always pads.
static AUTOPAD: [Phantom; 1] = [Phantom {
    after: "len",
    name: "autopad",
    class: "_PhantomAutoPadField",
    default: "1",
    when: None,
    shown: "On",
    in_repr: true,
}];

pub static HOP_BY_HOP: LayerDef = LayerDef {
    phantoms: &AUTOPAD,
    ..ext_header(
        "IPv6ExtHdrHopByHop",
        "IPv6 Extension Header - Hop-by-Hop Options Header",
        &OPT_HDR_FIELDS,
        ext_len_fixup,
    )
};
pub static DEST_OPT: LayerDef = LayerDef {
    phantoms: &AUTOPAD,
    ..ext_header(
        "IPv6ExtHdrDestOpt",
        "IPv6 Extension Header - Destination Options Header",
        &OPT_HDR_FIELDS,
        ext_len_fixup,
    )
};

fn routing_addrs_len(l: &Layer) -> usize {
    8 * l.int(EXT_LEN) as usize
}

/// How many addresses an address-list field of `l` holds (0 when unset).
pub fn addr_count(l: &Layer, field: usize) -> usize {
    match l.get(field) {
        Some(Value::Addrs(a)) => a.len(),
        _ => 0,
    }
}

const RT_SEGLEFT: usize = 3;
const RT_ADDRESSES: usize = 5;

fn routing_fixup(fx: &mut Fixup) {
    let n = addr_count(fx.layer(), RT_ADDRESSES);
    if fx.is_auto(EXT_LEN) {
        fx.put8(1, (2 * n).min(255) as u8);
    }
    if fx.is_auto(RT_SEGLEFT) {
        fx.put8(3, n.min(255) as u8);
    }
}

/// A Routing header of type 4 is a Segment Routing header.
fn routing_type(data: &[u8]) -> &'static LayerDef {
    match data.get(2) {
        Some(4) => &SEGMENT_ROUTING,
        _ => &ROUTING,
    }
}

pub static ROUTING: LayerDef = LayerDef {
    dispatch: Some(routing_type),
    ..ext_header(
        "IPv6ExtHdrRouting",
        "IPv6 Option Header Routing",
        &[
            ext_nh(),
            auto("len", 8)
                .class("FieldLenField")
                .doc("twice the number of addresses; computed when unset"),
            byte("type", 0),
            auto("segleft", 8).doc("segments left; the number of addresses when unset"),
            bits("reserved", 32, 0).class("BitField"),
            Field::new(
                "addresses",
                Kind::AddrList(&kinds::IPV6, Len::From(routing_addrs_len)),
                Default::Empty,
            ),
        ],
        routing_fixup,
    )
};

const SR_SEGLEFT: usize = 3;
const SR_LASTENTRY: usize = 4;
const SR_ADDRESSES: usize = 12;

fn sr_addrs_len(l: &Layer) -> usize {
    16 * (l.int(SR_LASTENTRY) as usize + 1)
}

fn sr_tlvs_len(l: &Layer) -> usize {
    (8 * l.int(EXT_LEN) as usize).saturating_sub(sr_addrs_len(l))
}

fn sr_fixup(fx: &mut Fixup) {
    let n = addr_count(fx.layer(), SR_ADDRESSES);
    if fx.is_auto(EXT_LEN) {
        let hdr = fx.header_end() - fx.start();
        fx.put8(1, (hdr.saturating_sub(8) / 8).min(255) as u8);
    }
    if fx.is_auto(SR_SEGLEFT) {
        fx.put8(3, n.saturating_sub(1).min(255) as u8);
    }
    if fx.is_auto(SR_LASTENTRY) {
        fx.put8(4, n.saturating_sub(1).min(255) as u8);
    }
}

pub static SEGMENT_ROUTING: LayerDef = ext_header(
    "IPv6ExtHdrSegmentRouting",
    "IPv6 Option Header Segment Routing",
    &[
        ext_nh(),
        auto("len", 8),
        byte("type", 4),
        auto("segleft", 8).doc("the index of the last address when unset"),
        auto("lastentry", 8).doc("the index of the last address when unset"),
        bits("unused1", 1, 0),
        bits("protected", 1, 0),
        bits("oam", 1, 0),
        bits("alert", 1, 0),
        bits("hmac", 1, 0),
        bits("unused2", 3, 0),
        short("tag", 0),
        Field::new(
            "addresses",
            Kind::AddrList(&kinds::IPV6, Len::From(sr_addrs_len)),
            Default::Addrs(&[1]),
        ),
        Field::new(
            "tlv_objects",
            Kind::Bytes(Len::From(sr_tlvs_len)),
            Default::Bytes(b""),
        )
        .class("PacketListField")
        .scapy_default("[]")
        .doc("the TLV objects' bytes"),
    ],
    sr_fixup,
);

fn fragment_next(l: &Layer) -> Option<Next> {
    // later fragments carry no header of the layer above
    (l.int(FRAG_OFFSET) > 0).then_some(Next::Raw)
}

const FRAG_OFFSET: usize = 2;

pub static FRAGMENT: LayerDef = LayerDef {
    guess_next: Some(fragment_next),
    ..ext_header(
        "IPv6ExtHdrFragment",
        "IPv6 Extension Header - Fragmentation header",
        &[
            ext_nh(),
            bits("res1", 8, 0).class("BitField"),
            bits("offset", 13, 0).doc("fragment offset in 8-octet units"),
            bits("res2", 2, 0),
            bits("m", 1, 0).doc("more fragments"),
            auto("id", 32),
        ],
        |_| {},
    )
};

pub static DEFS: &[&LayerDef] = &[
    &IPV6_LAYER,
    &IPV46,
    &HOP_BY_HOP,
    &DEST_OPT,
    &ROUTING,
    &SEGMENT_ROUTING,
    &FRAGMENT,
    &HBH_UNKNOWN,
    &PAD1,
    &PADN,
    &ROUTER_ALERT,
    &JUMBO,
    &HAO,
];

/// Scapy's `bind_layers` for IPv6 (`scapy/layers/inet6.py`); the extension
/// headers take these as IPv6's (their `alias`).
pub static BINDS: &[Bind] = &[
    Bind::new(&super::ether::ETHER, &IPV6_LAYER, &[("type", 0x86dd)]),
    Bind::new(&super::loopback::LOOPBACK, &IPV6_LAYER, &[("type", 24)]),
    Bind::new(&super::loopback::LOOPBACK, &IPV6_LAYER, &[("type", 28)]),
    Bind::new(&super::loopback::LOOPBACK, &IPV6_LAYER, &[("type", 30)]),
    Bind::new(&IPV6_LAYER, &HOP_BY_HOP, &[("nh", 0)]),
    Bind::new(&IPV6_LAYER, &super::tcp::TCP, &[("nh", 6)]),
    Bind::new(&IPV6_LAYER, &super::udp::UDP, &[("nh", 17)]),
    Bind::new(&IPV6_LAYER, &ROUTING, &[("nh", 43)]),
    Bind::new(&IPV6_LAYER, &SEGMENT_ROUTING, &[("nh", 43)]),
    Bind::new(&IPV6_LAYER, &FRAGMENT, &[("nh", 44)]),
    Bind::new(&IPV6_LAYER, &DEST_OPT, &[("nh", 60)]),
    Bind::new(&IPV6_LAYER, &IPV6_LAYER, &[("nh", 41)]),
    Bind::new(&IPV6_LAYER, &super::ipv4::IP, &[("nh", 4)]),
    Bind::new(&super::ipv4::IP, &IPV6_LAYER, &[("proto", 41)]),
];
