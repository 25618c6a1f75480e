//! Neighbour resolution for layer-2 sending: the kernel's table first, then
//! an ARP request of our own at send time (never while building).

use super::route::Iface;
use super::{sock, NetError, Rx, Tx};
use crate::layers::{arp::ARP, ether::ETHER};
use crate::packet::{Layer, Packet, Value};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

/// Parses `/proc/net/arp`: complete entries only, as (ip, device) -> MAC.
pub fn parse_proc_arp(text: &str) -> HashMap<(Ipv4Addr, String), u64> {
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 {
            continue;
        }
        let flags = u32::from_str_radix(f[2].trim_start_matches("0x"), 16).unwrap_or(0);
        if flags & 0x2 == 0 {
            continue;
        }
        if let (Ok(ip), Some(mac)) = (f[0].parse::<Ipv4Addr>(), crate::wire::parse_mac(f[3])) {
            out.insert((ip, f[5].to_string()), mac);
        }
    }
    out
}

#[derive(Default)]
pub struct Cache {
    known: HashMap<(Ipv4Addr, String), u64>,
}

fn mac_of(iface: &Iface) -> u64 {
    iface
        .mac
        .map(|m| u64::from_be_bytes([0, 0, m[0], m[1], m[2], m[3], m[4], m[5]]))
        .unwrap_or(0)
}

impl Cache {
    /// The MAC of `ip` on `iface`.
    pub fn resolve(&mut self, ip: Ipv4Addr, iface: &Iface) -> Result<u64, NetError> {
        let key = (ip, iface.name.clone());
        if let Some(m) = self.known.get(&key) {
            return Ok(*m);
        }
        if iface.loopback {
            return Ok(0);
        }
        let table = std::fs::read_to_string("/proc/net/arp")
            .map(|t| parse_proc_arp(&t))
            .unwrap_or_default();
        if let Some(m) = table.get(&key) {
            self.known.insert(key, *m);
            return Ok(*m);
        }
        let m = arp_request(ip, iface)?;
        self.known.insert(key, m);
        Ok(m)
    }
}

/// Asks `ip` for its MAC on `iface` (three tries, 400 ms each).
pub fn arp_request(ip: Ipv4Addr, iface: &Iface) -> Result<u64, NetError> {
    let me = mac_of(iface);
    let my_ip = iface
        .addrs
        .first()
        .map(|(a, _)| *a)
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    let mut eth = Layer::new(&ETHER);
    eth.set(0, Value::Int(0xffff_ffff_ffff));
    eth.set(1, Value::Int(u128::from(me)));
    let mut arp = Layer::new(&ARP);
    for (f, v) in [
        ("op", 1),
        ("hwsrc", me),
        ("psrc", u64::from(u32::from(my_ip))),
        ("pdst", u64::from(u32::from(ip))),
    ] {
        if let Some(i) = arp.def.field_index(f) {
            arp.set(i, Value::Int(u128::from(v)));
        }
    }
    let frame = Packet {
        layers: vec![eth, arp],
        ..Packet::default()
    }
    .build();
    let (mut tx, mut rx) = sock::l2_channel(iface.index, &iface.name, None)?;
    let psrc = ARP.field_index("psrc").unwrap_or(6);
    let hwsrc = ARP.field_index("hwsrc").unwrap_or(5);
    let op = ARP.field_index("op").unwrap_or(4);
    for _ in 0..3 {
        tx.send(&frame, ip.into())
            .map_err(|e| NetError::Io(format!("ARP request on {} failed: {e}", iface.name)))?;
        let until = Instant::now() + Duration::from_millis(400);
        while Instant::now() < until {
            if crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(NetError::Io("interrupted while resolving by ARP".into()));
            }
            let Ok(Some((bytes, _))) = rx.recv(Duration::from_millis(10)) else {
                continue;
            };
            let p = Packet::dissect(&ETHER, &bytes);
            if let Some(a) = p.layers.get(1).filter(|l| std::ptr::eq(l.def, &ARP)) {
                if a.int(op) == 2 && a.int(psrc) == u64::from(u32::from(ip)) {
                    return Ok(a.int(hwsrc));
                }
            }
        }
    }
    Err(NetError::Io(format!(
        "no ARP answer from {ip} on {}",
        iface.name
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_complete_entries_only() {
        let t = "IP address       HW type     Flags       HW address            Mask     Device\n\
                 198.18.0.254     0x1         0x2         02:aa:bb:cc:dd:ee     *        veth0\n\
                 198.18.0.9       0x1         0x0         00:00:00:00:00:00     *        veth0\n";
        let m = parse_proc_arp(t);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[&(Ipv4Addr::new(198, 18, 0, 254), "veth0".to_string())],
            0x02aa_bbcc_ddee
        );
    }
}
