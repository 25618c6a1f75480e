//! Field values: what a layer instance stores for each field it was given,
//! implicit packet sets (`Gen`), random values (`Rand`), and the neutral
//! `Input`/`Output` types callers (the language) use to set and read fields.

use super::kinds::AddrKind;
use super::layer::Layer;

/// A value stored in a layer's field.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An integer or an address (128 bits hold every field kind).
    Int(u128),
    Bytes(Vec<u8>),
    /// Option sub-layers (IP options).
    Options(Vec<Layer>),
    /// TCP-style options: `(kind, value)`.
    Tlvs(Vec<Tlv>),
    /// A list of addresses (of the field's address kind).
    Addrs(Vec<u128>),
    /// An implicit set: the packet stands for one packet per element.
    Gen(Box<Gen>),
    /// A fresh random value at every build.
    Rand(Rand),
}

/// One TCP-style option.
#[derive(Clone, Debug, PartialEq)]
pub struct Tlv {
    pub kind: u8,
    pub value: TlvValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TlvValue {
    None,
    Ints(Vec<u64>),
    Bytes(Vec<u8>),
    /// Malformed option bytes kept verbatim (kind and length included).
    Raw(Vec<u8>),
}

/// An implicit set of field values, iterated in Scapy's order.
#[derive(Clone, Debug, PartialEq)]
pub enum Gen {
    /// `start, start+step, ...` up to and including `stop`.
    Range { start: u128, stop: u128, step: u128 },
    /// Every address of `base/prefix`, in ascending order.
    Net {
        kind: &'static AddrKind,
        base: u128,
        prefix: u8,
    },
    /// Each element in turn; elements may be sets themselves (flattened).
    List(Vec<Value>),
}

impl Gen {
    /// Number of values (saturating; sets never come close to u64::MAX).
    pub fn count(&self) -> u64 {
        match self {
            Gen::Range { start, stop, step } => {
                if stop < start || *step == 0 {
                    0
                } else {
                    u64::try_from((stop - start) / step + 1).unwrap_or(u64::MAX)
                }
            }
            Gen::Net { kind, prefix, .. } => kind.net_size(*prefix),
            Gen::List(items) => items
                .iter()
                .map(value_count)
                .fold(0u64, u64::saturating_add),
        }
    }

    /// The `i`-th value (`i < count()`).
    pub fn nth(&self, mut i: u64) -> Option<Value> {
        match self {
            Gen::Range { start, step, .. } => {
                (i < self.count()).then(|| Value::Int(start + u128::from(i) * step))
            }
            Gen::Net { base, .. } => (i < self.count()).then(|| Value::Int(base + u128::from(i))),
            Gen::List(items) => {
                for item in items {
                    let n = value_count(item);
                    if i < n {
                        return match item {
                            Value::Gen(g) => g.nth(i),
                            v => Some(v.clone()),
                        };
                    }
                    i -= n;
                }
                None
            }
        }
    }

    /// A short text for display (`198.18.0.0/30`, `(1, 4)`, `[1, 64]`).
    pub fn describe(&self, item: &dyn Fn(&Value) -> String) -> String {
        match self {
            Gen::Range { start, stop, step } if *step == 1 => {
                format!(
                    "({}, {})",
                    item(&Value::Int(*start)),
                    item(&Value::Int(*stop))
                )
            }
            Gen::Range { start, stop, step } => format!(
                "({}, {}, {step})",
                item(&Value::Int(*start)),
                item(&Value::Int(*stop))
            ),
            Gen::Net { kind, base, prefix } => kind.format_net(*base, *prefix),
            Gen::List(items) => {
                let parts: Vec<String> = items.iter().map(item).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }
}

/// How many concrete values a stored value stands for.
pub fn value_count(v: &Value) -> u64 {
    match v {
        Value::Gen(g) => g.count(),
        _ => 1,
    }
}

/// Random value generators (Scapy's `RandShort()` and friends).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rand {
    /// Uniform in `min..=max`.
    Num { min: u64, max: u64 },
    /// A random address inside `base/prefix`.
    Addr {
        kind: &'static AddrKind,
        base: u128,
        prefix: u8,
    },
    /// A random locally administered unicast MAC.
    Mac,
    /// Random bytes of this length.
    Bytes(u16),
}

impl Rand {
    pub fn describe(&self) -> String {
        match *self {
            Rand::Num { min: 0, max: 0xff } => "RandByte()".into(),
            Rand::Num {
                min: 0,
                max: 0xffff,
            } => "RandShort()".into(),
            Rand::Num {
                min: 0,
                max: 0xffff_ffff,
            } => "RandInt()".into(),
            Rand::Num { min, max } => format!("RandNum({min}, {max})"),
            Rand::Addr { kind, base, prefix } => {
                let ctor = if kind.bits == 128 {
                    "RandIP6"
                } else {
                    "RandIP"
                };
                if prefix == 0 {
                    format!("{ctor}()")
                } else {
                    format!("{ctor}(\"{}\")", kind.format_net(base, prefix))
                }
            }
            Rand::Mac => "RandMAC()".into(),
            Rand::Bytes(n) => format!("RandBin({n})"),
        }
    }

    /// Draws a value.
    pub fn draw(&self, rng: &mut Rng) -> Value {
        match *self {
            Rand::Num { min, max } => {
                let span = max.wrapping_sub(min).wrapping_add(1);
                let r = rng.next_u64();
                Value::Int(u128::from(if span == 0 { r } else { min + r % span }))
            }
            Rand::Addr { kind, base, prefix } => {
                let host = super::kinds::mask(kind.bits.saturating_sub(u32::from(prefix)));
                let r = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
                Value::Int((base & !host) | (r & host))
            }
            Rand::Mac => {
                let r = u128::from(rng.next_u64() & 0xffff_ffff_ffff);
                // locally administered, unicast
                Value::Int((r & !0x0100_0000_0000) | 0x0200_0000_0000)
            }
            Rand::Bytes(n) => {
                let mut out = Vec::with_capacity(usize::from(n));
                while out.len() < usize::from(n) {
                    out.extend_from_slice(&rng.next_u64().to_le_bytes());
                }
                out.truncate(usize::from(n));
                Value::Bytes(out)
            }
        }
    }
}

/// A small fast PRNG (splitmix64); seeded from the clock and a counter.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let c = COUNTER.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        Rng(t ^ c ^ u64::from(std::process::id()).rotate_left(32))
    }
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Default for Rng {
    fn default() -> Self {
        Rng::new()
    }
}

/// A value handed in by a caller (the language) to set a field.
#[derive(Clone, Debug)]
pub enum Input {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Input>),
    Tuple(Vec<Input>),
    /// A packet (option sub-layers are packets of one layer).
    Packet(super::Packet),
    Rand(Rand),
}

/// A field's value as a caller reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    None,
    Int(u64),
    Str(String),
    Bytes(Vec<u8>),
    /// A flags value: the number and the bit names.
    Flags(u64, &'static [&'static str]),
    List(Vec<Output>),
    Tuple(Vec<Output>),
    Layers(Vec<Layer>),
}
