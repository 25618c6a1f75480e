//! Operators, comparisons, subscripts and iteration for every value type,
//! including Scapy's packet operators (`/` layers, `in` finds layers).

use super::ast::{BinOp, CmpOp, UnOp};
use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::value::*;
use std::cmp::Ordering;
use std::rc::Rc;

/// A slice object (`a[1:3]`).
pub struct SliceVal(pub Value, pub Value, pub Value);

impl Native for SliceVal {
    fn type_name(&self) -> &str {
        "slice"
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn type_err(op: &str, a: &Value, b: &Value) -> super::error::Flow {
    raise(
        "TypeError",
        format!(
            "unsupported operand type(s) for {op}: '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ),
    )
}

fn overflow() -> super::error::Flow {
    raise(
        "OverflowError",
        "integer overflow (packsmith integers are 64-bit)",
    )
}

pub fn unary(op: UnOp, v: &Value) -> R {
    match (op, as_number(v)) {
        (UnOp::Neg, Some(Num::I(i))) => i.checked_neg().map(Value::Int).ok_or_else(overflow),
        (UnOp::Neg, Some(Num::F(f))) => Ok(Value::Float(-f)),
        (UnOp::Pos, Some(Num::I(i))) => Ok(Value::Int(i)),
        (UnOp::Pos, Some(Num::F(f))) => Ok(Value::Float(f)),
        (UnOp::Invert, Some(Num::I(i))) => Ok(Value::Int(!i)),
        (UnOp::Not, _) => Ok(Value::Bool(!v.truthy())),
        _ => Err(raise(
            "TypeError",
            format!("bad operand type for unary operator: '{}'", v.type_name()),
        )),
    }
}

/// `a op= b`: lists extend in place, everything else as `a op b`.
pub fn binary_inplace(interp: &mut Interp, op: BinOp, a: &Value, b: &Value) -> R {
    if let (BinOp::Add, Value::List(l)) = (op, a) {
        let items: Vec<Value> = interp.iterate(b)?.collect::<R<_>>()?;
        l.borrow_mut().extend(items);
        return Ok(a.clone());
    }
    binary(interp, op, a, b)
}

pub fn binary(interp: &mut Interp, op: BinOp, a: &Value, b: &Value) -> R {
    use Value::*;
    // user classes may define the operator
    if let Instance(_) = a {
        let name = match op {
            BinOp::Add => "__add__",
            BinOp::Sub => "__sub__",
            BinOp::Mul => "__mul__",
            BinOp::Div => "__truediv__",
            BinOp::Mod => "__mod__",
            _ => "",
        };
        if let Some(f) = interp.method_opt(a, name)? {
            return interp.call_value(&f, Args::new(vec![b.clone()]));
        }
    }
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return numeric(op, x, y);
    }
    if let Value::Native(_) = a {
        let hook = match op {
            BinOp::Add => Some("__add__"),
            BinOp::Sub => Some("__sub__"),
            _ => Option::None,
        };
        if let Some(r) = hook.and_then(|h| interp.native_dunder(a, h, vec![b.clone()])) {
            return r;
        }
    }
    match (op, a, b) {
        (BinOp::Div, Packet(_) | Layer(..) | Str(_) | Bytes(_), _)
        | (BinOp::Div, _, Packet(_) | Layer(..)) => super::packets::layer_div(interp, a, b),
        (BinOp::Add, Str(x), Str(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::str(s))
        }
        (BinOp::Add, Bytes(x), Bytes(y)) => Ok(Value::bytes([&x[..], &y[..]].concat())),
        (BinOp::Add, List(x), List(y)) => {
            let mut v = x.borrow().clone();
            v.extend(y.borrow().iter().cloned());
            Ok(Value::list(v))
        }
        (BinOp::Add, Tuple(x), Tuple(y)) => {
            Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
        }
        (BinOp::Add, PacketList(x), PacketList(y)) => {
            let mut v = x.items();
            v.extend(y.items());
            Ok(Value::PacketList(super::value::PacketList::from_items(
                &x.name, v,
            )))
        }
        (BinOp::Mul, Str(_) | Bytes(_) | List(_) | Tuple(_), _) if b.as_int().is_some() => {
            repeat(a, b.as_int().unwrap_or(0))
        }
        (BinOp::Mul, _, Str(_) | Bytes(_) | List(_) | Tuple(_)) if a.as_int().is_some() => {
            repeat(b, a.as_int().unwrap_or(0))
        }
        (BinOp::Mod, Str(fmt), _) => Ok(Value::str(super::format::percent(interp, fmt, b)?)),
        (BinOp::Mod, Bytes(fmt), _) => {
            let s = String::from_utf8_lossy(fmt).to_string();
            Ok(Value::bytes(
                super::format::percent(interp, &s, b)?.into_bytes(),
            ))
        }
        (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Set(x), Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            let mut d = super::value::Dict::default();
            let keep = |_k: &Key, in_other: bool| match op {
                BinOp::BitOr => true,
                BinOp::BitAnd => in_other,
                _ => !in_other,
            };
            for k in x.entries.keys() {
                if keep(k, y.entries.contains_key(k)) {
                    d.entries.insert(k.clone(), Value::None);
                }
            }
            if matches!(op, BinOp::BitOr | BinOp::BitXor) {
                for k in y.entries.keys() {
                    if !x.entries.contains_key(k) {
                        d.entries.insert(k.clone(), Value::None);
                    }
                }
            }
            Ok(Value::Set(Rc::new(std::cell::RefCell::new(d))))
        }
        (BinOp::BitOr, Dict(x), Dict(y)) => {
            let mut d = x.borrow().clone();
            for (k, v) in y.borrow().entries.iter() {
                d.entries.insert(k.clone(), v.clone());
            }
            Ok(Value::dict(d))
        }
        _ => Err(type_err(op.symbol(), a, b)),
    }
}

/// Most bytes one operation may allocate for a result (str, bytes, list).
pub(crate) const MAX_ALLOC: usize = 1 << 30;

/// MemoryError when `bytes` exceeds MAX_ALLOC, before anything is allocated.
pub(crate) fn alloc_guard(bytes: u128, what: &str) -> R<()> {
    if bytes > MAX_ALLOC as u128 {
        return Err(raise(
            "MemoryError",
            format!("{what} result too large ({bytes} bytes, at most {MAX_ALLOC})"),
        ));
    }
    Ok(())
}

fn repeat(v: &Value, n: i64) -> R {
    let n = n.max(0) as usize;
    let unit = match v {
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(_) | Value::Tuple(_) => v_len(v).saturating_mul(std::mem::size_of::<Value>()),
        _ => 0,
    };
    if n > 0 {
        alloc_guard(unit.saturating_mul(n) as u128, "repetition")?;
    }
    Ok(match v {
        Value::Str(s) => Value::str(s.repeat(n)),
        Value::Bytes(b) => Value::bytes(b.repeat(n)),
        Value::List(l) => {
            let l = l.borrow();
            Value::list((0..n).flat_map(|_| l.iter().cloned()).collect())
        }
        Value::Tuple(t) => Value::tuple((0..n).flat_map(|_| t.iter().cloned()).collect()),
        _ => Value::None,
    })
}

fn v_len(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.borrow().len(),
        Value::Tuple(t) => t.len(),
        _ => 0,
    }
}

fn numeric(op: BinOp, x: Num, y: Num) -> R {
    use Num::*;
    let zero = || raise("ZeroDivisionError", "division by zero");
    Ok(match (x, y) {
        (I(a), I(b)) => match op {
            BinOp::Add => Value::Int(a.checked_add(b).ok_or_else(overflow)?),
            BinOp::Sub => Value::Int(a.checked_sub(b).ok_or_else(overflow)?),
            BinOp::Mul => Value::Int(a.checked_mul(b).ok_or_else(overflow)?),
            BinOp::Div => {
                if b == 0 {
                    return Err(zero());
                }
                Value::Float(a as f64 / b as f64)
            }
            BinOp::FloorDiv => {
                if b == 0 {
                    return Err(raise(
                        "ZeroDivisionError",
                        "integer division or modulo by zero",
                    ));
                }
                if a == i64::MIN && b == -1 {
                    return Err(overflow());
                }
                Value::Int(
                    a.div_euclid(b)
                        - if (a.rem_euclid(b) != 0) && b < 0 {
                            1
                        } else {
                            0
                        },
                )
            }
            BinOp::Mod => {
                if b == 0 {
                    return Err(raise(
                        "ZeroDivisionError",
                        "integer division or modulo by zero",
                    ));
                }
                let r = a.wrapping_rem(b);
                Value::Int(if r != 0 && ((r < 0) != (b < 0)) {
                    r + b
                } else {
                    r
                })
            }
            BinOp::Pow => {
                if b < 0 {
                    Value::Float((a as f64).powf(b as f64))
                } else {
                    let e = u32::try_from(b).map_err(|_| overflow())?;
                    Value::Int(a.checked_pow(e).ok_or_else(overflow)?)
                }
            }
            BinOp::LShift => {
                if b < 0 {
                    return Err(raise("ValueError", "negative shift count"));
                }
                let r = if b >= 64 {
                    None
                } else {
                    a.checked_shl(b as u32)
                };
                match r {
                    Some(v) if (v >> b) == a => Value::Int(v),
                    _ => return Err(overflow()),
                }
            }
            BinOp::RShift => {
                if b < 0 {
                    return Err(raise("ValueError", "negative shift count"));
                }
                Value::Int(if b >= 64 {
                    if a < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    a >> b
                })
            }
            BinOp::BitAnd => Value::Int(a & b),
            BinOp::BitOr => Value::Int(a | b),
            BinOp::BitXor => Value::Int(a ^ b),
            BinOp::MatMul => return Err(raise("TypeError", "unsupported operand type(s) for @")),
        },
        (a, b) => {
            let (a, b) = (a.f(), b.f());
            match op {
                BinOp::Add => Value::Float(a + b),
                BinOp::Sub => Value::Float(a - b),
                BinOp::Mul => Value::Float(a * b),
                BinOp::Div => {
                    if b == 0.0 {
                        return Err(raise("ZeroDivisionError", "float division by zero"));
                    }
                    Value::Float(a / b)
                }
                BinOp::FloorDiv => {
                    if b == 0.0 {
                        return Err(raise("ZeroDivisionError", "float floor division by zero"));
                    }
                    Value::Float((a / b).floor())
                }
                BinOp::Mod => {
                    if b == 0.0 {
                        return Err(raise("ZeroDivisionError", "float modulo"));
                    }
                    let r = a % b;
                    Value::Float(if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
                        r + b
                    } else {
                        r
                    })
                }
                BinOp::Pow => Value::Float(a.powf(b)),
                _ => {
                    return Err(raise(
                        "TypeError",
                        format!("unsupported operand type(s) for {}: 'float'", op.symbol()),
                    ))
                }
            }
        }
    })
}

