//! `socket` (address conversions; literal addresses only — packsmith never
//! resolves names) and `ipaddress` (IPv4 addresses and networks).

use super::module;
use crate::lang::error::{raise, R};
use crate::lang::interp::{Args, Interp};
use crate::lang::value::*;
use std::net::Ipv4Addr;
use std::rc::Rc;

pub fn make_socket() -> Value {
    let os_error = crate::lang::error::exc_class("OSError")
        .map(Value::Class)
        .unwrap_or(Value::None);
    let timeout = crate::lang::error::exc_class("TimeoutError")
        .map(Value::Class)
        .unwrap_or(Value::None);
    module(
        "socket",
        SOCKET,
        vec![
            ("AF_INET", Value::Int(2)),
            ("AF_INET6", Value::Int(10)),
            ("SOCK_STREAM", Value::Int(1)),
            ("SOCK_DGRAM", Value::Int(2)),
            ("SOCK_RAW", Value::Int(3)),
            ("IPPROTO_ICMP", Value::Int(1)),
            ("IPPROTO_TCP", Value::Int(6)),
            ("IPPROTO_UDP", Value::Int(17)),
            ("error", os_error.clone()),
            ("gaierror", os_error.clone()),
            ("herror", os_error),
            ("timeout", timeout),
        ],
    )
}

static SOCKET: &[Builtin] = funcs! {
    "inet_aton" => inet_aton: "inet_aton(ip): 4 bytes",
    "inet_ntoa" => inet_ntoa: "inet_ntoa(4 bytes): dotted text",
    "inet_pton" => inet_pton: "inet_pton(AF_INET, ip): 4 bytes",
    "inet_ntop" => inet_ntop: "inet_ntop(AF_INET, 4 bytes): dotted text",
    "htons" => htons: "htons(x)",
    "ntohs" => htons: "ntohs(x)",
    "htonl" => htonl: "htonl(x)",
    "ntohl" => htonl: "ntohl(x)",
    "gethostname" => gethostname: "gethostname(): this machine's name",
    "gethostbyname" => gethostbyname: "gethostbyname(name): the name's first IPv4 address (the system resolver: /etc/hosts, then nsswitch)",
    "getfqdn" => gethostname: "getfqdn(): this machine's name",
};

fn parse_v4(s: &str) -> R<Ipv4Addr> {
    s.parse().map_err(|_| {
        raise(
            "OSError",
            format!("illegal IP address string passed to inet_aton: {s:?} (packsmith takes literal addresses only)"),
        )
    })
}

fn inet_aton(_: &mut Interp, mut a: Args) -> R {
    let s = a.req(0, "ip", "inet_aton")?.text("ip")?;
    Ok(Value::bytes(parse_v4(&s)?.octets().to_vec()))
}

fn four(v: &Value, f: &str) -> R<Ipv4Addr> {
    match v {
        Value::Bytes(b) if b.len() == 4 => Ok(Ipv4Addr::new(b[0], b[1], b[2], b[3])),
        _ => Err(raise("OSError", format!("packed IP wrong length for {f}"))),
    }
}

fn inet_ntoa(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::str(
        four(&a.req(0, "packed", "inet_ntoa")?, "inet_ntoa")?.to_string(),
    ))
}

fn inet_pton(_: &mut Interp, mut a: Args) -> R {
    let fam = a.req(0, "family", "inet_pton")?.int("family")?;
    let s = a.req(1, "ip", "inet_pton")?.text("ip")?;
    match fam {
        2 => Ok(Value::bytes(parse_v4(&s)?.octets().to_vec())),
        10 => s
            .parse::<std::net::Ipv6Addr>()
            .map(|a| Value::bytes(a.octets().to_vec()))
            .map_err(|_| raise("OSError", "illegal IP address string passed to inet_pton")),
        _ => Err(raise("OSError", "Address family not supported by protocol")),
    }
}

fn inet_ntop(_: &mut Interp, mut a: Args) -> R {
    let fam = a.req(0, "family", "inet_ntop")?.int("family")?;
    let b = a.req(1, "packed", "inet_ntop")?;
    match (fam, &b) {
        (2, _) => Ok(Value::str(four(&b, "inet_ntop")?.to_string())),
        (10, Value::Bytes(x)) if x.len() == 16 => {
            let mut o = [0u8; 16];
            o.copy_from_slice(x);
            Ok(Value::str(std::net::Ipv6Addr::from(o).to_string()))
        }
        _ => Err(raise(
            "ValueError",
            "invalid length of packed IP address string",
        )),
    }
}

fn htons(_: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "x", "htons")?.int("x")?;
    Ok(Value::Int(i64::from((v as u16).swap_bytes())))
}

fn htonl(_: &mut Interp, mut a: Args) -> R {
    let v = a.req(0, "x", "htonl")?.int("x")?;
    Ok(Value::Int(i64::from((v as u32).swap_bytes())))
}

fn gethostname(_: &mut Interp, _a: Args) -> R {
    let name =
        std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_else(|_| "localhost".into());
    Ok(Value::str(name.trim()))
}

