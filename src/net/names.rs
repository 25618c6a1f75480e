//! Host names through the system resolver: getaddrinfo (/etc/hosts, then
//! nsswitch) forward, getnameinfo back, as iputils and traceroute(8) call
//! them. Errors carry `gai_strerror`'s text ("Name or service not known",
//! "Address family for hostname not supported"), which is what those tools
//! print.

use std::ffi::{CStr, CString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// Which addresses a lookup may return (`-4`/`-6`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

impl Family {
    /// `-4`/`-6` as flags.
    pub fn from_flags(v4: bool, v6: bool) -> Family {
        match (v4, v6) {
            (true, false) => Family::V4,
            (false, true) => Family::V6,
            _ => Family::Any,
        }
    }

    pub fn admits(self, a: IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => a.is_ipv4(),
            Family::V6 => a.is_ipv6(),
        }
    }
}

/// A name's addresses in the resolver's order, and its canonical name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub addrs: Vec<IpAddr>,
    pub canonical: Option<String>,
}

/// Reverse lookups for the receiver thread: the name of an address, if it
/// has one.
pub type Namer = Arc<dyn Fn(IpAddr) -> Option<String> + Send + Sync>;

/// The longest name handed to the resolver (DNS names stop at 253).
const MAX_NAME: usize = 1024;

/// getaddrinfo(3) for `name`, restricted to `family`.
pub fn lookup(name: &str, family: Family) -> Result<Resolved, String> {
    const NONAME: &str = "Name or service not known";
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(NONAME.into());
    }
    let c = CString::new(name).map_err(|_| NONAME.to_string())?;
    // SAFETY: addrinfo is plain data; all-zero is its documented empty hints
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = match family {
        Family::Any => libc::AF_UNSPEC,
        Family::V4 => libc::AF_INET,
        Family::V6 => libc::AF_INET6,
    };
    hints.ai_socktype = libc::SOCK_RAW;
    hints.ai_flags = libc::AI_CANONNAME;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: c and hints outlive the call; res is freed below
    let rc = unsafe { libc::getaddrinfo(c.as_ptr(), std::ptr::null(), &hints, &mut res) };
    if rc != 0 {
        // SAFETY: gai_strerror returns a static string for any code
        let text = unsafe { CStr::from_ptr(libc::gai_strerror(rc)) };
        return Err(text.to_string_lossy().into_owned());
    }
    let mut out = Resolved {
        addrs: Vec::new(),
        canonical: None,
    };
    let mut p = res;
    while !p.is_null() {
        // SAFETY: p walks the list getaddrinfo returned, not yet freed
        let ai = unsafe { &*p };
        if out.canonical.is_none() && !ai.ai_canonname.is_null() {
            // SAFETY: a NUL-terminated string owned by the list
            let n = unsafe { CStr::from_ptr(ai.ai_canonname) };
            out.canonical = Some(n.to_string_lossy().into_owned());
        }
        // SAFETY: ai_addr points at ai_addrlen bytes of the family's sockaddr
        if let Some(a) = unsafe { sockaddr_ip(ai.ai_addr, ai.ai_addrlen) } {
            if family.admits(a) && !out.addrs.contains(&a) {
                out.addrs.push(a);
            }
        }
        p = ai.ai_next;
    }
    // SAFETY: res came from a successful getaddrinfo
    unsafe { libc::freeaddrinfo(res) };
    if out.addrs.is_empty() {
        return Err(NONAME.into());
    }
    Ok(out)
}

/// The address in a sockaddr of `len` bytes.
///
/// # Safety
/// `sa` is null or points at `len` readable bytes.
unsafe fn sockaddr_ip(sa: *const libc::sockaddr, len: libc::socklen_t) -> Option<IpAddr> {
    if sa.is_null() {
        return None;
    }
    let len = len as usize;
    match i32::from((*sa).sa_family) {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            let s = &*(sa as *const libc::sockaddr_in);
            Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(s.sin_addr.s_addr))))
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            let s = &*(sa as *const libc::sockaddr_in6);
            Some(IpAddr::V6(Ipv6Addr::from(s.sin6_addr.s6_addr)))
        }
        _ => None,
    }
}

/// getnameinfo(3) with NI_NAMEREQD: the address's name, `None` when it has
/// none.
pub fn reverse(addr: IpAddr) -> Option<String> {
    // SAFETY: sockaddr_storage is plain data with room for either family
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        IpAddr::V4(a) => {
            // SAFETY: the storage is larger than and aligned for sockaddr_in
            let s = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in) };
            s.sin_family = libc::AF_INET as libc::sa_family_t;
            s.sin_addr.s_addr = u32::from(a).to_be();
            std::mem::size_of::<libc::sockaddr_in>()
        }
        IpAddr::V6(a) => {
            // SAFETY: the storage is larger than and aligned for sockaddr_in6
            let s = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in6) };
            s.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            s.sin6_addr.s6_addr = a.octets();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    let mut host = [0 as libc::c_char; 1025];
    // SAFETY: ss and host outlive the call; the lengths are theirs
    let rc = unsafe {
        libc::getnameinfo(
            &ss as *const _ as *const libc::sockaddr,
            len as libc::socklen_t,
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: getnameinfo NUL-terminates within the buffer on success
    let n = unsafe { CStr::from_ptr(host.as_ptr()) };
    Some(n.to_string_lossy().into_owned())
}

/// `namer` asked once per address (a reply stream repeats its sources).
pub fn cached(namer: Namer) -> Namer {
    let seen = std::sync::Mutex::new(std::collections::HashMap::new());
    Arc::new(move |a| {
        if let Some(n) = seen.lock().ok().and_then(|m| m.get(&a).cloned()) {
            return n;
        }
        let n = namer(a);
        if let Ok(mut m) = seen.lock() {
            m.insert(a, n.clone());
        }
        n
    })
}

/// How iputils and traceroute(8) print an address: `name (address)`, or
/// `address (address)` when it has no name; just the address with `-n`.
pub fn display(addr: IpAddr, namer: Option<&Namer>) -> String {
    match namer {
        None => addr.to_string(),
        Some(f) => format!("{} ({addr})", f(addr).unwrap_or_else(|| addr.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_names_resolve_to_themselves() {
        let r = lookup("198.18.0.1", Family::Any).expect("numeric");
        assert_eq!(r.addrs, vec!["198.18.0.1".parse::<IpAddr>().expect("ip")]);
        let r = lookup("2001:2::1", Family::V6).expect("numeric v6");
        assert_eq!(r.addrs, vec!["2001:2::1".parse::<IpAddr>().expect("ip")]);
    }

    #[test]
    fn the_family_is_the_resolvers_filter() {
        let e = lookup("198.18.0.1", Family::V6).expect_err("v4 under -6");
        assert!(!e.is_empty());
    }

    #[test]
    fn hostile_names_are_errors() {
        assert_eq!(
            lookup("a\0b", Family::Any).expect_err("nul"),
            "Name or service not known"
        );
        assert!(lookup(&"x".repeat(5000), Family::Any).is_err());
        assert!(lookup("", Family::Any).is_err());
    }

    #[test]
    fn display_is_iputils() {
        let a: IpAddr = "198.18.0.9".parse().expect("ip");
        assert_eq!(display(a, None), "198.18.0.9");
        let named: Namer = Arc::new(|_| Some("t.lab".into()));
        assert_eq!(display(a, Some(&named)), "t.lab (198.18.0.9)");
        let nameless: Namer = Arc::new(|_| None);
        assert_eq!(display(a, Some(&nameless)), "198.18.0.9 (198.18.0.9)");
    }
}
