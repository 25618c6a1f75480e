//! Linux cooked capture headers (what `tcpdump -i any` records): SLL
//! (LINKTYPE_LINUX_SLL, 113) and SLL2 (LINKTYPE_LINUX_SLL2, 276). Both carry an
//! EtherType, so whatever sits on Ethernet sits on them too.

use super::ether::{layer_for_type, type_for_layer, ETHER_TYPES};
use crate::packet::decl::{
    byte, int, short, Default, Field, Fixup, Kind, LayerDef, LayerKind, Len, Names, Next, Show,
};
use crate::packet::Layer;

static PKTTYPES: Names = &[
    (0, "unicast"),
    (1, "broadcast"),
    (2, "multicast"),
    (3, "unicast-to-another-host"),
    (4, "sent-by-us"),
];

const fn proto() -> Field {
    Field::new("proto", Kind::Bits(16), Default::Int(0x0800))
        .show(Show::XEnum(ETHER_TYPES))
        .doc("EtherType of the payload; taken from the payload layer when unset")
}

const fn src() -> Field {
    Field::new("src", Kind::Bytes(Len::Fixed(8)), Default::Bytes(b""))
        .doc("link-layer source address, zero-padded to 8 bytes")
}

static SLL_FIELDS: [Field; 5] = [
    short("pkttype", 0).show(Show::Enum(PKTTYPES)),
    short("lladdrtype", 512)
        .hex()
        .doc("ARPHRD_ type of the interface (1: Ethernet)"),
    short("lladdrlen", 0),
    src(),
    proto(),
];

static SLL2_FIELDS: [Field; 7] = [
    proto(),
    short("reserved", 0),
    int("ifindex", 0),
    short("lladdrtype", 512)
        .hex()
        .doc("ARPHRD_ type of the interface (1: Ethernet)"),
    byte("pkttype", 0).show(Show::Enum(PKTTYPES)),
    byte("lladdrlen", 0),
    src(),
];

fn guess_next(l: &Layer) -> Option<Next> {
    let i = l.def.field_index("proto")?;
    layer_for_type(l.int(i)).map(Next::Layer)
}

/// `proto` follows the payload unless the user set it.
fn fixup(fx: &mut Fixup) {
    let l = fx.layer();
    let Some(i) = l.def.field_index("proto") else {
        return;
    };
    if l.is_set(i) {
        return;
    }
    let at = if std::ptr::eq(l.def, &COOKED_LINUX) {
        14
    } else {
        0
    };
    if let Some(ty) = fx
        .layers
        .get(fx.idx + 1)
        .and_then(|u| type_for_layer(u.def))
    {
        fx.put16(at, ty as u16);
    }
}

/// Linux cooked capture v1.
pub static COOKED_LINUX: LayerDef = LayerDef {
    doc: "Linux cooked capture header (SLL), as recorded on the `any` interface.",
    linktypes: &[113],
    guess_next: Some(guess_next),
    fixup: Some(fixup),
    ..LayerDef::base(
        "CookedLinux",
        "cooked linux",
        LayerKind::Protocol,
        &SLL_FIELDS,
    )
};

/// Linux cooked capture v2.
pub static COOKED_LINUX_V2: LayerDef = LayerDef {
    doc: "Linux cooked capture header v2 (SLL2): adds the interface index.",
    linktypes: &[276],
    guess_next: Some(guess_next),
    fixup: Some(fixup),
    ..LayerDef::base(
        "CookedLinuxV2",
        "cooked linux v2",
        LayerKind::Protocol,
        &SLL2_FIELDS,
    )
};

pub static DEFS: &[&LayerDef] = &[&COOKED_LINUX, &COOKED_LINUX_V2];
