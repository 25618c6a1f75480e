//! `struct`: pack, unpack, unpack_from, calcsize, iter_unpack and `struct.error`.

use super::module;
use crate::lang::error::{exc_instance, Exc, Flow, R};
use crate::lang::interp::{Args, Interp};
use crate::lang::value::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static ERROR: Rc<Class> = Rc::new(Class {
        // printed as Python prints it in a traceback
        name: Rc::from("struct.error"),
        bases: crate::lang::error::exc_class("Exception").into_iter().collect(),
        attrs: RefCell::new(HashMap::new()),
    });
}

/// Raises `struct.error` (also what building a packet whose computed field
/// does not fit raises, as in Scapy).
pub fn err(msg: impl Into<String>) -> Flow {
    Flow::Raise(Box::new(Exc {
        value: exc_instance(ERROR.with(|c| c.clone()), vec![Value::str(msg.into())]),
        trace: Vec::new(),
    }))
}

pub fn make() -> Value {
    let m = module("struct", FUNCS, vec![]);
    if let Value::Module(mm) = &m {
        mm.attrs
            .borrow_mut()
            .insert(Rc::from("error"), Value::Class(ERROR.with(|c| c.clone())));
    }
    m
}

static FUNCS: &[Builtin] = funcs! {
    "pack" => pack: "pack(fmt, *values): bytes",
    "unpack" => unpack: "unpack(fmt, buffer): a tuple",
    "unpack_from" => unpack_from: "unpack_from(fmt, buffer, offset=0): a tuple",
    "calcsize" => calcsize: "calcsize(fmt): the size in bytes",
    "iter_unpack" => iter_unpack: "iter_unpack(fmt, buffer): tuples for each chunk",
};

#[derive(Clone, Copy)]
struct Item {
    code: char,
    count: usize,
}

struct Format {
    big: bool,
    native: bool,
    items: Vec<Item>,
}

fn parse(fmt: &str) -> R<Format> {
    let mut chars = fmt.trim().chars().peekable();
    let (big, native) = match chars.peek() {
        Some('<') => (false, false),
        Some('>') | Some('!') => (true, false),
        Some('=') => (cfg!(target_endian = "big"), false),
        Some('@') => (cfg!(target_endian = "big"), true),
        _ => (cfg!(target_endian = "big"), true),
    };
    if matches!(chars.peek(), Some('<' | '>' | '!' | '=' | '@')) {
        chars.next();
    }
    let mut items = Vec::new();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut count = String::new();
        let mut code = c;
        if c.is_ascii_digit() {
            count.push(c);
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                count.push(*d);
                chars.next();
            }
            code = chars
                .next()
                .ok_or_else(|| err("repeat count given without format specifier"))?;
        }
        if !"xcbB?hHiIlLqQnNefdsp".contains(code) {
            return Err(err(format!("bad char in struct format: {code:?}")));
        }
        let count = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| err("repeat count too large"))?
        };
        items.push(Item { code, count });
    }
    Ok(Format { big, native, items })
}

fn size_of(code: char, native: bool) -> usize {
    match code {
        'x' | 'c' | 'b' | 'B' | '?' | 's' | 'p' => 1,
        'h' | 'H' | 'e' => 2,
        'i' | 'I' | 'f' => 4,
        'l' | 'L' => {
            if native {
                8
            } else {
                4
            }
        }
        'q' | 'Q' | 'd' | 'n' | 'N' => 8,
        _ => 0,
    }
}

/// Byte offsets of each item (native mode aligns as C does).
fn layout(f: &Format) -> (Vec<usize>, usize) {
    let mut off = 0usize;
    let mut offs = Vec::new();
    for it in &f.items {
        let sz = size_of(it.code, f.native);
        if f.native && !matches!(it.code, 's' | 'p' | 'x' | 'c' | 'b' | 'B' | '?') && sz > 1 {
            off = off.div_ceil(sz).saturating_mul(sz);
        }
        offs.push(off);
        off = off.saturating_add(if matches!(it.code, 's' | 'p') {
            it.count
        } else {
            sz.saturating_mul(it.count)
        });
    }
    (offs, off)
}

fn calcsize(_: &mut Interp, mut a: Args) -> R {
    let f = parse(&a.req(0, "format", "calcsize")?.text("format")?)?;
    Ok(Value::Int(layout(&f).1 as i64))
}

fn put_int(out: &mut [u8], v: u64, size: usize, big: bool) {
    let bytes = v.to_le_bytes();
    for i in 0..size {
        let b = bytes[i];
        if big {
            out[size - 1 - i] = b;
        } else {
            out[i] = b;
        }
    }
}

