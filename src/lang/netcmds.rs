//! Commands that reach the network (`send`, `sendp`, `sr`, `sr1`, `srp`,
//! `srp1`, `srloop`, `sniff`): thin adapters from language values to the
//! `net::Network` the interpreter holds, plus the progress bar and the
//! one-line report on stderr.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::output;
use super::value::*;
use crate::layers::{ether::ETHER, ipv6::IPV46};
use crate::net::{NetError, SendOptions, SniffOptions, SrOptions, SrResult};
use crate::packet::Packet;
use std::io::IsTerminal;

macro_rules! commands {
    ($($name:literal => $f:ident : $doc:literal),* $(,)?) => {
        pub static COMMANDS: &[Builtin] = &[
            $(Builtin { name: $name, f: $f, doc: $doc }),*
        ];
    };
}

commands! {
    "send" => c_send: "send(pkts, count=1, loop=0, inter=0, rate=None, iface=None, verbose=None): send IP packets at layer 3",
    "sendp" => c_sendp: "sendp(frames, count=1, loop=0, inter=0, rate=None, iface=None, verbose=None): send Ether frames at layer 2",
    "sr" => c_sr: "sr(pkts, timeout=None, retry=0, inter=0, rate=None, multi=False, iface=None, filter=None, verbose=None): send at layer 3 and match answers; returns (answered, unanswered)",
    "sr1" => c_sr1: "sr1(pkts, timeout=None, ...): like sr, returns the first answer (or None)",
    "srp" => c_srp: "srp(frames, timeout=None, iface=None, ...): send at layer 2 and match answers; returns (answered, unanswered)",
    "srp1" => c_srp1: "srp1(frames, timeout=None, ...): like srp, returns the first answer (or None)",
    "srloop" => c_srloop: "srloop(pkts, inter=1, count=None, timeout=...): sr() again and again, printing each round",
    "sniff" => c_sniff: "sniff(count=0, timeout=None, iface=None, filter=None, lfilter=None, prn=None, stop_filter=None, store=True, offline=None): capture frames from an interface, or read them from a capture file or a packet list (offline=); filter is BPF text (offline: through tcpdump) or a predicate",
}

/// Maps an engine error to a Python exception (missing privilege exits 77).
pub fn net_error(e: NetError) -> super::error::Flow {
    match e {
        NetError::Permission(m) => raise("PermissionError", m),
        NetError::Usage(m) => raise("ValueError", m),
        NetError::Io(m) => raise("OSError", m),
    }
}

/// The packets an argument stands for: a packet (its set, lazily), a list,
/// a packet list or any iterable of packets.
fn packets(interp: &mut Interp, v: &Value) -> R<(Box<dyn Iterator<Item = Packet>>, Option<u64>)> {
    match v {
        Value::Packet(p) => {
            let snap = p.snapshot();
            let n = snap.count();
            Ok((Box::new(snap.iter_set()), Some(n)))
        }
        other => {
            let mut out = Vec::new();
            for x in interp.iterate(other)? {
                match &x? {
                    Value::Packet(p) => out.extend(p.snapshot().iter_set()),
                    bad => {
                        return Err(raise(
                            "TypeError",
                            format!("expected packets, got '{}'", bad.type_name()),
                        ))
                    }
                }
            }
            let n = out.len() as u64;
            Ok((Box::new(out.into_iter()), Some(n)))
        }
    }
}

fn verbose(interp: &Interp, a: &mut Args) -> bool {
    match a.kw("verbose") {
        Some(Value::None) | None => interp.conf.verb() > 0,
        Some(v) => v.truthy(),
    }
}

fn opt_f64(a: &mut Args, name: &str) -> R<Option<f64>> {
    match a.kw(name) {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(v.float(name)?)),
    }
}

/// A time between sends (`inter`) or a rate: a finite number, not negative
/// (a rate above 0). NaN or infinity raises ValueError, as Python's
/// `time.sleep` does, instead of being saturated.
pub(crate) fn opt_pace(a: &mut Args, name: &str) -> R<Option<f64>> {
    let v = opt_f64(a, name)?;
    if let Some(x) = v {
        let ok = x.is_finite() && if name == "rate" { x > 0.0 } else { x >= 0.0 };
        if !ok {
            let want = if name == "rate" {
                "a finite number of packets per second above 0"
            } else {
                "a finite number of seconds, 0 or more"
            };
            return Err(raise(
                "ValueError",
                format!("{name}={}: expected {want}", super::repr::float_repr(x)),
            ));
        }
    }
    Ok(v)
}

