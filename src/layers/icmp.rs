//! ICMP for IPv4: every type and code of RFC 792, 950, 1256, 1393, 1191, 4884
//! and the IANA registry, Scapy's names, and the type-dependent fields. Error
//! messages (3, 4, 5, 11, 12) carry the offending datagram, dissected as
//! IP-in-ICMP with its own transport header.

use super::ipv4::{ICMP_ERROR_TYPES, IP};
use crate::packet::decl::{
    auto, byte, ipv4, short, Bind, Default, Field, Fixup, Kind, LayerDef, LayerKind, Len, Names,
    Next, Phantom, Show, SummaryCtx,
};
use crate::packet::matching::{hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::{Layer, Packet};
use crate::wire::checksum;

pub const TYPE: usize = 0;
pub const CODE: usize = 1;
pub const CHKSUM: usize = 2;
pub const ID: usize = 3;
pub const SEQ: usize = 4;
pub const TS_ORI: usize = 5;
pub const TS_RX: usize = 6;
pub const TS_TX: usize = 7;
pub const GW: usize = 8;
pub const PTR: usize = 9;
pub const LENGTH: usize = 11;
pub const ADDR_MASK: usize = 12;
pub const NEXTHOPMTU: usize = 13;

/// Type names: Scapy's where Scapy has one, the IANA registry's otherwise.
pub static TYPES: Names = &[
    (0, "echo-reply"),
    (3, "dest-unreach"),
    (4, "source-quench"),
    (5, "redirect"),
    (6, "alternate-host-address"),
    (8, "echo-request"),
    (9, "router-advertisement"),
    (10, "router-solicitation"),
    (11, "time-exceeded"),
    (12, "parameter-problem"),
    (13, "timestamp-request"),
    (14, "timestamp-reply"),
    (15, "information-request"),
    (16, "information-response"),
    (17, "address-mask-request"),
    (18, "address-mask-reply"),
    (30, "traceroute"),
    (31, "datagram-conversion-error"),
    (32, "mobile-host-redirect"),
    (33, "ipv6-where-are-you"),
    (34, "ipv6-i-am-here"),
    (35, "mobile-registration-request"),
    (36, "mobile-registration-reply"),
    (37, "domain-name-request"),
    (38, "domain-name-reply"),
    (39, "skip"),
    (40, "photuris"),
    (41, "experimental-mobility"),
    (42, "extended-echo-request"),
    (43, "extended-echo-reply"),
    (253, "rfc3692-experiment-1"),
    (254, "rfc3692-experiment-2"),
];

static UNREACH_CODES: Names = &[
    (0, "network-unreachable"),
    (1, "host-unreachable"),
    (2, "protocol-unreachable"),
    (3, "port-unreachable"),
    (4, "fragmentation-needed"),
    (5, "source-route-failed"),
    (6, "network-unknown"),
    (7, "host-unknown"),
    (8, "source-host-isolated"),
    (9, "network-prohibited"),
    (10, "host-prohibited"),
    (11, "TOS-network-unreachable"),
    (12, "TOS-host-unreachable"),
    (13, "communication-prohibited"),
    (14, "host-precedence-violation"),
    (15, "precedence-cutoff"),
];
static REDIRECT_CODES: Names = &[
    (0, "network-redirect"),
    (1, "host-redirect"),
    (2, "TOS-network-redirect"),
    (3, "TOS-host-redirect"),
];
static ALT_HOST_CODES: Names = &[(0, "alternate-address-for-host")];
static ROUTER_ADV_CODES: Names = &[
    (0, "normal-router-advertisement"),
    (16, "does-not-route-common-traffic"),
];
static TIME_EXCEEDED_CODES: Names = &[
    (0, "ttl-zero-during-transit"),
    (1, "ttl-zero-during-reassembly"),
];
static PARAM_CODES: Names = &[
    (0, "ip-header-bad"),
    (1, "required-option-missing"),
    (2, "bad-length"),
];
static PHOTURIS_CODES: Names = &[
    (0, "bad-spi"),
    (1, "authentication-failed"),
    (2, "decompression-failed"),
    (3, "decryption-failed"),
    (4, "need-authentification"),
    (5, "need-authorization"),
];
static EXT_ECHO_REQ_CODES: Names = &[(0, "no-error")];
static EXT_ECHO_REPLY_CODES: Names = &[
    (0, "no-error"),
    (1, "malformed-query"),
    (2, "no-such-interface"),
    (3, "no-such-table-entry"),
    (4, "multiple-interfaces-satisfy-query"),
];

/// Code names for the layer's type.
pub fn codes_for(l: &Layer) -> Names {
    codes_of(l.int(TYPE))
}

pub fn codes_of(ty: u64) -> Names {
    match ty {
        3 => UNREACH_CODES,
        5 => REDIRECT_CODES,
        6 => ALT_HOST_CODES,
        9 => ROUTER_ADV_CODES,
        11 => TIME_EXCEEDED_CODES,
        12 => PARAM_CODES,
        40 => PHOTURIS_CODES,
        42 => EXT_ECHO_REQ_CODES,
        43 => EXT_ECHO_REPLY_CODES,
        _ => &[],
    }
}

/// Types with identifier and sequence number fields.
pub const ID_SEQ_TYPES: [u64; 10] = [0, 8, 13, 14, 15, 16, 17, 18, 37, 38];

/// (request, reply) type pairs.
pub const REQUEST_REPLY: [(u64, u64); 8] = [
    (8, 0),
    (13, 14),
    (15, 16),
    (17, 18),
    (33, 34),
    (35, 36),
    (37, 38),
    (42, 43),
];

fn ty(l: &Layer) -> u64 {
    l.int(TYPE)
}

/// The rest-of-header word no other field claims: 2 bytes after time-exceeded
/// and parameter-problem's length, 4 bytes for types without defined fields,
/// nothing otherwise.
fn unused_kind(l: &Layer) -> Kind {
    match ty(l) {
        11 | 12 => Kind::Bits(16),
        0 | 3 | 5 | 8 | 13..=18 => Kind::Bytes(Len::Fixed(0)),
        _ => Kind::Bits(32),
    }
}

static FIELDS: [Field; 15] = [
    byte("type", 8).show(Show::Enum(TYPES)),
    byte("code", 0).show(Show::EnumBy(codes_for)),
    auto("chksum", 16)
        .hex()
        .doc("computed over the ICMP message when unset"),
    short("id", 0)
        .hex()
        .when(|l| ID_SEQ_TYPES.contains(&ty(l)))
        .doc("identifier (echo, timestamp, information, address mask)"),
    short("seq", 0)
        .hex()
        .when(|l| ID_SEQ_TYPES.contains(&ty(l))),
    Field::new("ts_ori", Kind::Bits(32), Default::NowMs)
        .show(Show::TimeMs)
        .when(|l| matches!(ty(l), 13 | 14))
        .doc("originate timestamp, ms since midnight UTC (now when unset)"),
    Field::new("ts_rx", Kind::Bits(32), Default::NowMs)
        .show(Show::TimeMs)
        .when(|l| matches!(ty(l), 13 | 14))
        .doc("receive timestamp, ms since midnight UTC"),
    Field::new("ts_tx", Kind::Bits(32), Default::NowMs)
        .show(Show::TimeMs)
        .when(|l| matches!(ty(l), 13 | 14))
        .doc("transmit timestamp, ms since midnight UTC"),
    ipv4("gw", 0)
        .when(|l| ty(l) == 5)
        .doc("redirect: the better gateway"),
    byte("ptr", 0)
        .when(|l| ty(l) == 12)
        .doc("parameter problem: offset of the bad octet"),
    byte("reserved", 0).when(|l| matches!(ty(l), 3 | 11)),
    byte("length", 0)
        .when(|l| matches!(ty(l), 3 | 11 | 12))
        .doc("RFC 4884: length of the quoted datagram in 32-bit words"),
    ipv4("addr_mask", 0)
        .when(|l| matches!(ty(l), 17 | 18))
        .doc("address mask (RFC 950)"),
    short("nexthopmtu", 0)
        .when(|l| ty(l) == 3)
        .doc("fragmentation needed: MTU of the next hop (RFC 1191)"),
    Field::new("unused", Kind::Depends(unused_kind), Default::Int(0))
        .choices("ShortField, IntField, StrFixedLenField"),
];

/// Scapy's RFC 4884 extension fields, which packsmith doesn't carry (an
/// extension structure stays in the quoted datagram's bytes).
static PHANTOMS: [Phantom; 2] = [
    Phantom {
        after: "unused",
        name: "extpad",
        class: "_ICMPExtensionPadField",
        default: "b''",
        when: Some(|l| matches!(ty(l), 3 | 11 | 12)),
        shown: "b''",
        in_repr: true,
    },
    Phantom {
        after: "unused",
        name: "ext",
        class: "_ICMPExtensionField",
        default: "None",
        when: Some(|l| matches!(ty(l), 3 | 11 | 12)),
        shown: "None",
        in_repr: false,
    },
];

fn fixup(fx: &mut Fixup) {
    if fx.is_auto(CHKSUM) {
        fx.put16(2, 0);
        let c = checksum(fx.whole());
        fx.put16(2, c);
    }
}

fn guess_next(l: &Layer) -> Option<Next> {
    ICMP_ERROR_TYPES
        .contains(&ty(l))
        .then_some(Next::Quoted(&IP))
}

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    let tc = format!(
        "{} {}",
        int_repr(l, &f[TYPE], l.wide(TYPE)),
        int_repr(l, &f[CODE], l.wide(CODE))
    );
    match c.under() {
        Some(u) if std::ptr::eq(u.def, &IP) => {
            let uf = &u.def.fields;
            format!(
                "ICMP {} > {} {tc}",
                int_repr(u, &uf[super::ipv4::SRC], u.int_shown(super::ipv4::SRC)),
                int_repr(u, &uf[super::ipv4::DST], u.wide(super::ipv4::DST)),
            )
        }
        _ => format!("ICMP {tc}"),
    }
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    let l = &p.layers[i];
    if ID_SEQ_TYPES.contains(&ty(l)) {
        key.extend_from_slice(&(l.int(ID) as u16).to_be_bytes());
        key.extend_from_slice(&(l.int(SEQ) as u16).to_be_bytes());
    }
    hashret_at(p, i + 1, o, key);
}

