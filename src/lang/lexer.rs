//! Tokenizer: Python's lexical structure (indentation, implicit line joining
//! inside brackets, string prefixes, f-strings, numeric literals). Token
//! recognizers are nom parsers; a driver loop tracks lines and indentation.

use super::ast::Span;
use super::error::SyntaxError;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, one_of};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::pair;
use nom::{IResult, Parser};
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(Rc<str>),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    /// An f-string: literal pieces and `{expr!conv:spec}` holes, kept as source.
    FStr(Vec<FPiece>),
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
}

/// One piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPiece {
    Lit(String),
    Hole {
        /// Expression source and its absolute byte offset in the file.
        expr: String,
        offset: usize,
        conv: Option<char>,
        /// The format spec, itself possibly holding holes.
        spec: Vec<FPiece>,
        /// `{x=}`: print the expression text too.
        debug: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const OPS: [&str; 47] = [
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "==", "!=", "<=", ">=", "<<", ">>",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "<", ">",
    "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "&", "|", "^", "~",
];

fn name(i: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while1(|c: char| c == '_' || c.is_alphabetic()),
        take_while(|c: char| c == '_' || c.is_alphanumeric()),
    ))
    .parse(i)
}

fn digits<'a>(
    radix: u32,
) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    recognize(pair(
        take_while1(move |c: char| c.is_digit(radix)),
        many0_count(pair(
            opt(char('_')),
            take_while1(move |c: char| c.is_digit(radix)),
        )),
    ))
}

fn radix_int(i: &str) -> IResult<&str, (u32, &str)> {
    let (i, _) = char('0').parse(i)?;
    let (i, r) = one_of("xXoObB").parse(i)?;
    let radix = match r {
        'x' | 'X' => 16,
        'o' | 'O' => 8,
        _ => 2,
    };
    let (i, _) = opt(char('_')).parse(i)?;
    let (i, d) = digits(radix).parse(i)?;
    Ok((i, (radix, d)))
}

fn exponent(i: &str) -> IResult<&str, &str> {
    recognize((one_of("eE"), opt(one_of("+-")), digits(10))).parse(i)
}

/// A decimal number: returns the text and whether it is a float.
fn decimal(i: &str) -> IResult<&str, (&str, bool)> {
    let mut float = alt((
        recognize((digits(10), char('.'), opt(digits(10)), opt(exponent))),
        recognize((char('.'), digits(10), opt(exponent))),
        recognize((digits(10), exponent)),
    ));
    if let Ok((rest, f)) = float.parse(i) {
        return Ok((rest, (f, true)));
    }
    let (rest, d) = digits(10).parse(i)?;
    Ok((rest, (d, false)))
}

fn operator(i: &str) -> IResult<&str, &'static str> {
    for op in OPS {
        if let Ok((rest, _)) = tag::<&str, &str, nom::error::Error<&str>>(op).parse(i) {
            return Ok((rest, op));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Tag,
    )))
}

/// String prefix letters (r, b, f, rb, br, fr, rf) directly followed by a quote.
fn string_prefix(i: &str) -> IResult<&str, &str> {
    let (rest, p) = take_while(|c: char| "rRbBfFuU".contains(c)).parse(i)?;
    if p.len() > 2 || !(rest.starts_with('"') || rest.starts_with('\'')) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        )));
    }
    Ok((rest, p))
}

/// Tokenizes a whole source file.
pub fn tokenize(src: &str, file: u32) -> Result<Vec<Token>, SyntaxError> {
    Lexer {
        src,
        file,
        pos: if src.starts_with('\u{feff}') { 3 } else { 0 },
        out: Vec::new(),
        indents: vec![(0, 0)],
        depth: Vec::new(),
    }
    .run()
}

struct Lexer<'a> {
    src: &'a str,
    file: u32,
    pos: usize,
    out: Vec<Token>,
    /// Open blocks' indentation: (columns with 8-column tabs, with 1-column tabs).
    indents: Vec<(usize, usize)>,
    /// Open brackets and where they opened.
    depth: Vec<(char, usize)>,
}

