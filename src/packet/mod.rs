//! The packet model: a `Packet` is a stack of layer instances. Building turns
//! it into bytes (filling computed fields), dissecting turns bytes back into
//! layers, and the display functions render it the way Scapy users expect.
//!
//! Public API at a glance:
//! - [`Packet`]: `layers`, `div` (Scapy's `/`), `build`, `dissect`, `count`/`iter` for sets
//! - [`Layer`]: a layer instance; `set_input`/`output` to set and read fields by name
//! - [`decl`]: the vocabulary protocol declarations are written in
//! - [`show`]: `show`, `show2`, `summary`, `repr`, `hexdump`, `command`, `ls`

pub mod build;
pub mod decl;
pub mod dissect;
pub mod iter;
pub mod json;
pub mod kinds;
pub mod layer;
pub mod matching;
pub mod show;
pub mod value;
pub mod verify;

pub use decl::LayerDef;
pub use layer::Layer;
pub use value::{Gen, Input, Output, Value};

use thiserror::Error;

/// A point in time with nanosecond resolution (packet timestamps).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    pub fn now() -> Timestamp {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp {
            secs: d.as_secs() as i64,
            nanos: d.subsec_nanos(),
        }
    }
    /// The clock now, to the microsecond: the time a crafted packet gets
    /// (Python's `time.time()` carries no more), so writing it makes a
    /// microsecond pcap as Scapy does; captured times keep nanoseconds.
    pub fn now_micros() -> Timestamp {
        let t = Timestamp::now();
        Timestamp {
            nanos: t.nanos - t.nanos % 1000,
            ..t
        }
    }
    pub fn as_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }
    /// A time set from a float: nanoseconds where the float has them, and
    /// microseconds for epoch-sized values (a 64-bit float near 1.7e9 s
    /// is only exact to about 0.24 µs; digits below would be noise).
    pub fn from_f64(t: f64) -> Timestamp {
        let secs = t.floor();
        let mut nanos = ((t - secs) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
        if t.abs() >= 4_194_304.0 {
            nanos = (((t - secs) * 1e6).round().clamp(0.0, 999_999.0) as u32) * 1000;
        }
        Timestamp {
            secs: secs as i64,
            nanos,
        }
    }
    /// `self - earlier` in whole nanoseconds, exactly.
    pub fn nanos_since(&self, earlier: &Timestamp) -> i128 {
        (i128::from(self.secs) - i128::from(earlier.secs)) * 1_000_000_000
            + (i128::from(self.nanos) - i128::from(earlier.nanos))
    }
    /// `self - earlier` in seconds.
    pub fn since(&self, earlier: &Timestamp) -> f64 {
        (self.secs - earlier.secs) as f64 + (f64::from(self.nanos) - f64::from(earlier.nanos)) / 1e9
    }
}

/// A packet kept as its bytes (engine results, capture records): compact,
/// dissected on demand.
#[derive(Clone, Debug)]
pub struct WirePacket {
    pub first: &'static LayerDef,
    pub bytes: Box<[u8]>,
    pub time: Timestamp,
    /// A pcapng comment read with the packet.
    pub comment: Option<Box<str>>,
    /// Its length on the wire, as a capture file recorded it (Scapy's
    /// `wirelen`; more than the bytes when they were cut to a snap length).
    pub wirelen: Option<u32>,
}

impl WirePacket {
    pub fn new(first: &'static LayerDef, bytes: &[u8], time: Timestamp) -> WirePacket {
        WirePacket {
            first,
            bytes: bytes.into(),
            time,
            comment: None,
            wirelen: None,
        }
    }
    /// The dissected packet, carrying its time.
    pub fn packet(&self) -> Packet {
        let mut p = dissect::dissect(self.first, &self.bytes);
        p.time = Some(self.time);
        p.comment = self.comment.as_deref().map(str::to_string);
        p.wirelen = self.wirelen;
        p
    }
}

/// A packet: layers from the outermost (first) to the innermost (last).
#[derive(Clone, Default, PartialEq, Debug)]
pub struct Packet {
    pub layers: Vec<Layer>,
    /// When the packet was captured or sent.
    pub time: Option<Timestamp>,
    /// Free text carried into pcapng comments.
    pub comment: Option<String>,
    /// Length on the wire when read from a capture (Scapy's `wirelen`),
    /// written back as the record's original length.
    pub wirelen: Option<u32>,
}

/// Errors from the packet model.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    #[error("unknown field `{field}` for {layer}{}", suggest(.suggestion))]
    UnknownField {
        layer: &'static str,
        field: String,
        suggestion: Option<String>,
    },
    #[error("bad value {got} for {layer}.{field}: expected {expected}{}", suggest(.suggestion))]
    BadValue {
        layer: &'static str,
        field: &'static str,
        got: String,
        expected: String,
        suggestion: Option<String>,
    },
    #[error("unknown layer `{name}`{}", suggest(.suggestion))]
    UnknownLayer {
        name: String,
        suggestion: Option<String>,
    },
    #[error("layer {0} not found in the packet")]
    LayerNotFound(String),
}

