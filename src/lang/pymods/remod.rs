//! `re` on the `regex` crate: match, search, fullmatch, findall, finditer,
//! sub, subn, split, compile, and match objects. Python syntax is accepted
//! where the crate has it (named groups `(?P<n>...)`, inline flags);
//! lookaround and backreferences are reported as unsupported.

use super::module;
use crate::lang::error::{raise, R};
use crate::lang::interp::{Args, Interp};
use crate::lang::value::*;
use std::rc::Rc;

pub fn make() -> Value {
    module(
        "re",
        FUNCS,
        vec![
            ("IGNORECASE", Value::Int(2)),
            ("I", Value::Int(2)),
            ("MULTILINE", Value::Int(8)),
            ("M", Value::Int(8)),
            ("DOTALL", Value::Int(16)),
            ("S", Value::Int(16)),
            ("VERBOSE", Value::Int(64)),
            ("X", Value::Int(64)),
            ("ASCII", Value::Int(256)),
            ("A", Value::Int(256)),
        ],
    )
}

static FUNCS: &[Builtin] = funcs! {
    "compile" => re_compile: "compile(pattern, flags=0)",
    "match" => re_match: "match(pattern, string, flags=0): a match at the start, or None",
    "search" => re_search: "search(pattern, string, flags=0): the first match, or None",
    "fullmatch" => re_fullmatch: "fullmatch(pattern, string, flags=0)",
    "findall" => re_findall: "findall(pattern, string, flags=0)",
    "finditer" => re_finditer: "finditer(pattern, string, flags=0)",
    "sub" => re_sub: "sub(pattern, repl, string, count=0, flags=0)",
    "subn" => re_subn: "subn(pattern, repl, string, count=0, flags=0)",
    "split" => re_split: "split(pattern, string, maxsplit=0, flags=0)",
    "escape" => re_escape: "escape(text)",
};

/// A compiled pattern.
pub struct Pattern {
    source: String,
    flags: i64,
    re: regex::Regex,
    /// The same pattern anchored at the start (`match`) and at both ends (`fullmatch`).
    anchored: regex::Regex,
    full: regex::Regex,
}

fn translate(p: &str) -> R<String> {
    for bad in ["(?=", "(?!", "(?<=", "(?<!", "(?P="] {
        if p.contains(bad) {
            return Err(raise("NotImplementedError", format!("packsmith's re does not support {bad}...) (lookaround or backreference) in {p:?}")));
        }
    }
    Ok(p.replace("\\Z", "\\z"))
}

fn compile(p: &str, flags: i64) -> R<Rc<Pattern>> {
    let mut src = translate(p)?;
    let mut inline = String::new();
    if flags & 2 != 0 {
        inline.push('i');
    }
    if flags & 8 != 0 {
        inline.push('m');
    }
    if flags & 16 != 0 {
        inline.push('s');
    }
    if flags & 64 != 0 {
        inline.push('x');
    }
    if !inline.is_empty() {
        src = format!("(?{inline}){src}");
    }
    let bad = |e: regex::Error| raise("ValueError", format!("bad regular expression {p:?}: {e}"));
    let re = regex::Regex::new(&src).map_err(bad)?;
    let anchored = regex::Regex::new(&format!("\\A(?:{src})")).map_err(bad)?;
    let full = regex::Regex::new(&format!("\\A(?:{src})\\z")).map_err(bad)?;
    Ok(Rc::new(Pattern {
        source: p.to_string(),
        flags,
        re,
        anchored,
        full,
    }))
}

fn pattern_of(v: &Value, flags: i64) -> R<Rc<Pattern>> {
    match v {
        Value::Str(s) => compile(s, flags),
        Value::Native(n) => match n.as_any().downcast_ref::<Pattern>() {
            Some(p) => compile(&p.source, p.flags | flags),
            None => Err(raise(
                "TypeError",
                "first argument must be a string or compiled pattern",
            )),
        },
        other => Err(raise(
            "TypeError",
            format!(
                "first argument must be a string or compiled pattern, not {}",
                other.type_name()
            ),
        )),
    }
}

/// A match: groups as byte ranges into the subject.
pub struct Match {
    subject: Rc<str>,
    groups: Vec<Option<(usize, usize)>>,
    names: Vec<Option<String>>,
}