fn pack(_: &mut Interp, a: Args) -> R {
    let fmt = a
        .pos
        .first()
        .ok_or_else(|| err("pack expected at least 1 argument"))?
        .text("format")?;
    let f = parse(&fmt)?;
    let (offs, total) = layout(&f);
    crate::lang::ops::alloc_guard(total as u128, "struct.pack")?;
    let mut out = vec![0u8; total];
    let mut vals = a.pos[1..].iter();
    for (it, &off) in f.items.iter().zip(&offs) {
        let sz = size_of(it.code, f.native);
        match it.code {
            'x' => {}
            's' | 'p' => {
                let v = vals.next().ok_or_else(|| err("not enough arguments"))?;
                let b = match v {
                    Value::Bytes(b) => b.to_vec(),
                    _ => return Err(err("argument for 's' must be a bytes object")),
                };
                let n = b.len().min(it.count);
                out[off..off + n].copy_from_slice(&b[..n]);
            }
            code => {
                for k in 0..it.count {
                    let v = vals.next().ok_or_else(|| {
                        err(format!(
                            "pack expected {} items for packing",
                            f.items
                                .iter()
                                .map(|i| if matches!(i.code, 's' | 'p' | 'x') {
                                    usize::from(i.code != 'x')
                                } else {
                                    i.count
                                })
                                .sum::<usize>()
                        ))
                    })?;
                    let at = off + k * sz;
                    match code {
                        'c' => match v {
                            Value::Bytes(b) if b.len() == 1 => out[at] = b[0],
                            _ => {
                                return Err(err("char format requires a bytes object of length 1"))
                            }
                        },
                        'f' => {
                            let x = (v.float("pack")? as f32).to_bits();
                            put_int(&mut out[at..at + 4], u64::from(x), 4, f.big)
                        }
                        'd' => put_int(&mut out[at..at + 8], v.float("pack")?.to_bits(), 8, f.big),
                        'e' => return Err(err("half floats are not supported")),
                        '?' => out[at] = u8::from(v.truthy()),
                        _ => {
                            let n = v
                                .as_int()
                                .ok_or_else(|| err("required argument is not an integer"))?;
                            let signed = code.is_ascii_lowercase();
                            let bits = sz * 8;
                            let (lo, hi): (i128, i128) = if signed {
                                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                            } else {
                                (0, (1i128 << bits) - 1)
                            };
                            if !(lo..=hi).contains(&i128::from(n)) {
                                return Err(err(format!(
                                    "'{code}' format requires {lo} <= number <= {hi}"
                                )));
                            }
                            put_int(&mut out[at..at + sz], n as u64, sz, f.big);
                        }
                    }
                }
            }
        }
    }
    if vals.next().is_some() {
        return Err(err("pack expected fewer items for packing"));
    }
    Ok(Value::bytes(out))
}

fn get_int(b: &[u8], big: bool) -> u64 {
    let mut v = 0u64;
    if big {
        for x in b {
            v = (v << 8) | u64::from(*x);
        }
    } else {
        for x in b.iter().rev() {
            v = (v << 8) | u64::from(*x);
        }
    }
    v
}

fn unpack_bytes(fmt: &str, buf: &[u8], offset: usize, exact: bool) -> R<Vec<Value>> {
    let f = parse(fmt)?;
    let (offs, total) = layout(&f);
    let avail = buf.len().saturating_sub(offset);
    if (exact && avail != total) || avail < total {
        return Err(err(format!("unpack requires a buffer of {total} bytes")));
    }
    let buf = &buf[offset..];
    let mut out = Vec::new();
    for (it, &off) in f.items.iter().zip(&offs) {
        let sz = size_of(it.code, f.native);
        match it.code {
            'x' => {}
            's' | 'p' => out.push(Value::bytes(buf[off..off + it.count].to_vec())),
            code => {
                for k in 0..it.count {
                    let b = &buf[off + k * sz..off + (k + 1) * sz];
                    let raw = get_int(b, f.big);
                    out.push(match code {
                        'c' => Value::bytes(vec![b[0]]),
                        '?' => Value::Bool(b[0] != 0),
                        'f' => Value::Float(f64::from(f32::from_bits(raw as u32))),
                        'd' => Value::Float(f64::from_bits(raw)),
                        c if c.is_ascii_lowercase() => {
                            let shift = 64 - sz * 8;
                            Value::Int(((raw << shift) as i64) >> shift)
                        }
                        _ => Value::Int(raw as i64),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn buffer(v: &Value) -> R<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b.to_vec()),
        Value::Packet(p) => p.build(),
        other => Err(crate::lang::error::raise(
            "TypeError",
            format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            ),
        )),
    }
}

fn unpack(_: &mut Interp, mut a: Args) -> R {
    let fmt = a.req(0, "format", "unpack")?.text("format")?;
    let b = buffer(&a.req(1, "buffer", "unpack")?)?;
    Ok(Value::tuple(unpack_bytes(&fmt, &b, 0, true)?))
}

fn unpack_from(_: &mut Interp, mut a: Args) -> R {
    let fmt = a.req(0, "format", "unpack_from")?.text("format")?;
    let b = buffer(&a.req(1, "buffer", "unpack_from")?)?;
    let off = a
        .get(2, "offset")
        .map(|v| v.int("offset"))
        .transpose()?
        .unwrap_or(0)
        .max(0) as usize;
    Ok(Value::tuple(unpack_bytes(&fmt, &b, off, false)?))
}

fn iter_unpack(_: &mut Interp, mut a: Args) -> R {
    let fmt = a.req(0, "format", "iter_unpack")?.text("format")?;
    let b = buffer(&a.req(1, "buffer", "iter_unpack")?)?;
    let size = layout(&parse(&fmt)?).1;
    if size == 0 || b.len() % size != 0 {
        return Err(err(format!(
            "iterative unpacking requires a buffer of a multiple of {size} bytes"
        )));
    }
    let mut out = Vec::new();
    for chunk in b.chunks(size) {
        out.push(Value::tuple(unpack_bytes(&fmt, chunk, 0, true)?));
    }
    Ok(Value::iter(out.into_iter().map(Ok)))
}
