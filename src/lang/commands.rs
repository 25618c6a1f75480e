//! packsmith's commands: display (`show`, `hexdump`, `ls`), discovery
//! (`lsc`, `help`), bytes helpers (`raw`, `bytes_hex`), timing (`sleep`) and
//! Scapy's random values. Engine and capture commands register themselves
//! from their own files.

use super::error::{raise, R};
use super::interp::{check_interrupt, Args, Interp};
use super::output;
use super::value::*;
use crate::packet::show;
use crate::packet::value::Rand;
use std::rc::Rc;

macro_rules! commands {
    ($($name:literal => $f:path : $doc:literal),* $(,)?) => {
        pub static COMMANDS: &[Builtin] = &[
            $(Builtin { name: $name, f: $f, doc: $doc }),*
        ];
    };
}

commands! {
    "show" => c_show: "show(pkt): print every field of every layer (defaults included)",
    "show2" => c_show2: "show2(pkt): like show, with computed fields (lengths, checksums) filled in",
    "hexdump" => c_hexdump: "hexdump(pkt_or_bytes): offset, hex bytes and ASCII, 16 per line",
    "ls" => c_ls: "ls(Layer) lists a layer's fields, types and defaults; ls(pkt) its values; ls() all layers",
    "lsc" => c_lsc: "lsc(): list packsmith's commands",
    "help" => c_help: "help(x): documentation for a layer (help(ICMP)), a field (help(\"ICMP.type\")) or a command",
    "raw" => c_raw: "raw(pkt): the packet's bytes (same as bytes(pkt))",
    "bytes_hex" => c_bytes_hex: "bytes_hex(pkt): the packet's bytes as lowercase hex bytes",
    "hexstr" => c_hexstr: "hexstr(pkt_or_bytes): bytes as spaced hex text",
    "linehexdump" => c_linehexdump: "linehexdump(pkt_or_bytes): hex bytes on one line",
    "sleep" => c_sleep: "sleep(seconds): wait (Ctrl-C interrupts)",
    "RandShort" => c_rand_short: "RandShort(): a fresh random 16-bit number at every build",
    "RandInt" => c_rand_int: "RandInt(): a fresh random 32-bit number at every build",
    "RandByte" => c_rand_byte: "RandByte(): a fresh random 8-bit number at every build",
    "RandLong" => c_rand_long: "RandLong(): a fresh random 64-bit number at every build",
    "RandNum" => c_rand_num: "RandNum(min, max): a fresh random number in [min, max] at every build",
    "RandIP" => c_rand_ip: "RandIP(net=\"0.0.0.0/0\"): a fresh random address in net at every build",
    "RandIP6" => c_rand_ip6: "RandIP6(net=\"::/0\"): a fresh random IPv6 address in net at every build",
    "RandMAC" => c_rand_mac: "RandMAC(): a fresh random locally administered MAC at every build",
    "RandBin" => c_rand_bin: "RandBin(size): fresh random bytes at every build",
    "RandString" => c_rand_bin: "RandString(size): fresh random bytes at every build",
    "fuzz" => c_fuzz: "fuzz(pkt): every field the user left unset gets a fresh random value at each build",
}

pub fn install(_interp: &mut Interp) {}

/// Every packsmith command: these, the engine's and the capture commands.
pub fn all_commands() -> impl Iterator<Item = &'static Builtin> {
    COMMANDS
        .iter()
        .chain(super::netcmds::COMMANDS.iter())
        .chain(super::capcmds::COMMANDS.iter())
        .chain(super::toolcmds::COMMANDS.iter())
        .chain(super::inet6cmds::COMMANDS.iter())
}

/// A random value generator as a language value.
pub struct RandVal(pub Rand);

