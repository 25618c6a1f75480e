//! The vocabulary a protocol file uses to declare a layer: its fields (name,
//! kind, default, display, presence condition) and its behaviour hooks
//! (fix-ups after build, payload guess, padding split, summary, matching).
//! Everything else (build, dissect, show, ls, completion, help) derives from it.

use super::kinds::AddrKind;
use super::layer::Layer;
use super::matching::MatchOpts;
use super::Packet;

/// A table of numeric values and their names, e.g. ICMP types.
pub type Names = &'static [(u64, &'static str)];

/// How many bytes a variable-length field occupies when dissecting.
#[derive(Clone, Copy)]
pub enum Len {
    /// Exactly this many bytes (shorter values are zero-padded when built).
    Fixed(usize),
    /// Everything left in the layer.
    Rest,
    /// Computed from fields already dissected (e.g. `ihl * 4 - 20`).
    From(fn(&Layer) -> usize),
}

/// The wire shape of a field.
#[derive(Clone, Copy)]
pub enum Kind {
    /// An unsigned integer of 1..=64 bits, packed big-endian with its neighbours.
    Bits(u8),
    /// An address of one family (IPv4, IPv6, MAC); see [`super::kinds`].
    Addr(&'static AddrKind),
    /// A byte string.
    Bytes(Len),
    /// A list of sub-layers of one family (IP options), `Len` bytes in total.
    Options(&'static OptionFamily, Len),
    /// Type-length-value options as Scapy's `(name, value)` pairs (TCP options),
    /// `Len` bytes in total.
    Tlvs(&'static [TlvDef], Len),
    /// A list of addresses (source-route `routers`, IPv6 Routing
    /// `addresses`), `Len` bytes in total.
    AddrList(&'static AddrKind, Len),
    /// A field whose shape depends on other fields (ICMP `unused`).
    Depends(fn(&Layer) -> Kind),
}

/// How the value of one kind of TLV option is laid out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TlvFmt {
    /// A single byte with no length (EOL, NOP).
    Single,
    /// Length byte and no data (SAckOK).
    Empty,
    U8,
    U16,
    /// Two 32-bit numbers (Timestamp).
    U32Pair,
    /// Any number of 32-bit numbers (SAck blocks).
    U32List,
    Bytes,
}

/// One known TLV option: its kind byte, Scapy's name and its layout.
pub struct TlvDef {
    pub kind: u8,
    pub name: &'static str,
    pub fmt: TlvFmt,
}

/// A field's value before the user sets it.
#[derive(Clone, Copy)]
pub enum Default {
    /// Computed when the packet is built (lengths, checksums, ...); shows as `None`.
    Auto,
    Int(u128),
    Bytes(&'static [u8]),
    /// Milliseconds since midnight UTC, taken when the packet is built.
    NowMs,
    /// An empty list (options).
    Empty,
    /// A list of addresses (Segment Routing's `["::1"]`).
    Addrs(&'static [u128]),
}

/// How a field's value is displayed.
#[derive(Clone, Copy)]
pub enum Show {
    Dec,
    Hex,
    Enum(Names),
    /// Like `Enum`, hexadecimal when the value has no name (Ether `type`).
    XEnum(Names),
    /// Names chosen by other fields (ICMP codes by type).
    EnumBy(fn(&Layer) -> Names),
    /// One name per bit, least significant first.
    Flags(&'static [&'static str]),
    /// Milliseconds since midnight, shown as a time of day.
    TimeMs,
}

/// One field of a layer.
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub default: Default,
    pub show: Show,
    /// The field exists only when this returns true (ICMP `gw` only for redirects).
    pub when: Option<fn(&Layer) -> bool>,
    pub doc: &'static str,
    /// Little-endian on the wire (byte-aligned `Bits` fields of 16..=64 bits).
    pub little_endian: bool,
    /// How Scapy declares this field, where the shape alone doesn't say it;
    /// `ls()` prints it. See [`Scapy`].
    pub scapy: Scapy,
    /// Text `show()`/`repr` add after the value's name (IPv6 option types:
    /// `PadN [00: skip, 0: Don't change en-route]`).
    pub annotate: Option<fn(u128) -> String>,
    /// Scapy's `MayEnd`: a quoted layer whose bytes end right after this
    /// field is whole (a TCP header quoted in 8 octets ends after `seq`).
    pub may_end: bool,
}

/// Scapy's view of a field, for `ls()`: the field class (`SourceIPField`
/// rather than the `IPField` its shape suggests), the classes a
/// `MultipleTypeField` chooses between, the class under an error layer
/// (TCPerror's `MayEnd` seq) and the raw default when it isn't the value ours
/// starts with (`None` for a source address taken from the route).
#[derive(Clone, Copy)]
pub struct Scapy {
    pub class: Option<&'static str>,
    pub choices: Option<&'static str>,
    pub quoted_class: Option<&'static str>,
    pub default: Option<&'static str>,
}

/// A field Scapy declares and packsmith doesn't carry (IPv6 extension
/// headers' `autopad`, a phantom field that never reaches the wire; the
/// ICMP extension fields of RFC 4884): shown by `ls()` with Scapy's class
/// and default, by `show()` as `shown`, and in the `repr` of a dissected
/// layer when `in_repr`, after the field called `after`.
pub struct Phantom {
    pub after: &'static str,
    pub name: &'static str,
    pub class: &'static str,
    /// The Python repr of the default, also the value `ls(packet)` shows.
    pub default: &'static str,
    /// A conditional field in Scapy: shown as `(Cond)`, and `None` in
    /// `ls(packet)` when this is false (and left out of `show()`/`repr`).
    pub when: Option<fn(&Layer) -> bool>,
    /// How `show()` and `repr` display its value.
    pub shown: &'static str,
    /// Whether the `repr` of a dissected layer lists it (Scapy lists the
    /// fields its dissection filled).
    pub in_repr: bool,
}

impl Phantom {
    /// The phantoms shown after field `name` of `l`.
    pub fn after<'a>(l: &'a Layer, name: &'a str) -> impl Iterator<Item = &'static Phantom> + 'a {
        l.def
            .phantoms
            .iter()
            .filter(move |ph| ph.after == name && ph.when.is_none_or(|w| w(l)))
    }
}

impl Field {
    /// A plain field; refine it with the builder methods below.
    pub const fn new(name: &'static str, kind: Kind, default: Default) -> Field {
        Field {
            name,
            kind,
            default,
            show: Show::Dec,
            when: None,
            doc: "",
            little_endian: false,
            scapy: Scapy {
                class: None,
                choices: None,
                quoted_class: None,
                default: None,
            },
            annotate: None,
            may_end: false,
        }
    }
    /// Marks the field as Scapy's `MayEnd`.
    pub const fn may_end(mut self) -> Field {
        self.may_end = true;
        self
    }
    /// Adds `f(value)` after the displayed value.
    pub const fn annotate(mut self, f: fn(u128) -> String) -> Field {
        self.annotate = Some(f);
        self
    }
    /// Scapy's class for this field (`SourceIPField`).
    pub const fn class(mut self, class: &'static str) -> Field {
        self.scapy.class = Some(class);
        self
    }
    /// A `MultipleTypeField` and the classes it picks from, in Scapy's order
    /// (`"ShortField, IntField, StrFixedLenField"`).
    pub const fn choices(mut self, classes: &'static str) -> Field {
        self.scapy.class = Some("MultipleTypeField");
        self.scapy.choices = Some(classes);
        self
    }
    /// Scapy's class for this field in the error variant of the layer.
    pub const fn quoted_class(mut self, class: &'static str) -> Field {
        self.scapy.quoted_class = Some(class);
        self
    }
    /// Scapy's default as Python's `repr` shows it (`None`, `'::'`), when it
    /// differs from ours.
    pub const fn scapy_default(mut self, repr: &'static str) -> Field {
        self.scapy.default = Some(repr);
        self
    }
    pub const fn show(mut self, show: Show) -> Field {
        self.show = show;
        self
    }
    pub const fn when(mut self, cond: fn(&Layer) -> bool) -> Field {
        self.when = Some(cond);
        self
    }
    pub const fn doc(mut self, doc: &'static str) -> Field {
        self.doc = doc;
        self
    }
    /// Stored least significant byte first (BSD loopback's address family).
    pub const fn le(mut self) -> Field {
        self.little_endian = true;
        self
    }
    pub const fn hex(self) -> Field {
        self.show(Show::Hex)
    }

    /// The field's shape for this layer instance.
    pub fn kind_for(&self, layer: &Layer) -> Kind {
        match self.kind {
            Kind::Depends(f) => f(layer),
            k => k,
        }
    }
}

impl Kind {
    /// Width in bits of a numeric kind (integers and addresses).
    pub fn scalar_bits(&self) -> Option<u32> {
        match self {
            Kind::Bits(n) => Some(u32::from(*n)),
            Kind::Addr(a) => Some(a.bits),
            _ => None,
        }
    }

    /// The address family, for address kinds.
    pub fn addr(&self) -> Option<&'static AddrKind> {
        match self {
            Kind::Addr(a) => Some(a),
            _ => None,
        }
    }
}

pub const IPV4: Kind = Kind::Addr(&super::kinds::IPV4);
pub const IPV6: Kind = Kind::Addr(&super::kinds::IPV6);
pub const MAC: Kind = Kind::Addr(&super::kinds::MAC);

/// Shorthands used by the declarations.
pub const fn byte(name: &'static str, default: u64) -> Field {
    Field::new(name, Kind::Bits(8), Default::Int(default as u128))
}
pub const fn short(name: &'static str, default: u64) -> Field {
    Field::new(name, Kind::Bits(16), Default::Int(default as u128))
}
pub const fn int(name: &'static str, default: u64) -> Field {
    Field::new(name, Kind::Bits(32), Default::Int(default as u128))
}
pub const fn bits(name: &'static str, n: u8, default: u64) -> Field {
    Field::new(name, Kind::Bits(n), Default::Int(default as u128))
}
pub const fn auto(name: &'static str, n: u8) -> Field {
    Field::new(name, Kind::Bits(n), Default::Auto)
}
pub const fn ipv4(name: &'static str, default: u32) -> Field {
    Field::new(name, IPV4, Default::Int(default as u128))
}
pub const fn ipv6(name: &'static str, default: u128) -> Field {
    Field::new(name, IPV6, Default::Int(default))
}
pub const fn mac(name: &'static str, default: u64) -> Field {
    Field::new(name, MAC, Default::Int(default as u128))
}

/// Scapy's `bind_layers(lower, upper, **fields)`: the lower layer's field
/// values that announce the upper one. Used both ways: building fills those
/// fields of the lower layer when the user left them unset, dissecting picks
/// the upper layer when they match. A protocol file lists the binds it adds
/// in its `BINDS`; the registry resolves them once (see `layers::binds`).
pub struct Bind {
    pub lower: &'static LayerDef,
    pub upper: &'static LayerDef,
    pub fields: &'static [(&'static str, u64)],
    /// Values the upper layer only imposes when building (Scapy's
    /// `overload_fields` beyond the bind: `dst="ff02::1"` under an NS).
    pub build_only: &'static [(&'static str, u128)],
}

