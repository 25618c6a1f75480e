//! Address field kinds: everything the model knows about an address family
//! lives in its `AddrKind` (width, parsing, display, networks, random draws,
//! Scapy's field class). Build, dissect, show, sets and `ls` ask the kind, so
//! a new address family is one more static here.

use std::net::{Ipv4Addr, Ipv6Addr};

/// One address family used by fields (`IP.src`, `IPv6.dst`, `Ether.src`).
pub struct AddrKind {
    /// Width on the wire in bits.
    pub bits: u32,
    /// Scapy's field class, shown by `ls()`.
    pub class: &'static str,
    /// What error messages ask for.
    pub example: &'static str,
    pub parse: fn(&str) -> Option<u128>,
    pub format: fn(u128) -> String,
    /// Whether `base/prefix` strings make sets of this kind.
    pub networks: bool,
}

impl std::fmt::Debug for AddrKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.class)
    }
}

impl PartialEq for AddrKind {
    fn eq(&self, other: &AddrKind) -> bool {
        std::ptr::eq(self, other)
    }
}

impl AddrKind {
    /// The largest value of the kind.
    pub fn max(&self) -> u128 {
        mask(self.bits)
    }

    /// Parses `addr/prefix` into the network base (host bits cleared) and
    /// the prefix length.
    pub fn parse_net(&self, s: &str) -> Option<(u128, u8)> {
        if !self.networks {
            return None;
        }
        let (a, p) = s.split_once('/')?;
        let addr = (self.parse)(a)?;
        let prefix: u8 = p.trim().parse().ok()?;
        if u32::from(prefix) > self.bits {
            return None;
        }
        Some((addr & !mask(self.bits - u32::from(prefix)), prefix))
    }

    /// An address from text: the address itself, or for IP kinds a host
    /// name through the system resolver (getaddrinfo: /etc/hosts, then
    /// nsswitch), as Scapy resolves `IP(dst="localhost")`.
    pub fn parse_or_resolve(&self, s: &str) -> Option<u128> {
        (self.parse)(s).or_else(|| self.resolve(s.trim()))
    }

    fn resolve(&self, name: &str) -> Option<u128> {
        use std::net::{IpAddr, ToSocketAddrs};
        let hostname = !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
            && name.bytes().any(|b| b.is_ascii_alphabetic());
        if !hostname || !self.networks {
            return None;
        }
        (name, 0)
            .to_socket_addrs()
            .ok()?
            .find_map(|a| match a.ip() {
                IpAddr::V4(v) if self.bits == 32 => Some(u128::from(u32::from(v))),
                IpAddr::V6(v) if self.bits == 128 => Some(u128::from(v)),
                _ => None,
            })
    }

    /// `base/prefix` as text.
    pub fn format_net(&self, base: u128, prefix: u8) -> String {
        format!("{}/{prefix}", (self.format)(base))
    }

    /// Number of addresses in a network of this prefix (saturating).
    pub fn net_size(&self, prefix: u8) -> u64 {
        let host = self.bits.saturating_sub(u32::from(prefix));
        if host >= 64 {
            u64::MAX
        } else {
            1u64 << host
        }
    }
}

/// The low `bits` bits set.
pub fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn parse_v4(s: &str) -> Option<u128> {
    s.trim()
        .parse::<Ipv4Addr>()
        .ok()
        .map(|a| u128::from(u32::from(a)))
}

fn format_v4(v: u128) -> String {
    Ipv4Addr::from(v as u32).to_string()
}

fn parse_v6(s: &str) -> Option<u128> {
    let s = s.trim();
    // Scapy accepts a zone only on link-local addresses; the address is what counts
    let s = s.split_once('%').map_or(s, |(a, _)| a);
    s.parse::<Ipv6Addr>().ok().map(u128::from)
}

/// RFC 5952 text, as Scapy and Wireshark print IPv6 addresses.
fn format_v6(v: u128) -> String {
    let a = Ipv6Addr::from(v);
    // std prints IPv4-mapped addresses dotted, as inet_ntop does; Scapy too
    a.to_string()
}

fn parse_mac(s: &str) -> Option<u128> {
    crate::wire::parse_mac(s).map(u128::from)
}

fn format_mac(v: u128) -> String {
    crate::wire::mac_to_string(v as u64)
}

pub static IPV4: AddrKind = AddrKind {
    bits: 32,
    class: "IPField",
    example: "an IPv4 address like \"198.18.0.1\"",
    parse: parse_v4,
    format: format_v4,
    networks: true,
};

pub static IPV6: AddrKind = AddrKind {
    bits: 128,
    class: "IP6Field",
    example: "an IPv6 address like \"2001:2::1\"",
    parse: parse_v6,
    format: format_v6,
    networks: true,
};

pub static MAC: AddrKind = AddrKind {
    bits: 48,
    class: "MACField",
    example: "a MAC address like \"02:00:00:00:00:01\"",
    parse: parse_mac,
    format: format_mac,
    networks: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_text_is_rfc5952() {
        let v = (IPV6.parse)("2001:0002:0000:0001:0000:0000:0000:0002").unwrap();
        assert_eq!((IPV6.format)(v), "2001:2:0:1::2");
        assert_eq!((IPV6.format)((IPV6.parse)("::").unwrap()), "::");
        assert_eq!(
            (IPV6.format)((IPV6.parse)("FF02::1:FF00:2").unwrap()),
            "ff02::1:ff00:2"
        );
    }

    #[test]
    fn networks_clear_host_bits() {
        assert_eq!(
            IPV6.parse_net("2001:2::9/125"),
            Some(((IPV6.parse)("2001:2::8").unwrap(), 125))
        );
        assert_eq!(IPV4.parse_net("198.18.0.7/30"), Some((0xc612_0004, 30)));
        assert_eq!(IPV6.parse_net("2001:2::/129"), None);
        assert_eq!(MAC.parse_net("02:00:00:00:00:01/8"), None);
        assert_eq!(IPV6.net_size(64), u64::MAX);
        assert_eq!(IPV6.net_size(126), 4);
    }
}
