//! ICMPv6 (RFC 4443): echo, the four error messages (quoting the datagram
//! as `IPerror6`), neighbour discovery (RFC 4861) with its options, and
//! multicast listener discovery (RFC 2710, RFC 3810). Every message is its
//! own declaration, picked by the type byte when dissecting, as Scapy does.

use super::ipv6::{addr_count, IPV6_LAYER};
use crate::packet::decl::{
    auto, bits, byte, int, ipv6, mac, short, Bind, Default, Field, Fixup, Kind, LayerDef,
    LayerKind, Len, Names, Next, OptionFamily, Phantom, Show, SummaryCtx,
};
use crate::packet::kinds;
use crate::packet::matching::{hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::{Layer, Packet, Value};

pub const TYPE: usize = 0;
pub const CODE: usize = 1;
pub const CKSUM: usize = 2;
pub const ECHO_ID: usize = 3;
pub const ECHO_SEQ: usize = 4;
pub const ECHO_DATA: usize = 5;
pub const TOO_BIG_MTU: usize = 3;

/// Message names (Scapy's `icmp6types`).
pub static ICMP6_TYPES: Names = &[
    (1, "Destination unreachable"),
    (2, "Packet too big"),
    (3, "Time exceeded"),
    (4, "Parameter problem"),
    (100, "Private Experimentation"),
    (101, "Private Experimentation"),
    (128, "Echo Request"),
    (129, "Echo Reply"),
    (130, "MLD Query"),
    (131, "MLD Report"),
    (132, "MLD Done"),
    (133, "Router Solicitation"),
    (134, "Router Advertisement"),
    (135, "Neighbor Solicitation"),
    (136, "Neighbor Advertisement"),
    (137, "Redirect Message"),
    (138, "Router Renumbering"),
    (139, "ICMP Node Information Query"),
    (140, "ICMP Node Information Response"),
    (141, "Inverse Neighbor Discovery Solicitation Message"),
    (142, "Inverse Neighbor Discovery Advertisement Message"),
    (143, "MLD Report Version 2"),
    (144, "Home Agent Address Discovery Request Message"),
    (145, "Home Agent Address Discovery Reply Message"),
    (146, "Mobile Prefix Solicitation"),
    (147, "Mobile Prefix Advertisement"),
    (148, "Certification Path Solicitation"),
    (149, "Certification Path Advertisement"),
    (151, "Multicast Router Advertisement"),
    (152, "Multicast Router Solicitation"),
    (153, "Multicast Router Termination"),
    (155, "RPL Control Message"),
    (200, "Private Experimentation"),
    (201, "Private Experimentation"),
];

pub static UNREACH_CODES: Names = &[
    (0, "No route to destination"),
    (
        1,
        "Communication with destination administratively prohibited",
    ),
    (2, "Beyond scope of source address"),
    (3, "Address unreachable"),
    (4, "Port unreachable"),
    (5, "Source address failed ingress/egress policy"),
    (6, "Reject route to destination"),
    (7, "Error in Source Routing Header"),
];

static TIME_EXCEEDED_CODES: Names = &[
    (0, "hop limit exceeded in transit"),
    (1, "fragment reassembly time exceeded"),
];

static PARAM_PROBLEM_CODES: Names = &[
    (0, "erroneous header field encountered"),
    (1, "unrecognized Next Header type encountered"),
    (2, "unrecognized IPv6 option encountered"),
    (3, "first fragment has incomplete header chain"),
];

static RA_PREFS: Names = &[
    (0, "Medium (default)"),
    (1, "High"),
    (2, "Reserved"),
    (3, "Low"),
];

const fn ty(default: u64) -> Field {
    byte("type", default).show(Show::Enum(ICMP6_TYPES))
}

const fn cksum() -> Field {
    auto("cksum", 16)
        .hex()
        .doc("computed with the IPv6 pseudo-header when unset")
}

/// The checksum over the IPv6 pseudo-header (next header 58); left 0
/// without an IPv6 layer below, as Scapy does.
fn fixup(fx: &mut Fixup) {
    if fx.is_auto(CKSUM) {
        let total = fx.end - fx.start();
        if let Some(sum) = fx.pseudo_sum(58, total) {
            fx.put_checksum(2, sum, false);
        }
    }
}

/// Picks the message declaration from the type byte (Scapy's
/// `icmp6typescls`); unknown types, and messages shorter than their type's
/// fixed part (Scapy's `icmp6typesminhdrlen`), stay Raw.
fn dispatch(data: &[u8]) -> &'static LayerDef {
    let (def, min): (&'static LayerDef, usize) = match data.first() {
        Some(1) => (&DEST_UNREACH, 8),
        Some(2) => (&PACKET_TOO_BIG, 8),
        Some(3) => (&TIME_EXCEEDED, 8),
        Some(4) => (&PARAM_PROBLEM, 8),
        Some(128) => (&ECHO_REQUEST, 8),
        Some(129) => (&ECHO_REPLY, 8),
        // RFC 3810 8.1: a query of 28 octets or more is version 2
        Some(130) if data.len() >= 28 => (&MLD_QUERY2, 24),
        Some(130) => (&MLD_QUERY, 24),
        Some(131) => (&MLD_REPORT, 24),
        Some(132) => (&MLD_DONE, 24),
        Some(133) => (&ND_RS, 8),
        Some(134) => (&ND_RA, 16),
        Some(135) => (&ND_NS, 24),
        Some(136) => (&ND_NA, 24),
        Some(137) => (&ND_REDIRECT, 40),
        Some(143) => (&MLD_REPORT2, 8),
        _ => return super::raw(),
    };
    if data.len() < min {
        return super::raw();
    }
    def
}

