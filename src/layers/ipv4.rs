//! IPv4 (RFC 791) and its options: EOL, NOP, RR, LSRR, SSRR, Timestamp,
//! Router Alert, MTU probe/reply, Traceroute, Stream ID; unknown options are
//! kept as generic options holding their bytes.

use super::names::IP_PROTOS;
use crate::packet::decl::{
    auto, bits, byte, int, ipv4, short, Bind, Default, Field, Fixup, Kind, LayerDef, LayerKind,
    Len, Names, OptionFamily, Show, SummaryCtx, IPV4,
};
use crate::packet::matching::{answers_at, hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::{Layer, Packet, Value};
use crate::wire::checksum;

pub const VERSION: usize = 0;
pub const IHL: usize = 1;
pub const LEN: usize = 3;
pub const ID: usize = 4;
pub const FLAGS: usize = 5;
pub const FRAG: usize = 6;
pub const TTL: usize = 7;
pub const PROTO: usize = 8;
pub const CHKSUM: usize = 9;
pub const SRC: usize = 10;
pub const DST: usize = 11;
pub const OPTIONS: usize = 12;

/// ICMP error types whose payload quotes the offending datagram.
pub const ICMP_ERROR_TYPES: [u64; 5] = [3, 4, 5, 11, 12];

static FIELDS: [Field; 13] = [
    bits("version", 4, 4),
    auto("ihl", 4).doc("header length in 32-bit words; computed when unset"),
    byte("tos", 0).hex().doc("type of service / DSCP+ECN"),
    auto("len", 16).doc("total length; computed when unset"),
    short("id", 1),
    bits("flags", 3, 0)
        .show(Show::Flags(&["MF", "DF", "evil"]))
        .doc("MF (more fragments), DF (don't fragment), evil (RFC 3514)"),
    bits("frag", 13, 0).doc("fragment offset in 8-byte units"),
    byte("ttl", 64),
    byte("proto", 0)
        .show(Show::Enum(IP_PROTOS))
        .doc("payload protocol; taken from the payload layer when unset"),
    auto("chksum", 16)
        .hex()
        .doc("header checksum; computed when unset"),
    Field::new("src", IPV4, Default::Auto)
        .class("SourceIPField")
        .doc("source; the route's source address towards dst when unset"),
    ipv4("dst", 0x7f00_0001)
        .class("DestIPField")
        .scapy_default("None"),
    Field::new(
        "options",
        Kind::Options(&IP_OPTIONS, Len::From(options_len)),
        Default::Empty,
    )
    .doc("a list of IPOption_* layers"),
];

fn options_len(l: &Layer) -> usize {
    (l.int(IHL) as usize * 4).saturating_sub(20)
}

fn fixup(fx: &mut Fixup) {
    let (start, hdr_end) = (fx.start(), fx.header_end());
    let hdr_len = hdr_end - start;
    if fx.is_auto(IHL) {
        let v = fx.buf.get(start).copied().unwrap_or(0);
        if hdr_len / 4 > 15 {
            crate::packet::build::overflow(|| {
                format!("IP.ihl: a {hdr_len}-byte header does not fit in 4 bits of 32-bit words (at most 60 bytes)")
            });
        }
        fx.put8(0, (v & 0xf0) | ((hdr_len / 4) as u8 & 0x0f));
    }
    if fx.is_auto(LEN) {
        let total = fx.end - start;
        fx.put_len16(2, "len", total);
    }
    if fx.is_auto(CHKSUM) && hdr_len >= 12 {
        fx.put16(10, 0);
        let c = checksum(&fx.buf[start..hdr_end]);
        fx.put16(10, c);
    }
}

/// The pseudo-header sum TCP and UDP checksums start from over IPv4:
/// addresses as built (the last source-route hop as destination), the
/// protocol, and the IP-stated or actual length.
fn pseudo_sum(fx: &Fixup, ui: usize, proto: u8, upper_len: usize) -> Option<u32> {
    let ip = &fx.layers[ui];
    let (s, e) = fx.spans[ui];
    let hdr = fx.buf.get(s..e)?;
    let src = crate::wire::be32(hdr, 12)?;
    let mut dst = crate::wire::be32(hdr, 16)?;
    if let Some(Value::Options(opts)) = ip.get(OPTIONS) {
        let routes: Vec<&Layer> = opts
            .iter()
            .filter(|o| std::ptr::eq(o.def, &LSRR) || std::ptr::eq(o.def, &SSRR))
            .collect();
        if let [only] = routes.as_slice() {
            if let Some(Value::Addrs(a)) = only.get(RR_ROUTERS) {
                if let Some(last) = a.last() {
                    dst = *last as u32;
                }
            }
        }
    }
    let len = if ip.is_set(LEN) {
        let ihl = if ip.is_set(IHL) {
            ip.int(IHL) as usize
        } else {
            hdr.len() / 4
        };
        (ip.int(LEN) as usize).saturating_sub(4 * ihl)
    } else {
        upper_len
    };
    Some(crate::wire::pseudo_header_sum(src, dst, proto, len as u16))
}

fn payload_len(l: &Layer, _hdr: usize, _rest: usize) -> Option<usize> {
    (l.int(LEN) as usize).checked_sub(l.int(IHL) as usize * 4)
}

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    let mut s = format!(
        "{} > {} {}",
        int_repr(l, &f[SRC], l.int_shown(SRC)),
        int_repr(l, &f[DST], l.wide(DST)),
        int_repr(l, &f[PROTO], u128::from(c.field_int(PROTO)))
    );
    if l.int(FRAG) != 0 {
        s.push_str(&format!(" frag:{}", l.int(FRAG)));
    }
    s
}

