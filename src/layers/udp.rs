//! UDP (RFC 768).

use super::names::UDP_SERVICES;
use crate::packet::decl::{auto, short, Bind, Fixup, LayerDef, LayerKind, Show, SummaryCtx};
use crate::packet::matching::{answers_at, hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::{Layer, Packet};

pub const SPORT: usize = 0;
pub const DPORT: usize = 1;
pub const LEN: usize = 2;
pub const CHKSUM: usize = 3;

static FIELDS: [crate::packet::decl::Field; 4] = [
    short("sport", 53).show(Show::Enum(UDP_SERVICES)),
    short("dport", 53).show(Show::Enum(UDP_SERVICES)),
    auto("len", 16).doc("header and payload length; computed when unset"),
    auto("chksum", 16)
        .hex()
        .doc("computed with the IPv4 pseudo-header when unset (0 is sent as 0xffff)"),
];

fn fixup(fx: &mut Fixup) {
    let total = fx.end - fx.start();
    if fx.is_auto(LEN) {
        fx.put_len16(4, "len", total);
    }
    if fx.is_auto(CHKSUM) {
        if let Some(sum) = fx.pseudo_sum(17, total) {
            fx.put_checksum(6, sum, true);
        }
    }
}

fn payload_len(l: &Layer, _hdr: usize, _rest: usize) -> Option<usize> {
    (l.int(LEN) as usize).checked_sub(8)
}

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    let sport = int_repr(l, &f[SPORT], l.wide(SPORT));
    let dport = int_repr(l, &f[DPORT], l.wide(DPORT));
    match c.under_addresses() {
        Some((src, dst)) => format!("UDP {src}:{sport} > {dst}:{dport}"),
        None => format!("UDP {sport} > {dport}"),
    }
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    // replies may come from another port (DNS): only the payload keys them
    hashret_at(p, i + 1, o, key);
}

fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, o: &MatchOpts) -> bool {
    let r = &reply.layers[ri];
    let q = match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, &UDP) => q,
        _ => return false,
    };
    if r.quoted {
        return !o.check_ip_src || (r.int(SPORT) == q.int(SPORT) && r.int(DPORT) == q.int(DPORT));
    }
    if o.check_ip_src && r.int(DPORT) != q.int(SPORT) {
        return false;
    }
    answers_at(reply, ri + 1, req, qi + 1, o)
}

/// User Datagram Protocol.
pub static UDP: LayerDef = LayerDef {
    quoted_names: Some(("UDPerror", "UDP in ICMP")),
    doc: "User Datagram Protocol (RFC 768). Length and checksum are computed when unset.",
    fixup: Some(fixup),
    payload_len: Some(payload_len),
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    ..LayerDef::base("UDP", "UDP", LayerKind::Protocol, &FIELDS)
};

pub static DEFS: &[&LayerDef] = &[&UDP];

pub static BINDS: &[Bind] = &[Bind::new(
    &super::ipv4::IP,
    &UDP,
    &[("frag", 0), ("proto", 17)],
)];