/// A message with the shared hooks.
const fn message(name: &'static str, long: &'static str, fields: &'static [Field]) -> LayerDef {
    LayerDef {
        dispatch: Some(dispatch),
        fixup: Some(fixup),
        hashret: Some(hashret),
        answers: Some(answers),
        doc: "An ICMPv6 message (RFC 4443); nh, cksum and, for some, dst and hlim of IPv6 \
              are filled when unset.",
        ..LayerDef::base(name, long, LayerKind::Protocol, fields)
    }
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    let l = &p.layers[i];
    if is_echo(l.def) {
        key.extend_from_slice(&(l.int(ECHO_ID) as u16).to_be_bytes());
        key.extend_from_slice(&(l.int(ECHO_SEQ) as u16).to_be_bytes());
    } else if let Some(t) = l.def.field_index("tgt").filter(|_| is_nd(l.def)) {
        key.extend_from_slice(&l.wide(t).to_be_bytes());
    }
    hashret_at(p, i + 1, o, key);
}

fn is_echo(d: &LayerDef) -> bool {
    std::ptr::eq(d, &ECHO_REQUEST) || std::ptr::eq(d, &ECHO_REPLY)
}

fn is_nd(d: &LayerDef) -> bool {
    std::ptr::eq(d, &ND_NS) || std::ptr::eq(d, &ND_NA)
}

/// Scapy's `answers` for ICMPv6: an echo reply answers the request with the
/// same id, seq and data; an NA the NS for its target; an RA an RS; an MLD
/// report a query. A message quoted in an error answers the one sent.
fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, _o: &MatchOpts) -> bool {
    let r = &reply.layers[ri];
    let Some(q) = req.layers.get(qi) else {
        return false;
    };
    if r.quoted {
        let same = |f: usize| !r.present(f) || r.int(f) == q.int(f);
        return std::ptr::eq(r.def, q.def)
            && same(TYPE)
            && same(CODE)
            && (!is_echo(r.def) || (same(ECHO_ID) && same(ECHO_SEQ)));
    }
    let is = |a: &LayerDef, b: &LayerDef| std::ptr::eq(r.def, a) && std::ptr::eq(q.def, b);
    if is(&ECHO_REPLY, &ECHO_REQUEST) {
        return r.int(ECHO_ID) == q.int(ECHO_ID)
            && r.int(ECHO_SEQ) == q.int(ECHO_SEQ)
            && r.get(ECHO_DATA).map_or(&[][..], bytes) == q.get(ECHO_DATA).map_or(&[][..], bytes);
    }
    if is(&ND_NA, &ND_NS) {
        return r.wide(ND_TGT) == q.wide(ND_TGT);
    }
    is(&ND_RA, &ND_RS)
        || (std::ptr::eq(r.def, &MLD_REPORT)
            && req.layers.iter().any(|l| std::ptr::eq(l.def, &MLD_QUERY)))
        || is(&MLD_REPORT2, &MLD_QUERY2)
}

