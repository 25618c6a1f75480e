//! ARP (RFC 826) for Ethernet and IPv4; other address sizes are kept as bytes.

use super::ether::ETHER_TYPES;
use crate::packet::decl::{
    auto, Bind, Default, Field, Fixup, Kind, LayerDef, LayerKind, Len, Names, Show, SummaryCtx,
    IPV4, MAC,
};
use crate::packet::matching::{hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::Layer;
use crate::packet::Packet;

const HWTYPE: usize = 0;
const PTYPE: usize = 1;
const HWLEN: usize = 2;
const PLEN: usize = 3;
const OP: usize = 4;
const HWSRC: usize = 5;
const PSRC: usize = 6;

const PDST: usize = 8;

static HWTYPES: Names = &[
    (1, "Ethernet (10Mb)"),
    (2, "Ethernet (3Mb)"),
    (3, "AX.25"),
    (6, "IEEE 802 networks"),
    (7, "ARCNET"),
    (15, "Frame Relay"),
    (16, "ATM"),
    (18, "Fibre Channel"),
    (20, "Serial Line"),
    (24, "IEEE 1394.1995"),
    (32, "InfiniBand"),
];

static OPS: Names = &[
    (1, "who-has"),
    (2, "is-at"),
    (3, "RARP-req"),
    (4, "RARP-rep"),
    (5, "Dyn-RARP-req"),
    (6, "Dyn-RAR-rep"),
    (7, "Dyn-RARP-err"),
    (8, "InARP-req"),
    (9, "InARP-rep"),
];

/// Hardware addresses are MACs unless the packet says they are not 6 bytes long.
fn hw_kind(l: &Layer) -> Kind {
    if !l.is_set(HWLEN) || l.int(HWLEN) == 6 {
        MAC
    } else {
        Kind::Bytes(Len::From(|l| l.int(HWLEN) as usize))
    }
}

/// Protocol addresses are IPv4 unless the packet says they are not 4 bytes long.
fn proto_kind(l: &Layer) -> Kind {
    if !l.is_set(PLEN) || l.int(PLEN) == 4 {
        IPV4
    } else {
        Kind::Bytes(Len::From(|l| l.int(PLEN) as usize))
    }
}

static FIELDS: [Field; 9] = [
    Field::new("hwtype", Kind::Bits(16), Default::Int(1)).show(Show::XEnum(HWTYPES)),
    Field::new("ptype", Kind::Bits(16), Default::Int(0x0800)).show(Show::XEnum(ETHER_TYPES)),
    auto("hwlen", 8)
        .class("FieldLenField")
        .doc("hardware address length; from hwsrc when unset"),
    auto("plen", 8)
        .class("FieldLenField")
        .doc("protocol address length; from psrc when unset"),
    Field::new("op", Kind::Bits(16), Default::Int(1)).show(Show::Enum(OPS)),
    Field::new("hwsrc", Kind::Depends(hw_kind), Default::Auto)
        .choices("SourceMACField, StrFixedLenField")
        .doc("sender MAC; the interface's at send time"),
    Field::new("psrc", Kind::Depends(proto_kind), Default::Auto)
        .choices("SourceIPField, SourceIP6Field, StrFixedLenField")
        .doc("sender IP; the interface's at send time"),
    Field::new("hwdst", Kind::Depends(hw_kind), Default::Int(0))
        .choices("MACField, StrFixedLenField")
        .scapy_default("None"),
    Field::new("pdst", Kind::Depends(proto_kind), Default::Int(0))
        .choices("IPField, IP6Field, StrFixedLenField")
        .scapy_default("None"),
];

fn fixup(fx: &mut Fixup) {
    let l = fx.layer();
    let hw = if l.is_auto(HWLEN) {
        Some(match l.get(HWSRC) {
            Some(crate::packet::Value::Bytes(b)) => b.len() as u8,
            _ => 6,
        })
    } else {
        None
    };
    let pl = if l.is_auto(PLEN) {
        Some(match l.get(PSRC) {
            Some(crate::packet::Value::Bytes(b)) => b.len() as u8,
            _ => 4,
        })
    } else {
        None
    };
    if let Some(v) = hw {
        fx.put8(4, v);
    }
    if let Some(v) = pl {
        fx.put8(5, v);
    }
}

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    let show = |i: usize| match l.get(i) {
        Some(v) => crate::packet::show::value_repr(l, &f[i], v),
        None => match f[i].default {
            Default::Auto => "None".into(),
            _ => int_repr(l, &f[i], l.wide(i)),
        },
    };
    match l.int(OP) {
        1 => format!("ARP who has {} says {}", show(PDST), show(PSRC)),
        2 => format!("ARP is at {} says {}", show(HWSRC), show(PSRC)),
        _ => format!(
            "ARP {} {} > {}",
            int_repr(l, &f[OP], l.wide(OP)),
            show(PSRC),
            show(PDST)
        ),
    }
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    let l = &p.layers[i];
    key.extend_from_slice(&(l.int(HWTYPE) as u16).to_be_bytes());
    key.extend_from_slice(&(l.int(PTYPE) as u16).to_be_bytes());
    key.extend_from_slice(&(l.int(OP).div_ceil(2) as u16).to_be_bytes());
    hashret_at(p, i + 1, o, key);
}

/// A reply answers a request when its op is the request's plus one and it
/// speaks for the address the request asked about.
fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, _o: &MatchOpts) -> bool {
    let r = &reply.layers[ri];
    match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, &ARP) => {
            r.int(OP) == q.int(OP) + 1 && r.int(PSRC) == q.int(PDST)
        }
        _ => false,
    }
}

/// ARP carries nothing after its addresses: what follows (the Ethernet
/// minimum-frame trailer) is Padding, as Scapy and tshark show it.
fn no_payload(_: &Layer, _hdr: usize, _rest: usize) -> Option<usize> {
    Some(0)
}

/// ARP over Ethernet.
pub static ARP: LayerDef = LayerDef {
    doc: "Address Resolution Protocol (RFC 826). `op` is who-has (1) or is-at (2).",
    fixup: Some(fixup),
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    payload_len: Some(no_payload),
    ..LayerDef::base("ARP", "ARP", LayerKind::Protocol, &FIELDS)
};

pub static DEFS: &[&LayerDef] = &[&ARP];

pub static BINDS: &[Bind] = &[Bind::new(&super::ether::ETHER, &ARP, &[("type", 0x0806)])];