impl<'a> Lexer<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn err(
        &self,
        at: usize,
        end: usize,
        msg: impl Into<String>,
        expected: impl Into<String>,
    ) -> SyntaxError {
        SyntaxError::new(self.span(at, end.max(at)), msg, expected)
    }

    fn push(&mut self, tok: Tok, start: usize, end: usize) {
        self.out.push(Token {
            tok,
            span: self.span(start, end),
        });
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn run(mut self) -> Result<Vec<Token>, SyntaxError> {
        let mut at_line_start = true;
        while self.pos < self.src.len() {
            if at_line_start && self.depth.is_empty() {
                if !self.indentation()? {
                    continue;
                }
                at_line_start = false;
            }
            let rest = self.rest();
            let c = rest.chars().next().unwrap_or('\n');
            match c {
                ' ' | '\t' | '\x0c' => self.pos += 1,
                '\r' => self.pos += 1,
                '#' => self.pos += rest.find('\n').unwrap_or(rest.len()),
                '\\' if rest[1..].starts_with('\n') || rest[1..].starts_with("\r\n") => {
                    self.pos += if rest[1..].starts_with('\n') { 2 } else { 3 };
                }
                '\n' => {
                    if self.depth.is_empty() {
                        if !matches!(self.out.last().map(|t| &t.tok), Some(Tok::Newline) | None) {
                            self.push(Tok::Newline, self.pos, self.pos + 1);
                        }
                        at_line_start = true;
                    }
                    self.pos += 1;
                }
                _ => self.token()?,
            }
        }
        if let Some(&(open, at)) = self.depth.last() {
            return Err(self.err(
                at,
                at + 1,
                format!("`{open}` was never closed"),
                format!("a closing `{}`", closing(open)),
            ));
        }
        let end = self.src.len();
        if !matches!(self.out.last().map(|t| &t.tok), Some(Tok::Newline) | None) {
            self.push(Tok::Newline, end, end);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, end, end);
        }
        self.push(Tok::Eof, end, end);
        Ok(self.out)
    }

    /// Measures a line's indentation. Returns false for blank or comment-only lines.
    fn indentation(&mut self) -> Result<bool, SyntaxError> {
        let rest = self.rest();
        // Python measures twice, a tab as up to 8 columns and as 1: when
        // the two disagree on which block a line belongs to, the tabs and
        // spaces are mixed ambiguously (TabError)
        let (mut width, mut alt) = (0usize, 0usize);
        let mut n = 0usize;
        for c in rest.chars() {
            match c {
                ' ' => (width, alt) = (width + 1, alt + 1),
                '\t' => (width, alt) = ((width / 8 + 1) * 8, alt + 1),
                '\x0c' => (width, alt) = (0, 0),
                _ => break,
            }
            n += c.len_utf8();
        }
        let after = &rest[n..];
        if after.is_empty()
            || after.starts_with('\n')
            || after.starts_with('#')
            || after.starts_with("\r\n")
        {
            // blank line: skip it entirely
            let skip = after.find('\n').map(|i| i + 1).unwrap_or(after.len());
            self.pos += n + skip;
            return Ok(false);
        }
        let start = self.pos;
        self.pos += n;
        let current = *self.indents.last().unwrap_or(&(0, 0));
        let tab_error = |l: &Self| {
            l.err(
                start,
                start + n,
                "inconsistent use of tabs and spaces in indentation",
                "the same mix of tabs and spaces as the enclosing lines",
            )
            .kind("TabError")
        };
        if width > current.0 {
            if alt <= current.1 {
                return Err(tab_error(self));
            }
            if self.out.is_empty()
                || matches!(
                    self.out.last().map(|t| &t.tok),
                    Some(Tok::Dedent | Tok::Indent)
                )
            {
                return Err(self
                    .err(
                        start,
                        self.pos,
                        "unexpected indent",
                        "a statement at the margin",
                    )
                    .kind("IndentationError"));
            }
            self.indents.push((width, alt));
            self.push(Tok::Indent, start, self.pos);
        } else if width < current.0 {
            while width < self.indents.last().map_or(0, |l| l.0) {
                self.indents.pop();
                self.push(Tok::Dedent, self.pos, self.pos);
            }
            let level = *self.indents.last().unwrap_or(&(0, 0));
            if width != level.0 {
                return Err(self
                    .err(
                        start,
                        self.pos,
                        "unindent does not match any outer indentation level",
                        "the indentation of an enclosing block",
                    )
                    .kind("IndentationError"));
            }
            if alt != level.1 {
                return Err(tab_error(self));
            }
        } else if alt != current.1 {
            return Err(tab_error(self));
        }
        Ok(true)
    }

    fn token(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let rest = self.rest();
        if let Ok((after, prefix)) = string_prefix(rest) {
            return self.string(start, prefix, after);
        }
        if let Ok((after, (radix, d))) = radix_int(rest) {
            let clean: String = d.chars().filter(|c| *c != '_').collect();
            let v = i64::from_str_radix(&clean, radix).or_else(|_| {
                u64::from_str_radix(&clean, radix)
                    .map(|u| u as i64)
                    .map_err(|_| ())
                    .and_then(|v| if v < 0 { Err(()) } else { Ok(v) })
            });
            let end = self.src.len() - after.len();
            let v = v.map_err(|_| {
                self.err(
                    start,
                    end,
                    "integer literal too large (packsmith integers are 64-bit)",
                    "a smaller number",
                )
            })?;
            self.pos = end;
            self.push(Tok::Int(v), start, end);
            return self.no_trailing_name(start);
        }
        if rest.starts_with(|c: char| c.is_ascii_digit())
            || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            if let Ok((after, (text, is_float))) = decimal(rest) {
                let end = self.src.len() - after.len();
                let clean: String = text.chars().filter(|c| *c != '_').collect();
                let tok = if is_float {
                    Tok::Float(
                        clean
                            .parse()
                            .map_err(|_| self.err(start, end, "bad float literal", "a number"))?,
                    )
                } else {
                    if clean.len() > 1 && clean.starts_with('0') && clean.chars().any(|c| c != '0')
                    {
                        return Err(self.err(
                            start,
                            end,
                            "leading zeros in decimal integer literals are not permitted",
                            "0o prefix for octal",
                        ));
                    }
                    Tok::Int(clean.parse().map_err(|_| {
                        self.err(
                            start,
                            end,
                            "integer literal too large (packsmith integers are 64-bit)",
                            "a smaller number",
                        )
                    })?)
                };
                self.pos = end;
                self.push(tok, start, end);
                return self.no_trailing_name(start);
            }
        }
        if let Ok((after, n)) = name(rest) {
            let end = self.src.len() - after.len();
            self.pos = end;
            self.push(Tok::Name(Rc::from(n)), start, end);
            return Ok(());
        }
        if let Ok((after, op)) = operator(rest) {
            let end = self.src.len() - after.len();
            match op {
                "(" | "[" | "{" => self.depth.push((op.chars().next().unwrap_or('('), start)),
                ")" | "]" | "}" => {
                    let want = op.chars().next().unwrap_or(')');
                    match self.depth.pop() {
                        Some((open, _)) if closing(open) == want => {}
                        Some((open, at)) => {
                            return Err(self.err(start, end, format!("closing `{want}` does not match `{open}` opened at offset {at}"), format!("`{}`", closing(open))));
                        }
                        None => {
                            return Err(self.err(
                                start,
                                end,
                                format!("unmatched `{want}`"),
                                "an opening bracket before it",
                            ))
                        }
                    }
                }
                _ => {}
            }
            self.pos = end;
            self.push(Tok::Op(op), start, end);
            return Ok(());
        }
        let c = rest.chars().next().unwrap_or(' ');
        Err(self.err(
            start,
            start + c.len_utf8(),
            format!("invalid character {c:?}"),
            "a name, number, string or operator",
        ))
    }

    /// `1abc` is an error, not `1` followed by `abc`.
    fn no_trailing_name(&self, start: usize) -> Result<(), SyntaxError> {
        let rest = self.rest();
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            let end = self.pos + name(rest).map(|(_, n)| n.len()).unwrap_or(1);
            return Err(self.err(
                start,
                end,
                "invalid number literal",
                "an operator or space after a number",
            ));
        }
        Ok(())
    }

    fn string(&mut self, start: usize, prefix: &str, after: &'a str) -> Result<(), SyntaxError> {
        let lower = prefix.to_ascii_lowercase();
        let raw = lower.contains('r');
        let is_bytes = lower.contains('b');
        let is_f = lower.contains('f');
        if is_bytes && is_f {
            return Err(self.err(
                start,
                start + prefix.len(),
                "bytes can't be f-strings",
                "b\"...\" or f\"...\"",
            ));
        }
        let q = after.chars().next().unwrap_or('"');
        let triple = after.starts_with(&format!("{q}{q}{q}"));
        let delim_len = if triple { 3 } else { 1 };
        let body_start = self.src.len() - after.len() + delim_len;
        let body = &self.src[body_start..];
        // find the closing delimiter, honouring backslash escapes
        let mut i = 0;
        let bytes = body.as_bytes();
        let end_rel = loop {
            if i >= bytes.len() {
                return Err(self.err(
                    start,
                    self.src.len(),
                    "unterminated string literal",
                    format!(
                        "a closing {}",
                        if triple {
                            format!("{q}{q}{q}")
                        } else {
                            q.to_string()
                        }
                    ),
                ));
            }
            let b = bytes[i];
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == b'\n' && !triple {
                return Err(self.err(
                    start,
                    body_start + i,
                    "unterminated string literal (end of line)",
                    format!("a closing {q}"),
                ));
            }
            if b as char == q && (!triple || body[i..].starts_with(&format!("{q}{q}{q}"))) {
                break i;
            }
            i += 1;
        };
        let text = &body[..end_rel];
        let end = body_start + end_rel + delim_len;
        self.pos = end;
        let tok = if is_f {
            Tok::FStr(self.fstring(text, body_start, raw)?)
        } else if is_bytes {
            if let Some(bad) = text.chars().position(|c| !c.is_ascii()) {
                return Err(self.err(
                    body_start + bad,
                    body_start + bad + 1,
                    "bytes can only contain ASCII literal characters",
                    "a \\x escape",
                ));
            }
            Tok::Bytes(
                unescape(text, raw, true)
                    .map_err(|(o, m)| {
                        self.err(body_start + o, body_start + o + 2, m, "a valid escape")
                    })?
                    .into_iter()
                    .map(|c| c as u8)
                    .collect(),
            )
        } else {
            let chars = unescape(text, raw, false).map_err(|(o, m)| {
                self.err(body_start + o, body_start + o + 2, m, "a valid escape")
            })?;
            Tok::Str(chars.into_iter().filter_map(char::from_u32).collect())
        };
        self.push(tok, start, end);
        Ok(())
    }

    fn fstring(&self, text: &str, base: usize, raw: bool) -> Result<Vec<FPiece>, SyntaxError> {
        parse_fstring(text, base, raw)
            .map_err(|(o, m)| self.err(base + o, base + o + 1, m, "a valid f-string"))
    }
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Splits f-string text into literal pieces and `{...}` holes.
pub fn parse_fstring(text: &str, base: usize, raw: bool) -> Result<Vec<FPiece>, (usize, String)> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let b = text.as_bytes();
    let mut i = 0;
    let flush = |lit: &mut String, out: &mut Vec<FPiece>| -> Result<(), (usize, String)> {
        if !lit.is_empty() {
            let s = unescape(lit, raw, false)?;
            out.push(FPiece::Lit(
                s.into_iter().filter_map(char::from_u32).collect(),
            ));
            lit.clear();
        }
        Ok(())
    };
    while i < b.len() {
        let c = b[i];
        if c == b'{' && b.get(i + 1) == Some(&b'{') {
            lit.push('{');
            i += 2;
        } else if c == b'}' && b.get(i + 1) == Some(&b'}') {
            lit.push('}');
            i += 2;
        } else if c == b'}' {
            return Err((i, "single '}' is not allowed in an f-string".into()));
        } else if c == b'{' {
            flush(&mut lit, &mut out)?;
            // find the matching close, tracking nesting and strings
            let start = i + 1;
            let mut depth = 0i32;
            let mut j = start;
            let mut expr_end = None;
            let mut conv = None;
            let mut spec_start = None;
            let mut quote: Option<u8> = None;
            while j < b.len() {
                let d = b[j];
                if let Some(q) = quote {
                    if d == q {
                        quote = None;
                    }
                    j += 1;
                    continue;
                }
                match d {
                    b'\'' | b'"' => quote = Some(d),
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' => depth -= 1,
                    b'}' if depth > 0 => depth -= 1,
                    b'}' => break,
                    b'!' if depth == 0 && spec_start.is_none() && b.get(j + 1) != Some(&b'=') => {
                        expr_end.get_or_insert(j);
                        conv = b.get(j + 1).map(|c| *c as char);
                        j += 1;
                    }
                    b':' if depth == 0 && spec_start.is_none() => {
                        expr_end.get_or_insert(j);
                        spec_start = Some(j + 1);
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= b.len() {
                return Err((i, "f-string: expecting '}'".into()));
            }
            let e_end = expr_end.unwrap_or(j);
            let mut expr = &text[start..e_end];
            let mut debug = false;
            if expr.trim_end().ends_with('=') && !expr.trim_end().ends_with("==") {
                debug = true;
                expr = expr.trim_end().strip_suffix('=').unwrap_or(expr);
            }
            if expr.trim().is_empty() {
                return Err((i, "f-string: empty expression not allowed".into()));
            }
            if let Some(c) = conv {
                if !matches!(c, 'r' | 's' | 'a') {
                    return Err((
                        e_end,
                        "f-string: invalid conversion character: expected 's', 'r', or 'a'".into(),
                    ));
                }
            }
            let spec = match spec_start {
                Some(s) => parse_fstring(&text[s..j], base + s, raw)
                    .map_err(|(o, m)| (o + s, m))?
                    .into_iter()
                    .map(|p| match p {
                        FPiece::Hole {
                            expr,
                            offset,
                            conv,
                            spec,
                            debug,
                        } => FPiece::Hole {
                            expr,
                            offset,
                            conv,
                            spec,
                            debug,
                        },
                        lit => lit,
                    })
                    .collect(),
                None => Vec::new(),
            };
            out.push(FPiece::Hole {
                expr: expr.to_string(),
                offset: base + start,
                conv,
                spec,
                debug,
            });
            i = j + 1;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            lit.push(ch);
            i += ch.len_utf8();
        }
    }
    flush(&mut lit, &mut out)?;
    Ok(out)
}

/// Resolves backslash escapes. Returns code points (bytes for byte strings).
/// Errors carry the offset of the bad escape.
pub fn unescape(s: &str, raw: bool, bytes: bool) -> Result<Vec<u32>, (usize, String)> {
    let mut out = Vec::with_capacity(s.len());
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '\\' || raw {
            if raw && c == '\\' {
                out.push('\\' as u32);
                if let Some(&(_, n)) = it.peek() {
                    out.push(n as u32);
                    it.next();
                }
                continue;
            }
            out.push(c as u32);
            continue;
        }
        let Some((_, e)) = it.next() else {
            out.push('\\' as u32);
            break;
        };
        let hex = |it: &mut std::iter::Peekable<std::str::CharIndices>,
                   n: usize|
         -> Result<u32, (usize, String)> {
            let mut v = 0u32;
            for _ in 0..n {
                match it.next() {
                    Some((_, h)) if h.is_ascii_hexdigit() => {
                        v = v * 16 + h.to_digit(16).unwrap_or(0)
                    }
                    _ => {
                        return Err((
                            i,
                            format!("truncated \\{e} escape: expected {n} hex digits"),
                        ))
                    }
                }
            }
            Ok(v)
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\' as u32),
            '\'' => out.push('\'' as u32),
            '"' => out.push('"' as u32),
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'n' => out.push(10),
            'r' => out.push(13),
            't' => out.push(9),
            'v' => out.push(11),
            'x' => out.push(hex(&mut it, 2)?),
            'u' if !bytes => out.push(hex(&mut it, 4)?),
            'U' if !bytes => {
                let v = hex(&mut it, 8)?;
                if char::from_u32(v).is_none() {
                    return Err((i, "illegal Unicode character in \\U escape".into()));
                }
                out.push(v);
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek() {
                        Some(&(_, d)) if d.is_digit(8) => {
                            v = v * 8 + d.to_digit(8).unwrap_or(0);
                            it.next();
                        }
                        _ => break,
                    }
                }
                if bytes && v > 255 {
                    return Err((i, "octal escape out of range for bytes".into()));
                }
                out.push(v);
            }
            other => {
                // unknown escapes are kept verbatim, as Python does
                out.push('\\' as u32);
                out.push(other as u32);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s, 0).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(
            toks("0x1f 0b101 1_000 0o17 3.5 1e3 .5")[..7],
            [
                Tok::Int(31),
                Tok::Int(5),
                Tok::Int(1000),
                Tok::Int(15),
                Tok::Float(3.5),
                Tok::Float(1000.0),
                Tok::Float(0.5)
            ]
        );
    }

    #[test]
    fn strings_and_bytes() {
        assert_eq!(
            toks(r#"b"\x00\xff" 'a\n' r"\d""#)[..3],
            [
                Tok::Bytes(vec![0, 255]),
                Tok::Str("a\n".into()),
                Tok::Str("\\d".into())
            ]
        );
    }

    #[test]
    fn indentation() {
        let t = toks("if x:\n    y\nz\n");
        assert!(t.contains(&Tok::Indent));
        assert!(t.contains(&Tok::Dedent));
    }

    #[test]
    fn brackets_join_lines() {
        let t = toks("f(1,\n  2)\n");
        assert_eq!(t.iter().filter(|t| **t == Tok::Newline).count(), 1);
    }

    #[test]
    fn errors_have_positions() {
        let e = tokenize("x = 'abc\n", 0).unwrap_err();
        assert_eq!(e.span.start, 4);
        let e = tokenize("f(1, 2]\n", 0).unwrap_err();
        assert!(e.message.contains("does not match"));
        let e = tokenize("if x:\n    y\n  z\n", 0).unwrap_err();
        assert!(e.message.contains("unindent"));
    }

    #[test]
    fn fstrings() {
        let t = toks("f'a{x!r:>{w}}b{{'");
        match &t[0] {
            Tok::FStr(p) => {
                assert_eq!(p.len(), 3);
                assert!(matches!(&p[1], FPiece::Hole { expr, conv: Some('r'), .. } if expr == "x"));
            }
            other => panic!("{other:?}"),
        }
    }
}