/// True when layer `i` carries an ICMP error whose quote follows at `i + 2`.
fn carries_icmp_error(p: &Packet, i: usize) -> bool {
    p.field_int(i, PROTO) == 1
        && p.layers
            .get(i + 1)
            .is_some_and(|n| n.def.name == "ICMP" && ICMP_ERROR_TYPES.contains(&n.int(0)))
        && p.layers
            .get(i + 2)
            .is_some_and(|q| std::ptr::eq(q.def, &IP))
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    if carries_icmp_error(p, i) {
        // an error is filed under the datagram it quotes
        return hashret_at(p, i + 2, o, key);
    }
    if o.check_ip_src && o.check_ip_addr {
        let x = (p.field_int(i, SRC) ^ p.field_int(i, DST)) as u32;
        key.extend_from_slice(&x.to_be_bytes());
    }
    key.push(p.field_int(i, PROTO) as u8);
    hashret_at(p, i + 1, o, key);
}

fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, o: &MatchOpts) -> bool {
    let Some(q) = req.layers.get(qi) else {
        return false;
    };
    if !std::ptr::eq(q.def, &IP) {
        return false;
    }
    let r = |f| reply.field_int(ri, f);
    let q = |f| req.field_int(qi, f);
    if reply.layers[ri].quoted {
        // the datagram quoted in an ICMP error is the request itself
        let same = (!o.check_ip_src || r(SRC) == q(SRC))
            && r(DST) == q(DST)
            && (!o.check_ip_id || r(ID) == q(ID))
            && r(PROTO) == q(PROTO);
        return same && answers_at(reply, ri + 1, req, qi + 1, o);
    }
    if o.check_ip_addr && r(DST) != q(SRC) {
        return false;
    }
    if carries_icmp_error(reply, ri) {
        return answers_at(reply, ri + 2, req, qi, o);
    }
    if (o.check_ip_addr && r(SRC) != q(DST)) || r(PROTO) != q(PROTO) {
        return false;
    }
    answers_at(reply, ri + 1, req, qi + 1, o)
}

/// Internet Protocol version 4.
pub static IP: LayerDef = LayerDef {
    quoted_names: Some(("IPerror", "IP in ICMP")),
    doc: "Internet Protocol version 4 (RFC 791). Lengths, IHL, checksum and proto are \
          computed when unset; explicit values are always honoured.",
    // raw IPv4 captures (LINKTYPE_RAW, 101, is IPv46: either version)
    linktypes: &[228],
    fixup: Some(fixup),
    pseudo: Some(pseudo_sum),
    payload_len: Some(payload_len),
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    ..LayerDef::base("IP", "IP", LayerKind::Protocol, &FIELDS)
};

