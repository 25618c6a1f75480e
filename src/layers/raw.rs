//! Raw payload bytes and trailing padding.

use crate::packet::decl::{Default, Field, Kind, LayerDef, LayerKind, Len};
use crate::packet::Packet;

static LOAD: [Field; 1] =
    [Field::new("load", Kind::Bytes(Len::Rest), Default::Bytes(b"")).doc("the payload bytes")];

fn raw_answers(
    _reply: &Packet,
    _ri: usize,
    _req: &Packet,
    _qi: usize,
    _o: &crate::packet::matching::MatchOpts,
) -> bool {
    true
}

/// Payload bytes no layer claims.
pub static RAW: LayerDef = LayerDef {
    doc: "Payload bytes that no other layer claims.",
    answers: Some(raw_answers),
    ..LayerDef::base("Raw", "Raw", LayerKind::Raw, &LOAD)
};

/// Bytes past a layer's stated length (an Ethernet minimum frame, a lying IP length).
/// Built after everything else and never counted in lengths or checksums.
pub static PADDING: LayerDef = LayerDef {
    doc: "Bytes past a layer's stated length; not counted in lengths or checksums.",
    ..LayerDef::base("Padding", "Padding", LayerKind::Padding, &LOAD)
};

pub static DEFS: &[&LayerDef] = &[&RAW, &PADDING];
