//! The machine the engine runs on, as one trait: its interfaces, routing
//! tables, source address selection, neighbour table and the sockets that
//! send and receive. [`System`] is Linux; `fake::MemHost` is an in-memory
//! host for tests that need no privileges. Everything above (the engine,
//! the tools, the language) asks a `Host` and never the kernel itself, and
//! every `Host` is a [`Network`](super::Network) through one implementation.

use super::names::{Family, Namer, Resolved};
use super::route::{Iface, Route};
use super::sock::SockFilter;
use super::{NetError, Rx, Tx};
use std::net::IpAddr;

/// A sender and a receiver on one link.
pub type Channel = (Box<dyn Tx>, Box<dyn Rx>);

pub trait Host {
    /// Interfaces with their IPv4 and IPv6 addresses.
    fn interfaces(&self) -> Vec<Iface>;
    /// Routes of both families (reject routes included, marked).
    fn routes(&self) -> Vec<Route>;
    /// The source address the host would use towards `dst`.
    fn source(&self, dst: IpAddr) -> Option<IpAddr>;
    /// The host's own neighbour table entry for `ip` on `iface` (ARP or
    /// NDP), without asking the network.
    fn neighbour(&self, ip: IpAddr, iface: &str) -> Option<u64>;
    /// Sends IPv4 and IPv6 packets (the host adds the link header);
    /// link-scope IPv6 destinations go out of interface `scope` (an index).
    fn l3_sender(&self, scope: u32) -> Result<Box<dyn Tx>, NetError>;
    /// Receives IPv4 and IPv6 packets, link header removed, on interface
    /// `ifindex` (0: all).
    fn l3_receiver(
        &self,
        ifindex: u32,
        bpf: Option<&[SockFilter]>,
    ) -> Result<Box<dyn Rx>, NetError>;
    /// Sends and receives whole frames on one interface.
    fn l2_channel(&self, iface: &Iface, bpf: Option<&[SockFilter]>) -> Result<Channel, NetError>;
    /// Receives every frame on `iface` (`None`: all), sent ones too, for sniffing.
    fn capture(
        &self,
        iface: Option<&str>,
        bpf: Option<Vec<SockFilter>>,
    ) -> Result<Box<dyn Rx>, NetError>;
    /// A host name's addresses (the resolver's error text when it has none).
    fn lookup(&self, name: &str, family: Family) -> Result<Resolved, String>;
    /// Reverse lookups, callable from the receiver thread.
    fn namer(&self) -> Namer;
}

/// The Linux machine this runs on.
#[derive(Default, Clone, Copy)]
pub struct System;

impl Host for System {
    fn interfaces(&self) -> Vec<Iface> {
        super::route::interfaces()
    }

    fn routes(&self) -> Vec<Route> {
        super::route::routes()
    }

    fn source(&self, dst: IpAddr) -> Option<IpAddr> {
        super::route::source_for(dst)
    }

    fn neighbour(&self, ip: IpAddr, iface: &str) -> Option<u64> {
        match ip {
            IpAddr::V4(v4) => std::fs::read_to_string("/proc/net/arp").ok().and_then(|t| {
                super::neigh::parse_proc_arp(&t)
                    .get(&(v4, iface.to_string()))
                    .copied()
            }),
            // the kernel's IPv6 neighbours are only in netlink; packsmith
            // solicits them itself (as Scapy's getmacbyip6 does)
            IpAddr::V6(_) => None,
        }
    }

    fn l3_sender(&self, scope: u32) -> Result<Box<dyn Tx>, NetError> {
        Ok(Box::new(super::sock::l3_sender(scope)?))
    }

    fn l3_receiver(
        &self,
        ifindex: u32,
        bpf: Option<&[SockFilter]>,
    ) -> Result<Box<dyn Rx>, NetError> {
        Ok(Box::new(super::sock::l3_receiver(ifindex, bpf)?))
    }

    fn l2_channel(&self, iface: &Iface, bpf: Option<&[SockFilter]>) -> Result<Channel, NetError> {
        let (tx, rx) = super::sock::l2_channel(iface.index, &iface.name, bpf)?;
        Ok((Box::new(tx), Box::new(rx)))
    }

    fn capture(
        &self,
        iface: Option<&str>,
        bpf: Option<Vec<SockFilter>>,
    ) -> Result<Box<dyn Rx>, NetError> {
        // one socket for the whole capture; a link that goes down and up (or
        // an interface deleted and created again) does not end it
        Ok(Box::new(super::frames::FrameSocket::open(
            iface, true, bpf,
        )?))
    }

    fn lookup(&self, name: &str, family: Family) -> Result<Resolved, String> {
        super::names::lookup(name, family)
    }

    fn namer(&self) -> Namer {
        std::sync::Arc::new(super::names::reverse)
    }
}
