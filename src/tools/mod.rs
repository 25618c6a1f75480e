//! The subcommands behind the CLI: the everyday probes built on the engine
//! (`net::Network`) — `ping`, `traceroute`, `sweep` and the ICMP
//! `respond`er — which never send or receive on their own and print through
//! a `Sink`, and `read`, which prints capture files.

pub mod ping;
pub mod read;
pub mod respond;
pub mod sweep;
pub mod traceroute;

use std::sync::Arc;

/// Where a tool's output lines go (called from the receiver thread too).
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// A sink writing lines to stdout as they come.
pub fn stdout_sink() -> Sink {
    Arc::new(|line: &str| {
        use std::io::Write;
        let mut out = crate::sys::CheckedStdout;
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    })
}

/// C's `%g`: six significant digits, trailing zeros removed.
pub fn fmt_g(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    let s = if !(-4..6).contains(&exp) {
        let m = format!("{:.5e}", v);
        match m.split_once('e') {
            Some((mant, e)) => {
                let mant = mant.trim_end_matches('0').trim_end_matches('.');
                let e: i32 = e.parse().unwrap_or(0);
                format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            }
            None => m,
        }
    } else {
        let decimals = (5 - exp).max(0) as usize;
        let f = format!("{v:.decimals$}");
        if f.contains('.') {
            f.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            f
        }
    };
    s
}

#[cfg(test)]
mod tests {
    use super::fmt_g;

    #[test]
    fn g_format() {
        assert_eq!(fmt_g(0.0), "0");
        assert_eq!(fmt_g(100.0), "100");
        assert_eq!(fmt_g(33.33333), "33.3333");
        assert_eq!(fmt_g(66.66667), "66.6667");
        assert_eq!(fmt_g(12.5), "12.5");
        assert_eq!(fmt_g(0.001), "0.001");
    }
}
