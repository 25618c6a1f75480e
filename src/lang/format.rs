//! Python's formatting: the format-spec mini-language (f-strings, `format()`,
//! `str.format`) and printf-style `%` formatting.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::repr::float_repr;
use super::value::*;

#[derive(Default, Debug)]
struct Spec {
    fill: char,
    align: Option<char>,
    sign: char,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(s: &str) -> R<Spec> {
    let c: Vec<char> = s.chars().collect();
    let mut sp = Spec {
        fill: ' ',
        sign: '-',
        ..Spec::default()
    };
    let mut i = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '^' | '=');
    if c.len() >= 2 && is_align(c[1]) {
        sp.fill = c[0];
        sp.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        sp.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sp.sign = c[i];
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < c.len() && c[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let start = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        sp.width = c[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| raise("ValueError", "Too many decimal digits in format string"))?;
        check_len(sp.width, "width")?;
    }
    if i < c.len() && matches!(c[i], ',' | '_') {
        sp.grouping = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        let ps = i;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        let p = if i > ps {
            c[ps..i]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| raise("ValueError", "Too many decimal digits in format string"))?
        } else {
            0
        };
        check_len(p, "precision")?;
        sp.precision = Some(p);
    }
    if i < c.len() {
        sp.ty = Some(c[i]);
        i += 1;
    }
    if i != c.len() {
        return Err(raise(
            "ValueError",
            format!("Invalid format specifier '{s}'"),
        ));
    }
    Ok(sp)
}

fn group(digits: &str, sep: char, every: usize) -> String {
    let mut out = String::new();
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

fn pad(body: String, sign: &str, sp: &Spec, default_right: bool) -> String {
    let len = body.chars().count() + sign.chars().count();
    if len >= sp.width {
        return format!("{sign}{body}");
    }
    let fill_n = sp.width - len;
    let (fill, align) = if sp.zero && sp.align.is_none() {
        ('0', '=')
    } else {
        (
            sp.fill,
            sp.align.unwrap_or(if default_right { '>' } else { '<' }),
        )
    };
    let f = |n: usize| fill.to_string().repeat(n);
    match align {
        '<' => format!("{sign}{body}{}", f(fill_n)),
        '^' => format!("{}{sign}{body}{}", f(fill_n / 2), f(fill_n - fill_n / 2)),
        '=' => format!("{sign}{}{body}", f(fill_n)),
        _ => format!("{}{sign}{body}", f(fill_n)),
    }
}

fn sign_of(neg: bool, sp: &Spec) -> &'static str {
    match (neg, sp.sign) {
        (true, _) => "-",
        (false, '+') => "+",
        (false, ' ') => " ",
        _ => "",
    }
}

fn fmt_int(v: i64, sp: &Spec) -> R<String> {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let (digits, prefix) = match sp.ty {
        Some('x') => (format!("{a:x}"), "0x"),
        Some('X') => (format!("{a:X}"), "0X"),
        Some('o') => (format!("{a:o}"), "0o"),
        Some('b') => (format!("{a:b}"), "0b"),
        Some('c') => {
            let ch = char::from_u32(v as u32)
                .ok_or_else(|| raise("OverflowError", "%c arg not in range"))?;
            return Ok(pad(ch.to_string(), "", sp, false));
        }
        Some('d') | Some('n') | None => (a.to_string(), ""),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => return fmt_float(v as f64, sp),
        Some(t) => {
            return Err(raise(
                "ValueError",
                format!("Unknown format code '{t}' for object of type 'int'"),
            ))
        }
    };
    let digits = match sp.grouping {
        Some(sep) => group(
            &digits,
            sep,
            if sp.ty.is_some_and(|t| "xXob".contains(t)) {
                4
            } else {
                3
            },
        ),
        None => digits,
    };
    let sign = format!("{}{}", sign_of(neg, sp), if sp.alt { prefix } else { "" });
    Ok(pad(digits, &sign, sp, true))
}

fn fmt_float(v: f64, sp: &Spec) -> R<String> {
    let neg = v.is_sign_negative() && v != 0.0 || (v == 0.0 && v.is_sign_negative());
    let a = v.abs();
    let prec = sp.precision;
    let body = match sp.ty {
        Some('f') | Some('F') => fixed(a, prec.unwrap_or(6)),
        Some('e') | Some('E') => {
            let s = exp_style(a, prec.unwrap_or(6));
            if sp.ty == Some('E') {
                s.to_uppercase()
            } else {
                s
            }
        }
        Some('%') => format!("{}%", fixed(a * 100.0, prec.unwrap_or(6))),
        Some('g') | Some('G') | Some('n') => general(a, prec.unwrap_or(6).max(1), sp.alt),
        None => match prec {
            Some(p) => general(a, p.max(1), false),
            None => float_repr(a),
        },
        Some(t) => {
            return Err(raise(
                "ValueError",
                format!("Unknown format code '{t}' for object of type 'float'"),
            ))
        }
    };
    let body = match sp.grouping {
        Some(sep) => {
            let (int_part, rest) = body.split_at(body.find(['.', 'e', '%']).unwrap_or(body.len()));
            format!("{}{rest}", group(int_part, sep, 3))
        }
        None => body,
    };
    Ok(pad(body, sign_of(neg, sp), sp, true))
}

