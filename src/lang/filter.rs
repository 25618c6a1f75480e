//! Packet predicates written in the language, for `packsmith read --filter`
//! and other command-line filters: an expression over `p` (also `pkt`), such
//! as `ICMP in p and p[ICMP].type == 3`. A bare layer name (`ICMP`) means
//! "has that layer"; a function or lambda is called with the packet.

use super::ast::Expr;
use super::error::{exc_is, Flow};
use super::interp::{Args, Interp};
use super::value::Value;
use super::{classify, RunError};
use crate::packet::Packet;
use std::rc::Rc;

/// A compiled `--filter` expression with its own interpreter.
pub struct PacketFilter {
    interp: Interp,
    expr: Expr,
}

impl PacketFilter {
    /// Parses `text`; syntax errors point into it (named `name`).
    pub fn compile(name: &str, text: &str) -> Result<PacketFilter, RunError> {
        let file = super::error::add_source(name, text);
        let expr = super::parser::parse_embedded_expr(text, file, 0).map_err(|mut e| {
            // the parser sees the text in brackets; the closing one is ours
            if e.span.start as usize >= text.len() {
                e.message = "invalid syntax: the expression ends too early".into();
            }
            RunError::Syntax(e)
        })?;
        Ok(PacketFilter {
            interp: Interp::new(vec![name.to_string()], Rc::new(crate::net::Offline)),
            expr,
        })
    }

    /// Whether `p` passes. A missing layer (`p[ICMP]` on a packet without
    /// ICMP: IndexError) counts as "no", as a missing field does in
    /// Wireshark; every other error stops the caller.
    pub fn matches(&mut self, p: Packet) -> Result<bool, RunError> {
        let v = Value::packet(p);
        self.interp.globals.set("p", v.clone());
        self.interp.globals.set("pkt", v.clone());
        let r = match self.interp.eval_top(&self.expr) {
            Ok(Value::Layer(def, quoted)) => {
                let Value::Packet(pr) = &v else {
                    return Ok(false);
                };
                return Ok(super::packets::find_layer(pr, def, quoted, 1).is_some());
            }
            Ok(f @ (Value::Func(_) | Value::Builtin(_) | Value::Bound(_))) => self
                .interp
                .call_value(&f, Args::new(vec![v]))
                .and_then(|r| self.interp.is_true(&r))
                .map_err(|e| match e {
                    Flow::Raise(e) => e,
                    _ => Box::new(super::error::Exc {
                        value: Value::None,
                        trace: Vec::new(),
                    }),
                }),
            Ok(other) => self.interp.is_true(&other).map_err(|e| match e {
                Flow::Raise(e) => e,
                _ => Box::new(super::error::Exc {
                    value: Value::None,
                    trace: Vec::new(),
                }),
            }),
            Err(e) => Err(e),
        };
        match r {
            Ok(b) => Ok(b),
            Err(e) if exc_is(&e.value, "IndexError") => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers;

    fn pkt(expr_hex: &str) -> Packet {
        let mut b = Vec::new();
        for i in (0..expr_hex.len()).step_by(2) {
            b.push(u8::from_str_radix(&expr_hex[i..i + 2], 16).unwrap_or(0));
        }
        Packet::dissect(
            layers::by_name("IP").map(|x| x.0).unwrap_or(layers::raw()),
            &b,
        )
    }

    fn ok<T>(r: Result<T, RunError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => panic!("{}", crate::lang::render_error(&e, false)),
        }
    }

    // IP 198.18.0.1 > 198.19.0.1 / ICMP echo-request
    const ECHO: &str = "45000020000100004001bc8fc6120001c61300010800f7ff0000000000000000";

    #[test]
    fn bare_layer_means_haslayer() {
        let mut f = ok(PacketFilter::compile("--filter", "ICMP"));
        assert!(ok(f.matches(pkt(ECHO))));
        let mut f = ok(PacketFilter::compile("--filter", "TCP"));
        assert!(!ok(f.matches(pkt(ECHO))));
    }

    #[test]
    fn expressions_and_missing_layers() {
        let mut f = ok(PacketFilter::compile(
            "--filter",
            "p[ICMP].type == 8 and p.ttl == 64",
        ));
        assert!(ok(f.matches(pkt(ECHO))));
        let mut f = ok(PacketFilter::compile("--filter", "p[TCP].dport == 80"));
        assert!(!ok(f.matches(pkt(ECHO))));
        let mut f = ok(PacketFilter::compile(
            "--filter",
            "lambda x: x[IP].dst == '198.19.0.1'",
        ));
        assert!(ok(f.matches(pkt(ECHO))));
    }

    #[test]
    fn errors_are_reported() {
        assert!(PacketFilter::compile("--filter", "p[ICMP].type ==").is_err());
        let mut f = ok(PacketFilter::compile("--filter", "q.ttl == 1"));
        assert!(f.matches(pkt(ECHO)).is_err());
    }
}
