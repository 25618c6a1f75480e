//! Methods of str, bytes, list, tuple, dict, set and numbers, as Python has them.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::ops::order;
use super::value::*;
use std::cell::RefCell;
use std::rc::Rc;

fn opt_str(args: &mut Args, i: usize, name: &str) -> R<Option<String>> {
    match args.get(i, name) {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(v.text(name)?.to_string())),
    }
}

fn prefixes(v: &Value, what: &str) -> R<Vec<String>> {
    match v {
        Value::Str(s) => Ok(vec![s.to_string()]),
        Value::Tuple(t) => t.iter().map(|x| Ok(x.text(what)?.to_string())).collect(),
        other => Err(raise(
            "TypeError",
            format!(
                "{what} first arg must be str or a tuple of str, not {}",
                other.type_name()
            ),
        )),
    }
}

/// Python's `str.split`.
pub fn split(s: &str, sep: Option<&str>, maxsplit: i64, from_right: bool) -> R<Vec<String>> {
    let max = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    Ok(match sep {
        None => {
            let parts: Vec<&str> = s.split_whitespace().collect();
            if parts.len() <= max.saturating_add(1) {
                parts.into_iter().map(String::from).collect()
            } else if from_right {
                let cut = parts.len() - max;
                let mut head_end = s.len();
                let mut count = 0;
                for (idx, _) in s.trim_end().rmatch_indices(char::is_whitespace) {
                    let _ = idx;
                    count += 1;
                    if count > max {
                        break;
                    }
                    head_end = idx;
                }
                let mut out = vec![s[..head_end].trim().to_string()];
                out.extend(parts[cut..].iter().map(|x| x.to_string()));
                out
            } else {
                let mut out: Vec<String> = parts[..max].iter().map(|x| x.to_string()).collect();
                let mut rest = s.trim_start();
                for _ in 0..max {
                    rest = rest.trim_start();
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    rest = &rest[end..];
                }
                out.push(rest.trim_start().to_string());
                out
            }
        }
        Some("") => return Err(raise("ValueError", "empty separator")),
        Some(sep) => {
            if from_right {
                let mut v: Vec<String> = s
                    .rsplitn(max.saturating_add(1), sep)
                    .map(String::from)
                    .collect();
                v.reverse();
                v
            } else {
                s.splitn(max.saturating_add(1), sep)
                    .map(String::from)
                    .collect()
            }
        }
    })
}

fn strip_chars<'a>(s: &'a str, chars: Option<&str>, left: bool, right: bool) -> &'a str {
    let pred = |c: char| match chars {
        Some(cs) => cs.contains(c),
        None => c.is_whitespace(),
    };
    let s = if left { s.trim_start_matches(pred) } else { s };
    if right {
        s.trim_end_matches(pred)
    } else {
        s
    }
}