// ---------------------------------------------------------------- options

static OPT_CLASSES: Names = &[(0, "control"), (2, "debug")];

static OPT_NAMES: Names = &[
    (0, "end_of_list"),
    (1, "nop"),
    (2, "security"),
    (3, "loose_source_route"),
    (4, "timestamp"),
    (5, "extended_security"),
    (6, "commercial_security"),
    (7, "record_route"),
    (8, "stream_id"),
    (9, "strict_source_route"),
    (10, "experimental_measurement"),
    (11, "mtu_probe"),
    (12, "mtu_reply"),
    (13, "flow_control"),
    (14, "access_control"),
    (15, "encode"),
    (16, "imi_traffic_descriptor"),
    (17, "extended_IP"),
    (18, "traceroute"),
    (19, "address_extension"),
    (20, "router_alert"),
    (21, "selective_directed_broadcast_mode"),
    (23, "dynamic_packet_state"),
    (24, "upstream_multicast_packet"),
    (25, "quick_start"),
    (30, "rfc4727_experiment"),
];

/// The first byte of every option: copy flag, class, number.
macro_rules! option_fields {
    ($copy:expr, $class:expr, $num:expr $(, $extra:expr)* $(,)?) => {
        &[
            bits("copy_flag", 1, $copy),
            bits("optclass", 2, $class).show(Show::Enum(OPT_CLASSES)),
            bits("option", 5, $num).show(Show::Enum(OPT_NAMES)),
            $($extra),*
        ]
    };
}

const RR_ROUTERS: usize = 5;

fn rr_len(l: &Layer) -> usize {
    (l.int(3) as usize).saturating_sub(3)
}

fn value_len(l: &Layer) -> usize {
    (l.int(3) as usize).saturating_sub(2)
}

fn ts_has_addr(l: &Layer) -> bool {
    l.int(6) != 0
}

/// Options with an unset `length` get the length they were built with.
fn option_fixup(fx: &mut Fixup) {
    if let Some(li) = fx.layer().def.field_index("length") {
        if fx.is_auto(li) {
            let n = fx.end - fx.start();
            fx.put8(1, n.min(255) as u8);
        }
    }
}

const fn option(
    name: &'static str,
    long: &'static str,
    code: u8,
    fields: &'static [Field],
) -> LayerDef {
    LayerDef {
        fixup: Some(option_fixup),
        option_code: Some(code),
        doc: "An IPv4 option; put it in IP(options=[...]).",
        ..LayerDef::base(name, long, LayerKind::Option, fields)
    }
}

pub static IPOPT_GENERIC: LayerDef = option(
    "IPOption",
    "IP Option",
    0xff,
    option_fields!(
        0,
        0,
        0,
        auto("length", 8).class("FieldLenField"),
        Field::new(
            "value",
            Kind::Bytes(Len::From(value_len)),
            Default::Bytes(b"")
        ),
    ),
);
pub static EOL: LayerDef = option(
    "IPOption_EOL",
    "IP Option End of Options List",
    0,
    option_fields!(0, 0, 0),
);
pub static NOP: LayerDef = option(
    "IPOption_NOP",
    "IP Option No Operation",
    1,
    option_fields!(0, 0, 1),
);

macro_rules! route_option {
    ($name:ident, $cls:expr, $long:expr, $copy:expr, $num:expr) => {
        pub static $name: LayerDef = option(
            $cls,
            $long,
            $num,
            option_fields!(
                $copy,
                0,
                $num,
                auto("length", 8).class("FieldLenField"),
                byte("pointer", 4),
                Field::new(
                    "routers",
                    Kind::AddrList(&crate::packet::kinds::IPV4, Len::From(rr_len)),
                    Default::Empty
                ),
            ),
        );
    };
}
route_option!(RR, "IPOption_RR", "IP Option Record Route", 0, 7);
route_option!(
    LSRR,
    "IPOption_LSRR",
    "IP Option Loose Source and Record Route",
    1,
    3
);
route_option!(
    SSRR,
    "IPOption_SSRR",
    "IP Option Strict Source and Record Route",
    1,
    9
);