fn bytes(v: &Value) -> &[u8] {
    match v {
        Value::Bytes(b) => b,
        _ => &[],
    }
}

// ------------------------------------------------------------------ errors

fn quote_next(_: &Layer) -> Option<Next> {
    Some(Next::Quoted(&IPV6_LAYER))
}

const fn error(name: &'static str, long: &'static str, fields: &'static [Field]) -> LayerDef {
    LayerDef {
        guess_next: Some(quote_next),
        ..message(name, long, fields)
    }
}

pub static UNKNOWN: LayerDef = message(
    "ICMPv6Unknown",
    "Scapy6 ICMPv6 fallback class",
    &[
        ty(1),
        byte("code", 0),
        cksum(),
        Field::new("msgbody", Kind::Bytes(Len::Rest), Default::Bytes(b"")),
    ],
);

/// Scapy's RFC 4884 extension fields, which packsmith doesn't carry.
static EXTENSION_PHANTOMS: [Phantom; 2] = [
    Phantom {
        after: "unused",
        name: "extpad",
        class: "_ICMPExtensionPadField",
        default: "b''",
        when: None,
        shown: "b''",
        in_repr: true,
    },
    Phantom {
        after: "unused",
        name: "ext",
        class: "_ICMPExtensionField",
        default: "None",
        when: None,
        shown: "None",
        in_repr: true,
    },
];

pub static DEST_UNREACH: LayerDef = LayerDef {
    phantoms: &EXTENSION_PHANTOMS,
    ..error(
        "ICMPv6DestUnreach",
        "ICMPv6 Destination Unreachable",
        &[
            ty(1),
            byte("code", 0).show(Show::Enum(UNREACH_CODES)),
            cksum(),
            byte("length", 0),
            bits("unused", 24, 0).hex(),
        ],
    )
};

pub static PACKET_TOO_BIG: LayerDef = error(
    "ICMPv6PacketTooBig",
    "ICMPv6 Packet Too Big",
    &[ty(2), byte("code", 0), cksum(), int("mtu", 1280)],
);

pub static TIME_EXCEEDED: LayerDef = LayerDef {
    phantoms: &EXTENSION_PHANTOMS,
    ..error(
        "ICMPv6TimeExceeded",
        "ICMPv6 Time Exceeded",
        &[
            ty(3),
            byte("code", 0).show(Show::Enum(TIME_EXCEEDED_CODES)),
            cksum(),
            byte("length", 0),
            bits("unused", 24, 0).hex(),
        ],
    )
};

pub static PARAM_PROBLEM: LayerDef = error(
    "ICMPv6ParamProblem",
    "ICMPv6 Parameter Problem",
    &[
        ty(4),
        byte("code", 0).show(Show::Enum(PARAM_PROBLEM_CODES)),
        cksum(),
        int("ptr", 6).doc("offset of the offending octet"),
    ],
);

// -------------------------------------------------------------------- echo

fn echo_summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    format!(
        "{} (id: {} seq: {})",
        l.def.long_name,
        int_repr(l, &f[ECHO_ID], l.wide(ECHO_ID)),
        int_repr(l, &f[ECHO_SEQ], l.wide(ECHO_SEQ))
    )
}

const fn echo(name: &'static str, long: &'static str, fields: &'static [Field]) -> LayerDef {
    LayerDef {
        summary: Some(echo_summary),
        ..message(name, long, fields)
    }
}

pub static ECHO_REQUEST: LayerDef = echo(
    "ICMPv6EchoRequest",
    "ICMPv6 Echo Request",
    &[
        ty(128),
        byte("code", 0),
        cksum(),
        short("id", 0).hex(),
        short("seq", 0).hex(),
        Field::new("data", Kind::Bytes(Len::Rest), Default::Bytes(b"")),
    ],
);

pub static ECHO_REPLY: LayerDef = echo(
    "ICMPv6EchoReply",
    "ICMPv6 Echo Reply",
    &[
        ty(129),
        byte("code", 0),
        cksum(),
        short("id", 0).hex(),
        short("seq", 0).hex(),
        Field::new("data", Kind::Bytes(Len::Rest), Default::Bytes(b"")),
    ],
);

// --------------------------------------------------------------------- MLD

macro_rules! mld_fields {
    ($ty:expr, $mrd:expr) => {
        &[
            ty($ty),
            byte("code", 0),
            cksum(),
            short("mrd", $mrd).doc("maximum response delay (ms)"),
            short("reserved", 0),
            ipv6("mladdr", 0),
        ]
    };
}