impl Bind {
    pub const fn new(
        lower: &'static LayerDef,
        upper: &'static LayerDef,
        fields: &'static [(&'static str, u64)],
    ) -> Bind {
        Bind {
            lower,
            upper,
            fields,
            build_only: &[],
        }
    }
    pub const fn overloads(mut self, build_only: &'static [(&'static str, u128)]) -> Bind {
        self.build_only = build_only;
        self
    }
    /// The value this bind imposes on the lower layer's field `name`.
    pub fn overload(&self, name: &str) -> Option<u128> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| u128::from(*v))
            .or_else(|| {
                self.build_only
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| *v)
            })
    }
}

/// What follows a layer when dissecting.
pub enum Next {
    Layer(&'static LayerDef),
    /// The quoted datagram inside an ICMP error.
    Quoted(&'static LayerDef),
    Raw,
}

/// Writes a list of options into a header.
pub type LayoutFn = fn(&[Layer], &mut Vec<u8>);

/// A family of option sub-layers (IP options), dispatched on the first byte.
pub struct OptionFamily {
    pub name: &'static str,
    pub members: &'static [&'static LayerDef],
    /// Picks the declaration for an option starting with this byte.
    pub dispatch: fn(u8) -> &'static LayerDef,
    /// Total bytes of the option starting at `data` (`None`: malformed).
    pub option_len: fn(&[u8]) -> Option<usize>,
    /// Writes the options when they need more than one after the other
    /// (IPv6 options are aligned and padded with Pad1/PadN).
    pub layout: Option<LayoutFn>,
    /// The header holding the options is padded with zeros to a multiple of
    /// this many bytes (IPv4: 4; 1 where the layout or the protocol pads, or
    /// nothing does, as for MLDv2 records).
    pub pad_to: usize,
}

/// What kind of thing a declaration describes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LayerKind {
    Protocol,
    /// An IPv6 extension header: between the network layer and the one it
    /// carries, and transparent to pseudo-header checksums.
    Extension,
    Option,
    Raw,
    Padding,
}