pub fn str_method(interp: &mut Interp, s: &Rc<str>, name: &str, mut a: Args) -> R {
    let st: &str = s;
    let strv = |x: String| Ok(Value::str(x));
    match name {
        "split" | "rsplit" => {
            let sep = opt_str(&mut a, 0, "sep")?;
            let max = a
                .get(1, "maxsplit")
                .map(|v| v.int("maxsplit"))
                .transpose()?
                .unwrap_or(-1);
            let parts = split(st, sep.as_deref(), max, name == "rsplit")?;
            Ok(Value::list(parts.into_iter().map(Value::str).collect()))
        }
        "join" => {
            let it = a.req(0, "iterable", "join")?;
            let mut parts = Vec::new();
            for x in interp.iterate(&it)? {
                match &x? {
                    Value::Str(p) => parts.push(p.to_string()),
                    other => {
                        return Err(raise(
                            "TypeError",
                            format!(
                                "sequence item {}: expected str instance, {} found",
                                parts.len(),
                                other.type_name()
                            ),
                        ))
                    }
                }
            }
            strv(parts.join(st))
        }
        "strip" | "lstrip" | "rstrip" => {
            let chars = opt_str(&mut a, 0, "chars")?;
            strv(strip_chars(st, chars.as_deref(), name != "rstrip", name != "lstrip").to_string())
        }
        "startswith" | "endswith" => {
            let p = prefixes(&a.req(0, "prefix", name)?, name)?;
            Ok(Value::Bool(p.iter().any(|x| {
                if name == "startswith" {
                    st.starts_with(x.as_str())
                } else {
                    st.ends_with(x.as_str())
                }
            })))
        }
        "upper" => strv(st.to_uppercase()),
        "lower" | "casefold" => strv(st.to_lowercase()),
        "swapcase" => strv(
            st.chars()
                .map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<String>()
                    } else {
                        c.to_uppercase().collect()
                    }
                })
                .collect(),
        ),
        "title" => {
            let mut out = String::new();
            let mut prev_alpha = false;
            for c in st.chars() {
                out.extend(if prev_alpha {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect()
                });
                prev_alpha = c.is_alphabetic();
            }
            strv(out)
        }
        "capitalize" => {
            let mut c = st.chars();
            strv(match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        "replace" => {
            let old = a.req(0, "old", "replace")?.text("old")?;
            let new = a.req(1, "new", "replace")?.text("new")?;
            let count = a
                .get(2, "count")
                .map(|v| v.int("count"))
                .transpose()?
                .unwrap_or(-1);
            strv(if count < 0 {
                st.replace(&*old, &new)
            } else {
                st.replacen(&*old, &new, count as usize)
            })
        }
        "find" | "rfind" | "index" | "rindex" => {
            let sub = a.req(0, "sub", name)?.text("sub")?;
            let r = if name.starts_with('r') {
                st.rfind(&*sub)
            } else {
                st.find(&*sub)
            };
            match r {
                Some(byte) => Ok(Value::Int(st[..byte].chars().count() as i64)),
                None if name.ends_with("index") => Err(raise("ValueError", "substring not found")),
                None => Ok(Value::Int(-1)),
            }
        }
        "count" => {
            let sub = a.req(0, "sub", "count")?.text("sub")?;
            Ok(Value::Int(if sub.is_empty() {
                st.chars().count() as i64 + 1
            } else {
                st.matches(&*sub).count() as i64
            }))
        }
        "format" => strv(super::format::str_format(interp, st, &a)?),
        "encode" => Ok(Value::bytes(st.as_bytes().to_vec())),
        "isdigit" | "isnumeric" => Ok(Value::Bool(
            !st.is_empty() && st.chars().all(|c| c.is_ascii_digit()),
        )),
        "isalpha" => Ok(Value::Bool(
            !st.is_empty() && st.chars().all(char::is_alphabetic),
        )),
        "isalnum" => Ok(Value::Bool(
            !st.is_empty() && st.chars().all(char::is_alphanumeric),
        )),
        "isspace" => Ok(Value::Bool(
            !st.is_empty() && st.chars().all(char::is_whitespace),
        )),
        "isupper" => Ok(Value::Bool(
            st.chars().any(char::is_alphabetic) && !st.chars().any(char::is_lowercase),
        )),
        "islower" => Ok(Value::Bool(
            st.chars().any(char::is_alphabetic) && !st.chars().any(char::is_uppercase),
        )),
        "istitle" => Ok(Value::Bool(
            st.split_whitespace()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase)),
        )),
        "center" | "ljust" | "rjust" => {
            let w = a.req(0, "width", name)?.int("width")?.max(0) as usize;
            let fill = opt_str(&mut a, 1, "fillchar")?
                .and_then(|f| f.chars().next())
                .unwrap_or(' ');
            let n = st.chars().count();
            if n >= w {
                return strv(st.to_string());
            }
            let pad = w - n;
            super::ops::alloc_guard(pad.saturating_mul(fill.len_utf8()) as u128, name)?;
            let f = |k: usize| fill.to_string().repeat(k);
            strv(match name {
                "ljust" => format!("{st}{}", f(pad)),
                "rjust" => format!("{}{st}", f(pad)),
                _ => format!(
                    "{}{st}{}",
                    f(pad / 2 + ((pad % 2) & (n % 2))),
                    f(pad - (pad / 2 + ((pad % 2) & (n % 2))))
                ),
            })
        }
        "zfill" => {
            let w = a.req(0, "width", "zfill")?.int("width")?.max(0) as usize;
            let (sign, digits) = match st.strip_prefix(['-', '+']) {
                Some(d) => (&st[..1], d),
                None => ("", st),
            };
            let n = st.chars().count();
            super::ops::alloc_guard(w.saturating_sub(n) as u128, "zfill")?;
            strv(if n >= w {
                st.to_string()
            } else {
                format!("{sign}{}{digits}", "0".repeat(w - n))
            })
        }
        "splitlines" => Ok(Value::list(st.lines().map(Value::str).collect())),
        "partition" | "rpartition" => {
            let sep = a.req(0, "sep", name)?.text("sep")?;
            let found = if name == "partition" {
                st.find(&*sep)
            } else {
                st.rfind(&*sep)
            };
            Ok(match found {
                Some(i) => Value::tuple(vec![
                    Value::str(&st[..i]),
                    Value::Str(sep.clone()),
                    Value::str(&st[i + sep.len()..]),
                ]),
                None if name == "partition" => {
                    Value::tuple(vec![Value::Str(s.clone()), Value::str(""), Value::str("")])
                }
                None => Value::tuple(vec![Value::str(""), Value::str(""), Value::Str(s.clone())]),
            })
        }
        "removeprefix" => {
            let p = a.req(0, "prefix", name)?.text("prefix")?;
            strv(st.strip_prefix(&*p).unwrap_or(st).to_string())
        }
        "removesuffix" => {
            let p = a.req(0, "suffix", name)?.text("suffix")?;
            strv(st.strip_suffix(&*p).unwrap_or(st).to_string())
        }
        "expandtabs" => strv(st.replace('\t', "        ")),
        _ => Err(raise(
            "AttributeError",
            format!("'str' object has no attribute '{name}'"),
        )),
    }
}

