//! The send/receive engine behind `sr`, `sr1`, `srp`: the receiver is open
//! before the first send and runs on its own thread; every probe is filed
//! under its matching key before it leaves, so no answer can arrive unseen;
//! answers are confirmed with the layers' `answers` rules. Probes and answers
//! are kept as bytes, so memory grows by one small record per probe.

use super::{NetError, Rx, SrOptions, SrResult, Tx};
use crate::packet::matching::{answers, hashret, MatchOpts};
use crate::packet::{LayerDef, Packet, Timestamp, WirePacket};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct ProbeRec {
    bytes: Box<[u8]>,
    time: Timestamp,
    answered: bool,
}

/// A probe that could not be prepared: why, and its bytes as given (so it
/// can be listed among the probes never sent).
pub struct Unready {
    pub error: NetError,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
struct Table {
    probes: Vec<ProbeRec>,
    /// Matching key hash to probe ids.
    index: HashMap<u64, Vec<u32>>,
    answers: Vec<(u32, WirePacket)>,
    answered: usize,
    received: usize,
    error: Option<String>,
    /// Probes sent to a group address: while there are any, replies are
    /// also looked up by their key without addresses.
    to_groups: usize,
}

fn key_hash(key: &[u8]) -> u64 {
    // FNV-1a: keys are short and attacker-free (we generate the probes)
    key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A probe ready to go: its bytes and where to send them.
pub struct Ready {
    pub bytes: Vec<u8>,
    pub dst: IpAddr,
}

/// Runs a send/receive exchange. `probes` yields prepared probes; `first` is
/// the layer replies and probes are dissected as; `progress` is called with
/// (sent, answered) as the exchange advances.
///
/// A fault once something was sent (a send the kernel refuses, e.g. because
/// the interface went down, or the receiver failing) ends the exchange but
/// keeps what was collected: the result carries the error in `fault`, and the
/// probes never sent at the end of `unanswered` (`unsent` of them). Usage
/// errors (a packet the engine cannot send as given) are still errors.
pub fn exchange(
    tx: &mut dyn Tx,
    mut rx: Box<dyn Rx>,
    first: &'static LayerDef,
    probes: &mut dyn Iterator<Item = Result<Ready, Unready>>,
    opts: &SrOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SrResult, NetError> {
    let table = Arc::new(Mutex::new(Table::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let receiver = {
        let (table, stop) = (table.clone(), stop.clone());
        let (matching, multi) = (opts.matching, opts.multi);
        let observer = opts.observer.clone();
        std::thread::Builder::new()
            .name("packsmith-rx".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let (bytes, time) = match rx.recv(Duration::from_millis(2)) {
                        Ok(Some(x)) => x,
                        Ok(None) => continue,
                        Err(e) => {
                            if let Ok(mut t) = table.lock() {
                                t.error = Some(e.to_string());
                            }
                            break;
                        }
                    };
                    let reply = Packet::dissect(first, &bytes);
                    let key = key_hash(&hashret(&reply, &matching));
                    let Ok(mut t) = table.lock() else { break };
                    t.received += 1;
                    let mut ids = t.index.get(&key).cloned().unwrap_or_default();
                    if t.to_groups > 0 {
                        let wild = MatchOpts {
                            wildcard: true,
                            ..matching
                        };
                        let k = key_hash(&hashret(&reply, &wild));
                        if k != key {
                            ids.extend(t.index.get(&k).into_iter().flatten());
                        }
                    }
                    if ids.is_empty() {
                        continue;
                    }
                    for id in ids {
                        let rec = &t.probes[id as usize];
                        if rec.answered && !multi {
                            continue;
                        }
                        let probe = Packet::dissect(first, &rec.bytes);
                        if answers(&reply, &probe, &matching) {
                            if !t.probes[id as usize].answered {
                                t.probes[id as usize].answered = true;
                                t.answered += 1;
                            }
                            let answer = WirePacket::new(first, &bytes, time);
                            if let Some(obs) = &observer {
                                let p = &t.probes[id as usize];
                                (obs.0)(&WirePacket::new(first, &p.bytes, p.time), &answer);
                            }
                            t.answers.push((id, answer));
                            if !multi {
                                break;
                            }
                        }
                    }
                }
            })
            .map_err(|e| NetError::Io(format!("cannot start the receiver: {e}")))?
    };

    let result = send_and_wait(tx, &table, probes, opts, progress);
    stop.store(true, Ordering::Relaxed);
    let _ = receiver.join();
    let out = result?;

    let t = std::mem::take(
        &mut *table
            .lock()
            .map_err(|_| NetError::Io("receiver failed".into()))?,
    );
    let mut fault = out.fault;
    if let Some(e) = t.error {
        fault.get_or_insert(NetError::Io(format!("receiving failed: {e}")));
    }
    if let Some(e) = &fault {
        // nothing to keep: the error as it is
        if out.sent == 0 && t.answers.is_empty() {
            return Err(e.clone());
        }
    }
    let answered = t
        .answers
        .into_iter()
        .map(|(id, reply)| {
            let p = &t.probes[id as usize];
            (WirePacket::new(first, &p.bytes, p.time), reply)
        })
        .collect();
    let never = Timestamp::now();
    let unanswered = t
        .probes
        .iter()
        .filter(|p| !p.answered)
        .map(|p| WirePacket::new(first, &p.bytes, p.time))
        .chain(
            out.unsent_tail
                .iter()
                .map(|b| WirePacket::new(first, b, never)),
        )
        .collect();
    Ok(SrResult {
        answered,
        unanswered,
        sent: out.sent,
        received: t.received,
        interrupted: out.interrupted,
        elapsed: started.elapsed(),
        unsent: out.unsent_tail.len() + usize::from(out.filed_unsent),
        fault,
    })
}

/// Paces sends at `inter` seconds apart or `rate` per second.
struct Pacer {
    gap: Option<Duration>,
    next: Instant,
}

impl Pacer {
    fn new(opts: &SrOptions) -> Pacer {
        let gap = match (opts.inter, opts.rate) {
            (i, _) if i > 0.0 => Some(crate::sys::duration(i)),
            (_, Some(r)) if r > 0.0 => Some(crate::sys::duration(1.0 / r)),
            _ => None,
        };
        Pacer {
            gap,
            next: Instant::now(),
        }
    }
    fn wait(&mut self) {
        let Some(gap) = self.gap else { return };
        let now = Instant::now();
        if self.next > now {
            let d = self.next - now;
            if d > Duration::from_micros(200) {
                std::thread::sleep(d);
            } else {
                while Instant::now() < self.next {
                    std::hint::spin_loop();
                }
            }
        }
        self.next = self.next.max(now) + gap;
    }
}

fn interrupted() -> bool {
    crate::sys::INTERRUPTED.load(Ordering::Relaxed)
}

/// Sends with retries to the kernel when its queues are momentarily full.
fn send_one(tx: &mut dyn Tx, bytes: &[u8], dst: IpAddr) -> Result<(), NetError> {
    for attempt in 0..200 {
        match tx.send(bytes, dst) {
            Ok(()) => return Ok(()),
            Err(e)
                if e.raw_os_error() == Some(libc::ENOBUFS)
                    || e.kind() == std::io::ErrorKind::WouldBlock =>
            {
                std::thread::sleep(Duration::from_micros(50 * (attempt + 1)));
            }
            Err(e) => return Err(NetError::Io(format!("sending to {dst} failed: {e}"))),
        }
    }
    Err(NetError::Io(format!(
        "sending to {dst} failed: the kernel's queue stayed full"
    )))
}

/// What the sending side ended with.
#[derive(Default)]
struct Outcome {
    sent: usize,
    interrupted: bool,
    /// Why sending stopped early.
    fault: Option<NetError>,
    /// The last filed probe was never sent (its send failed).
    filed_unsent: bool,
    /// Probes never taken from the iterator because of the fault.
    unsent_tail: Vec<Vec<u8>>,
}

/// After a fault: the probes left in the iterator, as bytes.
fn drain(probes: &mut dyn Iterator<Item = Result<Ready, Unready>>) -> Vec<Vec<u8>> {
    probes
        .map(|p| match p {
            Ok(r) => r.bytes,
            Err(u) => u.bytes,
        })
        .collect()
}

fn send_and_wait(
    tx: &mut dyn Tx,
    table: &Mutex<Table>,
    probes: &mut dyn Iterator<Item = Result<Ready, Unready>>,
    opts: &SrOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Outcome, NetError> {
    let lock = || {
        table
            .lock()
            .map_err(|_| NetError::Io("receiver failed".into()))
    };
    let mut pacer = Pacer::new(opts);
    let mut out = Outcome::default();
    let mut dsts: Vec<IpAddr> = Vec::new();
    while let Some(probe) = probes.next() {
        if interrupted() {
            out.interrupted = true;
            return Ok(out);
        }
        let Ready { bytes, dst } = match probe {
            Ok(r) => r,
            Err(u) => match u.error {
                NetError::Io(_) if out.sent > 0 => {
                    out.fault = Some(u.error);
                    out.unsent_tail.push(u.bytes);
                    out.unsent_tail.extend(drain(probes));
                    return Ok(out);
                }
                e => return Err(e),
            },
        };
        let probe_pkt = Packet::dissect(opts.first, &bytes);
        let key = key_hash(&hashret(&probe_pkt, &opts.matching));
        pacer.wait();
        {
            let mut t = lock()?;
            if t.error.is_some() {
                // the receiver is gone: what is sent now could not be seen
                drop(t);
                out.unsent_tail.push(bytes);
                out.unsent_tail.extend(drain(probes));
                return Ok(out);
            }
            let id = t.probes.len() as u32;
            t.probes.push(ProbeRec {
                bytes: bytes.clone().into_boxed_slice(),
                time: Timestamp::now(),
                answered: false,
            });
            t.index.entry(key).or_default().push(id);
            if matches!(dst, IpAddr::V6(d) if d.is_multicast()) {
                t.to_groups += 1;
            }
        }
        if let Err(e) = send_one(tx, &bytes, dst) {
            out.fault = Some(e);
            out.filed_unsent = true;
            out.unsent_tail.extend(drain(probes));
            return Ok(out);
        }
        dsts.push(dst);
        out.sent += 1;
        if out.sent % 256 == 0 {
            let answered = lock()?.answered;
            progress(out.sent, answered);
            if opts.first_only && answered > 0 {
                break;
            }
        }
    }
    progress(out.sent, lock()?.answered);

    // wait for answers; `timeout` counts from the last send; retry the rest
    let mut retries_left = opts.retry;
    let mut rounds_without_news = 0;
    let mut last_answered = lock()?.answered;
    let mut deadline = opts.timeout.and_then(crate::sys::deadline);
    loop {
        if interrupted() {
            out.interrupted = true;
            return Ok(out);
        }
        let (answered, total, receiver_failed) = {
            let t = lock()?;
            (t.answered, t.probes.len(), t.error.is_some())
        };
        let all = answered == total && (!opts.multi || opts.done_when_all_answered);
        if (opts.first_only && answered > 0) || all || receiver_failed {
            break;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let more = if retries_left > 0 {
                retries_left -= 1;
                true
            } else if retries_left < 0 {
                // negative: keep retrying until -retry rounds bring nothing new
                rounds_without_news = if answered > last_answered {
                    0
                } else {
                    rounds_without_news + 1
                };
                rounds_without_news < -retries_left
            } else {
                false
            };
            last_answered = answered;
            if !more {
                break;
            }
            let again: Vec<(usize, Vec<u8>)> = {
                let t = lock()?;
                t.probes
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !p.answered)
                    .map(|(i, p)| (i, p.bytes.to_vec()))
                    .collect()
            };
            for (i, bytes) in again {
                if interrupted() {
                    out.interrupted = true;
                    return Ok(out);
                }
                pacer.wait();
                lock()?.probes[i].time = Timestamp::now();
                if let Err(e) = send_one(tx, &bytes, dsts[i]) {
                    // every probe went out at least once: nothing is unsent
                    out.fault = Some(e);
                    return Ok(out);
                }
                out.sent += 1;
            }
            deadline = opts.timeout.and_then(crate::sys::deadline);
        }
        progress(out.sent, answered);
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(out)
}