/// Context handed to a layer's fix-up after the whole packet is laid out.
pub struct Fixup<'a> {
    /// The packet's bytes so far (headers and payloads, no trailing padding).
    pub buf: &'a mut Vec<u8>,
    pub layers: &'a [Layer],
    pub idx: usize,
    /// Byte offsets of every layer: `(start, header_end)`.
    pub spans: &'a [(usize, usize)],
    /// Where this layer's payload ends (everything after it belongs to it).
    pub end: usize,
}

impl Fixup<'_> {
    pub fn layer(&self) -> &Layer {
        &self.layers[self.idx]
    }
    pub fn start(&self) -> usize {
        self.spans[self.idx].0
    }
    pub fn header_end(&self) -> usize {
        self.spans[self.idx].1
    }
    /// The layer immediately below this one, if any.
    pub fn under(&self) -> Option<&Layer> {
        self.idx.checked_sub(1).map(|i| &self.layers[i])
    }
    /// True when the user left this field to be computed.
    pub fn is_auto(&self, field: usize) -> bool {
        self.layer().is_auto(field)
    }
    pub fn put16(&mut self, off: usize, v: u16) {
        let at = self.start() + off;
        if at + 2 <= self.buf.len() {
            self.buf[at..at + 2].copy_from_slice(&v.to_be_bytes());
        }
    }
    /// Writes a computed 16-bit length; one past 65535 is written truncated
    /// and reported (see `build::try_build`).
    pub fn put_len16(&mut self, off: usize, field: &str, v: usize) {
        if v > 0xffff {
            let layer = self.layer().def.name;
            super::build::overflow(|| {
                format!("{layer}.{field}: the length {v} does not fit in 16 bits (at most 65535)")
            });
        }
        self.put16(off, v as u16);
    }
    pub fn put8(&mut self, off: usize, v: u8) {
        let at = self.start() + off;
        if let Some(b) = self.buf.get_mut(at) {
            *b = v;
        }
    }
    /// This layer's bytes including its payload.
    pub fn whole(&self) -> &[u8] {
        &self.buf[self.start()..self.end]
    }
    /// The pseudo-header sum from the nearest network layer below that has
    /// one (IPv4 just below; IPv6 below its extension headers).
    pub fn pseudo_sum(&self, proto: u8, upper_len: usize) -> Option<u32> {
        let at = (0..self.idx)
            .rev()
            .find(|&i| self.layers[i].def.kind != LayerKind::Extension)?;
        (self.layers[at].def.pseudo?)(self, at, proto, upper_len)
    }
    /// The 16-bit checksum of this layer and its payload over `pseudo`,
    /// written at `off` (0 sent as 0xffff when `udp`).
    pub fn put_checksum(&mut self, off: usize, pseudo: u32, udp: bool) {
        self.put16(off, 0);
        let c = crate::wire::finish(crate::wire::ones_sum(self.whole(), pseudo));
        self.put16(off, if udp && c == 0 { 0xffff } else { c });
    }
}

