//! Python's built-in functions. packsmith's own commands (show, ls, help,
//! the engine and capture functions) live in `commands`; layers and
//! exception classes are installed here too.

use super::error::{exc_class, exc_names, raise, R};
use super::interp::{Args, Interp};
use super::output;
use super::value::*;
use std::cell::RefCell;
use std::rc::Rc;

macro_rules! builtins {
    ($($name:literal => $f:ident : $doc:literal),* $(,)?) => {
        pub static BUILTINS: &[Builtin] = &[
            $(Builtin { name: $name, f: $f, doc: $doc }),*
        ];
    };
}

builtins! {
    "print" => b_print: "print(*values, sep=' ', end='\\n', file=None, flush=False): write values to stdout",
    "len" => b_len: "len(x): number of items; for a packet, its length in bytes",
    "range" => b_range: "range(stop) / range(start, stop[, step]): integers",
    "list" => b_list: "list(iterable): a new list (list(IP(ttl=(1,3))) expands a packet set)",
    "tuple" => b_tuple: "tuple(iterable): a new tuple",
    "dict" => b_dict: "dict(mapping_or_pairs, **kw): a new dictionary",
    "set" => b_set: "set(iterable): a new set",
    "frozenset" => b_set: "frozenset(iterable): a set",
    "bytes" => b_bytes: "bytes(x): a packet's bytes, bytes of a list of ints, or n zero bytes",
    "bytearray" => b_bytes: "bytearray(x): like bytes()",
    "str" => b_str: "str(x): text form of a value (a packet's summary)",
    "int" => b_int: "int(x, base=10): an integer",
    "float" => b_float: "float(x): a floating-point number",
    "bool" => b_bool: "bool(x): truth value",
    "hex" => b_hex: "hex(n): '0x..' text",
    "oct" => b_oct: "oct(n): '0o..' text",
    "bin" => b_bin: "bin(n): '0b..' text",
    "chr" => b_chr: "chr(n): the character with code n",
    "ord" => b_ord: "ord(c): the code of a character or byte",
    "abs" => b_abs: "abs(x): absolute value",
    "min" => b_min: "min(iterable or values, key=None, default=...): the smallest",
    "max" => b_max: "max(iterable or values, key=None, default=...): the largest",
    "sum" => b_sum: "sum(iterable, start=0): the total",
    "sorted" => b_sorted: "sorted(iterable, key=None, reverse=False): a sorted list",
    "reversed" => b_reversed: "reversed(seq): items in reverse order",
    "enumerate" => b_enumerate: "enumerate(iterable, start=0): (index, item) pairs",
    "zip" => b_zip: "zip(*iterables): tuples of parallel items",
    "map" => b_map: "map(func, *iterables): func applied to each item",
    "filter" => b_filter: "filter(func, iterable): items for which func is true",
    "any" => b_any: "any(iterable): True if any item is true",
    "all" => b_all: "all(iterable): True if every item is true",
    "round" => b_round: "round(x, ndigits=None): rounded number",
    "divmod" => b_divmod: "divmod(a, b): (a // b, a % b)",
    "pow" => b_pow: "pow(a, b, mod=None): a ** b",
    "repr" => b_repr: "repr(x): the printable representation",
    "ascii" => b_repr: "ascii(x): like repr",
    "type" => b_type: "type(x): the type of a value",
    "isinstance" => b_isinstance: "isinstance(x, cls): whether x is of a type (or layer)",
    "hasattr" => b_hasattr: "hasattr(x, name): whether x has an attribute",
    "getattr" => b_getattr: "getattr(x, name[, default]): an attribute by name",
    "setattr" => b_setattr: "setattr(x, name, value): set an attribute by name",
    "id" => b_id: "id(x): identity of an object",
    "hash" => b_hash: "hash(x): hash of a value",
    "iter" => b_iter: "iter(x): an iterator",
    "next" => b_next: "next(iterator[, default]): the next item",
    "callable" => b_callable: "callable(x): whether x can be called",
    "format" => b_format: "format(value, spec): formatted text",
    "input" => b_input: "input(prompt=''): a line from stdin",
    "exit" => b_exit: "exit(code=0): leave the program",
    "quit" => b_exit: "quit(code=0): leave the program",
    "dir" => b_dir: "dir(x): attribute names",
    "globals" => b_globals: "globals(): the module's variables",
    "locals" => b_globals: "locals(): the variables (module level)",
    "vars" => b_vars: "vars(x): an object's attributes",
    "open" => b_open: "open(path, mode='r'): a file (use with `with`)",
}

