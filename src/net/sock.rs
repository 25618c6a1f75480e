//! Real sockets: IPv4 raw sending with IP_HDRINCL (pnet transport), AF_PACKET
//! receiving and layer-2 sending (pnet datalink) on sockets we prepare
//! ourselves for what pnet lacks: large receive buffers, ignoring our own
//! outgoing frames, BPF filters.

use super::{NetError, Rx, Tx};
use crate::packet::Timestamp;
use std::io;
use std::net::IpAddr;
use std::time::Duration;

const SOL_PACKET: libc::c_int = 263;
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;
const SO_RCVBUFFORCE: libc::c_int = 33;
const SO_ATTACH_FILTER: libc::c_int = 26;
const ETH_P_ALL: u16 = 0x0003;

/// The "needs privilege" error with the failing operation.
pub fn permission(what: &str, e: &io::Error) -> NetError {
    NetError::Permission(format!(
        "needs root or CAP_NET_RAW: cannot open {what} ({e})"
    ))
}

fn open_error(what: &str, e: io::Error) -> NetError {
    if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) {
        permission(what, &e)
    } else {
        NetError::Io(format!("cannot open {what}: {e}"))
    }
}

/// Sends whole IPv4 packets through a raw socket (IP_HDRINCL), and whole
/// IPv6 packets through an AF_INET6 IPPROTO_RAW socket, opened when the
/// first one goes out (Linux sends its bytes as given: IPV6_HDRINCL).
pub struct L3Tx {
    tx: pnet::transport::TransportSender,
    tx6: Option<socket2::Socket>,
    /// The interface link-scope IPv6 destinations (fe80::/10, ff02::/16)
    /// go out of (0: none chosen).
    scope: u32,
}

/// Whether an IPv6 address only means something on one link (link-local
/// unicast, interface- and link-local multicast): sending there needs an
/// interface.
pub fn link_scoped(a: std::net::Ipv6Addr) -> bool {
    let s = a.segments()[0];
    s & 0xffc0 == 0xfe80 || (s & 0xff00 == 0xff00 && s & 0x000f <= 2)
}

/// A raw IPv6 socket that sends our header as built.
fn raw6() -> io::Result<socket2::Socket> {
    let s = socket2::Socket::new(
        socket2::Domain::IPV6,
        socket2::Type::RAW,
        Some(socket2::Protocol::from(libc::IPPROTO_RAW)),
    )?;
    let one: libc::c_int = 1;
    // implied by IPPROTO_RAW; set anyway, as kernels before 4.5 need it
    let _ = setsockopt(
        std::os::fd::AsRawFd::as_raw_fd(&s),
        libc::IPPROTO_IPV6,
        IPV6_HDRINCL,
        &one,
    );
    let size: libc::c_int = 4 << 20;
    let _ = s.set_send_buffer_size(size as usize);
    Ok(s)
}

const IPV6_HDRINCL: libc::c_int = 36;

/// A layer-3 sender; link-scope IPv6 destinations go out of interface
/// `scope` (an index, 0: refused by the kernel).
pub fn l3_sender(scope: u32) -> Result<L3Tx, NetError> {
    use pnet::packet::ip::IpNextHeaderProtocol;
    use pnet::transport::{transport_channel, TransportChannelType};
    // protocol 255 (IPPROTO_RAW): send-only, header included
    let (tx, _rx) = transport_channel(
        4096,
        TransportChannelType::Layer3(IpNextHeaderProtocol(255)),
    )
    .map_err(|e| open_error("a raw IPv4 socket", e))?;
    Ok(L3Tx {
        tx,
        tx6: None,
        scope,
    })
}

impl Tx for L3Tx {
    fn send(&mut self, bytes: &[u8], dst: IpAddr) -> io::Result<()> {
        match dst {
            IpAddr::V4(_) => {
                let p = pnet::packet::ipv4::Ipv4Packet::new(bytes).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "an IPv4 packet needs at least 20 bytes",
                    )
                })?;
                self.tx.send_to(p, dst).map(|_| ())
            }
            IpAddr::V6(d) => {
                if self.tx6.is_none() {
                    self.tx6 = Some(raw6()?);
                }
                let Some(s) = self.tx6.as_ref() else {
                    return Err(io::Error::other("no raw IPv6 socket"));
                };
                let scope = if link_scoped(d) { self.scope } else { 0 };
                let to = socket2::SockAddr::from(std::net::SocketAddrV6::new(d, 0, 0, scope));
                s.send_to(bytes, &to).map(|_| ())
            }
        }
    }
}