fn bytes_arg(v: &Value, what: &str) -> R<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b.to_vec()),
        other => Err(raise(
            "TypeError",
            format!(
                "{what}: a bytes-like object is required, not '{}'",
                other.type_name()
            ),
        )),
    }
}

pub fn bytes_method(interp: &mut Interp, b: &Rc<[u8]>, name: &str, mut a: Args) -> R {
    match name {
        "hex" => {
            let sep = opt_str(&mut a, 0, "sep")?;
            let parts: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
            Ok(Value::str(parts.join(sep.as_deref().unwrap_or(""))))
        }
        "decode" => {
            let errors = opt_str(&mut a, 1, "errors")?;
            match std::str::from_utf8(b) {
                Ok(s) => Ok(Value::str(s)),
                Err(e) if errors.as_deref() == Some("ignore") || errors.as_deref() == Some("replace") => {
                    let _ = e;
                    Ok(Value::str(String::from_utf8_lossy(b).to_string()))
                }
                Err(e) => Err(raise(
                    "UnicodeDecodeError",
                    format!("'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid start byte", b[e.valid_up_to()], e.valid_up_to()),
                )),
            }
        }
        "startswith" | "endswith" => {
            let p = bytes_arg(&a.req(0, "prefix", name)?, name)?;
            Ok(Value::Bool(if name == "startswith" {
                b.starts_with(&p)
            } else {
                b.ends_with(&p)
            }))
        }
        "find" | "index" | "count" => {
            let sub = bytes_arg(&a.req(0, "sub", name)?, name)?;
            let positions: Vec<usize> = if sub.is_empty() {
                (0..=b.len()).collect()
            } else {
                b.windows(sub.len())
                    .enumerate()
                    .filter(|(_, w)| *w == &sub[..])
                    .map(|(i, _)| i)
                    .collect()
            };
            match name {
                "count" => Ok(Value::Int(positions.len() as i64)),
                _ => match positions.first() {
                    Some(i) => Ok(Value::Int(*i as i64)),
                    None if name == "index" => Err(raise("ValueError", "subsection not found")),
                    None => Ok(Value::Int(-1)),
                },
            }
        }
        "upper" => Ok(Value::bytes(b.to_ascii_uppercase())),
        "lower" => Ok(Value::bytes(b.to_ascii_lowercase())),
        "strip" | "lstrip" | "rstrip" => {
            let mut s = 0;
            let mut e = b.len();
            if name != "rstrip" {
                while s < e && b[s].is_ascii_whitespace() {
                    s += 1;
                }
            }
            if name != "lstrip" {
                while e > s && b[e - 1].is_ascii_whitespace() {
                    e -= 1;
                }
            }
            Ok(Value::bytes(b[s..e].to_vec()))
        }
        "split" => {
            let sep = a.get(0, "sep");
            let parts: Vec<Value> = match sep {
                None | Some(Value::None) => b
                    .split(|c| c.is_ascii_whitespace())
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::bytes(p.to_vec()))
                    .collect(),
                Some(v) => {
                    let sep = bytes_arg(&v, "split")?;
                    if sep.is_empty() {
                        return Err(raise("ValueError", "empty separator"));
                    }
                    let mut out = Vec::new();
                    let mut start = 0;
                    let mut i = 0;
                    while i + sep.len() <= b.len() {
                        if b[i..i + sep.len()] == sep[..] {
                            out.push(Value::bytes(b[start..i].to_vec()));
                            i += sep.len();
                            start = i;
                        } else {
                            i += 1;
                        }
                    }
                    out.push(Value::bytes(b[start..].to_vec()));
                    out
                }
            };
            Ok(Value::list(parts))
        }
        "join" => {
            let it = a.req(0, "iterable", "join")?;
            let mut out = Vec::new();
            for (k, x) in interp.iterate(&it)?.enumerate() {
                if k > 0 {
                    out.extend_from_slice(b);
                }
                out.extend(bytes_arg(&x?, "join")?);
            }
            Ok(Value::bytes(out))
        }
        "replace" => {
            let old = bytes_arg(&a.req(0, "old", name)?, name)?;
            let new = bytes_arg(&a.req(1, "new", name)?, name)?;
            if old.is_empty() {
                return Ok(Value::Bytes(b.clone()));
            }
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if b[i..].starts_with(&old) {
                    out.extend_from_slice(&new);
                    i += old.len();
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            Ok(Value::bytes(out))
        }
        _ => Err(raise(
            "AttributeError",
            format!("'bytes' object has no attribute '{name}'"),
        )),
    }
}