pub fn install(interp: &mut Interp) {
    for b in BUILTINS.iter().chain(super::commands::all_commands()) {
        interp.builtins.insert(b.name, Value::Builtin(b));
    }
    for def in crate::layers::all() {
        interp.builtins.insert(def.name, Value::Layer(def, false));
        if let Some((q, _)) = def.quoted_names {
            interp.builtins.insert(q, Value::Layer(def, true));
        }
    }
    for name in exc_names() {
        if let Some(c) = exc_class(name) {
            interp.builtins.insert(name, Value::Class(c));
        }
    }
    if let Some(c) = exc_class("OSError") {
        interp.builtins.insert("IOError", Value::Class(c.clone()));
        interp.builtins.insert("EnvironmentError", Value::Class(c));
    }
    interp.builtins.insert(
        "object",
        Value::Class(Rc::new(Class {
            name: Rc::from("object"),
            bases: vec![],
            attrs: RefCell::new(Default::default()),
        })),
    );
    super::commands::install(interp);
}

/// The items of an iterable, for list(), tuple(), sorted()...: MemoryError
/// past the one-object limit (at once for a range that long, instead of
/// filling memory first), and Ctrl-C is seen while a long one is read.
fn collect(interp: &mut Interp, v: &Value) -> R<Vec<Value>> {
    let unit = std::mem::size_of::<Value>() as u128;
    let max = super::ops::MAX_ALLOC / std::mem::size_of::<Value>();
    if let Value::Range(a, b, s) = v {
        let n = super::value::range_len(*a, *b, *s).max(0) as u128;
        super::ops::alloc_guard(n * unit, "list")?;
    }
    let mut out = Vec::new();
    for (i, item) in interp.iterate(v)?.enumerate() {
        if i % 65_536 == 65_535 {
            super::interp::check_interrupt()?;
        }
        if i >= max {
            super::ops::alloc_guard((i as u128 + 1) * unit, "list")?;
        }
        out.push(item?);
    }
    Ok(out)
}

fn b_print(interp: &mut Interp, mut a: Args) -> R {
    let sep = match a.kw("sep") {
        Some(Value::None) | None => " ".to_string(),
        Some(v) => v.text("sep")?.to_string(),
    };
    let end = match a.kw("end") {
        Some(Value::None) | None => "\n".to_string(),
        Some(v) => v.text("end")?.to_string(),
    };
    let file = a.kw("file");
    let flush = a.kw("flush").is_some_and(|v| v.truthy());
    a.done("print", usize::MAX, &["sep", "end", "file", "flush"])?;
    let mut s = String::new();
    for (i, v) in a.pos.iter().enumerate() {
        if i > 0 {
            s.push_str(&sep);
        }
        s.push_str(&interp.to_str(v)?);
    }
    s.push_str(&end);
    match &file {
        Some(Value::Native(n)) if n.type_name() == "stderr" => {
            output::flush();
            eprint!("{s}");
        }
        Some(f @ Value::Native(_)) => {
            let w = interp.get_attr(f, "write")?;
            interp.call_value(&w, Args::new(vec![Value::str(s)]))?;
        }
        _ => {
            output::print(&s);
            if flush {
                output::flush();
            }
        }
    }
    Ok(Value::None)
}

fn b_len(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "len")?;
    let n = match &v {
        Value::Str(s) => s.chars().count(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.borrow().len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) | Value::Set(d) => d.borrow().len(),
        Value::Range(x, y, s) => range_len(*x, *y, *s) as usize,
        Value::PacketList(l) => l.len(),
        Value::Packet(p) => p.build()?.len(),
        Value::Instance(_) => match interp.method_opt(&v, "__len__")? {
            Some(f) => return interp.call_value(&f, Args::new(vec![])),
            None => {
                return Err(raise(
                    "TypeError",
                    format!("object of type '{}' has no len()", v.type_name()),
                ))
            }
        },
        other => {
            return Err(raise(
                "TypeError",
                format!("object of type '{}' has no len()", other.type_name()),
            ))
        }
    };
    Ok(Value::Int(n as i64))
}