/// One instruction of a classic BPF program.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockFilter {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

#[repr(C)]
struct SockFprog {
    len: u16,
    filter: *const SockFilter,
}

/// Compiles tcpdump filter text to BPF with `tcpdump -dd` (`layer2`: for
/// Ethernet frames, else for bare IPv4 and IPv6 packets, told apart by the
/// version nibble as libpcap's raw link type does).
pub fn compile_bpf(expr: &str, layer2: bool) -> Result<Vec<SockFilter>, NetError> {
    let out = std::process::Command::new("tcpdump")
        .args(["-dd", "-y", if layer2 { "EN10MB" } else { "RAW" }, expr])
        .output()
        .map_err(|e| NetError::Usage(format!("BPF filters need tcpdump to compile them: {e}")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(NetError::Usage(format!(
            "bad BPF filter {expr:?}: {}",
            msg.trim()
        )));
    }
    let mut prog = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let nums: Vec<u32> = line
            .trim_matches(|c: char| c == '{' || c == '}' || c == ',' || c.is_whitespace())
            .split(',')
            .filter_map(|x| {
                let x = x.trim();
                match x.strip_prefix("0x") {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => x.parse().ok(),
                }
            })
            .collect();
        if let [code, jt, jf, k] = nums[..] {
            prog.push(SockFilter {
                code: code as u16,
                jt: jt as u8,
                jf: jf as u8,
                k,
            });
        }
    }
    if prog.is_empty() {
        return Err(NetError::Usage(format!(
            "tcpdump produced no program for {expr:?}"
        )));
    }
    Ok(prog)
}

pub(crate) fn setsockopt<T>(
    fd: libc::c_int,
    level: libc::c_int,
    name: libc::c_int,
    v: &T,
) -> io::Result<()> {
    // SAFETY: v points to a live value of the size we pass.
    let r = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            v as *const T as *const libc::c_void,
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if r == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// An AF_PACKET socket with a large buffer; `own_too` keeps the frames this
/// host sends (sniffing), otherwise they are ignored (matching answers).
fn packet_socket(
    layer2: bool,
    bpf: Option<&[SockFilter]>,
    own_too: bool,
) -> Result<libc::c_int, NetError> {
    let (ty, proto) = if layer2 {
        (libc::SOCK_RAW, ETH_P_ALL)
    } else {
        // both families: the engine tells them apart by the version nibble
        (libc::SOCK_DGRAM, ETH_P_ALL)
    };
    // SAFETY: plain socket(2) call.
    let fd = unsafe { libc::socket(libc::AF_PACKET, ty, i32::from(proto.to_be())) };
    if fd == -1 {
        return Err(open_error("a packet socket", io::Error::last_os_error()));
    }
    let size: libc::c_int = 32 << 20;
    if setsockopt(fd, libc::SOL_SOCKET, SO_RCVBUFFORCE, &size).is_err() {
        let _ = setsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, &size);
    }
    if !own_too {
        let one: libc::c_int = 1;
        // kernels before 4.20 lack it; answers are then filtered by matching instead
        let _ = setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one);
    }
    if let Some(prog) = bpf {
        let fprog = SockFprog {
            len: prog.len() as u16,
            filter: prog.as_ptr(),
        };
        if let Err(e) = setsockopt(fd, libc::SOL_SOCKET, SO_ATTACH_FILTER, &fprog) {
            // SAFETY: closing the fd we own.
            unsafe { libc::close(fd) };
            return Err(NetError::Io(format!("cannot attach the BPF filter: {e}")));
        }
    }
    Ok(fd)
}

fn pnet_iface(index: u32, name: &str) -> pnet::datalink::NetworkInterface {
    pnet::datalink::NetworkInterface {
        name: name.to_string(),
        description: String::new(),
        index,
        mac: None,
        ips: Vec::new(),
        flags: 0,
    }
}

fn config(fd: libc::c_int, layer2: bool) -> pnet::datalink::Config {
    pnet::datalink::Config {
        write_buffer_size: 65536,
        read_buffer_size: 65536,
        read_timeout: Some(Duration::from_millis(2)),
        write_timeout: None,
        channel_type: if layer2 {
            pnet::datalink::ChannelType::Layer2
        } else {
            pnet::datalink::ChannelType::Layer3(ETH_P_ALL)
        },
        bpf_fd_attempts: 1000,
        linux_fanout: None,
        promiscuous: false,
        socket_fd: Some(fd),
    }
}