/// Context handed to a layer's summary.
pub struct SummaryCtx<'a> {
    pub layers: &'a [Layer],
    pub idx: usize,
}

impl SummaryCtx<'_> {
    pub fn layer(&self) -> &Layer {
        &self.layers[self.idx]
    }
    pub fn under(&self) -> Option<&Layer> {
        self.idx.checked_sub(1).map(|i| &self.layers[i])
    }
    pub fn next(&self) -> Option<&Layer> {
        self.layers.get(self.idx + 1)
    }
    /// The source and destination of the network layer just below (IPv4,
    /// IPv6), as transport summaries show them.
    pub fn under_addresses(&self) -> Option<(String, String)> {
        let u = self.under()?;
        u.def.pseudo?;
        let text = |name: &str| {
            let i = u.def.field_index(name)?;
            Some(super::show::int_repr(u, &u.def.fields[i], u.int_shown(i)))
        };
        Some((text("src")?, text("dst")?))
    }
    /// A field of this layer as built (payload overloads included).
    pub fn field_int(&self, field: usize) -> u64 {
        super::field_int_in(self.layers, self.idx, field) as u64
    }
}

/// `pseudo(fixup, at, proto, upper_len)`: the ones'-complement sum of the
/// pseudo-header for the upper layer being fixed.
pub type PseudoFn = fn(&Fixup, usize, u8, usize) -> Option<u32>;
/// Splits a layer's body: payload bytes given the layer, header and remaining length.
pub type PayloadLenFn = fn(&Layer, usize, usize) -> Option<usize>;
/// Appends the matching key of the packet from a layer index.
pub type HashretFn = fn(&Packet, usize, &MatchOpts, &mut Vec<u8>);
/// `answers(reply, reply_layer, request, request_layer, options)`.
pub type AnswersFn = fn(&Packet, usize, &Packet, usize, &MatchOpts) -> bool;