pub static TIMESTAMP: LayerDef = option(
    "IPOption_Timestamp",
    "IP Option Timestamp",
    4,
    option_fields!(
        0,
        2,
        4,
        auto("length", 8),
        byte("pointer", 9),
        bits("oflw", 4, 0),
        bits("flg", 4, 1).show(Show::Enum(&[
            (0, "timestamp_only"),
            (1, "timestamp_and_ip_addr"),
            (3, "prespecified_ip_addr"),
        ])),
        ipv4("internet_address", 0).when(ts_has_addr),
        int("timestamp", 0),
    ),
);
pub static ROUTER_ALERT: LayerDef = option(
    "IPOption_Router_Alert",
    "IP Option Router Alert",
    20,
    option_fields!(
        1,
        0,
        20,
        byte("length", 4),
        short("alert", 0).show(Show::Enum(&[(0, "router_shall_examine_packet")])),
    ),
);
pub static STREAM_ID: LayerDef = option(
    "IPOption_Stream_Id",
    "IP Option Stream ID",
    8,
    option_fields!(1, 0, 8, byte("length", 4), short("security", 0)),
);
pub static MTU_PROBE: LayerDef = option(
    "IPOption_MTU_Probe",
    "IP Option MTU Probe",
    11,
    option_fields!(0, 0, 11, byte("length", 4), short("mtu", 0)),
);
pub static MTU_REPLY: LayerDef = option(
    "IPOption_MTU_Reply",
    "IP Option MTU Reply",
    12,
    option_fields!(0, 0, 12, byte("length", 4), short("mtu", 0)),
);
pub static TRACEROUTE: LayerDef = option(
    "IPOption_Traceroute",
    "IP Option Traceroute",
    18,
    option_fields!(
        0,
        0,
        18,
        byte("length", 12),
        short("id", 0),
        short("outbound_hops", 0),
        short("return_hops", 0),
        ipv4("originator_ip", 0),
    ),
);

fn dispatch(first: u8) -> &'static LayerDef {
    let num = first & 0x1f;
    IP_OPTIONS.members[1..]
        .iter()
        .copied()
        .find(|d| d.option_code == Some(num))
        .unwrap_or(&IPOPT_GENERIC)
}

fn option_len(data: &[u8]) -> Option<usize> {
    let first = *data.first()?;
    if first & 0x1f <= 1 {
        return Some(1);
    }
    let n = usize::from(*data.get(1)?);
    (n >= 2 && n <= data.len()).then_some(n)
}

/// The IPv4 option family (first member: the generic option).
pub static IP_OPTIONS: OptionFamily = OptionFamily {
    name: "IPOption",
    members: &[
        &IPOPT_GENERIC,
        &EOL,
        &NOP,
        &RR,
        &LSRR,
        &SSRR,
        &TIMESTAMP,
        &ROUTER_ALERT,
        &STREAM_ID,
        &MTU_PROBE,
        &MTU_REPLY,
        &TRACEROUTE,
    ],
    dispatch,
    option_len,
    layout: None,
    pad_to: 4,
};

pub static DEFS: &[&LayerDef] = &[
    &IP,
    &IPOPT_GENERIC,
    &EOL,
    &NOP,
    &RR,
    &LSRR,
    &SSRR,
    &TIMESTAMP,
    &ROUTER_ALERT,
    &STREAM_ID,
    &MTU_PROBE,
    &MTU_REPLY,
    &TRACEROUTE,
];

pub static BINDS: &[Bind] = &[
    Bind::new(&super::ether::ETHER, &IP, &[("type", 0x0800)]),
    Bind::new(&IP, &IP, &[("frag", 0), ("proto", 4)]),
];