fn gethostbyname(interp: &mut Interp, mut a: Args) -> R {
    let s = a.req(0, "hostname", "gethostbyname")?.text("hostname")?;
    match interp.net.lookup(&s, crate::net::names::Family::V4) {
        Ok(r) => Ok(Value::str(
            r.addrs.first().map(|a| a.to_string()).unwrap_or_default(),
        )),
        // socket.gaierror's text; -2 is EAI_NONAME
        Err(e) if e == "Name or service not known" => {
            Err(raise("OSError", format!("[Errno -2] {e}: {s:?}")))
        }
        Err(e) => Err(raise("OSError", format!("{e}: {s:?}"))),
    }
}

// ------------------------------------------------------------ ipaddress

pub fn make_ipaddress() -> Value {
    module("ipaddress", IPADDRESS, vec![])
}

static IPADDRESS: &[Builtin] = funcs! {
    "ip_address" => ip_address: "ip_address(text or int): an IPv4Address",
    "IPv4Address" => ip_address: "IPv4Address(text or int)",
    "ip_network" => ip_network: "ip_network(\"198.18.0.0/24\", strict=True): an IPv4Network",
    "IPv4Network" => ip_network: "IPv4Network(\"198.18.0.0/24\", strict=True)",
    "ip_interface" => ip_interface: "ip_interface(\"198.18.0.1/24\"): address with its network",
};

/// An IPv4 address value.
pub struct Addr(pub Ipv4Addr);

/// The dotted text of an `ipaddress` address value.
pub fn addr_text(n: &dyn Native) -> Option<String> {
    n.as_any().downcast_ref::<Addr>().map(|a| a.0.to_string())
}

fn addr(a: Ipv4Addr) -> Value {
    Value::Native(Rc::new(Addr(a)))
}

fn to_addr(v: &Value) -> R<Ipv4Addr> {
    match v {
        Value::Str(s) => s.parse().map_err(|_| {
            raise(
                "ValueError",
                format!("{s:?} does not appear to be an IPv4 address"),
            )
        }),
        Value::Int(i) if (0..=i64::from(u32::MAX)).contains(i) => Ok(Ipv4Addr::from(*i as u32)),
        Value::Native(n) => n
            .as_any()
            .downcast_ref::<Addr>()
            .map(|a| a.0)
            .ok_or_else(|| raise("ValueError", "not an IPv4 address")),
        other => Err(raise(
            "ValueError",
            format!(
                "{} does not appear to be an IPv4 address",
                other.type_name()
            ),
        )),
    }
}

fn ip_address(_: &mut Interp, mut a: Args) -> R {
    Ok(addr(to_addr(&a.req(0, "address", "ip_address")?)?))
}

