//! Scapy's `in6_*` address helpers (`scapy/utils6.py`) that IPv6 scripts
//! call: solicited-node groups, multicast MACs, address classes. Printable
//! forms take and give strings; the `getnsma` family takes and gives the
//! 16 packed bytes, as in Scapy.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::value::*;

macro_rules! commands {
    ($($name:literal => $f:path : $doc:literal),* $(,)?) => {
        pub static COMMANDS: &[Builtin] = &[
            $(Builtin { name: $name, f: $f, doc: $doc }),*
        ];
    };
}

commands! {
    "in6_getnsma" => getnsma: "in6_getnsma(packed): the solicited-node multicast address (packed) of an address",
    "in6_getnsmac" => getnsmac: "in6_getnsmac(packed): the 33:33:... MAC of a multicast address",
    "in6_ptop" => ptop: "in6_ptop(addr): the address in RFC 5952 form (2001:0db8:0::1 -> 2001:db8::1)",
    "in6_isincluded" => isincluded: "in6_isincluded(addr, prefix, plen): True when addr is in prefix/plen",
    "in6_ismaddr" => ismaddr: "in6_ismaddr(addr): multicast (ff00::/8)",
    "in6_islladdr" => islladdr: "in6_islladdr(addr): link-local unicast (fe80::/10)",
    "in6_isgladdr" => isgladdr: "in6_isgladdr(addr): global unicast (2000::/3)",
    "in6_isuladdr" => isuladdr: "in6_isuladdr(addr): unique local (fc00::/7)",
    "in6_isdocaddr" => isdocaddr: "in6_isdocaddr(addr): documentation (2001:db8::/32)",
    "in6_ismlladdr" => ismlladdr: "in6_ismlladdr(addr): link-local multicast (ff02::/16)",
    "in6_ismgladdr" => ismgladdr: "in6_ismgladdr(addr): global multicast (ff0e::/16)",
    "in6_isllsnmaddr" => isllsnmaddr: "in6_isllsnmaddr(addr): a solicited-node group (ff02::1:ff00:0/104)",
    "in6_isaddrllallnodes" => isallnodes: "in6_isaddrllallnodes(addr): ff02::1",
    "in6_isaddrllallservers" => isallservers: "in6_isaddrllallservers(addr): ff02::2",
}

fn addr(a: &mut Args, i: usize, name: &str, f: &str) -> R<u128> {
    let s = a.req(i, name, f)?.text(name)?;
    (crate::packet::kinds::IPV6.parse)(&s)
        .ok_or_else(|| raise("OSError", "illegal IP address string passed to inet_pton"))
}

fn packed(a: &mut Args, f: &str) -> R<u128> {
    match &a.req(0, "a", f)? {
        Value::Bytes(b) if b.len() == 16 => {
            let mut o = [0u8; 16];
            o.copy_from_slice(b);
            Ok(u128::from_be_bytes(o))
        }
        other => Err(raise(
            "TypeError",
            format!(
                "{f}() takes an address as 16 packed bytes (inet_pton(socket.AF_INET6, ...)), not {}",
                other.type_name()
            ),
        )),
    }
}

fn getnsma(_: &mut Interp, mut a: Args) -> R {
    let v = packed(&mut a, "in6_getnsma")?;
    let g = (0xff02u128 << 112) | (0x1_ff00_0000) | (v & 0xff_ffff);
    Ok(Value::bytes(g.to_be_bytes().to_vec()))
}

fn getnsmac(_: &mut Interp, mut a: Args) -> R {
    let v = packed(&mut a, "in6_getnsmac")?;
    let b = v.to_be_bytes();
    Ok(Value::str(format!(
        "33:33:{:02x}:{:02x}:{:02x}:{:02x}",
        b[12], b[13], b[14], b[15]
    )))
}

fn ptop(_: &mut Interp, mut a: Args) -> R {
    let v = addr(&mut a, 0, "addr", "in6_ptop")?;
    Ok(Value::str((crate::packet::kinds::IPV6.format)(v)))
}

fn within(v: u128, prefix: u128, plen: u32) -> bool {
    let mask = !crate::packet::kinds::mask(128 - plen.min(128));
    v & mask == prefix & mask
}

fn isincluded(_: &mut Interp, mut a: Args) -> R {
    let v = addr(&mut a, 0, "addr", "in6_isincluded")?;
    let p = addr(&mut a, 1, "prefix", "in6_isincluded")?;
    let n = a.req(2, "plen", "in6_isincluded")?.int("plen")?;
    Ok(Value::Bool(within(v, p, n.clamp(0, 128) as u32)))
}

macro_rules! class {
    ($f:ident, $name:literal, $prefix:expr, $plen:expr) => {
        fn $f(_: &mut Interp, mut a: Args) -> R {
            let v = addr(&mut a, 0, "addr", $name)?;
            Ok(Value::Bool(within(v, $prefix, $plen)))
        }
    };
}

class!(ismaddr, "in6_ismaddr", 0xff00u128 << 112, 8);
class!(islladdr, "in6_islladdr", 0xfe80u128 << 112, 10);
class!(isgladdr, "in6_isgladdr", 0x2000u128 << 112, 3);
class!(isuladdr, "in6_isuladdr", 0xfc00u128 << 112, 7);
class!(isdocaddr, "in6_isdocaddr", 0x2001_0db8u128 << 96, 32);
class!(ismlladdr, "in6_ismlladdr", 0xff02u128 << 112, 16);
class!(ismgladdr, "in6_ismgladdr", 0xff0eu128 << 112, 16);
class!(
    isllsnmaddr,
    "in6_isllsnmaddr",
    (0xff02u128 << 112) | 0x1_ff00_0000,
    104
);
class!(
    isallnodes,
    "in6_isaddrllallnodes",
    (0xff02u128 << 112) | 1,
    128
);
class!(
    isallservers,
    "in6_isaddrllallservers",
    (0xff02u128 << 112) | 2,
    128
);