fn b_range(_: &mut Interp, a: Args) -> R {
    a.done("range", 3, &[])?;
    let ints: Vec<i64> = a
        .pos
        .iter()
        .map(|v| v.int("range() argument"))
        .collect::<R<_>>()?;
    let (start, stop, step) = match ints.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => return Err(raise("TypeError", "range expected 1 to 3 arguments")),
    };
    if step == 0 {
        return Err(raise("ValueError", "range() arg 3 must not be zero"));
    }
    Ok(Value::Range(start, stop, step))
}

fn b_list(interp: &mut Interp, mut a: Args) -> R {
    match a.get(0, "iterable") {
        None => Ok(Value::list(vec![])),
        Some(v) => Ok(Value::list(collect(interp, &v)?)),
    }
}

fn b_tuple(interp: &mut Interp, mut a: Args) -> R {
    match a.get(0, "iterable") {
        None => Ok(Value::tuple(vec![])),
        Some(v) => Ok(Value::tuple(collect(interp, &v)?)),
    }
}

fn b_dict(interp: &mut Interp, mut a: Args) -> R {
    let mut d = Dict::default();
    if let Some(src) = a.pos.first().cloned() {
        match &src {
            Value::Dict(o) => d = o.borrow().clone(),
            other => {
                for pair in collect(interp, other)? {
                    let kv = collect(interp, &pair)?;
                    if kv.len() != 2 {
                        return Err(raise(
                            "ValueError",
                            "dictionary update sequence element has wrong length",
                        ));
                    }
                    d.insert(kv[0].clone(), kv[1].clone())?;
                }
            }
        }
    }
    for (k, v) in a.kw.drain(..) {
        d.insert(Value::Str(k), v)?;
    }
    Ok(Value::dict(d))
}

fn b_set(interp: &mut Interp, mut a: Args) -> R {
    let mut d = Dict::default();
    if let Some(v) = a.get(0, "iterable") {
        for x in collect(interp, &v)? {
            d.insert(x, Value::None)?;
        }
    }
    Ok(Value::Set(Rc::new(RefCell::new(d))))
}

fn b_bytes(interp: &mut Interp, mut a: Args) -> R {
    let Some(v) = a.get(0, "source") else {
        return Ok(Value::bytes(Vec::new()));
    };
    match &v {
        Value::Packet(p) => Ok(Value::bytes(p.build()?)),
        Value::Bytes(_) => Ok(v),
        Value::Str(s) => match a.get(1, "encoding") {
            Some(_) => Ok(Value::bytes(s.as_bytes().to_vec())),
            None => Err(raise("TypeError", "string argument without an encoding")),
        },
        Value::Int(n) => {
            if *n < 0 || *n > 1 << 30 {
                return Err(raise("ValueError", "negative count"));
            }
            Ok(Value::bytes(vec![0u8; *n as usize]))
        }
        other => {
            let mut out = Vec::new();
            for x in collect(interp, other)? {
                let n = x.int("bytes item")?;
                out.push(
                    u8::try_from(n)
                        .map_err(|_| raise("ValueError", "bytes must be in range(0, 256)"))?,
                );
            }
            Ok(Value::bytes(out))
        }
    }
}

fn b_str(interp: &mut Interp, mut a: Args) -> R {
    match &a.get(0, "object") {
        None => Ok(Value::str("")),
        Some(Value::Bytes(b)) if a.get(1, "encoding").is_some() => {
            Ok(Value::str(String::from_utf8_lossy(b).to_string()))
        }
        Some(v) => Ok(Value::str(interp.to_str(v)?)),
    }
}

