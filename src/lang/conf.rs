//! `conf`: Scapy's configuration object — verbosity, default interface,
//! matching knobs (`checkIPsrc`, `checkIPaddr`, ...), the route table.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::value::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

pub struct Conf {
    vals: RefCell<BTreeMap<String, Value>>,
}

impl Conf {
    pub fn new() -> Rc<Conf> {
        let mut v = BTreeMap::new();
        v.insert("verb".to_string(), Value::Int(2));
        v.insert("iface".to_string(), Value::None);
        v.insert("checkIPsrc".to_string(), Value::Bool(true));
        v.insert("checkIPaddr".to_string(), Value::Bool(true));
        v.insert("checkIPID".to_string(), Value::Bool(false));
        v.insert("checkIPinIP".to_string(), Value::Bool(true));
        v.insert("check_TCPerror_seqack".to_string(), Value::Bool(false));
        v.insert("color_theme".to_string(), Value::None);
        v.insert("use_pcap".to_string(), Value::Bool(false));
        Rc::new(Conf {
            vals: RefCell::new(v),
        })
    }

    pub fn get(&self, k: &str) -> Option<Value> {
        self.vals.borrow().get(k).cloned()
    }

    pub fn flag(&self, k: &str) -> bool {
        self.get(k).is_some_and(|v| v.truthy())
    }

    /// Matching options from the knobs.
    pub fn matching(&self) -> crate::packet::matching::MatchOpts {
        crate::packet::matching::MatchOpts {
            check_ip_src: self.flag("checkIPsrc"),
            check_ip_addr: self.flag("checkIPaddr"),
            check_ip_id: self.flag("checkIPID"),
            check_tcp_error_seqack: self.flag("check_TCPerror_seqack"),
            wildcard: false,
        }
    }

    pub fn verb(&self) -> i64 {
        self.get("verb").and_then(|v| v.as_int()).unwrap_or(2)
    }

    pub fn iface(&self) -> Option<String> {
        match &self.get("iface") {
            Some(Value::Str(s)) => Some(s.to_string()),
            _ => None,
        }
    }
}

/// `conf.route` / `conf.route6`: shows the interpreter's host's routing
/// table of one family; `conf.route.add(net=..., gw=...)` adds a route in
/// the current namespace (for lab set-ups); `.route(dst)` is (iface, src, gw).
struct RouteTable {
    net: Rc<dyn crate::net::Network>,
    v6: bool,
}

impl Native for RouteTable {
    fn type_name(&self) -> &str {
        "Route"
    }
    fn repr(&self) -> String {
        crate::net::route::describe(&self.net.routes(), self.v6)
    }
    fn attrs(&self) -> Vec<String> {
        vec!["add".into(), "delt".into(), "resync".into(), "route".into()]
    }
    fn call_method(
        &self,
        _interp: &mut Interp,
        _this: &Value,
        name: &str,
        mut a: Args,
    ) -> Option<R> {
        Some(match name {
            "add" | "delt" => {
                let net = a.kw("net").or_else(|| a.kw("host"));
                let gw = a.kw("gw");
                let dev = a.kw("dev");
                let Some(Value::Str(net)) = &net else {
                    return Some(Err(raise(
                        "TypeError",
                        "conf.route.add(net=\"198.18.9.0/24\", gw=... or dev=...)",
                    )));
                };
                let mut cmd = std::process::Command::new("ip");
                if self.v6 {
                    cmd.arg("-6");
                }
                cmd.args(["route", if name == "add" { "add" } else { "del" }, net]);
                if let Some(Value::Str(g)) = &gw {
                    cmd.args(["via", g]);
                }
                if let Some(Value::Str(d)) = &dev {
                    cmd.args(["dev", d]);
                }
                match cmd.output() {
                    Ok(o) if o.status.success() => Ok(Value::None),
                    Ok(o) => Err(raise(
                        "OSError",
                        format!(
                            "ip route failed: {}",
                            String::from_utf8_lossy(&o.stderr).trim()
                        ),
                    )),
                    Err(e) => Err(raise("OSError", format!("cannot run ip: {e}"))),
                }
            }
            "resync" => Ok(Value::None),
            "route" => {
                let unspecified = if self.v6 { "::" } else { "0.0.0.0" };
                let dst = a
                    .get(0, "dst")
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_else(|| unspecified.into());
                let ip = match dst.parse::<std::net::IpAddr>() {
                    Ok(ip) if ip.is_ipv6() == self.v6 => ip,
                    _ => {
                        return Some(Err(raise(
                            "ValueError",
                            format!(
                                "not an {} address: {dst}",
                                if self.v6 { "IPv6" } else { "IPv4" }
                            ),
                        )))
                    }
                };
                let (hop, src) = match self.net.route(ip) {
                    Some((h, s)) => (Some(h), s),
                    None => (None, None),
                };
                Ok(Value::tuple(vec![
                    hop.as_ref()
                        .map(|h| Value::str(h.iface.as_str()))
                        .unwrap_or(Value::None),
                    src.map(|s| Value::str(s.to_string()))
                        .unwrap_or(Value::None),
                    Value::str(
                        hop.and_then(|h| h.gateway)
                            .map(|g| g.to_string())
                            .unwrap_or_else(|| unspecified.into()),
                    ),
                ]))
            }
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Native for Conf {
    fn type_name(&self) -> &str {
        "Conf"
    }
    fn repr(&self) -> String {
        let mut s = String::new();
        for (k, v) in self.vals.borrow().iter() {
            s.push_str(&format!("{k:<22} = {}\n", super::repr::repr(v)));
        }
        s
    }
    fn attrs(&self) -> Vec<String> {
        let mut v: Vec<String> = self.vals.borrow().keys().cloned().collect();
        v.push("route".into());
        v.push("route6".into());
        v
    }
    fn get_attr(&self, interp: &mut Interp, name: &str) -> Option<R> {
        if name == "route" || name == "route6" {
            return Some(Ok(Value::Native(Rc::new(RouteTable {
                net: interp.net.clone(),
                v6: name == "route6",
            }))));
        }
        self.get(name).map(Ok)
    }
    fn set_attr(&self, name: &str, v: Value) -> Option<R<()>> {
        self.vals.borrow_mut().insert(name.to_string(), v);
        Some(Ok(()))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
