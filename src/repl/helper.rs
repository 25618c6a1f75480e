//! rustyline helper: Tab completion (variables, layers, builtins, fields inside
//! `Layer(` calls, enum names inside `type="`, attributes after `x.`), hints
//! (a layer's fields, a command's signature) and syntax highlighting.
//! It reads the interpreter's state but never evaluates code.

use crate::lang::value::Value;
use crate::lang::Interp;
use crate::packet::decl::{LayerDef, Show};
use colored::Colorize;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::Context;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
];

pub struct Helper {
    pub interp: Rc<RefCell<Interp>>,
    pub color: bool,
}

impl rustyline::Helper for Helper {}
impl Validator for Helper {}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The innermost unclosed `(` before `pos` and the name right before it.
fn enclosing_call(text: &str) -> Option<String> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut opens: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => {
                opens.push(i);
                depth += 1;
            }
            ')' | ']' | '}' => {
                opens.pop();
                depth -= 1;
            }
            _ => {}
        }
    }
    let _ = depth;
    let open = *opens.last()?;
    if chars.get(open) != Some(&'(') {
        return None;
    }
    let mut s = open;
    while s > 0 && is_ident(chars[s - 1]) {
        s -= 1;
    }
    (s < open).then(|| chars[s..open].iter().collect())
}

/// If the cursor is inside an unclosed string, its start and the keyword
/// argument it is the value of (`type="ec` gives (`type`, start of `ec`)).
fn string_context(text: &str) -> Option<(String, usize)> {
    let mut quote: Option<(char, usize)> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some((q, _)) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some((c, i)),
            None => {}
        }
    }
    let (_, at) = quote?;
    let before = text[..at].trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let start = before
        .rfind(|c: char| !is_ident(c))
        .map(|i| i + 1)
        .unwrap_or(0);
    let field = &before[start..];
    (!field.is_empty()).then(|| (field.to_string(), at + 1))
}

fn layer_of(interp: &Interp, name: &str) -> Option<&'static LayerDef> {
    match interp
        .globals
        .get(name)
        .or_else(|| interp.builtins.get(name).cloned())
    {
        Some(Value::Layer(d, _)) => Some(d),
        _ => None,
    }
}

impl Helper {
    fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let text = &line[..pos];
        let interp = self.interp.borrow();
        if let Some((field, start)) = string_context(text) {
            let partial = &text[start..];
            if let Some(def) = enclosing_call(text).and_then(|n| layer_of(&interp, &n)) {
                if let Some(f) = def.fields.iter().find(|f| f.name == field) {
                    let probe = crate::packet::Layer::new(def);
                    let names: Vec<&str> = match f.show {
                        Show::Enum(n) | Show::XEnum(n) => n.iter().map(|(_, s)| *s).collect(),
                        Show::EnumBy(g) => {
                            // codes: every table, since the type is not known here
                            let _ = g(&probe);
                            crate::layers::icmp::TYPES
                                .iter()
                                .flat_map(|(t, _)| {
                                    crate::layers::icmp::codes_of(*t).iter().map(|(_, s)| *s)
                                })
                                .collect()
                        }
                        Show::Flags(n) => n.to_vec(),
                        _ => Vec::new(),
                    };
                    let mut out: Vec<String> = names
                        .into_iter()
                        .filter(|n| n.starts_with(partial))
                        .map(String::from)
                        .collect();
                    out.sort();
                    out.dedup();
                    return (start, out);
                }
            }
            return (pos, Vec::new());
        }
        let start = text
            .rfind(|c: char| !is_ident(c))
            .map(|i| i + 1)
            .unwrap_or(0);
        let word = &text[start..];
        // attributes after `name.` / `name.attr.`
        if start > 0 && text[..start].ends_with('.') {
            let head = &text[..start - 1];
            let hs = head
                .rfind(|c: char| !(is_ident(c) || c == '.'))
                .map(|i| i + 1)
                .unwrap_or(0);
            let path: Vec<&str> = head[hs..].split('.').collect();
            if path.iter().all(|p| !p.is_empty()) {
                drop(interp);
                let mut interp = self.interp.borrow_mut();
                let ctx = interp.ctx();
                let mut v = match interp.lookup(path[0], &ctx) {
                    Some(v) => v,
                    None => return (start, Vec::new()),
                };
                for p in &path[1..] {
                    match interp.get_attr(&v, p) {
                        Ok(x) => v = x,
                        Err(_) => return (start, Vec::new()),
                    }
                }
                let attrs = crate::lang::completion::attributes(&mut interp, &v);
                return (
                    start,
                    attrs.into_iter().filter(|a| a.starts_with(word)).collect(),
                );
            }
            return (start, Vec::new());
        }
        let mut out: Vec<String> = Vec::new();
        if let Some(def) = enclosing_call(text).and_then(|n| layer_of(&interp, &n)) {
            out.extend(
                def.fields
                    .iter()
                    .filter(|f| f.name.starts_with(word))
                    .map(|f| format!("{}=", f.name)),
            );
            // right after `(` or `,` a layer call takes field names
            let key_position = text[..start].trim_end().ends_with(['(', ',']);
            if key_position && !out.is_empty() {
                return (start, out);
            }
        }
        let mut names: Vec<String> = interp
            .globals
            .vars
            .borrow()
            .keys()
            .map(|k| k.to_string())
            .chain(interp.builtins.keys().map(|k| k.to_string()))
            .chain(KEYWORDS.iter().map(|k| k.to_string()))
            .filter(|n| n.starts_with(word) && !n.starts_with("__"))
            .collect();
        names.sort();
        names.dedup();
        out.extend(names);
        (start, out)
    }
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, c) = self.candidates(line, pos);
        Ok((
            start,
            c.into_iter()
                .map(|s| Pair {
                    display: s.clone(),
                    replacement: s,
                })
                .collect(),
        ))
    }
}