/// Sorts values with an optional key function.
pub fn sort_values(
    interp: &mut Interp,
    items: &mut Vec<Value>,
    key: Option<Value>,
    reverse: bool,
) -> R<()> {
    let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for v in items.drain(..) {
        let k = match &key {
            Some(f) if !matches!(f, Value::None) => {
                interp.call_value(f, Args::new(vec![v.clone()]))?
            }
            _ => v.clone(),
        };
        keyed.push((k, v));
    }
    let mut err = None;
    keyed.sort_by(|a, b| match order(&a.0, &b.0) {
        Ok(o) => o,
        Err(e) => {
            err.get_or_insert(e);
            std::cmp::Ordering::Equal
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    if reverse {
        keyed.reverse();
    }
    items.extend(keyed.into_iter().map(|(_, v)| v));
    Ok(())
}

pub fn list_method(interp: &mut Interp, l: &Rc<RefCell<Vec<Value>>>, name: &str, mut a: Args) -> R {
    match name {
        "append" => {
            let v = a.req(0, "object", "append")?;
            l.borrow_mut().push(v);
            Ok(Value::None)
        }
        "extend" => {
            let it = a.req(0, "iterable", "extend")?;
            let items: Vec<Value> = interp.iterate(&it)?.collect::<R<_>>()?;
            l.borrow_mut().extend(items);
            Ok(Value::None)
        }
        "insert" => {
            let i = a.req(0, "index", "insert")?.int("index")?;
            let v = a.req(1, "object", "insert")?;
            let mut l = l.borrow_mut();
            let n = l.len() as i64;
            let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
            l.insert(at, v);
            Ok(Value::None)
        }
        "pop" => {
            let i = a
                .get(0, "index")
                .map(|v| v.int("index"))
                .transpose()?
                .unwrap_or(-1);
            let mut l = l.borrow_mut();
            let len = l.len();
            match super::ops::norm_index(i, len) {
                Some(k) => Ok(l.remove(k)),
                None => Err(raise(
                    "IndexError",
                    if len == 0 {
                        "pop from empty list"
                    } else {
                        "pop index out of range"
                    },
                )),
            }
        }
        "remove" => {
            let v = a.req(0, "value", "remove")?;
            let mut l = l.borrow_mut();
            match l.iter().position(|x| values_equal(x, &v)) {
                Some(k) => {
                    l.remove(k);
                    Ok(Value::None)
                }
                None => Err(raise("ValueError", "list.remove(x): x not in list")),
            }
        }
        "index" => {
            let v = a.req(0, "value", "index")?;
            let pos = l.borrow().iter().position(|x| values_equal(x, &v));
            pos.map(|k| Value::Int(k as i64)).ok_or_else(|| {
                raise(
                    "ValueError",
                    format!("{} is not in list", super::repr::repr(&v)),
                )
            })
        }
        "count" => {
            let v = a.req(0, "value", "count")?;
            Ok(Value::Int(
                l.borrow().iter().filter(|x| values_equal(x, &v)).count() as i64,
            ))
        }
        "sort" => {
            let key = a.kw("key");
            let reverse = a.kw("reverse").is_some_and(|v| v.truthy());
            let mut items = std::mem::take(&mut *l.borrow_mut());
            let r = sort_values(interp, &mut items, key, reverse);
            *l.borrow_mut() = items;
            r.map(|_| Value::None)
        }
        "reverse" => {
            l.borrow_mut().reverse();
            Ok(Value::None)
        }
        "copy" => Ok(Value::list(l.borrow().clone())),
        "clear" => {
            l.borrow_mut().clear();
            Ok(Value::None)
        }
        _ => Err(raise(
            "AttributeError",
            format!("'list' object has no attribute '{name}'"),
        )),
    }
}

pub fn tuple_method(_interp: &mut Interp, t: &Rc<[Value]>, name: &str, mut a: Args) -> R {
    let v = a.req(0, "value", name)?;
    match name {
        "count" => Ok(Value::Int(
            t.iter().filter(|x| values_equal(x, &v)).count() as i64
        )),
        _ => t
            .iter()
            .position(|x| values_equal(x, &v))
            .map(|k| Value::Int(k as i64))
            .ok_or_else(|| raise("ValueError", "tuple.index(x): x not in tuple")),
    }
}

pub fn dict_method(interp: &mut Interp, d: &Rc<RefCell<Dict>>, name: &str, mut a: Args) -> R {
    match name {
        "keys" => Ok(Value::list(d.borrow().keys())),
        "values" => Ok(Value::list(d.borrow().entries.values().cloned().collect())),
        "items" => Ok(Value::list(
            d.borrow()
                .entries
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.0.clone(), v.clone()]))
                .collect(),
        )),
        "get" => {
            let k = a.req(0, "key", "get")?;
            let default = a.get(1, "default").unwrap_or(Value::None);
            Ok(d.borrow().get(&k)?.unwrap_or(default))
        }
        "setdefault" => {
            let k = a.req(0, "key", "setdefault")?;
            let default = a.get(1, "default").unwrap_or(Value::None);
            let existing = d.borrow().get(&k)?;
            match existing {
                Some(v) => Ok(v),
                None => {
                    d.borrow_mut().insert(k, default.clone())?;
                    Ok(default)
                }
            }
        }
        "pop" => {
            let k = a.req(0, "key", "pop")?;
            let removed = d.borrow_mut().remove(&k)?;
            match (removed, a.get(1, "default")) {
                (Some(v), _) => Ok(v),
                (None, Some(dv)) => Ok(dv),
                (None, None) => Err(raise("KeyError", super::repr::repr(&k))),
            }
        }
        "popitem" => {
            let last = d.borrow_mut().entries.pop();
            last.map(|(k, v)| Value::tuple(vec![k.0, v]))
                .ok_or_else(|| raise("KeyError", "popitem(): dictionary is empty"))
        }
        "update" => {
            if let Some(other) = a.get(0, "other") {
                match &other {
                    Value::Dict(o) => {
                        let entries: Vec<(Key, Value)> = o
                            .borrow()
                            .entries
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        for (k, v) in entries {
                            d.borrow_mut().entries.insert(k, v);
                        }
                    }
                    other => {
                        for pair in interp.iterate(other)? {
                            let kv: Vec<Value> = interp.iterate(&pair?)?.collect::<R<_>>()?;
                            if kv.len() != 2 {
                                return Err(raise(
                                    "ValueError",
                                    "dictionary update sequence element has wrong length",
                                ));
                            }
                            d.borrow_mut().insert(kv[0].clone(), kv[1].clone())?;
                        }
                    }
                }
            }
            for (k, v) in a.kw.drain(..) {
                d.borrow_mut().insert(Value::Str(k), v)?;
            }
            Ok(Value::None)
        }
        "copy" => Ok(Value::dict(d.borrow().clone())),
        "clear" => {
            d.borrow_mut().entries.clear();
            Ok(Value::None)
        }
        _ => Err(raise(
            "AttributeError",
            format!("'dict' object has no attribute '{name}'"),
        )),
    }
}