/// One protocol, declared once.
pub struct LayerDef {
    /// Constructor and class name (`IP`).
    pub name: &'static str,
    /// Long name shown by `show()` (`Ethernet` for `Ether`).
    pub long_name: &'static str,
    /// Names inside an ICMP error: (`IPerror`, `IP in ICMP`).
    pub quoted_names: Option<(&'static str, &'static str)>,
    pub kind: LayerKind,
    pub doc: &'static str,
    pub fields: &'static [Field],
    /// Picks the declaration that really decodes these bytes (Scapy's
    /// `dispatch_hook`: an ICMPv6 message by its type byte).
    pub dispatch: Option<fn(&[u8]) -> &'static LayerDef>,
    /// The pseudo-header sum an upper layer's checksum starts from, for a
    /// network layer (`at` is this layer's index in the fix-up).
    pub pseudo: Option<PseudoFn>,
    /// Binds of this layer are looked up as this other layer's too (Scapy's
    /// `aliastypes`: IPv6 extension headers take what IPv6 is given).
    pub alias: Option<&'static LayerDef>,
    /// Fills computed fields once the packet is laid out (innermost layer first).
    pub fixup: Option<fn(&mut Fixup)>,
    /// Chooses the next layer before the bind table is consulted.
    pub guess_next: Option<fn(&Layer) -> Option<Next>>,
    /// How many bytes after the header belong to this layer's payload (the
    /// rest is padding), given what remains.
    pub payload_len: Option<PayloadLenFn>,
    /// The layer's own summary text (Scapy's `mysummary`).
    pub summary: Option<fn(&SummaryCtx) -> String>,
    /// A key shared by a request and its answers at this layer.
    pub hashret: Option<HashretFn>,
    /// Whether the layer at `reply[ri]` answers the layer at `req[qi]`.
    pub answers: Option<AnswersFn>,
    /// Options only: the option number this declaration decodes.
    pub option_code: Option<u8>,
    /// Capture link types (tcpdump.org LINKTYPE_*) whose records start with
    /// this layer; the first is the one written.
    pub linktypes: &'static [u32],
    /// Fields only `ls()` shows (see [`Phantom`]).
    pub phantoms: &'static [Phantom],
}

impl std::fmt::Debug for LayerDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl LayerDef {
    /// Index of the field called `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The name used in summaries and `command()`.
    pub fn class_name(&self, quoted: bool) -> &'static str {
        match (quoted, self.quoted_names) {
            (true, Some((n, _))) => n,
            _ => self.name,
        }
    }

    /// The name used by `show()`.
    pub fn display_name(&self, quoted: bool) -> &'static str {
        match (quoted, self.quoted_names) {
            (true, Some((_, n))) => n,
            _ => self.long_name,
        }
    }

    /// A declaration with no hooks; protocol files fill in what they need.
    pub const fn base(
        name: &'static str,
        long_name: &'static str,
        kind: LayerKind,
        fields: &'static [Field],
    ) -> LayerDef {
        LayerDef {
            name,
            long_name,
            quoted_names: None,
            kind,
            doc: "",
            fields,
            dispatch: None,
            pseudo: None,
            alias: None,
            fixup: None,
            guess_next: None,
            payload_len: None,
            summary: None,
            hashret: None,
            answers: None,
            option_code: None,
            linktypes: &[],
            phantoms: &[],
        }
    }
}

/// Reverses the bytes of a `bits`-wide value (little-endian fields).
pub fn swap_bytes(v: u64, bits: u32) -> u64 {
    if bits == 0 || bits > 64 {
        return v;
    }
    v.swap_bytes() >> (64 - bits)
}

/// Looks a value up in a name table.
pub fn name_of(names: Names, v: u64) -> Option<&'static str> {
    names.iter().find(|(n, _)| *n == v).map(|(_, s)| *s)
}

/// Looks a name up in a name table (exact, then case-insensitive).
pub fn value_of(names: Names, s: &str) -> Option<u64> {
    names
        .iter()
        .find(|(_, n)| *n == s)
        .or_else(|| names.iter().find(|(_, n)| n.eq_ignore_ascii_case(s)))
        .map(|(v, _)| *v)
}