impl Native for RandVal {
    fn type_name(&self) -> &str {
        "RandValue"
    }
    fn repr(&self) -> String {
        format!("<{}>", self.0.describe())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn packet_arg(v: &Value, f: &str) -> R<crate::packet::Packet> {
    match v {
        Value::Packet(p) => Ok(p.snapshot()),
        other => Err(raise(
            "TypeError",
            format!("{f}() expects a packet, not '{}'", other.type_name()),
        )),
    }
}

fn bytes_of(v: &Value, f: &str) -> R<Vec<u8>> {
    match v {
        Value::Packet(p) => p.build(),
        Value::Bytes(b) => Ok(b.to_vec()),
        Value::Str(s) => Ok(s.as_bytes().to_vec()),
        other => Err(raise(
            "TypeError",
            format!(
                "{f}() expects a packet or bytes, not '{}'",
                other.type_name()
            ),
        )),
    }
}

fn c_show(_: &mut Interp, mut a: Args) -> R {
    let p = packet_arg(&a.req(0, "pkt", "show")?, "show")?;
    output::print(&show::show(&p));
    Ok(Value::None)
}

fn c_show2(_: &mut Interp, mut a: Args) -> R {
    let p = packet_arg(&a.req(0, "pkt", "show2")?, "show2")?;
    output::print(&show::show2(&p));
    Ok(Value::None)
}

fn c_hexdump(_: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "x", "hexdump")?;
    let dump = a.kw("dump").is_some_and(|d| d.truthy());
    let text = show::hexdump(&bytes_of(&v, "hexdump")?);
    if dump {
        return Ok(Value::str(text));
    }
    output::println(&text);
    Ok(Value::None)
}

fn c_ls(_: &mut Interp, mut a: Args) -> R {
    let verbose = a.kw("verbose").is_some_and(|v| v.truthy());
    match &a.get(0, "obj") {
        None => {
            let mut s = String::new();
            for d in crate::layers::all() {
                s.push_str(&format!("{:<22}: {}\n", d.name, d.long_name));
            }
            output::print(&s);
        }
        Some(Value::Layer(d, q)) => output::print(&show::ls(d, *q, verbose)),
        Some(Value::Packet(p)) => output::print(&show::ls_packet(&p.snapshot(), verbose)),
        Some(other) => {
            return Err(raise(
                "TypeError",
                format!(
                    "ls() expects a layer or a packet, not '{}'",
                    other.type_name()
                ),
            ))
        }
    }
    Ok(Value::None)
}

fn first_line(doc: &str) -> &str {
    doc.lines().next().unwrap_or("")
}

fn c_lsc(interp: &mut Interp, _a: Args) -> R {
    let mut names: Vec<(&str, &str)> = all_commands().map(|b| (b.name, b.doc)).collect();
    names.sort();
    let mut s = String::new();
    for (n, d) in names {
        s.push_str(&format!("{n:<14}: {}\n", first_line(d)));
    }
    let _ = interp;
    output::print(&s);
    Ok(Value::None)
}

const GENERAL_HELP: &str = "packsmith: craft, send and capture packets with Scapy's syntax.