fn parse_int(s: &str, base: u32) -> Option<i64> {
    let t = s.trim().replace('_', "");
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let (base, digits) = match (base, t.get(..2).map(|p| p.to_ascii_lowercase())) {
        (0 | 16, Some(p)) if p == "0x" => (16, &t[2..]),
        (0 | 8, Some(p)) if p == "0o" => (8, &t[2..]),
        (0 | 2, Some(p)) if p == "0b" => (2, &t[2..]),
        (0, _) => (10, &t[..]),
        (b, _) => (b, &t[..]),
    };
    let v = i64::from_str_radix(digits, base).ok()?;
    Some(if neg { -v } else { v })
}

fn b_int(interp: &mut Interp, mut a: Args) -> R {
    let v = a.get(0, "x").unwrap_or(Value::Int(0));
    if let Some(r) = interp.native_dunder(&v, "__int__", vec![]) {
        return r;
    }
    let base = a.get(1, "base").map(|b| b.int("base")).transpose()?;
    if let Some(b) = base {
        if b != 0 && !(2..=36).contains(&b) {
            return Err(raise(
                "ValueError",
                "int() base must be >= 2 and <= 36, or 0",
            ));
        }
    }
    match (&v, base) {
        (Value::Str(s), b) => {
            let base = b.unwrap_or(10) as u32;
            parse_int(s, base).map(Value::Int).ok_or_else(|| {
                raise("ValueError", format!("invalid literal for int() with base {base}: {}", super::repr::str_repr(s)))
            })
        }
        (Value::Float(f), None) => {
            if f.is_finite() {
                Ok(Value::Int(f.trunc() as i64))
            } else {
                Err(raise("ValueError", "cannot convert float infinity or NaN to integer"))
            }
        }
        (Value::Native(n), None) => match super::modules::rand_of(n.as_ref()) {
            Some(r) => Ok(Value::Int(crate::packet::layer::value_int(&r.draw(&mut crate::packet::value::Rng::new())) as i64)),
            None => Err(raise("TypeError", format!("int() argument must be a string or a number, not '{}'", n.type_name()))),
        },
        (v, None) => v.as_int().map(Value::Int).ok_or_else(|| {
            raise("TypeError", format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", v.type_name()))
        }),
        _ => Err(raise("TypeError", "int() can't convert non-string with explicit base")),
    }
}

fn b_float(_: &mut Interp, mut a: Args) -> R {
    let v = a.get(0, "x").unwrap_or(Value::Float(0.0));
    match &v {
        Value::Str(s) => {
            let t = s.trim().to_ascii_lowercase();
            let f = match t.as_str() {
                "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
                "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                "nan" => Some(f64::NAN),
                _ => t.parse::<f64>().ok(),
            };
            f.map(Value::Float).ok_or_else(|| {
                raise(
                    "ValueError",
                    format!(
                        "could not convert string to float: {}",
                        super::repr::str_repr(s)
                    ),
                )
            })
        }
        other => Ok(Value::Float(other.float("float() argument")?)),
    }
}

fn b_bool(interp: &mut Interp, mut a: Args) -> R {
    let v = a.get(0, "x").unwrap_or(Value::Bool(false));
    Ok(Value::Bool(interp.is_true(&v)?))
}

fn radix(a: &mut Args, f: &str, prefix: &str, r: u32) -> R {
    let n = a.req(0, "number", f)?.int(&format!("{f}() argument"))?;
    let digits = match r {
        16 => format!("{:x}", n.unsigned_abs()),
        8 => format!("{:o}", n.unsigned_abs()),
        _ => format!("{:b}", n.unsigned_abs()),
    };
    Ok(Value::str(format!(
        "{}{prefix}{digits}",
        if n < 0 { "-" } else { "" }
    )))
}

fn b_hex(_: &mut Interp, mut a: Args) -> R {
    radix(&mut a, "hex", "0x", 16)
}
fn b_oct(_: &mut Interp, mut a: Args) -> R {
    radix(&mut a, "oct", "0o", 8)
}
fn b_bin(_: &mut Interp, mut a: Args) -> R {
    radix(&mut a, "bin", "0b", 2)
}

fn b_chr(_: &mut Interp, mut a: Args) -> R {
    let n = a.req(0, "i", "chr")?.int("chr() argument")?;
    u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .map(|c| Value::str(c.to_string()))
        .ok_or_else(|| raise("ValueError", "chr() arg not in range(0x110000)"))
}

fn b_ord(_: &mut Interp, mut a: Args) -> R {
    match &a.req(0, "c", "ord")? {
        Value::Str(s) if s.chars().count() == 1 => {
            Ok(Value::Int(s.chars().next().map(|c| c as i64).unwrap_or(0)))
        }
        Value::Bytes(b) if b.len() == 1 => Ok(Value::Int(i64::from(b[0]))),
        other => Err(raise(
            "TypeError",
            format!(
                "ord() expected a character, but got '{}'",
                other.type_name()
            ),
        )),
    }
}

fn b_abs(_: &mut Interp, mut a: Args) -> R {
    match as_number(&a.req(0, "x", "abs")?) {
        Some(Num::I(i)) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| raise("OverflowError", "integer overflow")),
        Some(Num::F(f)) => Ok(Value::Float(f.abs())),
        None => Err(raise("TypeError", "bad operand type for abs()")),
    }
}

