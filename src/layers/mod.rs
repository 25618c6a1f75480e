//! Protocol declarations, one file per protocol. Each file exports `DEFS`, the
//! layer declarations it owns; the registry below is the only other place a
//! new protocol is named.

pub mod arp;
pub mod ether;
pub mod icmp;
pub mod ipv4;
pub mod loopback;
pub mod names;
pub mod raw;
pub mod sll;
pub mod tcp;
pub mod udp;

use crate::packet::decl::LayerDef;
use std::sync::OnceLock;

/// Every declaration file, in dissection-preference order.
fn files() -> [&'static [&'static LayerDef]; 9] {
    [
        ether::DEFS,
        arp::DEFS,
        ipv4::DEFS,
        icmp::DEFS,
        udp::DEFS,
        tcp::DEFS,
        sll::DEFS,
        loopback::DEFS,
        raw::DEFS,
    ]
}

/// All declared layers (protocols, IP options, Raw, Padding).
pub fn all() -> &'static [&'static LayerDef] {
    static ALL: OnceLock<Vec<&'static LayerDef>> = OnceLock::new();
    ALL.get_or_init(|| files().into_iter().flatten().copied().collect())
}

/// A layer by constructor name; `quoted` is true for the `IPerror` family.
pub fn by_name(name: &str) -> Option<(&'static LayerDef, bool)> {
    all().iter().find_map(|d| {
        if d.name == name {
            Some((*d, false))
        } else if d.quoted_names.is_some_and(|(q, _)| q == name) {
            Some((*d, true))
        } else {
            None
        }
    })
}

/// Every constructor name (layers and their quoted variants), for completion
/// and suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    all()
        .iter()
        .flat_map(|d| std::iter::once(d.name).chain(d.quoted_names.map(|(q, _)| q)))
}

/// The layer that records of capture link type `linktype` start with.
pub fn for_linktype(linktype: u32) -> Option<&'static LayerDef> {
    all()
        .iter()
        .copied()
        .find(|d| d.linktypes.contains(&linktype))
}

pub fn raw() -> &'static LayerDef {
    &raw::RAW
}

pub fn padding() -> &'static LayerDef {
    &raw::PADDING
}