pub fn set_method(interp: &mut Interp, d: &Rc<RefCell<Dict>>, name: &str, mut a: Args) -> R {
    let other_set = |a: &mut Args, interp: &mut Interp| -> R<Dict> {
        let mut o = Dict::default();
        if let Some(v) = a.get(0, "other") {
            for x in interp.iterate(&v)? {
                o.insert(x?, Value::None)?;
            }
        }
        Ok(o)
    };
    let set = |x: Dict| Value::Set(Rc::new(RefCell::new(x)));
    match name {
        "add" => {
            let v = a.req(0, "elem", "add")?;
            d.borrow_mut().insert(v, Value::None)?;
            Ok(Value::None)
        }
        "remove" | "discard" => {
            let v = a.req(0, "elem", name)?;
            let gone = d.borrow_mut().remove(&v)?;
            if gone.is_none() && name == "remove" {
                return Err(raise("KeyError", super::repr::repr(&v)));
            }
            Ok(Value::None)
        }
        "pop" => {
            let first = d.borrow_mut().entries.shift_remove_index(0);
            first
                .map(|(k, _)| k.0)
                .ok_or_else(|| raise("KeyError", "pop from an empty set"))
        }
        "update" => {
            let o = other_set(&mut a, interp)?;
            d.borrow_mut().entries.extend(o.entries);
            Ok(Value::None)
        }
        "union" => {
            let o = other_set(&mut a, interp)?;
            let mut n = d.borrow().clone();
            n.entries.extend(o.entries);
            Ok(set(n))
        }
        "intersection" | "difference" => {
            let o = other_set(&mut a, interp)?;
            let keep_in = name == "intersection";
            let mut n = Dict::default();
            for k in d.borrow().entries.keys() {
                if o.entries.contains_key(k) == keep_in {
                    n.entries.insert(k.clone(), Value::None);
                }
            }
            Ok(set(n))
        }
        "issubset" => {
            let o = other_set(&mut a, interp)?;
            Ok(Value::Bool(
                d.borrow().entries.keys().all(|k| o.entries.contains_key(k)),
            ))
        }
        "issuperset" => {
            let o = other_set(&mut a, interp)?;
            Ok(Value::Bool(
                o.entries.keys().all(|k| d.borrow().entries.contains_key(k)),
            ))
        }
        "copy" => Ok(set(d.borrow().clone())),
        "clear" => {
            d.borrow_mut().entries.clear();
            Ok(Value::None)
        }
        _ => Err(raise(
            "AttributeError",
            format!("'set' object has no attribute '{name}'"),
        )),
    }
}

