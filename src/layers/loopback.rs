//! BSD loopback encapsulation (LINKTYPE_NULL, 0): a 4-byte address family in
//! the writer's byte order (little-endian here, as Scapy and Linux tools write).

use crate::packet::decl::{Bind, Default, Field, Kind, LayerDef, LayerKind, Names, Next, Show};
use crate::packet::Layer;

static FAMILIES: Names = &[
    (2, "IPv4"),
    (7, "OSI"),
    (16, "Appletalk"),
    (23, "Netware IPX/SPX"),
    (24, "IPv6"),
    (28, "IPv6"),
    (30, "IPv6"),
];

static FIELDS: [Field; 1] = [Field::new("type", Kind::Bits(32), Default::Int(2))
    .le()
    .class("LoIntEnumField")
    .show(Show::Enum(FAMILIES))
    .doc("address family of the payload (2: IPv4)")];

/// Files from big-endian writers hold the family byte-swapped; accept both,
/// as Wireshark does.
fn guess_next(l: &Layer) -> Option<Next> {
    let ty = l.int(0);
    let family = if ty > 0xffff {
        ty.swap_bytes() >> 32
    } else {
        ty
    };
    let next = crate::layers::binds_above(&LOOPBACK)
        .iter()
        .find(|b| b.fields == [("type", family)]);
    Some(next.map_or(Next::Raw, |b| Next::Layer(b.upper)))
}

pub static LOOPBACK: LayerDef = LayerDef {
    doc: "BSD loopback header: the payload's address family.",
    linktypes: &[0],
    guess_next: Some(guess_next),
    ..LayerDef::base("Loopback", "Loopback", LayerKind::Protocol, &FIELDS)
};

pub static DEFS: &[&LayerDef] = &[&LOOPBACK];

pub static BINDS: &[Bind] = &[Bind::new(&LOOPBACK, &super::ipv4::IP, &[("type", 2)])];
