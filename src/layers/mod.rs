//! Protocol declarations, one file per protocol. Each file exports `DEFS`, the
//! layer declarations it owns, and `BINDS`, the `bind_layers` it adds (its
//! own layers on top of others, or others on top of its own); the registry
//! below is the only other place a new protocol is named.

pub mod arp;
pub mod ether;
pub mod icmp;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod loopback;
pub mod names;
pub mod raw;
pub mod sll;
pub mod tcp;
pub mod udp;

use crate::packet::decl::{Bind, LayerDef};
use std::collections::HashMap;
use std::sync::OnceLock;

type File = (&'static [&'static LayerDef], &'static [Bind]);

/// Every declaration file, in dissection-preference order.
fn files() -> [File; 11] {
    [
        (ether::DEFS, &[]),
        (arp::DEFS, arp::BINDS),
        (ipv4::DEFS, ipv4::BINDS),
        (icmp::DEFS, icmp::BINDS),
        (udp::DEFS, udp::BINDS),
        (tcp::DEFS, tcp::BINDS),
        (ipv6::DEFS, ipv6::BINDS),
        (icmpv6::DEFS, icmpv6::BINDS),
        (sll::DEFS, &[]),
        (loopback::DEFS, loopback::BINDS),
        (raw::DEFS, &[]),
    ]
}

/// All declared layers (protocols, IP options, Raw, Padding).
pub fn all() -> &'static [&'static LayerDef] {
    static ALL: OnceLock<Vec<&'static LayerDef>> = OnceLock::new();
    ALL.get_or_init(|| files().into_iter().flat_map(|f| f.0).copied().collect())
}

/// The bind table, resolved once: for each lower layer, the binds on top of
/// it in declaration order (the first that matches wins when dissecting).
struct Binds {
    above: HashMap<usize, Vec<&'static Bind>>,
    below: HashMap<usize, Vec<&'static Bind>>,
}

fn key(d: &LayerDef) -> usize {
    d as *const LayerDef as usize
}

fn binds() -> &'static Binds {
    static BINDS: OnceLock<Binds> = OnceLock::new();
    BINDS.get_or_init(|| {
        let mut b = Binds {
            above: HashMap::new(),
            below: HashMap::new(),
        };
        for bind in files().into_iter().flat_map(|f| f.1) {
            b.above.entry(key(bind.lower)).or_default().push(bind);
            b.below.entry(key(bind.upper)).or_default().push(bind);
        }
        b
    })
}

/// The binds of layers on top of `lower`, in preference order (those of
/// the layer it aliases when it has none of its own).
pub fn binds_above(lower: &LayerDef) -> &'static [&'static Bind] {
    match (binds().above.get(&key(lower)), lower.alias) {
        (Some(b), _) => b,
        (None, Some(a)) => binds_above(a),
        (None, None) => &[],
    }
}

/// The binds that put `upper` on top of some layer.
pub fn binds_below(upper: &LayerDef) -> &'static [&'static Bind] {
    binds().below.get(&key(upper)).map_or(&[], Vec::as_slice)
}

/// The bind that announces `upper` on top of `lower`, if any.
pub fn bind_between(lower: &LayerDef, upper: &LayerDef) -> Option<&'static Bind> {
    let lowers = || std::iter::once(lower).chain(lower.alias);
    lowers().find_map(|l| {
        binds_below(upper)
            .iter()
            .find(|b| std::ptr::eq(b.lower, l))
            .copied()
    })
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
