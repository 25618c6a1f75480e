//! Ethernet II.

use crate::packet::decl::{
    Default, Field, Kind, LayerDef, LayerKind, Names, Show, SummaryCtx, MAC,
};
use crate::packet::matching::{answers_at, hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::Packet;

const DST: usize = 0;
const SRC: usize = 1;
const TYPE: usize = 2;

/// EtherType names (Linux `if_ether.h`, as Scapy names them).
pub static ETHER_TYPES: Names = &[
    (0x0800, "IPv4"),
    (0x0805, "X25"),
    (0x0806, "ARP"),
    (0x0808, "FR_ARP"),
    (0x08ff, "BPQ"),
    (0x22f3, "TRILL"),
    (0x22f4, "L2_IS_IS"),
    (0x6558, "TEB"),
    (0x6559, "RAW_FR"),
    (0x8035, "RARP"),
    (0x809b, "ATALK"),
    (0x80f3, "AARP"),
    (0x8100, "n_802_1Q"),
    (0x8137, "IPX"),
    (0x8191, "NetBEUI"),
    (0x86dd, "IPv6"),
    (0x880b, "PPP"),
    (0x8847, "MPLS"),
    (0x8848, "MPLS_MULTI"),
    (0x884c, "ATMMPOA"),
    (0x8863, "PPP_DISC"),
    (0x8864, "PPP_SES"),
    (0x8884, "ATMFATE"),
    (0x888e, "EAPOL"),
    (0x88a8, "S_TAG"),
    (0x88c7, "EAP_PREAUTH"),
    (0x88cc, "LLDP"),
    (0x88e5, "MACSEC"),
    (0x88e7, "PBB"),
    (0x88f5, "MVRP"),
    (0x88f7, "PTP"),
    (0x8906, "FCOE"),
    (0x8914, "FIP"),
    (0x8915, "ROCE"),
    (0xa0ed, "LoWPAN"),
];

static FIELDS: [Field; 3] = [
    Field::new("dst", MAC, Default::Auto)
        .class("DestMACField")
        .doc("destination MAC; resolved from the neighbour table (ARP) at send time"),
    Field::new("src", MAC, Default::Auto)
        .class("SourceMACField")
        .doc("source MAC; the interface's at send time"),
    Field::new("type", Kind::Bits(16), Default::Int(0x9000))
        .show(Show::XEnum(ETHER_TYPES))
        .doc("EtherType; taken from the payload layer when unset"),
];

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    let ty = c.field_int(TYPE);
    format!(
        "{} > {} ({})",
        int_repr(l, &f[SRC], l.wide(SRC)),
        int_repr(l, &f[DST], l.wide(DST)),
        int_repr(l, &f[TYPE], u128::from(ty))
    )
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    key.extend_from_slice(&(p.field_int(i, TYPE) as u16).to_be_bytes());
    hashret_at(p, i + 1, o, key);
}

fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, o: &MatchOpts) -> bool {
    match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, &ETHER) => {
            reply.field_int(ri, TYPE) == req.field_int(qi, TYPE)
                && answers_at(reply, ri + 1, req, qi + 1, o)
        }
        _ => false,
    }
}

/// Ethernet II framing.
pub static ETHER: LayerDef = LayerDef {
    doc: "Ethernet II frame header. Unset addresses are filled at send time.",
    linktypes: &[1],
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    ..LayerDef::base("Ether", "Ethernet", LayerKind::Protocol, &FIELDS)
};

pub static DEFS: &[&LayerDef] = &[&ETHER];

/// The layer an EtherType announces (the layers bound on top of Ether), for
/// other framings that carry an EtherType (Linux cooked capture).
pub fn layer_for_type(ty: u64) -> Option<&'static LayerDef> {
    crate::layers::binds_above(&ETHER)
        .iter()
        .find(|b| b.fields == [("type", ty)])
        .map(|b| b.upper)
}

/// The EtherType that announces `def`, if it sits on Ethernet.
pub fn type_for_layer(def: &LayerDef) -> Option<u64> {
    crate::layers::bind_between(&ETHER, def)
        .and_then(|b| b.fields.iter().find(|(n, _)| *n == "type"))
        .map(|(_, v)| *v)
}