/// `1.500000e+00` style with Python's two-digit exponent.
/// Digits Rust formats exactly; an f64 has at most 1074 fractional digits, so any
/// further digit is a zero (and Rust's precision argument must fit a u16).
const EXACT_DIGITS: usize = 1100;

/// Largest width or precision a format spec may ask for (Python would try and hit
/// MemoryError; we refuse before allocating).
pub(crate) const MAX_FORMAT_LEN: usize = 1 << 28;

fn check_len(n: usize, what: &str) -> R<()> {
    if n > MAX_FORMAT_LEN {
        return Err(raise(
            "MemoryError",
            format!("format {what} {n} too big (at most {MAX_FORMAT_LEN})"),
        ));
    }
    Ok(())
}

/// `{:.prec}` of a finite or non-finite f64, for any precision.
fn fixed(a: f64, prec: usize) -> String {
    if prec <= EXACT_DIGITS || !a.is_finite() {
        return format!("{:.*}", prec.min(EXACT_DIGITS), a);
    }
    let mut s = format!("{:.*}", EXACT_DIGITS, a);
    s.push_str(&"0".repeat(prec - EXACT_DIGITS));
    s
}

fn exp_style(a: f64, prec: usize) -> String {
    // Rust's precision argument is a u16; an f64's decimal expansion has at most
    // ~770 significant digits, so digits past EXACT_DIGITS are zeros.
    let p = prec.min(EXACT_DIGITS);
    let s = format!("{:.*e}", p, a);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let zeros = "0".repeat(prec - p);
    format!("{m}{zeros}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `%g`: significant digits, trailing zeros stripped.
fn general(a: f64, prec: usize, keep_zeros: bool) -> String {
    if a == 0.0 {
        return "0".into();
    }
    let exp = a.log10().floor() as i32;
    let s = if exp < -4 || exp >= prec as i32 {
        exp_style(a, prec.saturating_sub(1))
    } else {
        fixed(a, (prec as i64 - 1 - exp as i64).max(0) as usize)
    };
    if keep_zeros {
        return s;
    }
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", strip_zeros(m)),
        None => strip_zeros(&s),
    }
}

fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// `format(value, spec)`.
pub fn format_value(interp: &mut Interp, v: &Value, spec: &str) -> R<String> {
    if spec.is_empty() {
        return interp.to_str(v);
    }
    let sp = parse_spec(spec)?;
    match v {
        Value::Int(_) | Value::Bool(_) | Value::Flags(..) if sp.ty != Some('s') => {
            fmt_int(v.as_int().unwrap_or(0), &sp)
        }
        Value::Float(f) => fmt_float(*f, &sp),
        _ => {
            if sp.ty.is_some_and(|t| t != 's') {
                return Err(raise(
                    "ValueError",
                    format!(
                        "Unknown format code '{}' for object of type '{}'",
                        sp.ty.unwrap_or('?'),
                        v.type_name()
                    ),
                ));
            }
            let mut s = interp.to_str(v)?;
            if let Some(p) = sp.precision {
                s = s.chars().take(p).collect();
            }
            Ok(pad(s, "", &sp, false))
        }
    }
}

/// `fmt % args`.
pub fn percent(interp: &mut Interp, fmt: &str, args: &Value) -> R<String> {
    let seq: Vec<Value> = match args {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mut next = 0usize;
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if i >= chars.len() {
            return Err(raise("ValueError", "incomplete format"));
        }
        if chars[i] == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut key: Option<String> = None;
        if chars[i] == '(' {
            let close = chars[i..]
                .iter()
                .position(|c| *c == ')')
                .map(|p| p + i)
                .ok_or_else(|| raise("ValueError", "incomplete format key"))?;
            key = Some(chars[i + 1..close].iter().collect());
            i = close + 1;
        }
        let mut flags = String::new();
        while i < chars.len() && "-+ #0".contains(chars[i]) {
            flags.push(chars[i]);
            i += 1;
        }
        let mut take_num = |i: &mut usize| -> R<Option<usize>> {
            if *i < chars.len() && chars[*i] == '*' {
                *i += 1;
                let v = seq
                    .get(next)
                    .cloned()
                    .ok_or_else(|| raise("TypeError", "not enough arguments for format string"))?;
                next += 1;
                return Ok(Some(v.int("* width")?.max(0) as usize));
            }
            let s = *i;
            while *i < chars.len() && chars[*i].is_ascii_digit() {
                *i += 1;
            }
            Ok(if *i > s {
                Some(
                    chars[s..*i]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .map_err(|_| raise("ValueError", "width too big"))?,
                )
            } else {
                None
            })
        };
        let width = take_num(&mut i)?;
        let precision = if i < chars.len() && chars[i] == '.' {
            i += 1;
            Some(take_num(&mut i)?.unwrap_or(0))
        } else {
            None
        };
        while i < chars.len() && "hlL".contains(chars[i]) {
            i += 1;
        }
        let ty = *chars
            .get(i)
            .ok_or_else(|| raise("ValueError", "incomplete format"))?;
        i += 1;
        let val = match &key {
            Some(k) => match args {
                Value::Dict(d) => d
                    .borrow()
                    .get(&Value::str(k.as_str()))?
                    .ok_or_else(|| raise("KeyError", format!("'{k}'")))?,
                _ => return Err(raise("TypeError", "format requires a mapping")),
            },
            None => {
                let v = seq
                    .get(next)
                    .cloned()
                    .ok_or_else(|| raise("TypeError", "not enough arguments for format string"))?;
                next += 1;
                v
            }
        };
        check_len(width.unwrap_or(0), "width")?;
        check_len(precision.unwrap_or(0), "precision")?;
        let sp = Spec {
            fill: ' ',
            align: if flags.contains('-') { Some('<') } else { None },
            sign: if flags.contains('+') {
                '+'
            } else if flags.contains(' ') {
                ' '
            } else {
                '-'
            },
            alt: flags.contains('#'),
            zero: flags.contains('0') && !flags.contains('-'),
            width: width.unwrap_or(0),
            grouping: None,
            precision,
            ty: None,
        };
        let piece = match ty {
            's' | 'r' | 'a' => {
                let mut s = if ty == 's' {
                    interp.to_str(&val)?
                } else {
                    interp.repr(&val)?
                };
                if let Some(p) = precision {
                    s = s.chars().take(p).collect();
                }
                pad(s, "", &Spec { zero: false, ..sp }, true)
            }
            'd' | 'i' | 'u' => {
                let n = match &val {
                    Value::Float(f) => *f as i64,
                    v => v.as_int().ok_or_else(|| {
                        raise(
                            "TypeError",
                            format!(
                                "%{ty} format: a real number is required, not {}",
                                val.type_name()
                            ),
                        )
                    })?,
                };
                fmt_int(
                    n,
                    &Spec {
                        ty: Some('d'),
                        precision: None,
                        ..sp
                    },
                )?
            }
            'x' | 'X' | 'o' => {
                let n = val.as_int().ok_or_else(|| {
                    raise(
                        "TypeError",
                        format!(
                            "%{ty} format: an integer is required, not {}",
                            val.type_name()
                        ),
                    )
                })?;
                let mut s = fmt_int(
                    n,
                    &Spec {
                        ty: Some(ty),
                        alt: false,
                        width: 0,
                        zero: false,
                        align: None,
                        ..sp
                    },
                )?;
                if sp.alt {
                    s = format!(
                        "{}{}",
                        if ty == 'o' {
                            "0o"
                        } else if ty == 'x' {
                            "0x"
                        } else {
                            "0X"
                        },
                        s
                    );
                }
                if let Some(p) = precision {
                    while s.len() < p {
                        s.insert(0, '0');
                    }
                }
                pad(s, "", &sp, true)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = val.float(&format!("%{ty} format"))?;
                fmt_float(
                    f,
                    &Spec {
                        ty: Some(ty),
                        precision: Some(precision.unwrap_or(6)),
                        ..sp
                    },
                )?
            }
            'c' => {
                let s = match &val {
                    Value::Str(s) => s.to_string(),
                    v => char::from_u32(v.int("%c")? as u32)
                        .map(String::from)
                        .unwrap_or_default(),
                };
                pad(s, "", &sp, true)
            }
            other => {
                return Err(raise(
                    "ValueError",
                    format!("unsupported format character '{other}'"),
                ))
            }
        };
        out.push_str(&piece);
    }
    if key_free(fmt) && next < seq.len() && !matches!(args, Value::Dict(_)) {
        return Err(raise(
            "TypeError",
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

fn key_free(fmt: &str) -> bool {
    !fmt.contains("%(")
}

/// `str.format(*args, **kwargs)`.
pub fn str_format(interp: &mut Interp, fmt: &str, args: &Args) -> R<String> {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut auto = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            out.push('{');
            i += 2;
            continue;
        }
        if c == '}' && chars.get(i + 1) == Some(&'}') {
            out.push('}');
            i += 2;
            continue;
        }
        if c == '}' {
            return Err(raise(
                "ValueError",
                "Single '}' encountered in format string",
            ));
        }
        if c != '{' {
            out.push(c);
            i += 1;
            continue;
        }
        // find the matching close brace
        let mut depth = 1;
        let mut j = i + 1;
        while j < chars.len() && depth > 0 {
            match chars[j] {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth > 0 {
                j += 1;
            }
        }
        if j >= chars.len() {
            return Err(raise("ValueError", "expected '}' before end of string"));
        }
        let field: String = chars[i + 1..j].iter().collect();
        i = j + 1;
        let (head, spec) = match field.find(':') {
            Some(k) => (field[..k].to_string(), field[k + 1..].to_string()),
            None => (field.clone(), String::new()),
        };
        let (name, conv) = match head.rfind('!') {
            Some(k) => (head[..k].to_string(), head[k + 1..].chars().next()),
            None => (head, None),
        };
        let spec = if spec.contains('{') {
            str_format(interp, &spec, args)?
        } else {
            spec
        };
        let split = name.find(['.', '[']).unwrap_or(name.len());
        let (base, mut rest) = (&name[..split], &name[split..]);
        let mut v = if base.is_empty() {
            let v = args.pos.get(auto).cloned().ok_or_else(|| {
                raise(
                    "IndexError",
                    format!("Replacement index {auto} out of range for positional args tuple"),
                )
            })?;
            auto += 1;
            v
        } else if let Ok(n) = base.parse::<usize>() {
            args.pos.get(n).cloned().ok_or_else(|| {
                raise(
                    "IndexError",
                    format!("Replacement index {n} out of range for positional args tuple"),
                )
            })?
        } else {
            args.kw
                .iter()
                .find(|(k, _)| &**k == base)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| raise("KeyError", format!("'{base}'")))?
        };
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                v = interp.get_attr(&v, &r[..end])?;
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r
                    .find(']')
                    .ok_or_else(|| raise("ValueError", "Missing ']' in format string"))?;
                let key = &r[..end];
                let k = match key.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::str(key),
                };
                v = super::ops::get_item(interp, &v, &k)?;
                rest = &r[end + 1..];
            } else {
                break;
            }
        }
        let v = match conv {
            Some('r') | Some('a') => Value::str(interp.repr(&v)?),
            Some('s') => Value::str(interp.to_str(&v)?),
            _ => v,
        };
        out.push_str(&format_value(interp, &v, &spec)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: Value, spec: &str) -> String {
        let mut i = Interp::new(vec![], std::rc::Rc::new(crate::net::Offline));
        format_value(&mut i, &v, spec).unwrap_or_else(|_| "ERR".into())
    }

    #[test]
    fn specs() {
        assert_eq!(f(Value::Float(1.23456), ".2f"), "1.23");
        assert_eq!(f(Value::Int(255), "04x"), "00ff");
        assert_eq!(f(Value::Int(255), "#x"), "0xff");
        assert_eq!(f(Value::str("ab"), ">5"), "   ab");
        assert_eq!(f(Value::str("ab"), "*^6"), "**ab**");
        assert_eq!(f(Value::Int(1234567), ","), "1,234,567");
        assert_eq!(f(Value::Float(0.5), ".1%"), "50.0%");
        assert_eq!(f(Value::Float(1234.5), "e"), "1.234500e+03");
        assert_eq!(f(Value::Int(-5), "+d"), "-5");
        assert_eq!(f(Value::Int(5), "+d"), "+5");
    }

    #[test]
    fn percent_style() {
        let mut i = Interp::new(vec![], std::rc::Rc::new(crate::net::Offline));
        let p = |i: &mut Interp, fmt: &str, v: Value| {
            percent(i, fmt, &v).unwrap_or_else(|_| "ERR".into())
        };
        assert_eq!(p(&mut i, "%4.2f", Value::Float(1.23456)), "1.23");
        assert_eq!(
            p(&mut i, "%s is alive", Value::str("1.2.3.4")),
            "1.2.3.4 is alive"
        );
        assert_eq!(
            p(
                &mut i,
                "%d/%d",
                Value::tuple(vec![Value::Int(1), Value::Int(2)])
            ),
            "1/2"
        );
        assert_eq!(p(&mut i, "%-5s|", Value::str("a")), "a    |");
        assert_eq!(p(&mut i, "%02x", Value::Int(10)), "0a");
        assert_eq!(p(&mut i, "%5.1f%%", Value::Float(12.34)), " 12.3%");
    }
}