/// A reply answers its request type with the same id and seq. Inside an
/// error, the quoted ICMP must be the request itself: same type and code, and
/// for types with id/seq, the same id and seq (Scapy tests the code here).
fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, _o: &MatchOpts) -> bool {
    let r = &reply.layers[ri];
    let q = match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, &ICMP) => q,
        _ => return false,
    };
    let same_id_seq = || {
        (!r.present(ID) || r.int(ID) == q.int(ID)) && (!r.present(SEQ) || r.int(SEQ) == q.int(SEQ))
    };
    if r.quoted {
        if ty(r) != ty(q) || (r.present(CODE) && r.int(CODE) != q.int(CODE)) {
            return false;
        }
        return !ID_SEQ_TYPES.contains(&ty(r)) || same_id_seq();
    }
    REQUEST_REPLY.contains(&(ty(q), ty(r))) && same_id_seq()
}

/// Internet Control Message Protocol.
pub static ICMP: LayerDef = LayerDef {
    quoted_names: Some(("ICMPerror", "ICMP in ICMP")),
    doc: "Internet Control Message Protocol (RFC 792). Fields after the checksum depend \
          on `type`: id/seq (echo, info, mask), timestamps (13/14), gw (5), ptr (12), \
          length and nexthopmtu (3), addr_mask (17/18).",
    fixup: Some(fixup),
    guess_next: Some(guess_next),
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    phantoms: &PHANTOMS,
    ..LayerDef::base("ICMP", "ICMP", LayerKind::Protocol, &FIELDS)
};

pub static DEFS: &[&LayerDef] = &[&ICMP];

/// Name of an ICMP type (`echo-request`), if it has one.
pub fn type_name(t: u64) -> Option<&'static str> {
    crate::packet::decl::name_of(TYPES, t)
}

/// Name of an ICMP code for a type (`port-unreachable`), if it has one.
pub fn code_name(t: u64, c: u64) -> Option<&'static str> {
    crate::packet::decl::name_of(codes_of(t), c)
}

pub static BINDS: &[Bind] = &[Bind::new(
    &super::ipv4::IP,
    &ICMP,
    &[("frag", 0), ("proto", 1)],
)];