fn suggest(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

impl Packet {
    pub fn new() -> Packet {
        Packet::default()
    }

    /// A packet with one fresh layer of `def`.
    pub fn of(def: &'static LayerDef) -> Packet {
        Packet::from_layer(Layer::new(def))
    }

    /// Scapy's `/`: this packet with `other`'s layers stacked on top.
    pub fn div(&self, other: &Packet) -> Packet {
        let mut layers = Vec::with_capacity(self.layers.len() + other.layers.len());
        layers.extend(self.layers.iter().cloned());
        layers.extend(other.layers.iter().cloned());
        Packet {
            layers,
            time: self.time,
            comment: self.comment.clone(),
            wirelen: self.wirelen,
        }
    }

    /// The packet from layer `idx` inward (Scapy's `p[ICMP]`, `p.payload`).
    pub fn from_index(&self, idx: usize) -> Packet {
        Packet {
            layers: self
                .layers
                .get(idx..)
                .map(<[Layer]>::to_vec)
                .unwrap_or_default(),
            time: self.time,
            comment: None,
            wirelen: None,
        }
    }

    /// Index of the first layer called `name` (`IP` finds only real IP layers,
    /// `IPerror` only the ones quoted in an ICMP error).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.find_from(name, 0)
    }

    pub fn find_from(&self, name: &str, from: usize) -> Option<usize> {
        (from..self.layers.len()).find(|&i| layer_matches(&self.layers[i], name))
    }

    /// The value a payload layer imposes on an unset field of layer `idx`
    /// (IP `proto` under ICMP, Ether `type` under IP).
    pub fn overload(&self, idx: usize, field: usize) -> Option<u128> {
        overload_in(&self.layers, idx, field)
    }

    /// The integer value of a field as it would be built: set value, else the
    /// payload's overload, else the default.
    pub fn field_int(&self, idx: usize, field: usize) -> u64 {
        field_int_in(&self.layers, idx, field) as u64
    }

    /// `field_int` at full width (IPv6 addresses).
    pub fn field_wide(&self, idx: usize, field: usize) -> u128 {
        field_int_in(&self.layers, idx, field)
    }

    /// Reads a field by layer index and name.
    pub fn field_output(&self, idx: usize, name: &str) -> Result<Output, Error> {
        let l = &self.layers[idx];
        let f = l.field_index(name)?;
        let ov = if l.is_set(f) {
            None
        } else {
            self.overload(idx, f)
        };
        Ok(l.output(f, ov))
    }

    /// Sets a field on the first layer that has it, Scapy-style (`p.ttl = 3`).
    pub fn set_by_name(&mut self, name: &str, input: Input) -> Result<(), Error> {
        let idx = self
            .layers
            .iter()
            .position(|l| l.def.field_index(name).is_some());
        match idx {
            Some(i) => self.layers[i].set_input(name, input),
            None => Err(match self.layers.first() {
                Some(l) => l
                    .field_index(name)
                    .err()
                    .unwrap_or(Error::LayerNotFound(name.into())),
                None => Error::LayerNotFound(name.into()),
            }),
        }
    }

    /// The first layer that has a field called `name`, Scapy's attribute lookup.
    pub fn layer_with_field(&self, name: &str) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| l.def.field_index(name).is_some())
    }

    /// Builds the packet into a new buffer.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        build::build_into(self, &mut out);
        out
    }

    /// Dissects `data` starting with the layer `first`.
    pub fn dissect(first: &'static LayerDef, data: &[u8]) -> Packet {
        dissect::dissect(first, data)
    }

    /// Every field of every layer set to the value it builds with (Scapy's
    /// `show2`/`command` view of a built packet).
    pub fn rebuilt(&self) -> Packet {
        let bytes = self.build();
        match self.layers.first() {
            Some(l) => {
                let mut p = dissect::dissect_as(l.def, &bytes, l.quoted);
                p.time = self.time;
                p.comment = self.comment.clone();
                p.wirelen = self.wirelen;
                p
            }
            None => Packet::default(),
        }
    }

    /// Total length in bytes when built.
    pub fn len(&self) -> usize {
        self.build().len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

/// The value the layer above `idx` imposes on an unset field of it.
pub fn overload_in(layers: &[Layer], idx: usize, field: usize) -> Option<u128> {
    let lower = layers.get(idx)?;
    let upper = layers.get(idx + 1)?;
    let name = lower.def.fields.get(field)?.name;
    crate::layers::bind_between(lower.def, upper.def)?.overload(name)
}

/// A field's integer value as built: set value, else overload, else default.
pub fn field_int_in(layers: &[Layer], idx: usize, field: usize) -> u128 {
    let l = &layers[idx];
    if l.is_set(field) {
        return l.wide(field);
    }
    overload_in(layers, idx, field).unwrap_or_else(|| l.wide(field))
}

/// True when `l` answers to the layer name `name` (`IP`, `IPerror`, `Raw`...).
/// A layer quoted inside an ICMP error answers only to its quoted name, as in
/// Scapy, where `TCP in r` is False for an ICMP error quoting a TCP segment.
pub fn layer_matches(l: &Layer, name: &str) -> bool {
    match (l.quoted, l.def.quoted_names) {
        (true, Some((q, _))) => q == name,
        _ => l.def.name == name,
    }
}