fn extreme(interp: &mut Interp, mut a: Args, name: &str, want: std::cmp::Ordering) -> R {
    let key = a.kw("key").filter(|k| !matches!(k, Value::None));
    let default = a.kw("default");
    let items = if a.pos.len() == 1 {
        collect(interp, &a.pos[0])?
    } else {
        a.pos.clone()
    };
    let mut best: Option<(Value, Value)> = None;
    for v in items {
        let k = match &key {
            Some(f) => interp.call_value(f, Args::new(vec![v.clone()]))?,
            None => v.clone(),
        };
        let better = match &best {
            None => true,
            Some((bk, _)) => super::ops::order(&k, bk)? == want,
        };
        if better {
            best = Some((k, v));
        }
    }
    match (best, default) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(raise(
            "ValueError",
            format!("{name}() arg is an empty sequence"),
        )),
    }
}

fn b_min(interp: &mut Interp, a: Args) -> R {
    extreme(interp, a, "min", std::cmp::Ordering::Less)
}
fn b_max(interp: &mut Interp, a: Args) -> R {
    extreme(interp, a, "max", std::cmp::Ordering::Greater)
}

fn b_sum(interp: &mut Interp, mut a: Args) -> R {
    let it = a.req(0, "iterable", "sum")?;
    let mut acc = a.get(1, "start").unwrap_or(Value::Int(0));
    // a range of integers adds up in closed form (sum(range(10**18)) is
    // immediate); the exact total must fit the integers the language has
    if let (Value::Range(start, stop, step), Value::Int(base)) = (&it, &acc) {
        let n = i128::from(super::value::range_len(*start, *stop, *step).max(0));
        let first = i128::from(*start);
        let last = first + (n - 1).max(0) * i128::from(*step);
        let total = if n == 0 { 0 } else { n * (first + last) / 2 } + i128::from(*base);
        return i64::try_from(total).map(Value::Int).map_err(|_| {
            raise(
                "OverflowError",
                format!("the sum {total} does not fit in a 64-bit integer"),
            )
        });
    }
    // anything else is added as it is produced, never gathered first
    for (i, x) in interp.iterate(&it)?.enumerate() {
        if i % 65_536 == 65_535 {
            super::interp::check_interrupt()?;
        }
        acc = super::ops::binary(interp, super::ast::BinOp::Add, &acc, &x?)?;
    }
    Ok(acc)
}

fn b_sorted(interp: &mut Interp, mut a: Args) -> R {
    let it = a.req(0, "iterable", "sorted")?;
    let key = a.kw("key");
    let reverse = a.kw("reverse").is_some_and(|v| v.truthy());
    let mut items = collect(interp, &it)?;
    super::methods::sort_values(interp, &mut items, key, reverse)?;
    Ok(Value::list(items))
}

fn b_reversed(interp: &mut Interp, mut a: Args) -> R {
    let mut items = collect(interp, &a.req(0, "seq", "reversed")?)?;
    items.reverse();
    Ok(Value::iter(items.into_iter().map(Ok)))
}