pub static MLD_QUERY: LayerDef = message(
    "ICMPv6MLQuery",
    "MLD - Multicast Listener Query",
    mld_fields!(130, 10000),
);
pub static MLD_REPORT: LayerDef = message(
    "ICMPv6MLReport",
    "MLD - Multicast Listener Report",
    mld_fields!(131, 0),
);
pub static MLD_DONE: LayerDef = message(
    "ICMPv6MLDone",
    "MLD - Multicast Listener Done",
    mld_fields!(132, 0),
);

const Q2_SOURCES_NUMBER: usize = 10;
const Q2_SOURCES: usize = 11;

fn query2_fixup(fx: &mut Fixup) {
    if fx.is_auto(Q2_SOURCES_NUMBER) {
        let n = addr_count(fx.layer(), Q2_SOURCES);
        fx.put16(26, n.min(0xffff) as u16);
    }
    fixup(fx);
}

pub static MLD_QUERY2: LayerDef = LayerDef {
    fixup: Some(query2_fixup),
    ..message(
        "ICMPv6MLQuery2",
        "MLDv2 - Multicast Listener Query",
        &[
            ty(130),
            byte("code", 0),
            cksum(),
            short("mrd", 10000),
            short("reserved", 0),
            ipv6("mladdr", 0),
            bits("Resv", 4, 0),
            bits("S", 1, 0),
            bits("QRV", 3, 0),
            byte("QQIC", 0),
            auto("sources_number", 16),
            Field::new(
                "sources",
                Kind::AddrList(
                    &kinds::IPV6,
                    Len::From(|l| 16 * l.int(Q2_SOURCES_NUMBER) as usize),
                ),
                Default::Empty,
            ),
        ],
    )
};

const REC_AUXLEN: usize = 1;
const REC_SOURCES_NUMBER: usize = 2;
const REC_SOURCES: usize = 4;
const REC_AUXDATA: usize = 5;

fn record_fixup(fx: &mut Fixup) {
    let l = fx.layer();
    let aux = match l.get(REC_AUXDATA) {
        Some(Value::Bytes(b)) => b.len(),
        _ => 0,
    };
    let n = addr_count(l, REC_SOURCES);
    if fx.is_auto(REC_AUXLEN) {
        fx.put8(1, aux.min(255) as u8);
    }
    if fx.is_auto(REC_SOURCES_NUMBER) {
        fx.put16(2, n.min(0xffff) as u16);
    }
}

pub static MLD_RECORD: LayerDef = LayerDef {
    fixup: Some(record_fixup),
    doc: "An MLDv2 multicast address record; put it in ICMPv6MLReport2(records=[...]).",
    ..LayerDef::base(
        "ICMPv6MLDMultAddrRec",
        "ICMPv6 MLDv2 - Multicast Address Record",
        LayerKind::Option,
        &[
            byte("rtype", 4),
            auto("auxdata_len", 8).class("FieldLenField"),
            auto("sources_number", 16).class("FieldLenField"),
            ipv6("dst", 0),
            Field::new(
                "sources",
                Kind::AddrList(
                    &kinds::IPV6,
                    Len::From(|l| 16 * l.int(REC_SOURCES_NUMBER) as usize),
                ),
                Default::Empty,
            ),
            Field::new(
                "auxdata",
                Kind::Bytes(Len::From(|l| l.int(REC_AUXLEN) as usize)),
                Default::Bytes(b""),
            ),
        ],
    )
};

fn record_len(data: &[u8]) -> Option<usize> {
    let n = usize::from(u16::from_be_bytes([*data.get(2)?, *data.get(3)?]));
    Some(20 + 16 * n + usize::from(*data.get(1)?))
}

pub static MLD_RECORDS: OptionFamily = OptionFamily {
    name: "ICMPv6MLDMultAddrRec",
    members: &[&MLD_RECORD],
    dispatch: |_| &MLD_RECORD,
    option_len: record_len,
    layout: None,
    pad_to: 1,
};

const R2_RECORDS_NUMBER: usize = 4;
const R2_RECORDS: usize = 5;

fn report2_fixup(fx: &mut Fixup) {
    if fx.is_auto(R2_RECORDS_NUMBER) {
        let n = match fx.layer().get(R2_RECORDS) {
            Some(Value::Options(r)) => r.len(),
            _ => 0,
        };
        fx.put16(6, n.min(0xffff) as u16);
    }
    fixup(fx);
}