pub fn num_method(this: &Value, name: &str, mut a: Args) -> R {
    match (this, name) {
        (Value::Float(f), "is_integer") => Ok(Value::Bool(f.fract() == 0.0)),
        (_, "bit_length") => {
            let i = this.int("int")?;
            Ok(Value::Int(
                64 - i64::from(i.unsigned_abs().leading_zeros() as u16),
            ))
        }
        (_, "to_bytes") => {
            let i = this.int("int")?;
            let len = a
                .get(0, "length")
                .map(|v| v.int("length"))
                .transpose()?
                .unwrap_or(1)
                .max(0) as usize;
            let order = a
                .get(1, "byteorder")
                .map(|v| v.text("byteorder"))
                .transpose()?;
            let be = order.as_deref().unwrap_or("big") == "big";
            if len < 8 && (i < 0 || (i as u64) >> (len * 8) != 0) {
                return Err(raise("OverflowError", "int too big to convert"));
            }
            let full = (i as u64).to_be_bytes();
            let mut out: Vec<u8> = if len >= 8 {
                let mut v = vec![0u8; len - 8];
                v.extend_from_slice(&full);
                v
            } else {
                full[8 - len..].to_vec()
            };
            if !be {
                out.reverse();
            }
            Ok(Value::bytes(out))
        }
        _ => Err(raise(
            "AttributeError",
            format!("'{}' object has no attribute '{name}'", this.type_name()),
        )),
    }
}