fn b_enumerate(interp: &mut Interp, mut a: Args) -> R {
    let it = a.req(0, "iterable", "enumerate")?;
    let start = a
        .get(1, "start")
        .map(|v| v.int("start"))
        .transpose()?
        .unwrap_or(0);
    let inner = interp.iterate(&it)?;
    Ok(Value::iter(inner.enumerate().map(move |(i, v)| {
        v.map(|v| Value::tuple(vec![Value::Int(start + i as i64), v]))
    })))
}

fn b_zip(interp: &mut Interp, a: Args) -> R {
    let mut iters = Vec::new();
    for v in &a.pos {
        iters.push(interp.iterate(v)?);
    }
    Ok(Value::iter(std::iter::from_fn(move || {
        if iters.is_empty() {
            return None;
        }
        let mut row = Vec::with_capacity(iters.len());
        for it in iters.iter_mut() {
            match it.next()? {
                Ok(v) => row.push(v),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(Value::tuple(row)))
    })))
}

fn b_map(interp: &mut Interp, mut a: Args) -> R {
    let f = a.req(0, "func", "map")?;
    let lists: Vec<Vec<Value>> = a.pos[1..]
        .iter()
        .map(|v| collect(interp, v))
        .collect::<R<_>>()?;
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let args: Vec<Value> = lists.iter().map(|l| l[i].clone()).collect();
        out.push(interp.call_value(&f, Args::new(args))?);
    }
    Ok(Value::iter(out.into_iter().map(Ok)))
}

fn b_filter(interp: &mut Interp, mut a: Args) -> R {
    let f = a.req(0, "func", "filter")?;
    let items = collect(interp, &a.req(1, "iterable", "filter")?)?;
    let mut out = Vec::new();
    for v in items {
        let keep = match &f {
            Value::None => v.truthy(),
            f => interp.call_value(f, Args::new(vec![v.clone()]))?.truthy(),
        };
        if keep {
            out.push(v);
        }
    }
    Ok(Value::iter(out.into_iter().map(Ok)))
}