pub static MLD_REPORT2: LayerDef = LayerDef {
    fixup: Some(report2_fixup),
    ..message(
        "ICMPv6MLReport2",
        "MLDv2 - Multicast Listener Report",
        &[
            ty(143),
            byte("res", 0),
            cksum(),
            short("reserved", 0),
            auto("records_number", 16),
            Field::new(
                "records",
                Kind::Options(&MLD_RECORDS, Len::Rest),
                Default::Empty,
            )
            .doc("a list of ICMPv6MLDMultAddrRec"),
        ],
    )
};

// --------------------------------------------------------- neighbour discovery

/// Neighbour discovery messages are followed by options.
fn nd_next(_: &Layer) -> Option<Next> {
    Some(Next::Layer(&OPT_UNKNOWN))
}

const fn nd(name: &'static str, long: &'static str, fields: &'static [Field]) -> LayerDef {
    LayerDef {
        guess_next: Some(nd_next),
        ..message(name, long, fields)
    }
}

const ND_TGT: usize = 4;

fn tgt_summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let i = l.def.field_index("tgt").unwrap_or(ND_TGT);
    format!(
        "{} (tgt: {})",
        l.def.long_name,
        int_repr(l, &l.def.fields[i], l.wide(i))
    )
}

fn ra_summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let v = |name: &str| {
        l.def
            .field_index(name)
            .map(|i| int_repr(l, &l.def.fields[i], l.wide(i)))
            .unwrap_or_default()
    };
    format!(
        "{} Lifetime {} Hop Limit {} Preference {} Managed {} Other {} Home {}",
        l.def.long_name,
        v("routerlifetime"),
        v("chlim"),
        v("prf"),
        v("M"),
        v("O"),
        v("H")
    )
}

pub static ND_RS: LayerDef = nd(
    "ICMPv6ND_RS",
    "ICMPv6 Neighbor Discovery - Router Solicitation",
    &[ty(133), byte("code", 0), cksum(), int("res", 0)],
);

pub static ND_RA: LayerDef = LayerDef {
    summary: Some(ra_summary),
    ..nd(
        "ICMPv6ND_RA",
        "ICMPv6 Neighbor Discovery - Router Advertisement",
        &[
            ty(134),
            byte("code", 0),
            cksum(),
            byte("chlim", 0),
            bits("M", 1, 0),
            bits("O", 1, 0),
            bits("H", 1, 0),
            bits("prf", 2, 1).show(Show::Enum(RA_PREFS)),
            bits("P", 1, 0),
            bits("res", 2, 0),
            short("routerlifetime", 1800),
            int("reachabletime", 0),
            int("retranstimer", 0),
        ],
    )
};

pub static ND_NS: LayerDef = LayerDef {
    summary: Some(tgt_summary),
    ..nd(
        "ICMPv6ND_NS",
        "ICMPv6 Neighbor Discovery - Neighbor Solicitation",
        &[
            ty(135),
            byte("code", 0),
            cksum(),
            int("res", 0),
            ipv6("tgt", 0),
        ],
    )
};

pub static ND_NA: LayerDef = LayerDef {
    summary: Some(tgt_summary),
    ..nd(
        "ICMPv6ND_NA",
        "ICMPv6 Neighbor Discovery - Neighbor Advertisement",
        &[
            ty(136),
            byte("code", 0),
            cksum(),
            bits("R", 1, 1).doc("router"),
            bits("S", 1, 0).doc("solicited"),
            bits("O", 1, 1).doc("override"),
            bits("res", 29, 0).hex(),
            ipv6("tgt", 0),
        ],
    )
};

pub static ND_REDIRECT: LayerDef = nd(
    "ICMPv6ND_Redirect",
    "ICMPv6 Neighbor Discovery - Redirect",
    &[
        ty(137),
        byte("code", 0),
        cksum(),
        int("res", 0).hex(),
        ipv6("tgt", 0),
        ipv6("dst", 0),
    ],
);

// ------------------------------------------------------------- ND options