impl Hinter for Helper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos != line.len() || !line.ends_with('(') || line.len() > HIGHLIGHT_MAX {
            return None;
        }
        let name = enclosing_call(line)?;
        let interp = self.interp.borrow();
        match interp
            .globals
            .get(&name)
            .or_else(|| interp.builtins.get(name.as_str()).cloned())?
        {
            Value::Layer(d, _) => {
                let fields: Vec<&str> = d.fields.iter().map(|f| f.name).collect();
                Some(format!("{}=...)", fields.join("=, ")))
            }
            Value::Builtin(b) => {
                let sig = b.doc.split(':').next().unwrap_or("");
                sig.strip_prefix(&format!("{name}(")).map(String::from)
            }
            _ => None,
        }
    }
}

/// Lines longer than this are shown plain: colouring is redone on every
/// keystroke, and on a pasted 80 KB line that made typing quadratic.
const HIGHLIGHT_MAX: usize = 2000;

impl Highlighter for Helper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || line.len() > HIGHLIGHT_MAX {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight(line, &self.interp.borrow()))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.color {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(hint.dimmed().to_string())
    }

    fn highlight_char(&self, line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // false lets rustyline echo a typed character instead of redrawing
        self.color && line.len() <= HIGHLIGHT_MAX
    }
}

/// Colours keywords, layers, strings, numbers and comments.
fn highlight(line: &str, interp: &Interp) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            let rest: String = chars[i..].iter().collect();
            out.push_str(&rest.dimmed().to_string());
            break;
        }
        if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(chars.len());
            let s: String = chars[i..end].iter().collect();
            out.push_str(&s.green().to_string());
            i = end;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '.' || chars[j] == '_')
            {
                j += 1;
            }
            let s: String = chars[i..j].iter().collect();
            out.push_str(&s.cyan().to_string());
            i = j;
            continue;
        }
        if is_ident(c) {
            let mut j = i;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            let w: String = chars[i..j].iter().collect();
            if KEYWORDS.contains(&w.as_str()) {
                out.push_str(&w.magenta().bold().to_string());
            } else if matches!(interp.builtins.get(w.as_str()), Some(Value::Layer(..))) {
                out.push_str(&w.yellow().bold().to_string());
            } else {
                out.push_str(&w);
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> Helper {
        Helper {
            interp: Rc::new(RefCell::new(Interp::new(
                vec![],
                Rc::new(crate::net::Offline),
            ))),
            color: false,
        }
    }

    #[test]
    fn completes_fields_inside_layer_call() {
        let h = helper();
        let (start, c) = h.candidates("ICMP(ty", 7);
        assert_eq!(start, 5);
        assert!(c.contains(&"type=".to_string()));
    }

    #[test]
    fn completes_enum_names_inside_strings() {
        let h = helper();
        let (start, c) = h.candidates("ICMP(type=\"echo-r", 17);
        assert_eq!(start, 11);
        assert!(c.contains(&"echo-request".to_string()) && c.contains(&"echo-reply".to_string()));
    }

    #[test]
    fn completes_names_and_attributes() {
        let h = helper();
        let (_, c) = h.candidates("IC", 2);
        assert!(c.contains(&"ICMP".to_string()) && c.contains(&"ICMPerror".to_string()));
        crate::lang::run_source(&mut h.interp.borrow_mut(), "<t>", "p = IP()/ICMP()").ok();
        let (_, c) = h.candidates("p.tt", 4);
        assert_eq!(c, vec!["ttl".to_string()]);
    }
}