fn b_any(interp: &mut Interp, mut a: Args) -> R {
    for v in interp.iterate(&a.req(0, "iterable", "any")?)? {
        if interp.is_true(&v?)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn b_all(interp: &mut Interp, mut a: Args) -> R {
    for v in interp.iterate(&a.req(0, "iterable", "all")?)? {
        if !interp.is_true(&v?)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn b_round(_: &mut Interp, mut a: Args) -> R {
    let x = a.req(0, "number", "round")?;
    let nd = a.get(1, "ndigits").filter(|v| !matches!(v, Value::None));
    match (as_number(&x), nd) {
        (Some(Num::I(i)), _) => Ok(Value::Int(i)),
        (Some(Num::F(f)), None) => {
            let r = f.round();
            // banker's rounding, as Python does
            let r = if (f - f.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
                r - f.signum()
            } else {
                r
            };
            Ok(Value::Int(r as i64))
        }
        (Some(Num::F(f)), Some(n)) => {
            let n = n.int("ndigits")?;
            let m = 10f64.powi(n as i32);
            Ok(Value::Float((f * m).round() / m))
        }
        _ => Err(raise(
            "TypeError",
            format!("type {} doesn't define __round__ method", x.type_name()),
        )),
    }
}

fn b_divmod(interp: &mut Interp, mut a: Args) -> R {
    let x = a.req(0, "a", "divmod")?;
    let y = a.req(1, "b", "divmod")?;
    let q = super::ops::binary(interp, super::ast::BinOp::FloorDiv, &x, &y)?;
    let r = super::ops::binary(interp, super::ast::BinOp::Mod, &x, &y)?;
    Ok(Value::tuple(vec![q, r]))
}

fn b_pow(interp: &mut Interp, mut a: Args) -> R {
    let x = a.req(0, "base", "pow")?;
    let y = a.req(1, "exp", "pow")?;
    match a.get(2, "mod") {
        Some(m) if !matches!(m, Value::None) => {
            let (mut b, mut e, m) = (x.int("base")? as i128, y.int("exp")?, m.int("mod")? as i128);
            if m == 0 {
                return Err(raise("ValueError", "pow() 3rd argument cannot be 0"));
            }
            let mut r: i128 = 1;
            b = b.rem_euclid(m);
            while e > 0 {
                if e & 1 == 1 {
                    r = r * b % m;
                }
                b = b * b % m;
                e >>= 1;
            }
            Ok(Value::Int(r as i64))
        }
        _ => super::ops::binary(interp, super::ast::BinOp::Pow, &x, &y),
    }
}

fn b_repr(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "repr")?;
    Ok(Value::str(interp.repr(&v)?))
}

/// The type object of a value: built-in types are their constructors.
pub fn type_of(interp: &Interp, v: &Value) -> Value {
    let name = match v {
        Value::Instance(i) => return Value::Class(i.class.clone()),
        Value::Packet(p) => {
            let pk = p.pkt.borrow();
            if let Some(l) = pk.layers.get(p.start) {
                return Value::Layer(l.def, l.quoted);
            }
            "NoneType"
        }
        Value::Int(_) => "int",
        Value::Bool(_) => "bool",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::Bytes(_) => "bytes",
        Value::List(_) => "list",
        Value::Tuple(_) => "tuple",
        Value::Dict(_) => "dict",
        Value::Set(_) => "set",
        Value::Range(..) => "range",
        _ => "",
    };
    interp
        .builtins
        .get(name)
        .cloned()
        .unwrap_or_else(|| Value::str(v.type_name()))
}

fn b_type(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "object", "type")?;
    Ok(type_of(interp, &v))
}

pub fn is_instance(v: &Value, cls: &Value) -> bool {
    match cls {
        Value::Tuple(t) => t.iter().any(|c| is_instance(v, c)),
        Value::Class(c) => match v {
            Value::Instance(i) => i.class.is_sub(c),
            _ => false,
        },
        Value::Layer(def, q) => match v {
            Value::Packet(p) => p
                .pkt
                .borrow()
                .layers
                .get(p.start)
                .is_some_and(|l| std::ptr::eq(l.def, *def) && (!*q || l.quoted)),
            _ => false,
        },
        Value::Builtin(b) => {
            let t = v.type_name();
            match b.name {
                "int" => matches!(v, Value::Int(_) | Value::Bool(_) | Value::Flags(..)),
                "bytearray" => t == "bytes",
                "frozenset" => t == "set",
                name => t == name,
            }
        }
        _ => false,
    }
}

fn b_isinstance(_: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "isinstance")?;
    let c = a.req(1, "class_or_tuple", "isinstance")?;
    Ok(Value::Bool(is_instance(&v, &c)))
}

fn b_hasattr(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "hasattr")?;
    let n = a.req(1, "name", "hasattr")?.text("attribute name")?;
    Ok(Value::Bool(interp.get_attr(&v, &n).is_ok()))
}

fn b_getattr(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "getattr")?;
    let n = a.req(1, "name", "getattr")?.text("attribute name")?;
    match (interp.get_attr(&v, &n), a.get(2, "default")) {
        (Ok(x), _) => Ok(x),
        (Err(_), Some(d)) => Ok(d),
        (Err(e), None) => Err(e),
    }
}

fn b_setattr(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "setattr")?;
    let n = a.req(1, "name", "setattr")?.text("attribute name")?;
    let x = a.req(2, "value", "setattr")?;
    interp.set_attr(&v, &n, x)?;
    Ok(Value::None)
}

fn b_id(_: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "id")?;
    Ok(Value::Int(identity(&v) as i64))
}

fn b_hash(_: &mut Interp, mut a: Args) -> R {
    use std::hash::{Hash, Hasher};
    let k = Key::new(&a.req(0, "obj", "hash")?)?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    k.hash(&mut h);
    Ok(Value::Int(h.finish() as i64 >> 1))
}

fn b_iter(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "iter")?;
    if let Value::Iter(_) = v {
        return Ok(v);
    }
    let it = interp.iterate(&v)?;
    Ok(Value::Iter(Rc::new(RefCell::new(it))))
}