/// The option that really decodes these bytes (Scapy's `icmp6ndoptscls`).
fn opt_dispatch(data: &[u8]) -> &'static LayerDef {
    if data.len() <= 1 {
        return super::raw();
    }
    match data[0] {
        1 => &OPT_SRC_LLADDR,
        2 => &OPT_DST_LLADDR,
        3 => &OPT_PREFIX_INFO,
        4 => &OPT_REDIRECTED_HDR,
        5 => &OPT_MTU,
        25 => &OPT_RDNSS,
        _ => &OPT_UNKNOWN,
    }
}

fn opt_summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let shown = |name: &str| {
        l.def
            .field_index(name)
            .map(|i| int_repr(l, &l.def.fields[i], l.wide(i)))
    };
    if let Some(v) = shown("lladdr").or_else(|| shown("mtu")) {
        return format!("{} {v}", l.def.long_name);
    }
    if let Some(i) = l.def.field_index("dns") {
        // an unset list is empty: Scapy still names the option
        let parts: Vec<String> = match l.get(i) {
            Some(Value::Addrs(a)) => a.iter().map(|x| (kinds::IPV6.format)(*x)).collect(),
            _ => Vec::new(),
        };
        return format!("{} {}", l.def.long_name, parts.join(", "));
    }
    match (shown("prefix"), shown("prefixlen")) {
        (Some(p), Some(n)) => format!(
            "{} {p}/{n} On-link {} Autonomous Address {} Router Address {}",
            l.def.long_name,
            shown("L").unwrap_or_default(),
            shown("A").unwrap_or_default(),
            shown("R").unwrap_or_default()
        ),
        _ => String::new(),
    }
}

/// An option's unset length in 8-octet units, from what was built.
fn opt_len_fixup(fx: &mut Fixup) {
    if fx.is_auto(1) {
        let n = fx.header_end() - fx.start();
        fx.put8(1, n.div_ceil(8).min(255) as u8);
    }
}

const fn nd_option(name: &'static str, long: &'static str, fields: &'static [Field]) -> LayerDef {
    LayerDef {
        dispatch: Some(opt_dispatch),
        guess_next: Some(nd_next),
        summary: Some(opt_summary),
        fixup: Some(opt_len_fixup),
        doc: "A neighbour discovery option; stack it after the ND message.",
        ..LayerDef::base(name, long, LayerKind::Protocol, fields)
    }
}

pub static OPT_UNKNOWN: LayerDef = nd_option(
    "ICMPv6NDOptUnknown",
    "ICMPv6 Neighbor Discovery Option - Scapy Unimplemented",
    &[
        byte("type", 0),
        auto("len", 8).class("FieldLenField"),
        Field::new(
            "data",
            Kind::Bytes(Len::From(|l| {
                (8 * (l.int(1) as usize).max(1)).saturating_sub(2)
            })),
            Default::Bytes(b""),
        )
        .class("ICMPv6NDOptDataField"),
    ],
);

pub static OPT_SRC_LLADDR: LayerDef = nd_option(
    "ICMPv6NDOptSrcLLAddr",
    "ICMPv6 Neighbor Discovery Option - Source Link-Layer Address",
    &[
        byte("type", 1),
        byte("len", 1),
        mac("lladdr", 0)
            .class("SourceMACField")
            .scapy_default("None"),
    ],
);

pub static OPT_DST_LLADDR: LayerDef = nd_option(
    "ICMPv6NDOptDstLLAddr",
    "ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address",
    &[
        byte("type", 2),
        byte("len", 1),
        mac("lladdr", 0)
            .class("SourceMACField")
            .scapy_default("None"),
    ],
);

pub static OPT_PREFIX_INFO: LayerDef = nd_option(
    "ICMPv6NDOptPrefixInfo",
    "ICMPv6 Neighbor Discovery Option - Prefix Information",
    &[
        byte("type", 3),
        byte("len", 4),
        byte("prefixlen", 64),
        bits("L", 1, 1),
        bits("A", 1, 1),
        bits("R", 1, 0),
        bits("res1", 5, 0),
        int("validlifetime", 0xffff_ffff).hex(),
        int("preferredlifetime", 0xffff_ffff).hex(),
        int("res2", 0).hex(),
        ipv6("prefix", 0),
    ],
);