  p = IP(dst=\"198.18.0.1\")/ICMP(type=\"timestamp-request\")   build a packet
  p.show(); hexdump(p); p.summary(); bytes(p).hex()           look at it
  ans, unans = sr(p, timeout=1)                               send, collect answers
  wrpcap(\"out.pcap\", ans); rdpcap(\"in.pcap\")                  save and load

  ls()            every layer          ls(ICMP)     a layer's fields
  lsc()           every command        help(x)      documentation for x
";

fn c_help(interp: &mut Interp, mut a: Args) -> R {
    let text = match &a.get(0, "obj") {
        None => GENERAL_HELP.to_string(),
        Some(Value::Layer(d, q)) => {
            let mut s = format!(
                "{} ({})\n\n{}\n\nFields:\n",
                d.class_name(*q),
                d.display_name(*q),
                d.doc
            );
            s.push_str(&show::ls_doc(d));
            s
        }
        Some(Value::Str(s)) => help_topic(s)?,
        Some(Value::Builtin(b)) => format!("{}\n", b.doc),
        Some(Value::Func(f)) => format!(
            "{}({})\n\n{}\n",
            f.def.name,
            f.def
                .params
                .iter()
                .map(|p| p.name.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            f.def.doc.as_deref().unwrap_or("(no docstring)")
        ),
        Some(Value::Packet(p)) => {
            let snap = p.snapshot();
            let mut s = String::new();
            for l in &snap.layers {
                s.push_str(&format!("{}: {}\n", l.def.class_name(l.quoted), l.def.doc));
            }
            s
        }
        Some(v) => {
            let attrs = super::completion::attributes(interp, v);
            format!(
                "{} object; attributes: {}\n",
                v.type_name(),
                attrs.join(", ")
            )
        }
    };
    output::print(&text);
    Ok(Value::None)
}

/// `help("ICMP.type")`, `help("ICMP")`, `help("sr")`.
fn help_topic(topic: &str) -> R<String> {
    if let Some((layer, field)) = topic.split_once('.') {
        let (d, _) = crate::layers::by_name(layer)
            .ok_or_else(|| raise("NameError", format!("unknown layer '{layer}'")))?;
        let fi = crate::packet::Layer::new(d)
            .field_index(field)
            .map_err(packet_error)?;
        let f = &d.fields[fi];
        let mut s = format!("{}.{}: {}\n", d.name, f.name, show::type_name(f));
        if !f.doc.is_empty() {
            s.push_str(&format!("  {}\n", f.doc));
        }
        let names: Vec<(u64, &str)> = match f.show {
            crate::packet::decl::Show::Enum(n) | crate::packet::decl::Show::XEnum(n) => n.to_vec(),
            _ => Vec::new(),
        };
        if !names.is_empty() {
            s.push_str("  values:\n");
            for (v, n) in names {
                s.push_str(&format!("    {v:>5}  {n}\n"));
            }
        }
        return Ok(s);
    }
    if let Some((d, q)) = crate::layers::by_name(topic) {
        return Ok(format!(
            "{} ({})\n\n{}\n\nFields:\n{}",
            d.class_name(q),
            d.display_name(q),
            d.doc,
            show::ls_doc(d)
        ));
    }
    if let Some(b) = all_commands()
        .chain(super::builtins::BUILTINS.iter())
        .find(|b| b.name == topic)
    {
        return Ok(format!("{}\n", b.doc));
    }
    Err(raise("NameError", format!("no help on '{topic}'")))
}

fn c_raw(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::bytes(bytes_of(&a.req(0, "pkt", "raw")?, "raw")?))
}

fn c_bytes_hex(_: &mut Interp, mut a: Args) -> R {
    let b = bytes_of(&a.req(0, "pkt", "bytes_hex")?, "bytes_hex")?;
    Ok(Value::bytes(
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
            .into_bytes(),
    ))
}

fn c_hexstr(_: &mut Interp, mut a: Args) -> R {
    let b = bytes_of(&a.req(0, "x", "hexstr")?, "hexstr")?;
    Ok(Value::str(
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
    ))
}

fn c_linehexdump(_: &mut Interp, mut a: Args) -> R {
    let b = bytes_of(&a.req(0, "x", "linehexdump")?, "linehexdump")?;
    output::println(
        &b.iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    Ok(Value::None)
}

/// A deadline `secs` from now: none for +infinity or a time past what an
/// Instant holds, now for a negative or NaN time (never panics).
pub fn deadline_after(secs: f64) -> Option<std::time::Instant> {
    let now = std::time::Instant::now();
    if secs.is_nan() || secs <= 0.0 {
        return Some(now);
    }
    std::time::Duration::try_from_secs_f64(secs)
        .ok()
        .and_then(|d| now.checked_add(d))
}

/// Sleeps in short steps so Ctrl-C is noticed promptly.
pub fn sleep_interruptible(secs: f64) -> R<()> {
    if secs.is_nan() {
        return Err(raise("ValueError", "Invalid value NaN (not a number)"));
    }
    if secs < 0.0 {
        return Err(raise("ValueError", "sleep length must be non-negative"));
    }
    // Python keeps time in i64 nanoseconds: about 9.2e9 seconds at most
    if secs > i64::MAX as f64 / 1e9 {
        return Err(raise(
            "OverflowError",
            "timestamp too large to convert to C _PyTime_t",
        ));
    }
    output::flush();
    let end = std::time::Instant::now() + std::time::Duration::from_secs_f64(secs.min(1e7));
    loop {
        check_interrupt()?;
        let now = std::time::Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(std::time::Duration::from_millis(50)));
    }
}

fn c_sleep(_: &mut Interp, mut a: Args) -> R {
    let s = a.req(0, "seconds", "sleep")?.float("sleep() argument")?;
    sleep_interruptible(s)?;
    Ok(Value::None)
}

fn rand(r: Rand) -> R {
    Ok(Value::Native(Rc::new(RandVal(r))))
}

fn c_rand_short(_: &mut Interp, _a: Args) -> R {
    rand(Rand::Num {
        min: 0,
        max: 0xffff,
    })
}
fn c_rand_int(_: &mut Interp, _a: Args) -> R {
    rand(Rand::Num {
        min: 0,
        max: 0xffff_ffff,
    })
}
fn c_rand_byte(_: &mut Interp, _a: Args) -> R {
    rand(Rand::Num { min: 0, max: 0xff })
}
fn c_rand_long(_: &mut Interp, _a: Args) -> R {
    rand(Rand::Num {
        min: 0,
        max: u64::MAX,
    })
}
fn c_rand_num(_: &mut Interp, mut a: Args) -> R {
    let min = a.req(0, "min", "RandNum")?.int("min")?;
    let max = a.req(1, "max", "RandNum")?.int("max")?;
    if min < 0 || max < min {
        return Err(raise(
            "ValueError",
            "RandNum(min, max) needs 0 <= min <= max",
        ));
    }
    rand(Rand::Num {
        min: min as u64,
        max: max as u64,
    })
}
fn c_rand_ip(_: &mut Interp, a: Args) -> R {
    rand_addr(&crate::packet::kinds::IPV4, "RandIP", a)
}
fn c_rand_ip6(_: &mut Interp, a: Args) -> R {
    rand_addr(&crate::packet::kinds::IPV6, "RandIP6", a)
}
/// `RandIP("198.18.0.0/16")`, `RandIP6("2001:2::/64")`: a random address
/// inside a network (anywhere without one).
fn rand_addr(kind: &'static crate::packet::kinds::AddrKind, name: &str, mut a: Args) -> R {
    let net = a.get(0, "iptemplate").map(|v| v.text("net")).transpose()?;
    let (base, prefix) = match net {
        None => (0, 0),
        Some(s) => kind
            .parse_net(&s)
            .or_else(|| (kind.parse)(&s).map(|a| (a, kind.bits as u8)))
            .ok_or_else(|| raise("ValueError", format!("{name}: not a network: {s}")))?,
    };
    rand(Rand::Addr { kind, base, prefix })
}
fn c_rand_mac(_: &mut Interp, _a: Args) -> R {
    rand(Rand::Mac)
}
fn c_rand_bin(_: &mut Interp, mut a: Args) -> R {
    let n = a
        .get(0, "size")
        .map(|v| v.int("size"))
        .transpose()?
        .unwrap_or(8);
    rand(Rand::Bytes(n.clamp(0, 65535) as u16))
}

/// Scapy's `fuzz()`: unset fields (except computed ones) get random values.
fn c_fuzz(_: &mut Interp, mut a: Args) -> R {
    let mut p = packet_arg(&a.req(0, "pkt", "fuzz")?, "fuzz")?;
    for l in &mut p.layers {
        for fi in 0..l.def.fields.len() {
            if l.is_set(fi)
                || matches!(l.def.fields[fi].default, crate::packet::decl::Default::Auto)
            {
                continue;
            }
            let r = match l.def.fields[fi].kind_for(l) {
                crate::packet::decl::Kind::Bits(n) if n >= 64 => Some(Rand::Num {
                    min: 0,
                    max: u64::MAX,
                }),
                crate::packet::decl::Kind::Bits(n) => Some(Rand::Num {
                    min: 0,
                    max: (1u64 << n) - 1,
                }),
                crate::packet::decl::Kind::Addr(kind) if kind.networks => Some(Rand::Addr {
                    kind,
                    base: 0,
                    prefix: 0,
                }),
                crate::packet::decl::Kind::Addr(_) => Some(Rand::Mac),
                _ => None,
            };
            if let Some(r) = r {
                l.set(fi, crate::packet::Value::Rand(r));
            }
        }
    }
    Ok(Value::packet(p))
}