fn make_match(p: &Pattern, subject: &Rc<str>, caps: &regex::Captures) -> Value {
    Value::Native(Rc::new(Match {
        subject: subject.clone(),
        groups: (0..caps.len())
            .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
            .collect(),
        names: p.re.capture_names().map(|n| n.map(String::from)).collect(),
    }))
}

impl Match {
    fn index(&self, v: &Value) -> R<usize> {
        match v {
            Value::Int(i) if *i >= 0 && (*i as usize) < self.groups.len() => Ok(*i as usize),
            Value::Str(s) => self
                .names
                .iter()
                .position(|n| n.as_deref() == Some(s))
                .ok_or_else(|| raise("IndexError", "no such group")),
            _ => Err(raise("IndexError", "no such group")),
        }
    }
    fn group(&self, i: usize) -> Value {
        match self.groups.get(i).copied().flatten() {
            Some((s, e)) => Value::str(&self.subject[s..e]),
            None => Value::None,
        }
    }
    fn chars(&self, byte: usize) -> i64 {
        self.subject[..byte].chars().count() as i64
    }
}

impl Native for Match {
    fn type_name(&self) -> &str {
        "re.Match"
    }
    fn repr(&self) -> String {
        let (s, e) = self.groups[0].unwrap_or((0, 0));
        format!(
            "<re.Match object; span=({}, {}), match={}>",
            self.chars(s),
            self.chars(e),
            crate::lang::repr::str_repr(&self.subject[s..e])
        )
    }
    fn attrs(&self) -> Vec<String> {
        [
            "group",
            "groups",
            "groupdict",
            "start",
            "end",
            "span",
            "string",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        match name {
            "string" => Some(Ok(Value::Str(self.subject.clone()))),
            "lastindex" => Some(Ok(self
                .groups
                .iter()
                .rposition(|g| g.is_some())
                .filter(|i| *i > 0)
                .map(|i| Value::Int(i as i64))
                .unwrap_or(Value::None))),
            _ => None,
        }
    }
    fn call_method(&self, _i: &mut Interp, _this: &Value, name: &str, mut a: Args) -> Option<R> {
        let which = |a: &mut Args| -> R<usize> {
            match a.get(0, "group") {
                None => Ok(0),
                Some(v) => self.index(&v),
            }
        };
        Some(match name {
            "group" | "__getitem__" => {
                if a.pos.len() > 1 {
                    let idx: R<Vec<Value>> = a
                        .pos
                        .iter()
                        .map(|v| self.index(v).map(|i| self.group(i)))
                        .collect();
                    idx.map(Value::tuple)
                } else {
                    which(&mut a).map(|i| self.group(i))
                }
            }
            "groups" => {
                let d = a.get(0, "default").unwrap_or(Value::None);
                Ok(Value::tuple(
                    (1..self.groups.len())
                        .map(|i| {
                            if self.groups[i].is_some() {
                                self.group(i)
                            } else {
                                d.clone()
                            }
                        })
                        .collect(),
                ))
            }
            "groupdict" => {
                let mut d = Dict::default();
                for (i, n) in self.names.iter().enumerate() {
                    if let Some(n) = n {
                        if let Err(e) = d.insert(Value::str(n.as_str()), self.group(i)) {
                            return Some(Err(e));
                        }
                    }
                }
                Ok(Value::dict(d))
            }
            "start" | "end" | "span" => {
                which(&mut a).map(|i| match self.groups.get(i).copied().flatten() {
                    Some((s, e)) => match name {
                        "start" => Value::Int(self.chars(s)),
                        "end" => Value::Int(self.chars(e)),
                        _ => {
                            Value::tuple(vec![Value::Int(self.chars(s)), Value::Int(self.chars(e))])
                        }
                    },
                    None if name == "span" => Value::tuple(vec![Value::Int(-1), Value::Int(-1)]),
                    None => Value::Int(-1),
                })
            }
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn subject(v: Option<Value>, f: &str) -> R<Rc<str>> {
    v.ok_or_else(|| raise("TypeError", format!("{f}() missing the string")))?
        .text("string")
}

fn find(p: &Pattern, s: &Rc<str>, mode: &str) -> Value {
    let caps = match mode {
        "search" => p.re.captures(s),
        "match" => p.anchored.captures(s),
        _ => p.full.captures(s),
    };
    caps.map(|c| make_match(p, s, &c)).unwrap_or(Value::None)
}

fn findall(p: &Pattern, s: &str) -> Value {
    let mut out = Vec::new();
    for c in p.re.captures_iter(s) {
        let g = |i: usize| {
            c.get(i)
                .map(|m| Value::str(m.as_str()))
                .unwrap_or_else(|| Value::str(""))
        };
        out.push(match c.len() {
            1 => g(0),
            2 => g(1),
            n => Value::tuple((1..n).map(g).collect()),
        });
    }
    Value::list(out)
}

/// Expands `\1`, `\g<1>`, `\g<name>` in a replacement template.
fn expand(template: &str, c: &regex::Captures, p: &Pattern) -> String {
    let mut out = String::new();
    let chars: Vec<char> = template.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if n.is_ascii_digit() {
                let d = n.to_digit(10).unwrap_or(0) as usize;
                out.push_str(c.get(d).map(|m| m.as_str()).unwrap_or(""));
                i += 2;
                continue;
            }
            if n == 'g' && chars.get(i + 2) == Some(&'<') {
                if let Some(close) = chars[i + 3..].iter().position(|x| *x == '>') {
                    let name: String = chars[i + 3..i + 3 + close].iter().collect();
                    let m = match name.parse::<usize>() {
                        Ok(k) => c.get(k),
                        Err(_) => {
                            p.re.capture_names()
                                .position(|x| x == Some(name.as_str()))
                                .and_then(|k| c.get(k))
                        }
                    };
                    out.push_str(m.map(|m| m.as_str()).unwrap_or(""));
                    i += 4 + close;
                    continue;
                }
            }
            out.push(match n {
                'n' => '\n',
                't' => '\t',
                '\\' => '\\',
                other => other,
            });
            i += 2;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn sub(
    interp: &mut Interp,
    p: &Pattern,
    repl: &Value,
    s: &Rc<str>,
    count: usize,
) -> R<(String, usize)> {
    let mut out = String::new();
    let mut last = 0;
    let mut n = 0;
    for c in p.re.captures_iter(s) {
        if count > 0 && n >= count {
            break;
        }
        let m = c
            .get(0)
            .ok_or_else(|| raise("RuntimeError", "empty capture"))?;
        out.push_str(&s[last..m.start()]);
        match repl {
            Value::Str(t) => out.push_str(&expand(t, &c, p)),
            f => {
                let mv = make_match(p, s, &c);
                let r = interp.call_value(f, Args::new(vec![mv]))?;
                out.push_str(&interp.to_str(&r)?);
            }
        }
        last = m.end();
        n += 1;
    }
    out.push_str(&s[last..]);
    Ok((out, n))
}

fn flags(a: &mut Args, pos: usize) -> R<i64> {
    Ok(a.get(pos, "flags")
        .map(|v| v.int("flags"))
        .transpose()?
        .unwrap_or(0))
}

fn re_compile(_: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "pattern", "compile")?;
    let f = flags(&mut a, 1)?;
    Ok(Value::Native(pattern_of(&p, f)?))
}

fn call_mode(mut a: Args, mode: &str) -> R {
    let p = a.req(0, "pattern", mode)?;
    let s = subject(a.get(1, "string"), mode)?;
    let f = flags(&mut a, 2)?;
    Ok(find(&*pattern_of(&p, f)?, &s, mode))
}

fn re_match(_: &mut Interp, a: Args) -> R {
    call_mode(a, "match")
}
fn re_search(_: &mut Interp, a: Args) -> R {
    call_mode(a, "search")
}
fn re_fullmatch(_: &mut Interp, a: Args) -> R {
    call_mode(a, "fullmatch")
}
fn re_findall(_: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "pattern", "findall")?;
    let s = subject(a.get(1, "string"), "findall")?;
    let f = flags(&mut a, 2)?;
    Ok(findall(&*pattern_of(&p, f)?, &s))
}
fn re_finditer(_: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "pattern", "finditer")?;
    let s = subject(a.get(1, "string"), "finditer")?;
    let f = flags(&mut a, 2)?;
    let pat = pattern_of(&p, f)?;
    let ms: Vec<Value> = pat
        .re
        .captures_iter(&s)
        .map(|c| make_match(&pat, &s, &c))
        .collect();
    Ok(Value::iter(ms.into_iter().map(Ok)))
}
fn re_sub(interp: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "pattern", "sub")?;
    let repl = a.req(1, "repl", "sub")?;
    let s = subject(a.get(2, "string"), "sub")?;
    let count = a
        .get(3, "count")
        .map(|v| v.int("count"))
        .transpose()?
        .unwrap_or(0)
        .max(0) as usize;
    let f = flags(&mut a, 4)?;
    Ok(Value::str(
        sub(interp, &*pattern_of(&p, f)?, &repl, &s, count)?.0,
    ))
}
fn re_subn(interp: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "pattern", "subn")?;
    let repl = a.req(1, "repl", "subn")?;
    let s = subject(a.get(2, "string"), "subn")?;
    let count = a
        .get(3, "count")
        .map(|v| v.int("count"))
        .transpose()?
        .unwrap_or(0)
        .max(0) as usize;
    let f = flags(&mut a, 4)?;
    let (out, n) = sub(interp, &*pattern_of(&p, f)?, &repl, &s, count)?;
    Ok(Value::tuple(vec![Value::str(out), Value::Int(n as i64)]))
}
fn split_with(p: &Pattern, s: &str, maxsplit: usize) -> Value {
    let mut out = Vec::new();
    let mut last = 0;
    for (n, c) in p.re.captures_iter(s).enumerate() {
        if maxsplit > 0 && n >= maxsplit {
            break;
        }
        let Some(m) = c.get(0) else { continue };
        out.push(Value::str(&s[last..m.start()]));
        for i in 1..c.len() {
            out.push(
                c.get(i)
                    .map(|g| Value::str(g.as_str()))
                    .unwrap_or(Value::None),
            );
        }
        last = m.end();
    }
    out.push(Value::str(&s[last..]));
    Value::list(out)
}
fn re_split(_: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "pattern", "split")?;
    let s = subject(a.get(1, "string"), "split")?;
    let max = a
        .get(2, "maxsplit")
        .map(|v| v.int("maxsplit"))
        .transpose()?
        .unwrap_or(0)
        .max(0) as usize;
    let f = flags(&mut a, 3)?;
    Ok(split_with(&*pattern_of(&p, f)?, &s, max))
}
fn re_escape(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::str(regex::escape(
        &a.req(0, "pattern", "escape")?.text("pattern")?,
    )))
}

