//! One AF_PACKET socket bound to one interface, read and written in batches
//! (`recvmmsg`/`sendmmsg`), that survives its interface going down and up:
//! the kernel reports a down link once (ENETDOWN) and the bound socket
//! receives again once the link is back; an interface that is deleted and
//! created again under the same name is reopened. Used by `respond` (tens of
//! thousands of answers a second through the same socket) and `sniff`.

use super::sock::setsockopt;
use super::sock::SockFilter;
use super::NetError;
use crate::packet::Timestamp;
use std::io;
use std::time::{Duration, Instant};

const SOL_PACKET: libc::c_int = 263;
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;
const PACKET_ADD_MEMBERSHIP: libc::c_int = 1;
const PACKET_MR_ALLMULTI: libc::c_ushort = 2;

/// `struct packet_mreq` (linux/if_packet.h).
#[repr(C)]
struct PacketMreq {
    ifindex: libc::c_int,
    kind: libc::c_ushort,
    alen: libc::c_ushort,
    address: [u8; 8],
}
const SO_RCVBUFFORCE: libc::c_int = 33;
const SO_SNDBUFFORCE: libc::c_int = 32;
const SO_ATTACH_FILTER: libc::c_int = 26;
const ETH_P_ALL: u16 = 0x0003;

/// `sll_pkttype` values: who the frame was for.
pub const PACKET_HOST: u8 = 0;
pub const PACKET_BROADCAST: u8 = 1;
pub const PACKET_MULTICAST: u8 = 2;
pub const PACKET_OTHERHOST: u8 = 3;
pub const PACKET_OUTGOING: u8 = 4;

/// Frames read per `recvmmsg` call and the largest frame kept.
pub const BATCH: usize = 64;
const FRAME: usize = 65_536;

/// How long an interface that disappeared may take to come back before the
/// socket gives up on it.
pub const GONE_GRACE: Duration = Duration::from_secs(5);

/// What happened to the link, for the caller to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// ENETDOWN: the interface went down; the socket keeps waiting.
    Down,
    /// The interface was deleted and a new one with the same name appeared.
    Reopened,
}

#[repr(C)]
struct SockFprog {
    len: u16,
    filter: *const SockFilter,
}

/// The index of interface `name`, or `None` if there is none.
pub fn ifindex(name: &str) -> Option<u32> {
    let c = std::ffi::CString::new(name).ok()?;
    // SAFETY: c is a valid NUL-terminated string.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    (i != 0).then_some(i)
}

fn is_down(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENETDOWN) | Some(libc::ENXIO) | Some(libc::ENODEV)
    )
}

/// A received frame's bytes, arrival time and `sll_pkttype`.
pub struct Frame<'a> {
    pub bytes: &'a [u8],
    pub time: Timestamp,
    pub pkttype: u8,
}

pub struct FrameSocket {
    fd: libc::c_int,
    name: String,
    index: u32,
    own_too: bool,
    bpf: Option<Vec<SockFilter>>,
    bufs: Vec<Vec<u8>>,
    lens: Vec<usize>,
    types: Vec<u8>,
    /// Frames of the last batch handed out one at a time by [`FrameSocket::next`].
    pending: std::ops::Range<usize>,
    pending_time: Timestamp,
    /// The interface is down (ENETDOWN seen, not yet received since).
    pub down: bool,
}

impl Drop for FrameSocket {
    fn drop(&mut self) {
        // SAFETY: closing the fd we own.
        unsafe { libc::close(self.fd) };
    }
}

fn open_fd(
    index: u32,
    name: &str,
    own_too: bool,
    bpf: Option<&[SockFilter]>,
) -> Result<libc::c_int, NetError> {
    // SAFETY: plain socket(2) call.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            i32::from(ETH_P_ALL.to_be()),
        )
    };
    if fd == -1 {
        let e = io::Error::last_os_error();
        return Err(
            if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) {
                super::sock::permission(&format!("a packet socket on {name}"), &e)
            } else {
                NetError::Io(format!("cannot open a packet socket on {name}: {e}"))
            },
        );
    }
    let fail = |what: &str, e: io::Error| {
        // SAFETY: closing the fd we own.
        unsafe { libc::close(fd) };
        NetError::Io(format!("{what} on {name}: {e}"))
    };
    let size: libc::c_int = 32 << 20;
    if setsockopt(fd, libc::SOL_SOCKET, SO_RCVBUFFORCE, &size).is_err() {
        let _ = setsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, &size);
    }
    let ssize: libc::c_int = 8 << 20;
    if setsockopt(fd, libc::SOL_SOCKET, SO_SNDBUFFORCE, &ssize).is_err() {
        let _ = setsockopt(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, &ssize);
    }
    if !own_too {
        let one: libc::c_int = 1;
        // kernels before 4.20 lack it; outgoing frames are then skipped by pkttype
        let _ = setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one);
    }
    if let Some(prog) = bpf {
        let fprog = SockFprog {
            len: prog.len() as u16,
            filter: prog.as_ptr(),
        };
        if let Err(e) = setsockopt(fd, libc::SOL_SOCKET, SO_ATTACH_FILTER, &fprog) {
            return Err(fail("cannot attach the BPF filter", e));
        }
    }
    if index != 0 {
        // SAFETY: sockaddr_ll is plain data; zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = ETH_P_ALL.to_be();
        sll.sll_ifindex = index as i32;
        // SAFETY: sll is a valid sockaddr_ll of the size we pass.
        let r = unsafe {
            libc::bind(
                fd,
                &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if r == -1 {
            return Err(fail(
                "cannot bind a packet socket",
                io::Error::last_os_error(),
            ));
        }
        // every multicast frame reaches us, as on a veth: a real card
        // otherwise filters the solicited-node groups (33:33:ff:..) that
        // neighbour solicitations for the responder's addresses go to; the
        // kernel drops the membership with the socket (best effort)
        let mreq = PacketMreq {
            ifindex: index as libc::c_int,
            kind: PACKET_MR_ALLMULTI,
            alen: 0,
            address: [0; 8],
        };
        let _ = setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq);
    }
    Ok(fd)
}