/// Python's ordering for `<`, `sorted`, `min`, `max`.
pub fn order(a: &Value, b: &Value) -> R<Ordering> {
    use Value::*;
    super::limits::stack_guard(" in comparison")?;
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return Ok(match (x, y) {
            (Num::I(x), Num::I(y)) => x.cmp(&y),
            (x, y) => x.f().partial_cmp(&y.f()).unwrap_or(Ordering::Equal),
        });
    }
    match (a, b) {
        (Str(x), Str(y)) => Ok(x.cmp(y)),
        (Bytes(x), Bytes(y)) => Ok(x.cmp(y)),
        (List(_) | Tuple(_), List(_) | Tuple(_)) => {
            let xs = seq_items(a);
            let ys = seq_items(b);
            for (x, y) in xs.iter().zip(ys.iter()) {
                if !try_values_equal(x, y)? {
                    return order(x, y);
                }
            }
            Ok(xs.len().cmp(&ys.len()))
        }
        _ => Err(raise(
            "TypeError",
            format!(
                "'<' not supported between instances of '{}' and '{}'",
                a.type_name(),
                b.type_name()
            ),
        )),
    }
}

fn seq_items(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        _ => Vec::new(),
    }
}

pub fn compare(interp: &mut Interp, op: CmpOp, a: &Value, b: &Value) -> R<bool> {
    Ok(match op {
        CmpOp::Eq => eq(interp, a, b)?,
        CmpOp::Ne => !eq(interp, a, b)?,
        CmpOp::Lt => order(a, b)? == Ordering::Less,
        CmpOp::Le => order(a, b)? != Ordering::Greater,
        CmpOp::Gt => order(a, b)? == Ordering::Greater,
        CmpOp::Ge => order(a, b)? != Ordering::Less,
        CmpOp::In => contains(interp, b, a)?,
        CmpOp::NotIn => !contains(interp, b, a)?,
        CmpOp::Is => is(a, b),
        CmpOp::IsNot => !is(a, b),
    })
}