/// Receives from a pnet datalink receiver.
pub struct PnetRx {
    rx: Box<dyn pnet::datalink::DataLinkReceiver>,
}

impl Rx for PnetRx {
    fn recv(&mut self, _wait: Duration) -> io::Result<Option<(Vec<u8>, Timestamp)>> {
        match self.rx.next() {
            Ok(b) => Ok(Some((b.to_vec(), Timestamp::now()))),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// The kernel-side filter of the layer-3 receiver without a user filter:
/// IPv4 and IPv6 only (the link's protocol, `skb->protocol`), so ARP and
/// other frames never reach the matching thread.
pub const IP_ONLY: [SockFilter; 5] = [
    // ldh [SKF_AD_OFF + SKF_AD_PROTOCOL]
    SockFilter {
        code: 0x28,
        jt: 0,
        jf: 0,
        k: 0xffff_f000,
    },
    // jeq #0x0800 -> accept
    SockFilter {
        code: 0x15,
        jt: 2,
        jf: 0,
        k: 0x0800,
    },
    // jeq #0x86dd -> accept
    SockFilter {
        code: 0x15,
        jt: 1,
        jf: 0,
        k: 0x86dd,
    },
    SockFilter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k: 0,
    },
    SockFilter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k: 0x0004_0000,
    },
];

/// Receives IPv4 and IPv6 packets (link header removed) on one interface,
/// or on all of them with `ifindex` 0; `bpf` (compiled for raw IP) or else
/// [`IP_ONLY`] runs in the kernel.
pub fn l3_receiver(ifindex: u32, bpf: Option<&[SockFilter]>) -> Result<PnetRx, NetError> {
    let fd = packet_socket(false, Some(bpf.unwrap_or(&IP_ONLY)), false)?;
    match pnet::datalink::channel(&pnet_iface(ifindex, "any"), config(fd, false)) {
        Ok(pnet::datalink::Channel::Ethernet(_tx, rx)) => Ok(PnetRx { rx }),
        Ok(_) => Err(NetError::Io("unexpected channel type".into())),
        Err(e) => Err(open_error("a packet socket", e)),
    }
}

/// Sends and receives whole frames on one interface.
pub struct L2Tx {
    tx: Box<dyn pnet::datalink::DataLinkSender>,
}

impl Tx for L2Tx {
    fn send(&mut self, bytes: &[u8], _dst: IpAddr) -> io::Result<()> {
        match self.tx.send_to(bytes, None) {
            Some(r) => r,
            None => Err(io::Error::other("the datalink sender refused the frame")),
        }
    }
}

/// A layer-2 channel on interface `index` (`name` for messages).
pub fn l2_channel(
    index: u32,
    name: &str,
    bpf: Option<&[SockFilter]>,
) -> Result<(L2Tx, PnetRx), NetError> {
    let fd = packet_socket(true, bpf, false)?;
    match pnet::datalink::channel(&pnet_iface(index, name), config(fd, true)) {
        Ok(pnet::datalink::Channel::Ethernet(tx, rx)) => Ok((L2Tx { tx }, PnetRx { rx })),
        Ok(_) => Err(NetError::Io("unexpected channel type".into())),
        Err(e) => Err(open_error(&format!("a packet socket on {name}"), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bpf_compiles_with_tcpdump_when_present() {
        if std::process::Command::new("tcpdump")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("skipped: tcpdump is not installed");
            return;
        }
        let p = compile_bpf("icmp", false).expect("compiles");
        // loads the protocol byte at offset 9 of the IPv4 header
        assert!(
            p.contains(&SockFilter {
                code: 0x30,
                jt: 0,
                jf: 0,
                k: 9
            }),
            "{p:?}"
        );
        // layer-3 filters see IPv6 too: the program checks the version nibble
        let p6 = compile_bpf("icmp6", false).expect("compiles");
        assert!(p6.iter().any(|i| i.code == 0x15 && i.k == 0x60), "{p6:?}");
        assert!(matches!(
            compile_bpf("not a ((filter", true),
            Err(NetError::Usage(_))
        ));
    }
}