fn b_next(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "iterator", "next")?;
    let default = a.get(1, "default");
    match &v {
        Value::Iter(it) => {
            let n = it.borrow_mut().next();
            match (n, default) {
                (Some(r), _) => r,
                (None, Some(d)) => Ok(d),
                (None, None) => Err(raise("StopIteration", "")),
            }
        }
        Value::Native(n) => match n.call_method(interp, &v, "__next__", Args::new(vec![])) {
            Some(Err(super::error::Flow::Raise(e)))
                if default.is_some() && super::error::exc_is(&e.value, "StopIteration") =>
            {
                Ok(default.unwrap_or(Value::None))
            }
            Some(r) => r,
            None => Err(raise(
                "TypeError",
                format!("'{}' object is not an iterator", n.type_name()),
            )),
        },
        other => Err(raise(
            "TypeError",
            format!("'{}' object is not an iterator", other.type_name()),
        )),
    }
}

fn b_callable(_: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "obj", "callable")?;
    Ok(Value::Bool(matches!(
        v,
        Value::Func(_)
            | Value::Builtin(_)
            | Value::Method(_)
            | Value::Bound(_)
            | Value::Class(_)
            | Value::Layer(..)
    )))
}

fn b_format(interp: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "value", "format")?;
    let spec = a
        .get(1, "format_spec")
        .map(|s| s.text("format_spec"))
        .transpose()?;
    Ok(Value::str(super::format::format_value(
        interp,
        &v,
        spec.as_deref().unwrap_or(""),
    )?))
}

fn b_input(interp: &mut Interp, mut a: Args) -> R {
    if let Some(p) = a.get(0, "prompt") {
        output::print(&interp.to_str(&p)?);
    }
    output::flush();
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) => Err(raise("EOFError", "EOF when reading a line")),
        Ok(_) => Ok(Value::str(line.trim_end_matches(['\n', '\r']).to_string())),
        Err(e) => Err(raise("OSError", e.to_string())),
    }
}

fn b_exit(_: &mut Interp, mut a: Args) -> R {
    let code = a.get(0, "code").unwrap_or(Value::None);
    let cls = exc_class("SystemExit").ok_or_else(|| raise("RuntimeError", "no SystemExit"))?;
    Err(super::error::Flow::Raise(Box::new(super::error::Exc {
        value: super::error::exc_instance(cls, vec![code]),
        trace: Vec::new(),
    })))
}

fn b_dir(interp: &mut Interp, mut a: Args) -> R {
    let names: Vec<String> = match a.get(0, "obj") {
        None => {
            let mut v: Vec<String> = interp
                .globals
                .vars
                .borrow()
                .keys()
                .map(|k| k.to_string())
                .collect();
            v.sort();
            v
        }
        Some(v) => super::completion::attributes(interp, &v),
    };
    Ok(Value::list(names.into_iter().map(Value::str).collect()))
}

fn b_globals(interp: &mut Interp, _a: Args) -> R {
    let mut d = Dict::default();
    for (k, v) in interp.globals.vars.borrow().iter() {
        d.insert(Value::Str(k.clone()), v.clone())?;
    }
    Ok(Value::dict(d))
}

fn b_vars(interp: &mut Interp, mut a: Args) -> R {
    match &a.get(0, "obj") {
        None => b_globals(interp, a),
        Some(Value::Instance(i)) => {
            let mut d = Dict::default();
            for (k, v) in i.attrs.borrow().iter() {
                d.insert(Value::Str(k.clone()), v.clone())?;
            }
            Ok(Value::dict(d))
        }
        Some(Value::Native(n)) => {
            let mut d = Dict::default();
            for k in n.attrs() {
                if let Some(Ok(v)) = n.get_attr(interp, &k) {
                    d.insert(Value::str(k), v)?;
                }
            }
            Ok(Value::dict(d))
        }
        Some(other) => Err(raise(
            "TypeError",
            format!(
                "vars() argument must have __dict__ attribute, not {}",
                other.type_name()
            ),
        )),
    }
}

fn b_open(_: &mut Interp, mut a: Args) -> R {
    let path = a.req(0, "file", "open")?.text("file")?;
    let mode = a
        .get(1, "mode")
        .map(|m| m.text("mode"))
        .transpose()?
        .unwrap_or_else(|| Rc::from("r"));
    super::files::open(&path, &mode)
}