impl Native for Addr {
    fn type_name(&self) -> &str {
        "IPv4Address"
    }
    fn repr(&self) -> String {
        format!("IPv4Address('{}')", self.0)
    }
    fn attrs(&self) -> Vec<String> {
        [
            "is_private",
            "is_loopback",
            "is_multicast",
            "is_global",
            "packed",
            "version",
            "exploded",
            "compressed",
            "reverse_pointer",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        let a = self.0;
        Some(Ok(match name {
            "is_private" => Value::Bool(
                a.is_private()
                    || a.is_loopback()
                    || a.is_link_local()
                    || (a.octets()[0] == 198 && (a.octets()[1] & 0xfe) == 18),
            ),
            "is_loopback" => Value::Bool(a.is_loopback()),
            "is_multicast" => Value::Bool(a.is_multicast()),
            "is_global" => Value::Bool(
                !(a.is_private() || a.is_loopback() || a.is_link_local() || a.is_unspecified()),
            ),
            "packed" => Value::bytes(a.octets().to_vec()),
            "version" => Value::Int(4),
            "exploded" | "compressed" => Value::str(a.to_string()),
            _ => return None,
        }))
    }
    fn call_method(&self, _i: &mut Interp, _this: &Value, name: &str, mut args: Args) -> Option<R> {
        let mut other = || -> R<u32> {
            Ok(u32::from(to_addr(
                &args.get(0, "other").unwrap_or(Value::None),
            )?))
        };
        Some(match name {
            "__str__" => Ok(Value::str(self.0.to_string())),
            "__int__" => Ok(Value::Int(i64::from(u32::from(self.0)))),
            "__eq__" => Ok(Value::Bool(other().is_ok_and(|o| o == u32::from(self.0)))),
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// An IPv4 network value.
pub struct Net {
    base: u32,
    prefix: u8,
}

fn parse_net(s: &str, strict: bool) -> R<Net> {
    let (a, p) = s.split_once('/').unwrap_or((s, "32"));
    let ip: Ipv4Addr = a.trim().parse().map_err(|_| {
        raise(
            "ValueError",
            format!("{s:?} does not appear to be an IPv4 network"),
        )
    })?;
    let prefix: u8 = match p.trim().parse::<u8>() {
        Ok(n) if n <= 32 => n,
        _ => {
            // a netmask like 255.255.255.0
            let m: Ipv4Addr = p
                .trim()
                .parse()
                .map_err(|_| raise("ValueError", format!("invalid prefix length in {s:?}")))?;
            let m = u32::from(m);
            if m.leading_ones() + m.trailing_zeros() != 32 {
                return Err(raise("ValueError", format!("invalid netmask in {s:?}")));
            }
            m.leading_ones() as u8
        }
    };
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    let v = u32::from(ip);
    if strict && v & !mask != 0 {
        return Err(raise("ValueError", format!("{s} has host bits set")));
    }
    Ok(Net {
        base: v & mask,
        prefix,
    })
}

fn ip_network(_: &mut Interp, mut a: Args) -> R {
    let s = a.req(0, "address", "ip_network")?;
    let strict = a.get(1, "strict").is_none_or(|v| v.truthy());
    let text = match &s {
        Value::Str(t) => t.to_string(),
        other => to_addr(other)?.to_string(),
    };
    Ok(Value::Native(Rc::new(parse_net(&text, strict)?)))
}

fn ip_interface(_: &mut Interp, mut a: Args) -> R {
    let s = a.req(0, "address", "ip_interface")?.text("address")?;
    let (ip, _) = s.split_once('/').unwrap_or((&s, "32"));
    let ip: Ipv4Addr = ip.parse().map_err(|_| {
        raise(
            "ValueError",
            format!("{s:?} does not appear to be an IPv4 interface"),
        )
    })?;
    let net = parse_net(&s, false)?;
    let mut attrs = indexmap::IndexMap::new();
    attrs.insert("ip".to_string(), addr(ip));
    attrs.insert("network".to_string(), Value::Native(Rc::new(net)));
    Ok(Value::Native(Rc::new(super::logmods::Namespace(
        std::cell::RefCell::new(attrs),
    ))))
}

impl Net {
    fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }
    fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }
}

impl Native for Net {
    fn type_name(&self) -> &str {
        "IPv4Network"
    }
    fn repr(&self) -> String {
        format!(
            "IPv4Network('{}/{}')",
            Ipv4Addr::from(self.base),
            self.prefix
        )
    }
    fn attrs(&self) -> Vec<String> {
        [
            "hosts",
            "network_address",
            "broadcast_address",
            "netmask",
            "hostmask",
            "prefixlen",
            "num_addresses",
            "with_prefixlen",
            "subnets",
            "overlaps",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        Some(Ok(match name {
            "network_address" => addr(Ipv4Addr::from(self.base)),
            "broadcast_address" => addr(Ipv4Addr::from(self.base | !self.mask())),
            "netmask" => addr(Ipv4Addr::from(self.mask())),
            "hostmask" => addr(Ipv4Addr::from(!self.mask())),
            "prefixlen" => Value::Int(i64::from(self.prefix)),
            "num_addresses" => Value::Int(self.size() as i64),
            "with_prefixlen" => {
                Value::str(format!("{}/{}", Ipv4Addr::from(self.base), self.prefix))
            }
            _ => return None,
        }))
    }
    fn call_method(&self, _i: &mut Interp, _this: &Value, name: &str, mut args: Args) -> Option<R> {
        Some(match name {
            "hosts" => {
                let (base, size, prefix) = (self.base, self.size(), self.prefix);
                let (lo, hi) = if prefix >= 31 {
                    (0, size)
                } else {
                    (1, size - 1)
                };
                Ok(Value::iter((lo..hi).map(move |i| {
                    Ok(addr(Ipv4Addr::from(base.wrapping_add(i as u32))))
                })))
            }
            "__str__" => Ok(Value::str(format!(
                "{}/{}",
                Ipv4Addr::from(self.base),
                self.prefix
            ))),
            "__contains__" => {
                let a = match args.get(0, "addr").map(|v| to_addr(&v)) {
                    Some(Ok(a)) => u32::from(a),
                    Some(Err(e)) => return Some(Err(e)),
                    None => return Some(Ok(Value::Bool(false))),
                };
                Ok(Value::Bool(a & self.mask() == self.base))
            }
            "subnets" => {
                let new = args
                    .kw("new_prefix")
                    .and_then(|v| v.as_int())
                    .unwrap_or(i64::from(self.prefix) + 1);
                if new < i64::from(self.prefix) || new > 32 {
                    return Some(Err(raise("ValueError", "new prefix must be longer")));
                }
                let step = 1u64 << (32 - new);
                let base = self.base;
                let count = self.size() / step;
                Ok(Value::iter((0..count).map(move |i| {
                    Ok(Value::Native(Rc::new(Net {
                        base: base.wrapping_add((i * step) as u32),
                        prefix: new as u8,
                    })))
                })))
            }
            _ => return None,
        })
    }
    fn iter(&self, _i: &mut Interp) -> Option<R<Box<dyn Iterator<Item = R>>>> {
        let base = self.base;
        Some(Ok(Box::new((0..self.size()).map(move |i| {
            Ok(addr(Ipv4Addr::from(base.wrapping_add(i as u32))))
        }))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