fn opt_str(a: &mut Args, name: &str) -> R<Option<String>> {
    match a.kw(name) {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(v.text(name)?.to_string())),
    }
}

/// A progress bar on stderr for long exchanges when stderr is a terminal.
fn progress_bar(total: Option<u64>, show: bool) -> Option<indicatif::ProgressBar> {
    let n = total?;
    if !show || n < 256 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(n);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} sent, {msg} answered [{elapsed}] {wide_bar}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

fn sr_options(interp: &Interp, a: &mut Args, layer2: bool) -> R<SrOptions> {
    let timeout = opt_f64(a, "timeout")?;
    let retry = a
        .kw("retry")
        .map(|v| v.int("retry"))
        .transpose()?
        .unwrap_or(0);
    Ok(SrOptions {
        timeout,
        retry: retry.clamp(-1000, 1000) as i32,
        inter: opt_pace(a, "inter")?.unwrap_or(0.0),
        rate: opt_pace(a, "rate")?,
        multi: a.kw("multi").is_some_and(|v| v.truthy()),
        done_when_all_answered: false,
        first_only: false,
        iface: opt_str(a, "iface")?.or_else(|| if layer2 { interp.conf.iface() } else { None }),
        matching: interp.conf.matching(),
        first: if layer2 { &ETHER } else { &IPV46 },
        filter: match &a.kw("filter") {
            Some(Value::Str(s)) => Some(s.to_string()),
            _ => None,
        },
        observer: None,
    })
}