fn eq(interp: &mut Interp, a: &Value, b: &Value) -> R<bool> {
    if let Some(r) = interp.native_dunder(a, "__eq__", vec![b.clone()]) {
        return Ok(r?.truthy());
    }
    if let Value::Instance(_) = a {
        if let Some(f) = interp.method_opt(a, "__eq__")? {
            return Ok(interp.call_value(&f, Args::new(vec![b.clone()]))?.truthy());
        }
    }
    try_values_equal(a, b)
}

fn is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Layer(x, q), Value::Layer(y, r)) => std::ptr::eq(*x, *y) && q == r,
        (Value::Builtin(x), Value::Builtin(y)) => std::ptr::eq(*x, *y),
        _ => {
            let (x, y) = (identity(a), identity(b));
            x != 0 && x == y
        }
    }
}

/// `needle in haystack`.
pub fn contains(interp: &mut Interp, hay: &Value, needle: &Value) -> R<bool> {
    match (hay, needle) {
        (Value::Str(h), Value::Str(n)) => Ok(h.contains(&**n)),
        (Value::Str(_), _) => Err(raise(
            "TypeError",
            format!(
                "'in <string>' requires string as left operand, not {}",
                needle.type_name()
            ),
        )),
        (Value::Bytes(h), Value::Bytes(n)) => {
            Ok(n.is_empty() || h.windows(n.len()).any(|w| w == &n[..]))
        }
        (Value::Bytes(h), _) => {
            let b = needle.int("a bytes item")?;
            Ok(h.iter().any(|x| i64::from(*x) == b))
        }
        (Value::Dict(d) | Value::Set(d), _) => Ok(d.borrow().get(needle)?.is_some()),
        (Value::Packet(p), Value::Layer(def, quoted)) => {
            Ok(super::packets::find_layer(p, def, *quoted, 1).is_some())
        }
        (Value::Packet(p), Value::Str(name)) => {
            Ok(p.pkt.borrow().find_from(name, p.start).is_some())
        }
        (Value::Flags(v, names), Value::Str(s)) => {
            Ok(crate::packet::layer::parse_flags(names, s).is_ok_and(|f| f != 0 && v & f == f))
        }
        (Value::Range(a, b, s), _) => match needle.as_int() {
            Some(n) => Ok(if *s > 0 {
                n >= *a && n < *b
            } else {
                n <= *a && n > *b
            } && (n - a) % s == 0),
            None => Ok(false),
        },
        _ => {
            if let Some(r) = interp.native_dunder(hay, "__contains__", vec![needle.clone()]) {
                return Ok(r?.truthy());
            }
            if let Value::Instance(_) = hay {
                if let Some(f) = interp.method_opt(hay, "__contains__")? {
                    return Ok(interp
                        .call_value(&f, Args::new(vec![needle.clone()]))?
                        .truthy());
                }
            }
            for x in interp.iterate(hay)? {
                if values_equal(&x?, needle) {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// Normalises a possibly negative index; `None` when out of range.
pub fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if i < 0 { i + len } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

/// Resolves slice bounds to the list of indices they select.
pub fn slice_indices(s: &SliceVal, len: usize) -> R<Vec<usize>> {
    let opt = |v: &Value, what: &str| -> R<Option<i64>> {
        match v {
            Value::None => Ok(None),
            v => Ok(Some(v.int(what)?)),
        }
    };
    let step = opt(&s.2, "slice step")?.unwrap_or(1);
    if step == 0 {
        return Err(raise("ValueError", "slice step cannot be zero"));
    }
    let len_i = len as i64;
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let fix = |v: i64| if v < 0 { v + len_i } else { v };
    let (start, stop) = if step > 0 {
        (
            clamp(fix(opt(&s.0, "slice index")?.unwrap_or(0)), 0, len_i),
            clamp(fix(opt(&s.1, "slice index")?.unwrap_or(len_i)), 0, len_i),
        )
    } else {
        (
            clamp(
                opt(&s.0, "slice index")?.map(fix).unwrap_or(len_i - 1),
                -1,
                len_i - 1,
            ),
            clamp(
                opt(&s.1, "slice index")?.map(fix).unwrap_or(-1),
                -1,
                len_i - 1,
            ),
        )
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

fn index_err(what: &str) -> super::error::Flow {
    raise("IndexError", format!("{what} index out of range"))
}

pub fn get_item(interp: &mut Interp, o: &Value, i: &Value) -> R {
    if let Value::Native(n) = i {
        if let Some(s) = n.as_any().downcast_ref::<SliceVal>() {
            return get_slice(o, s);
        }
    }
    match o {
        Value::List(l) => {
            let l = l.borrow();
            let idx = i.int("list indices")?;
            norm_index(idx, l.len())
                .map(|k| l[k].clone())
                .ok_or_else(|| index_err("list"))
        }
        Value::Tuple(t) => {
            let idx = i.int("tuple indices")?;
            norm_index(idx, t.len())
                .map(|k| t[k].clone())
                .ok_or_else(|| index_err("tuple"))
        }
        Value::Str(s) => {
            let idx = i.int("string indices")?;
            let n = s.chars().count();
            norm_index(idx, n)
                .and_then(|k| s.chars().nth(k))
                .map(|c| Value::str(c.to_string()))
                .ok_or_else(|| index_err("string"))
        }
        Value::Bytes(b) => {
            let idx = i.int("byte indices")?;
            norm_index(idx, b.len())
                .map(|k| Value::Int(i64::from(b[k])))
                .ok_or_else(|| index_err("index"))
        }
        Value::Range(a, b, s) => {
            let idx = i.int("range indices")?;
            norm_index(idx, range_len(*a, *b, *s) as usize)
                .map(|k| Value::Int(a + s * k as i64))
                .ok_or_else(|| index_err("range object"))
        }
        Value::Dict(d) => match d.borrow().get(i)? {
            Some(v) => Ok(v),
            None => Err(raise("KeyError", super::repr::repr(i)).with_key(i.clone())),
        },
        Value::Packet(p) => super::packets::get_item(interp, p, i),
        Value::PacketList(l) => {
            let idx = i.int("list indices")?;
            norm_index(idx, l.len())
                .and_then(|k| l.get(k))
                .ok_or_else(|| index_err("list"))
        }
        Value::Instance(_) => match interp.method_opt(o, "__getitem__")? {
            Some(f) => interp.call_value(&f, Args::new(vec![i.clone()])),
            None => Err(not_subscriptable(o)),
        },
        Value::Native(n) => {
            match n.call_method(interp, o, "__getitem__", Args::new(vec![i.clone()])) {
                Some(r) => r,
                None => Err(not_subscriptable(o)),
            }
        }
        _ => Err(not_subscriptable(o)),
    }
}

fn not_subscriptable(o: &Value) -> super::error::Flow {
    raise(
        "TypeError",
        format!("'{}' object is not subscriptable", o.type_name()),
    )
}

trait WithKey {
    fn with_key(self, k: Value) -> Self;
}

impl WithKey for super::error::Flow {
    /// KeyError's argument is the key itself (so `str(e)` is its repr).
    fn with_key(self, k: Value) -> Self {
        if let super::error::Flow::Raise(e) = &self {
            if let Value::Instance(i) = &e.value {
                i.attrs
                    .borrow_mut()
                    .insert(Rc::from("args"), Value::tuple(vec![k]));
            }
        }
        self
    }
}

fn get_slice(o: &Value, s: &SliceVal) -> R {
    Ok(match o {
        Value::List(l) => {
            let l = l.borrow();
            Value::list(
                slice_indices(s, l.len())?
                    .into_iter()
                    .map(|i| l[i].clone())
                    .collect(),
            )
        }
        Value::Tuple(t) => Value::tuple(
            slice_indices(s, t.len())?
                .into_iter()
                .map(|i| t[i].clone())
                .collect(),
        ),
        Value::Str(st) => {
            let chars: Vec<char> = st.chars().collect();
            Value::str(
                slice_indices(s, chars.len())?
                    .into_iter()
                    .map(|i| chars[i])
                    .collect::<String>(),
            )
        }
        Value::Bytes(b) => Value::bytes(
            slice_indices(s, b.len())?
                .into_iter()
                .map(|i| b[i])
                .collect::<Vec<u8>>(),
        ),
        Value::PacketList(l) => {
            let items = l.items();
            Value::PacketList(super::value::PacketList::from_items(
                &l.name,
                slice_indices(s, items.len())?
                    .into_iter()
                    .map(|i| items[i].clone())
                    .collect(),
            ))
        }
        Value::Range(a, b, st) => {
            let n = range_len(*a, *b, *st) as usize;
            let idx = slice_indices(s, n)?;
            Value::list(
                idx.into_iter()
                    .map(|i| Value::Int(a + st * i as i64))
                    .collect(),
            )
        }
        _ => return Err(not_subscriptable(o)),
    })
}

pub fn set_item(interp: &mut Interp, o: &Value, i: &Value, v: Value) -> R<()> {
    match o {
        Value::List(l) => {
            if let Value::Native(n) = i {
                if let Some(s) = n.as_any().downcast_ref::<SliceVal>() {
                    let new: Vec<Value> = interp.iterate(&v)?.collect::<R<_>>()?;
                    let mut l = l.borrow_mut();
                    let idx = slice_indices(s, l.len())?;
                    if let (Some(&first), true) = (idx.first(), matches!(s.2, Value::None)) {
                        let last = idx.last().copied().unwrap_or(first);
                        l.splice(first..=last, new);
                    } else if idx.is_empty() && matches!(s.2, Value::None) {
                        let at = slice_indices(
                            &SliceVal(s.0.clone(), Value::None, Value::None),
                            l.len(),
                        )?
                        .first()
                        .copied()
                        .unwrap_or(l.len());
                        l.splice(at..at, new);
                    } else {
                        return Err(raise(
                            "ValueError",
                            "extended slice assignment is not supported",
                        ));
                    }
                    return Ok(());
                }
            }
            let mut l = l.borrow_mut();
            let len = l.len();
            let k = norm_index(i.int("list indices")?, len)
                .ok_or_else(|| index_err("list assignment"))?;
            l[k] = v;
            Ok(())
        }
        Value::Dict(d) => d.borrow_mut().insert(i.clone(), v),
        Value::Packet(p) => super::packets::set_item(interp, p, i, v),
        Value::Instance(_) => match interp.method_opt(o, "__setitem__")? {
            Some(f) => interp
                .call_value(&f, Args::new(vec![i.clone(), v]))
                .map(|_| ()),
            None => Err(raise(
                "TypeError",
                format!(
                    "'{}' object does not support item assignment",
                    o.type_name()
                ),
            )),
        },
        _ => Err(raise(
            "TypeError",
            format!(
                "'{}' object does not support item assignment",
                o.type_name()
            ),
        )),
    }
}

pub fn del_item(_interp: &mut Interp, o: &Value, i: &Value) -> R<()> {
    match o {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            if let Value::Native(n) = i {
                if let Some(s) = n.as_any().downcast_ref::<SliceVal>() {
                    let mut idx = slice_indices(s, l.len())?;
                    idx.sort_unstable();
                    for k in idx.into_iter().rev() {
                        l.remove(k);
                    }
                    return Ok(());
                }
            }
            let len = l.len();
            let k = norm_index(i.int("list indices")?, len)
                .ok_or_else(|| index_err("list assignment"))?;
            l.remove(k);
            Ok(())
        }
        Value::Dict(d) => match d.borrow_mut().remove(i)? {
            Some(_) => Ok(()),
            None => Err(raise("KeyError", super::repr::repr(i)).with_key(i.clone())),
        },
        _ => Err(raise(
            "TypeError",
            format!("'{}' object doesn't support item deletion", o.type_name()),
        )),
    }
}

/// Iterates a value. Lists are read live by index (appends while iterating
/// are seen, as in Python); packet sets are lazy.
pub fn iterate(interp: &mut Interp, v: &Value) -> R<Box<dyn Iterator<Item = R>>> {
    Ok(match v {
        Value::List(l) => {
            let l = l.clone();
            let mut i = 0;
            Box::new(std::iter::from_fn(move || {
                let item = l.borrow().get(i).cloned();
                i += 1;
                item.map(Ok)
            }))
        }
        Value::Tuple(t) => {
            let t = t.clone();
            Box::new((0..t.len()).map(move |i| Ok(t[i].clone())))
        }
        Value::Str(s) => {
            let chars: Vec<Value> = s.chars().map(|c| Value::str(c.to_string())).collect();
            Box::new(chars.into_iter().map(Ok))
        }
        Value::Bytes(b) => {
            let b = b.clone();
            Box::new((0..b.len()).map(move |i| Ok(Value::Int(i64::from(b[i])))))
        }
        Value::Range(a, b, s) => {
            let (a, s) = (*a, *s);
            let n = range_len(a, *b, s);
            Box::new((0..n).map(move |i| Ok(Value::Int(a + i * s))))
        }
        Value::Dict(d) | Value::Set(d) => Box::new(d.borrow().keys().into_iter().map(Ok)),
        Value::PacketList(l) => Box::new(l.values().map(Ok)),
        Value::Packet(p) => super::packets::iterate(p),
        Value::Iter(it) => {
            let it = it.clone();
            Box::new(std::iter::from_fn(move || it.borrow_mut().next()))
        }
        Value::Native(n) => match n.iter(interp) {
            Some(r) => r?,
            None => return Err(not_iterable(v)),
        },
        Value::Instance(_) => match interp.method_opt(v, "__iter__")? {
            Some(f) => {
                let it = interp.call_value(&f, Args::new(vec![]))?;
                if let Value::Instance(_) = it {
                    return next_protocol(interp, &it);
                }
                return iterate(interp, &it);
            }
            None => return Err(not_iterable(v)),
        },
        _ => return Err(not_iterable(v)),
    })
}

/// The items of an iterator object (an instance with `__next__`), up to
/// StopIteration. They are collected first: the iterators the language hands
/// out cannot call back into the interpreter, so an endless `__next__`
/// stops with MemoryError at the one-object limit (or Ctrl-C), not a hang.
/// `__iter__` returning something without `__next__` (itself, typically) is
/// Python's TypeError instead of a recursion.
fn next_protocol(interp: &mut Interp, it: &Value) -> R<Box<dyn Iterator<Item = R>>> {
    let Some(next) = interp.method_opt(it, "__next__")? else {
        return Err(raise(
            "TypeError",
            format!("iter() returned non-iterator of type '{}'", it.type_name()),
        ));
    };
    const MAX_ITEMS: usize = 1 << 26;
    let mut items = Vec::new();
    loop {
        // (each __next__ call checks for Ctrl-C itself)
        match interp.call_value(&next, Args::new(vec![])) {
            Ok(v) => items.push(Ok(v)),
            Err(super::error::Flow::Raise(e))
                if super::error::exc_is(&e.value, "StopIteration") =>
            {
                break
            }
            Err(e) => return Err(e),
        }
        if items.len() >= MAX_ITEMS {
            return Err(raise(
                "MemoryError",
                format!("iterator yielded more than {MAX_ITEMS} items before StopIteration"),
            ));
        }
    }
    Ok(Box::new(items.into_iter()))
}

fn not_iterable(v: &Value) -> super::error::Flow {
    raise(
        "TypeError",
        format!("'{}' object is not iterable", v.type_name()),
    )
}