impl FrameSocket {
    /// Opens a socket on interface `name` (`None`: every interface, which
    /// cannot send). `own_too` also delivers the frames this host sends.
    pub fn open(
        name: Option<&str>,
        own_too: bool,
        bpf: Option<Vec<SockFilter>>,
    ) -> Result<FrameSocket, NetError> {
        let (index, name) = match name {
            Some(n) => (
                ifindex(n).ok_or_else(|| NetError::Usage(format!("no interface named {n:?}")))?,
                n.to_string(),
            ),
            None => (0, "any".to_string()),
        };
        let fd = open_fd(index, &name, own_too, bpf.as_deref())?;
        Ok(FrameSocket {
            fd,
            name,
            index,
            own_too,
            bpf,
            bufs: (0..BATCH).map(|_| vec![0u8; FRAME]).collect(),
            lens: vec![0; BATCH],
            types: vec![0; BATCH],
            pending: 0..0,
            pending_time: Timestamp::now(),
            down: false,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Takes the socket's pending error (SO_ERROR), clearing it.
    fn take_error(&self) -> Option<io::Error> {
        let mut e: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: e and len are valid for getsockopt to write.
        let r = unsafe {
            libc::getsockopt(
                self.fd,
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                &mut e as *mut libc::c_int as *mut libc::c_void,
                &mut len,
            )
        };
        (r == 0 && e != 0).then(|| io::Error::from_raw_os_error(e))
    }

    /// After ENODEV, or when the interface's index changed: waits up to
    /// [`GONE_GRACE`] for an interface of the same name and reopens on it.
    fn reopen(&mut self) -> Result<LinkEvent, NetError> {
        let until = Instant::now() + GONE_GRACE;
        loop {
            if let Some(i) = ifindex(&self.name) {
                let fd = open_fd(i, &self.name, self.own_too, self.bpf.as_deref())?;
                // SAFETY: closing the old fd we own.
                unsafe { libc::close(self.fd) };
                self.fd = fd;
                self.index = i;
                return Ok(LinkEvent::Reopened);
            }
            if Instant::now() >= until
                || crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
            {
                return Err(NetError::Io(format!(
                    "interface {} is gone (deleted, not back after {} s)",
                    self.name,
                    GONE_GRACE.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Checks a socket error: a down link is reported and waited out, a
    /// vanished interface reopened, anything else is an error.
    fn link_error(&mut self, e: io::Error) -> Result<Option<LinkEvent>, NetError> {
        if self.index != 0 && ifindex(&self.name) != Some(self.index) {
            return self.reopen().map(Some);
        }
        if is_down(&e) {
            let first = !self.down;
            self.down = true;
            return Ok(first.then_some(LinkEvent::Down));
        }
        Err(NetError::Io(format!(
            "receiving on {} failed: {e}",
            self.name
        )))
    }

    /// Waits up to `wait` for frames and reads up to [`BATCH`] of them; the
    /// frames are then available through [`FrameSocket::frame`].
    /// Returns how many arrived, or the link event that interrupted the wait.
    pub fn recv_batch(&mut self, wait: Duration) -> Result<Result<usize, LinkEvent>, NetError> {
        let mut pfd = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = wait.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: pfd is one valid pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r == -1 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return Ok(Ok(0));
            }
            return Err(NetError::Io(format!(
                "waiting on {} failed: {e}",
                self.name
            )));
        }
        if r == 0 {
            // a deleted interface leaves a socket that never wakes up
            if self.index != 0 && ifindex(&self.name) != Some(self.index) {
                return self.reopen().map(Err);
            }
            return Ok(Ok(0));
        }
        if pfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0
            && pfd.revents & libc::POLLIN == 0
        {
            let e = self
                .take_error()
                .unwrap_or_else(|| io::Error::from_raw_os_error(libc::ENETDOWN));
            return match self.link_error(e)? {
                Some(ev) => Ok(Err(ev)),
                None => {
                    // still down: do not spin on the same condition
                    std::thread::sleep(wait.min(Duration::from_millis(20)));
                    Ok(Ok(0))
                }
            };
        }
        // SAFETY: zeroed sockaddr_ll, iovec and mmsghdr are valid values.
        let mut addrs: [libc::sockaddr_ll; BATCH] = unsafe { std::mem::zeroed() };
        let mut iovs: Vec<libc::iovec> = self
            .bufs
            .iter_mut()
            .map(|b| libc::iovec {
                iov_base: b.as_mut_ptr() as *mut libc::c_void,
                iov_len: b.len(),
            })
            .collect();
        // SAFETY: as above.
        let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
        for i in 0..BATCH {
            msgs[i].msg_hdr.msg_name = &mut addrs[i] as *mut libc::sockaddr_ll as *mut libc::c_void;
            msgs[i].msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_ll>() as u32;
            msgs[i].msg_hdr.msg_iov = &mut iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: msgs points to BATCH valid headers whose buffers live in self.bufs.
        let n = unsafe {
            libc::recvmmsg(
                self.fd,
                msgs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n == -1 {
            let e = io::Error::last_os_error();
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
            ) {
                return Ok(Ok(0));
            }
            return match self.link_error(e)? {
                Some(ev) => Ok(Err(ev)),
                None => Ok(Ok(0)),
            };
        }
        let n = n as usize;
        for i in 0..n {
            self.lens[i] = (msgs[i].msg_len as usize).min(FRAME);
            self.types[i] = addrs[i].sll_pkttype;
        }
        if n > 0 {
            self.down = false;
        }
        self.pending_time = Timestamp::now();
        self.pending = 0..n;
        Ok(Ok(n))
    }

    /// Frame `i` of the last batch.
    pub fn frame(&self, i: usize) -> Frame<'_> {
        Frame {
            bytes: &self.bufs[i][..self.lens[i]],
            time: self.pending_time,
            pkttype: self.types[i],
        }
    }

    /// The next frame, one at a time (reading a new batch when needed);
    /// `None` when nothing came within `wait`. Outgoing frames are skipped
    /// unless the socket keeps them.
    pub fn next(
        &mut self,
        wait: Duration,
    ) -> Result<Result<Option<Frame<'_>>, LinkEvent>, NetError> {
        loop {
            if let Some(i) = self.pending.next() {
                if !self.own_too && self.types[i] == PACKET_OUTGOING {
                    continue;
                }
                return Ok(Ok(Some(self.frame(i))));
            }
            match self.recv_batch(wait)? {
                Ok(0) => return Ok(Ok(None)),
                Ok(_) => continue,
                Err(ev) => return Ok(Err(ev)),
            }
        }
    }

    /// Sends frames in one `sendmmsg` call (repeated for what the kernel did
    /// not take). Returns how many were sent; a down link sends nothing.
    pub fn send_batch(&mut self, frames: &[&[u8]]) -> Result<usize, NetError> {
        let mut done = 0;
        let mut full_waits = 0;
        while done < frames.len() {
            let chunk = &frames[done..frames.len().min(done + BATCH)];
            let mut iovs: Vec<libc::iovec> = chunk
                .iter()
                .map(|f| libc::iovec {
                    iov_base: f.as_ptr() as *mut libc::c_void,
                    iov_len: f.len(),
                })
                .collect();
            // SAFETY: zeroed mmsghdr is a valid value.
            let mut msgs: Vec<libc::mmsghdr> = (0..chunk.len())
                .map(|_| unsafe { std::mem::zeroed() })
                .collect();
            for (m, iov) in msgs.iter_mut().zip(iovs.iter_mut()) {
                m.msg_hdr.msg_iov = iov;
                m.msg_hdr.msg_iovlen = 1;
            }
            // SAFETY: msgs holds chunk.len() headers pointing at live frames.
            let n = unsafe {
                libc::sendmmsg(self.fd, msgs.as_mut_ptr(), msgs.len() as libc::c_uint, 0)
            };
            if n == -1 {
                let e = io::Error::last_os_error();
                match e.raw_os_error() {
                    Some(libc::EINTR) => continue,
                    Some(libc::ENOBUFS) | Some(libc::EAGAIN) if full_waits < 100 => {
                        full_waits += 1;
                        std::thread::sleep(Duration::from_micros(100));
                        continue;
                    }
                    _ if is_down(&e) => {
                        self.down = true;
                        return Ok(done);
                    }
                    _ => {
                        return Err(NetError::Io(format!(
                            "sending on {} failed: {e}",
                            self.name
                        )))
                    }
                }
            }
            done += n as usize;
        }
        Ok(done)
    }
}

impl super::Rx for FrameSocket {
    fn recv(&mut self, wait: Duration) -> io::Result<Option<(Vec<u8>, Timestamp)>> {
        match self.next(wait) {
            Ok(Ok(Some(f))) => Ok(Some((f.bytes.to_vec(), f.time))),
            Ok(Ok(None)) | Ok(Err(_)) => Ok(None),
            Err(e) => Err(io::Error::other(e.to_string())),
        }
    }
}