impl Native for Pattern {
    fn type_name(&self) -> &str {
        "re.Pattern"
    }
    fn repr(&self) -> String {
        format!("re.compile({})", crate::lang::repr::str_repr(&self.source))
    }
    fn attrs(&self) -> Vec<String> {
        [
            "match",
            "search",
            "fullmatch",
            "findall",
            "finditer",
            "sub",
            "subn",
            "split",
            "pattern",
            "flags",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        match name {
            "pattern" => Some(Ok(Value::str(self.source.as_str()))),
            "flags" => Some(Ok(Value::Int(self.flags))),
            _ => None,
        }
    }
    fn call_method(
        &self,
        interp: &mut Interp,
        _this: &Value,
        name: &str,
        mut a: Args,
    ) -> Option<R> {
        let me = self;
        Some((|| -> R {
            match name {
                "match" | "search" | "fullmatch" => {
                    Ok(find(me, &subject(a.get(0, "string"), name)?, name))
                }
                "findall" => Ok(findall(me, &subject(a.get(0, "string"), name)?)),
                "finditer" => {
                    let s = subject(a.get(0, "string"), name)?;
                    let ms: Vec<Value> = me
                        .re
                        .captures_iter(&s)
                        .map(|c| make_match(me, &s, &c))
                        .collect();
                    Ok(Value::iter(ms.into_iter().map(Ok)))
                }
                "sub" | "subn" => {
                    let repl = a.req(0, "repl", name)?;
                    let s = subject(a.get(1, "string"), name)?;
                    let count = a
                        .get(2, "count")
                        .map(|v| v.int("count"))
                        .transpose()?
                        .unwrap_or(0)
                        .max(0) as usize;
                    let (out, n) = sub(interp, me, &repl, &s, count)?;
                    Ok(if name == "sub" {
                        Value::str(out)
                    } else {
                        Value::tuple(vec![Value::str(out), Value::Int(n as i64)])
                    })
                }
                "split" => {
                    let s = subject(a.get(0, "string"), name)?;
                    let max = a
                        .get(1, "maxsplit")
                        .map(|v| v.int("maxsplit"))
                        .transpose()?
                        .unwrap_or(0)
                        .max(0) as usize;
                    Ok(split_with(me, &s, max))
                }
                _ => Err(raise(
                    "AttributeError",
                    format!("'re.Pattern' object has no attribute '{name}'"),
                )),
            }
        })())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