/// Methods reached through a type: `bytes.fromhex`, `int.from_bytes`, `dict.fromkeys`.
pub fn static_method(interp: &mut Interp, ty: &str, name: &str, mut a: Args) -> R {
    match (ty, name) {
        ("bytes", "fromhex") => {
            let s = a.req(0, "string", "fromhex")?.text("fromhex() argument")?;
            let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            if clean.len() % 2 != 0 {
                return Err(raise(
                    "ValueError",
                    "non-hexadecimal number found in fromhex() arg",
                ));
            }
            let mut out = Vec::with_capacity(clean.len() / 2);
            for i in (0..clean.len()).step_by(2) {
                out.push(
                    u8::from_str_radix(clean.get(i..i + 2).unwrap_or("zz"), 16).map_err(|_| {
                        raise(
                            "ValueError",
                            format!(
                                "non-hexadecimal number found in fromhex() arg at position {i}"
                            ),
                        )
                    })?,
                );
            }
            Ok(Value::bytes(out))
        }
        ("int", "from_bytes") => {
            let b = bytes_arg(&a.req(0, "bytes", "from_bytes")?, "from_bytes")?;
            let order = a
                .get(1, "byteorder")
                .map(|v| v.text("byteorder"))
                .transpose()?;
            let mut b = b;
            if order.as_deref() == Some("little") {
                b.reverse();
            }
            if b.len() > 8 && b[..b.len() - 8].iter().any(|x| *x != 0) {
                return Err(raise(
                    "OverflowError",
                    "integer too large (packsmith integers are 64-bit)",
                ));
            }
            let v = b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
            Ok(Value::Int(v as i64))
        }
        ("dict", "fromkeys") => {
            let keys = a.req(0, "iterable", "fromkeys")?;
            let v = a.get(1, "value").unwrap_or(Value::None);
            let mut d = Dict::default();
            for k in interp.iterate(&keys)? {
                d.insert(k?, v.clone())?;
            }
            Ok(Value::dict(d))
        }
        ("str", "join") => {
            let sep = a.req(0, "sep", "join")?.text("sep")?;
            let rest = Args {
                pos: a.pos[1..].to_vec(),
                kw: vec![],
                span: a.span,
            };
            str_method(interp, &sep, "join", rest)
        }
        _ => Err(raise(
            "AttributeError",
            format!("type object '{ty}' has no attribute '{name}'"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_python() {
        assert_eq!(split("a b  c", None, -1, false).unwrap(), ["a", "b", "c"]);
        assert_eq!(
            split("a,b,,c", Some(","), -1, false).unwrap(),
            ["a", "b", "", "c"]
        );
        assert_eq!(split("a.b.c", Some("."), 1, true).unwrap(), ["a.b", "c"]);
        assert_eq!(split("a b c", None, 1, false).unwrap(), ["a", "b c"]);
    }
}