/// Runs an exchange and turns it into (answered, unanswered) lists.
fn exchange(
    interp: &mut Interp,
    mut a: Args,
    layer2: bool,
    first_only: bool,
) -> R<(SrResult, bool)> {
    let pkts = a.req(0, "pkts", if layer2 { "srp" } else { "sr" })?;
    let verbose = verbose(interp, &mut a);
    let mut opts = sr_options(interp, &mut a, layer2)?;
    opts.first_only = first_only;
    for ignored in [
        "prebuild",
        "chainCC",
        "threaded",
        "nofilter",
        "store_unanswered",
        "promisc",
        "verbose",
        "autostop",
    ] {
        a.kw(ignored);
    }
    a.done(
        if layer2 { "srp" } else { "sr" },
        1,
        &[
            "timeout", "retry", "inter", "rate", "multi", "iface", "filter", "verbose",
        ],
    )?;
    let (mut iter, total) = packets(interp, &pkts)?;
    if verbose && opts.timeout.is_none() {
        output::eprintln(
            "(no timeout: waiting for every answer; Ctrl-C stops and keeps what came)",
        );
    }
    let bar = progress_bar(total, verbose);
    let net = interp.net.clone();
    output::flush();
    let r = net.sr(&mut iter, &opts, &mut |sent, answered| {
        if let Some(b) = &bar {
            b.set_position(sent as u64);
            b.set_message(answered.to_string());
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let r = r.map_err(net_error)?;
    let interrupted = r.interrupted;
    if interrupted {
        crate::sys::clear_interrupt();
    }
    // a fault (the interface went down...) keeps the partial results, as Ctrl-C does
    if let Some(w) = r.fault_warning() {
        output::eprintln(&format!("WARNING: {w}"));
    }
    if verbose {
        output::eprintln(&format!(
            "Sent {} packets, received {} answers, {} unanswered{} ({:.3} s)",
            r.sent,
            r.answered.len(),
            r.unanswered.len(),
            if interrupted { ", interrupted" } else { "" },
            r.elapsed.as_secs_f64()
        ));
    }
    Ok((r, interrupted))
}

fn lists(r: SrResult) -> (Value, Value) {
    let ans = PacketList::from_items(
        "Results",
        r.answered
            .into_iter()
            .map(|p| Item::Pair(Box::new(p)))
            .collect(),
    );
    let unans = PacketList::from_items(
        "Unanswered",
        r.unanswered.into_iter().map(Item::Wire).collect(),
    );
    (Value::PacketList(ans), Value::PacketList(unans))
}

fn c_sr(interp: &mut Interp, a: Args) -> R {
    let (r, _) = exchange(interp, a, false, false)?;
    let (ans, unans) = lists(r);
    Ok(Value::tuple(vec![ans, unans]))
}

fn c_srp(interp: &mut Interp, a: Args) -> R {
    let (r, _) = exchange(interp, a, true, false)?;
    let (ans, unans) = lists(r);
    Ok(Value::tuple(vec![ans, unans]))
}

fn first_answer(r: SrResult) -> Value {
    r.answered
        .into_iter()
        .next()
        .map(|(_, reply)| Value::packet(reply.packet()))
        .unwrap_or(Value::None)
}

fn c_sr1(interp: &mut Interp, a: Args) -> R {
    let (r, _) = exchange(interp, a, false, true)?;
    Ok(first_answer(r))
}

fn c_srp1(interp: &mut Interp, a: Args) -> R {
    let (r, _) = exchange(interp, a, true, true)?;
    Ok(first_answer(r))
}

fn send_common(interp: &mut Interp, mut a: Args, layer2: bool) -> R {
    let name = if layer2 { "sendp" } else { "send" };
    let pkts = a.req(0, "x", name)?;
    let verbose = verbose(interp, &mut a);
    let count = a
        .kw("count")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.int("count"))
        .transpose()?;
    let forever = a.kw("loop").is_some_and(|v| v.truthy());
    let opts = SendOptions {
        count: count.unwrap_or(1).max(0) as u64,
        forever: forever && count.is_none(),
        inter: opt_pace(&mut a, "inter")?.unwrap_or(0.0),
        rate: opt_pace(&mut a, "rate")?,
        iface: opt_str(&mut a, "iface")?
            .or_else(|| if layer2 { interp.conf.iface() } else { None }),
        layer2,
    };
    for ignored in ["realtime", "return_packets", "socket"] {
        a.kw(ignored);
    }
    a.done(
        name,
        1,
        &["count", "loop", "inter", "rate", "iface", "verbose"],
    )?;
    let (mut iter, _) = packets(interp, &pkts)?;
    let net = interp.net.clone();
    output::flush();
    let r = net.send(&mut iter, &opts).map_err(net_error)?;
    if r.interrupted {
        crate::sys::clear_interrupt();
    }
    if verbose {
        output::eprintln(&format!(
            "Sent {} packets.{}",
            r.sent,
            if r.interrupted { " (interrupted)" } else { "" }
        ));
    }
    Ok(Value::None)
}

fn c_send(interp: &mut Interp, a: Args) -> R {
    send_common(interp, a, false)
}

fn c_sendp(interp: &mut Interp, a: Args) -> R {
    send_common(interp, a, true)
}

/// `srloop`: rounds of `sr`, each answer printed as `RECV`, each miss as `fail`.
fn c_srloop(interp: &mut Interp, mut a: Args) -> R {
    let pkts = a.req(0, "pkts", "srloop")?;
    let inter = opt_pace(&mut a, "inter")?.unwrap_or(1.0);
    let count = a
        .kw("count")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.int("count"))
        .transpose()?;
    let timeout = opt_f64(&mut a, "timeout")?.unwrap_or(inter.max(0.5));
    let prn = a.kw("prn").filter(|v| !matches!(v, Value::None));
    let mut opts = sr_options(interp, &mut a, false)?;
    opts.timeout = Some(timeout);
    a.kw("verbose");
    let all_ans = PacketList::from_items("Results", vec![]);
    let all_unans = PacketList::from_items("Unanswered", vec![]);
    let mut round = 0i64;
    loop {
        if count.is_some_and(|c| round >= c) {
            break;
        }
        round += 1;
        let (mut iter, _) = packets(interp, &pkts)?;
        let net = interp.net.clone();
        let r = net
            .sr(&mut iter, &opts, &mut |_, _| {})
            .map_err(net_error)?;
        let interrupted = r.interrupted;
        // a fault ends the loop, keeping every round so far, and says which
        // probes of this round were never sent (as sr does)
        let fault = r.fault_warning();
        for (q, ans) in &r.answered {
            let line = match &prn {
                Some(f) => {
                    let v = interp.call_value(
                        f,
                        Args::new(vec![Value::packet(q.packet()), Value::packet(ans.packet())]),
                    )?;
                    interp.to_str(&v)?
                }
                None => crate::packet::show::summary(&ans.packet()),
            };
            output::println(&format!("RECV {}: {line}", r.answered.len()));
        }
        for q in &r.unanswered {
            output::println(&format!(
                "fail {}: {}",
                r.unanswered.len(),
                crate::packet::show::summary(&q.packet())
            ));
        }
        all_ans.extend_items(r.answered.into_iter().map(|p| Item::Pair(Box::new(p))));
        all_unans.extend_items(r.unanswered.into_iter().map(Item::Wire));
        if let Some(w) = fault {
            output::eprintln(&format!("WARNING: {w}"));
            break;
        }
        if interrupted {
            crate::sys::clear_interrupt();
            break;
        }
        if count.is_none_or(|c| round < c) && super::commands::sleep_interruptible(inter).is_err() {
            break;
        }
    }
    output::eprintln(&format!(
        "Sent {round} rounds, received {} answers, {} unanswered",
        all_ans.len(),
        all_unans.len()
    ));
    Ok(Value::tuple(vec![
        Value::PacketList(all_ans),
        Value::PacketList(all_unans),
    ]))
}

/// `sniff`: captures until `count` packets (0: no limit), the timeout, a true
/// `stop_filter`, or Ctrl-C. `filter` is BPF text or a predicate; `lfilter` a
/// predicate; `prn` is called on each kept packet (its result is printed).
fn c_sniff(interp: &mut Interp, mut a: Args) -> R {
    let count = a
        .kw("count")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.int("count"))
        .transpose()?
        .unwrap_or(0);
    let timeout = opt_f64(&mut a, "timeout")?;
    let iface = opt_str(&mut a, "iface")?.or_else(|| interp.conf.iface());
    let (bpf, mut predicate) = match &a.kw("filter") {
        Some(Value::Str(s)) => (Some(s.to_string()), None),
        Some(Value::None) | None => (None, None),
        Some(f) => (None, Some(f.clone())),
    };
    if let Some(f) = a.kw("lfilter").filter(|v| !matches!(v, Value::None)) {
        predicate = Some(f);
    }
    let prn = a.kw("prn").filter(|v| !matches!(v, Value::None));
    let stop = a.kw("stop_filter").filter(|v| !matches!(v, Value::None));
    let store = a.kw("store").is_none_or(|v| v.truthy());
    let offline = a.kw("offline").filter(|v| !matches!(v, Value::None));
    a.kw("promisc");
    a.done(
        "sniff",
        0,
        &[
            "count",
            "timeout",
            "iface",
            "filter",
            "lfilter",
            "prn",
            "stop_filter",
            "store",
            "offline",
            "promisc",
        ],
    )?;
    let opts = SniffOptions {
        iface,
        timeout,
        filter: bpf,
    };
    let kept = PacketList::from_items("Sniffed", vec![]);
    let mut n = 0i64;
    let mut failure: Option<super::error::Flow> = None;
    let net = interp.net.clone();
    output::flush();
    // a capture file (or packets) instead of an interface
    let offline: Option<Box<dyn Iterator<Item = crate::packet::WirePacket>>> = match &offline {
        None => None,
        Some(Value::Str(path)) => Some(Box::new(super::capcmds::OfflineSource::open(
            path,
            opts.filter.as_deref(),
        )?)),
        Some(other) => {
            if opts.filter.is_some() {
                return Err(raise(
                    "ValueError",
                    "a BPF filter= needs offline= to name a capture file; for packets use lfilter=lambda p: ...",
                ));
            }
            Some(Box::new(
                super::capcmds::wires_of(interp, other)?.into_iter(),
            ))
        }
    };
    let mut step = |w: crate::packet::WirePacket| {
        let v = Value::packet(w.packet());
        let step = (|| -> R<bool> {
            if let Some(f) = &predicate {
                if !interp.call_value(f, Args::new(vec![v.clone()]))?.truthy() {
                    return Ok(true);
                }
            }
            n += 1;
            if store {
                kept.extend_items([Item::Wire(w.clone())]);
            }
            if let Some(f) = &prn {
                let out = interp.call_value(f, Args::new(vec![v.clone()]))?;
                if !matches!(out, Value::None) {
                    output::println(&interp.to_str(&out)?);
                }
            }
            if let Some(f) = &stop {
                if interp.call_value(f, Args::new(vec![v.clone()]))?.truthy() {
                    return Ok(false);
                }
            }
            Ok(count == 0 || n < count)
        })();
        match step {
            Ok(go) => go,
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    };
    match offline {
        // a capture file (or packets) instead of an interface
        Some(wires) => {
            let deadline = opts.timeout.and_then(super::commands::deadline_after);
            for w in wires {
                if !step(w)
                    || crate::sys::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
                    || deadline.is_some_and(|d| std::time::Instant::now() >= d)
                {
                    break;
                }
            }
        }
        None => {
            net.sniff(&opts, &mut step).map_err(net_error)?;
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    crate::sys::clear_interrupt();
    Ok(Value::PacketList(kept))
}