pub static OPT_REDIRECTED_HDR: LayerDef = nd_option(
    "ICMPv6NDOptRedirectedHdr",
    "ICMPv6 Neighbor Discovery Option - Redirected Header",
    &[
        byte("type", 4),
        auto("len", 8).class("FieldLenField"),
        Field::new("res", Kind::Bytes(Len::Fixed(6)), Default::Bytes(&[0; 6])).class("MayEnd"),
        Field::new(
            "pkt",
            Kind::Bytes(Len::From(|l| (8 * l.int(1) as usize).saturating_sub(8))),
            Default::Bytes(b""),
        )
        .class("TruncPktLenField")
        .doc("the start of the redirected packet"),
    ],
);

pub static OPT_MTU: LayerDef = nd_option(
    "ICMPv6NDOptMTU",
    "ICMPv6 Neighbor Discovery Option - MTU",
    &[
        byte("type", 5),
        byte("len", 1),
        short("res", 0).hex(),
        int("mtu", 1280),
    ],
);

pub static OPT_RDNSS: LayerDef = nd_option(
    "ICMPv6NDOptRDNSS",
    "ICMPv6 Neighbor Discovery Option - Recursive DNS Server Option",
    &[
        byte("type", 25),
        auto("len", 8).class("FieldLenField"),
        auto("res", 16),
        int("lifetime", 0xffff_ffff),
        Field::new(
            "dns",
            Kind::AddrList(
                &kinds::IPV6,
                Len::From(|l| (8 * (l.int(1) as usize)).saturating_sub(8)),
            ),
            Default::Empty,
        ),
    ],
);

pub static DEFS: &[&LayerDef] = &[
    &UNKNOWN,
    &DEST_UNREACH,
    &PACKET_TOO_BIG,
    &TIME_EXCEEDED,
    &PARAM_PROBLEM,
    &ECHO_REQUEST,
    &ECHO_REPLY,
    &MLD_QUERY,
    &MLD_REPORT,
    &MLD_DONE,
    &MLD_QUERY2,
    &MLD_RECORD,
    &MLD_REPORT2,
    &ND_RS,
    &ND_RA,
    &ND_NS,
    &ND_NA,
    &ND_REDIRECT,
    &OPT_UNKNOWN,
    &OPT_SRC_LLADDR,
    &OPT_DST_LLADDR,
    &OPT_PREFIX_INFO,
    &OPT_REDIRECTED_HDR,
    &OPT_MTU,
    &OPT_RDNSS,
];

const ALL_NODES: u128 = 0xff02 << 112 | 1;
const ALL_ROUTERS: u128 = 0xff02 << 112 | 2;
const MLDV2_ROUTERS: u128 = 0xff02 << 112 | 0x16;

const fn on_ipv6(upper: &'static LayerDef, extra: &'static [(&'static str, u128)]) -> Bind {
    Bind::new(&IPV6_LAYER, upper, &[("nh", 58)]).overloads(extra)
}

/// Scapy's `overload_fields` of each message: nh 58, and the group address
/// and hop limit RFC 4861 and RFC 3810 prescribe.
pub static BINDS: &[Bind] = &[
    on_ipv6(&UNKNOWN, &[]),
    on_ipv6(&DEST_UNREACH, &[]),
    on_ipv6(&PACKET_TOO_BIG, &[]),
    on_ipv6(&TIME_EXCEEDED, &[]),
    on_ipv6(&PARAM_PROBLEM, &[]),
    on_ipv6(&ECHO_REQUEST, &[]),
    on_ipv6(&ECHO_REPLY, &[]),
    on_ipv6(&MLD_QUERY, &[("dst", ALL_NODES), ("hlim", 1)]),
    on_ipv6(&MLD_REPORT, &[("hlim", 1)]),
    on_ipv6(&MLD_DONE, &[("dst", ALL_ROUTERS), ("hlim", 1)]),
    on_ipv6(&MLD_QUERY2, &[("dst", ALL_NODES), ("hlim", 1)]),
    on_ipv6(&MLD_REPORT2, &[("dst", MLDV2_ROUTERS), ("hlim", 1)]),
    on_ipv6(&ND_RS, &[("dst", ALL_ROUTERS), ("hlim", 255)]),
    on_ipv6(&ND_RA, &[("dst", ALL_NODES), ("hlim", 255)]),
    on_ipv6(&ND_NS, &[("dst", ALL_NODES), ("hlim", 255)]),
    on_ipv6(&ND_NA, &[("dst", ALL_NODES), ("hlim", 255)]),
    on_ipv6(&ND_REDIRECT, &[("dst", ALL_NODES), ("hlim", 255)]),
];
