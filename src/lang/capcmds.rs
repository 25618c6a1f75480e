//! Capture commands for the language (`wrpcap`, `rdpcap`, `PcapReader`,
//! `PcapWriter`): adapters from language values to the `capture` module.
//!
//! Packets keep their times: engine results carry their real send and
//! receive times, so writing `ans` from `sr()` puts each probe at its send
//! time and each answer at its receive time, in time order, and in pcapng
//! each answer says which probe it answers and after how long.

use super::error::{raise, Flow, R};
use super::interp::{Args, Interp};
use super::output;
use super::value::*;
use crate::capture::{self, ErrorKind, Format, Frame, Reader, WriteOptions, Writer};
use crate::packet::{Packet, Timestamp, WirePacket};
use std::cell::RefCell;
use std::rc::Rc;

macro_rules! commands {
    ($($name:literal => $f:ident : $doc:literal),* $(,)?) => {
        pub static COMMANDS: &[Builtin] = &[
            $(Builtin { name: $name, f: $f, doc: $doc }),*
        ];
    };
}

commands! {
    "wrpcap" => c_wrpcap: "wrpcap(filename, pkts, append=False, linktype=None, nano=None, format=None): write packets to a pcap file (pcapng for .pcapng names or format=\"pcapng\"); nano=None keeps nanoseconds a packet has",
    "wrpcapng" => c_wrpcapng: "wrpcapng(filename, pkts, append=False, linktype=None, nano=None): write packets to a pcapng file",
    "rdpcap" => c_rdpcap: "rdpcap(filename, count=-1): read a pcap or pcapng file into a packet list",
    "PcapReader" => c_reader: "PcapReader(filename): read a capture one packet at a time (for p in PcapReader(f): ...), in constant memory",
    "PcapNgReader" => c_reader: "PcapNgReader(filename): same as PcapReader (both formats are recognised by content)",
    "PcapWriter" => c_writer: "PcapWriter(filename, append=False, sync=False, linktype=None, nano=None, format=None): write packets one call at a time, in constant memory",
    "PcapNgWriter" => c_ngwriter: "PcapNgWriter(filename, append=False, sync=False, linktype=None, nano=None): a PcapWriter that writes pcapng",
}

/// A capture error as the Python exception a Scapy script expects.
pub fn capture_error(e: capture::Error) -> Flow {
    let kind = match e.kind {
        ErrorKind::NotFound => "FileNotFoundError",
        ErrorKind::Io => "OSError",
        ErrorKind::NotCapture | ErrorKind::Damaged => "Scapy_Exception",
        ErrorKind::Unwritable => "ValueError",
    };
    raise(kind, e.message)
}

fn warn(msg: &str) {
    output::flush();
    output::eprintln(&format!("WARNING: {msg}"));
}

fn write_options(a: &mut Args, format: Option<Format>) -> R<WriteOptions> {
    let append = a.kw("append").is_some_and(|v| v.truthy());
    let sync = a.kw("sync").is_some_and(|v| v.truthy());
    // unset: full precision (see WriteOptions::nano)
    let nano = a
        .kw("nano")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.truthy());
    let linktype = match a.kw("linktype") {
        None => None,
        Some(v) => v.opt_u32(
            "linktype",
            "a link type number like 1 (Ethernet) or 228 (raw IPv4)",
        )?,
    };
    let format = match (format, a.kw("format")) {
        (Some(f), _) => Some(f),
        (None, None | Some(Value::None)) => None,
        (None, Some(v)) => {
            let s = v.text("format")?;
            Some(Format::parse(&s).ok_or_else(|| {
                raise(
                    "ValueError",
                    format!("format must be \"pcap\" or \"pcapng\", not {s:?}"),
                )
            })?)
        }
    };
    Ok(WriteOptions {
        format,
        linktype,
        nano,
        append,
        sync,
    })
}

/// A packet value as wire bytes: built now, stamped with its own time (or
/// now). A computed field that does not fit raises struct.error, as bytes() does.
fn wire_of(p: &Packet) -> R<WirePacket> {
    let first = p
        .layers
        .first()
        .map(|l| l.def)
        .unwrap_or_else(crate::layers::raw);
    let bytes = crate::packet::build::try_build(p).map_err(super::pymods::structmod::err)?;
    let mut w = WirePacket::new(first, &bytes, p.time.unwrap_or_else(Timestamp::now_micros));
    w.comment = p.comment.as_deref().map(Box::from);
    w.wirelen = p.wirelen;
    Ok(w)
}

/// What a value to be written stands for.
enum Entry {
    One(WirePacket),
    Pair(Box<(WirePacket, WirePacket)>),
}

/// Walks `v` (a packet and its implicit set, a list, a packet list, `(ans,
/// unans)`...) and hands each entry to `f`.
fn entries(interp: &mut Interp, v: &Value, f: &mut dyn FnMut(Entry) -> R<()>) -> R<()> {
    match v {
        Value::Packet(p) => {
            for pk in p.snapshot().iter_set() {
                f(Entry::One(wire_of(&pk)?))?;
            }
            Ok(())
        }
        Value::PacketList(l) => {
            for it in l.items() {
                match it {
                    Item::Wire(w) => f(Entry::One(w))?,
                    Item::Pair(p) => f(Entry::Pair(p))?,
                    Item::Val(v) => entries(interp, &v, f)?,
                }
            }
            Ok(())
        }
        // a (sent, received) pair from iterating `ans`
        Value::Tuple(t) if t.len() == 2 && t.iter().all(|x| matches!(x, Value::Packet(_))) => {
            let (Value::Packet(q), Value::Packet(r)) = (&t[0], &t[1]) else {
                return Ok(());
            };
            f(Entry::Pair(Box::new((
                wire_of(&q.snapshot())?,
                wire_of(&r.snapshot())?,
            ))))
        }
        Value::Bytes(b) => f(Entry::One(WirePacket::new(
            crate::layers::raw(),
            b,
            Timestamp::now_micros(),
        ))),
        Value::Str(_) | Value::Int(_) | Value::None | Value::Bool(_) | Value::Float(_) => {
            Err(raise(
                "TypeError",
                format!("expected packets to write, got '{}'", v.type_name()),
            ))
        }
        other => {
            let items: Vec<Value> = interp.iterate(other)?.collect::<R<_>>()?;
            for x in &items {
                entries(interp, x, f)?;
            }
            Ok(())
        }
    }
}

/// Writes entries to `w`; pairs become probe then answer, the answer's
/// comment naming its probe and the round-trip time.
fn write_entries(w: &mut Writer, list: Vec<Entry>) -> R<u64> {
    let has_pairs = list.iter().any(|e| matches!(e, Entry::Pair(_)));
    if !has_pairs {
        for e in &list {
            if let Entry::One(p) = e {
                w.write_wire(p).map_err(capture_error)?;
            }
        }
        return Ok(list.len() as u64);
    }
    // lay every packet out on the time line; answers refer back to probes
    struct Slot<'a> {
        wire: &'a WirePacket,
        answers: Option<usize>,
    }
    let mut slots: Vec<Slot> = Vec::new();
    for e in &list {
        match e {
            Entry::One(p) => slots.push(Slot {
                wire: p,
                answers: None,
            }),
            Entry::Pair(pair) => {
                slots.push(Slot {
                    wire: &pair.0,
                    answers: None,
                });
                let probe = slots.len() - 1;
                slots.push(Slot {
                    wire: &pair.1,
                    answers: Some(probe),
                });
            }
        }
    }
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&i| slots[i].wire.time);
    let mut number = vec![0u64; slots.len()];
    let first = w.count() + 1;
    for (pos, &i) in order.iter().enumerate() {
        number[i] = first + pos as u64;
    }
    for &i in &order {
        let s = &slots[i];
        let comment = s.answers.map(|q| {
            let probe = slots[q].wire;
            let rtt = s.wire.time.since(&probe.time) * 1000.0;
            format!("answer to #{}, rtt {rtt:.3} ms", number[q])
        });
        let mut frame = Frame::of_wire(s.wire);
        if comment.is_some() {
            frame.comment = comment.as_deref();
        }
        w.write(&frame).map_err(capture_error)?;
    }
    Ok(slots.len() as u64)
}

fn report_warnings(w: &mut Writer) {
    for m in w.take_warnings() {
        warn(&m);
    }
}

fn wrpcap_with(interp: &mut Interp, mut a: Args, format: Option<Format>, func: &str) -> R {
    let path = a.req(0, "filename", func)?;
    let path = path.text("filename")?.to_string();
    let pkts = a.req(1, "pkt", func)?;
    let opts = write_options(&mut a, format)?;
    a.done(
        func,
        2,
        &["append", "sync", "nano", "linktype", "format", "gz"],
    )?;
    // a list written in one call either lands whole or not at all: it goes
    // to a temporary renamed over the file at the end, so an error (a packet
    // that cannot be built, a full disk) leaves the old file as it was.
    // Packets stream to that temporary as they are produced (a set of a
    // million is never held in memory); only (probe, answer) pairs wait, to
    // be laid out on one time line at the end.
    let mut w = Writer::replace(&path, &opts).map_err(capture_error)?;
    let mut pairs = Vec::new();
    let streamed = entries(interp, &pkts, &mut |e| match e {
        Entry::One(p) if pairs.is_empty() => w.write_wire(&p).map_err(capture_error),
        e => {
            pairs.push(e);
            Ok(())
        }
    });
    let r = streamed.and_then(|_| write_entries(&mut w, pairs));
    report_warnings(&mut w);
    if let Err(e) = r {
        drop(w);
        return Err(e);
    }
    w.close().map_err(capture_error)?;
    Ok(Value::None)
}

fn c_wrpcap(interp: &mut Interp, a: Args) -> R {
    wrpcap_with(interp, a, None, "wrpcap")
}

fn c_wrpcapng(interp: &mut Interp, a: Args) -> R {
    wrpcap_with(interp, a, Some(Format::PcapNg), "wrpcapng")
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.to_string())
}

fn count_arg(a: &mut Args) -> R<Option<u64>> {
    match a.get(1, "count") {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            let n = v.int("count")?;
            Ok(u64::try_from(n).ok())
        }
    }
}

/// The next packet of `r`. Damage ends the stream with a warning (the
/// packets before it are kept, as captures cut short are common); the reader
/// returns nothing after an error, so the warning comes once.
fn next_or_warn(r: &mut Reader) -> Option<WirePacket> {
    let next = r.next_wire();
    for m in r.take_warnings() {
        warn(&m);
    }
    match next? {
        Ok(w) => Some(w),
        Err(e) => {
            warn(&e.message);
            None
        }
    }
}

/// Reads up to `limit` packets. Running out of memory raises MemoryError
/// (with the count read so far) instead of aborting the process: a file of
/// millions of zero-length records is small on disk but not in memory.
fn read_list(r: &mut Reader, limit: Option<u64>) -> R<Vec<Item>> {
    let mut items: Vec<Item> = Vec::new();
    while limit.is_none_or(|n| (items.len() as u64) < n) {
        match next_or_warn(r) {
            Some(w) => {
                if items.try_reserve(1).is_err() {
                    return Err(raise(
                        "MemoryError",
                        format!(
                            "no memory for more packets after {} (use PcapReader to stream the file)",
                            items.len()
                        ),
                    ));
                }
                items.push(Item::Wire(w));
            }
            None => break,
        }
    }
    Ok(items)
}

fn c_rdpcap(_interp: &mut Interp, mut a: Args) -> R {
    let path = a.req(0, "filename", "rdpcap")?;
    let path = path.text("filename")?.to_string();
    let count = count_arg(&mut a)?;
    a.done("rdpcap", 2, &["count"])?;
    let mut r = Reader::open(&path).map_err(capture_error)?;
    let items = read_list(&mut r, count)?;
    Ok(Value::PacketList(PacketList::from_items(
        &file_name(&path),
        items,
    )))
}

/// `PcapReader(filename)`: packets on demand.
struct PcapReaderObj {
    path: String,
    reader: Rc<RefCell<Option<Reader>>>,
}

impl PcapReaderObj {
    fn next_packet(reader: &RefCell<Option<Reader>>) -> Option<Value> {
        let mut guard = reader.borrow_mut();
        next_or_warn(guard.as_mut()?).map(|w| Value::packet(w.packet()))
    }
}

fn c_reader(_interp: &mut Interp, mut a: Args) -> R {
    let path = a.req(0, "filename", "PcapReader")?;
    let path = path.text("filename")?.to_string();
    a.done("PcapReader", 1, &[])?;
    let r = Reader::open(&path).map_err(capture_error)?;
    Ok(Value::Native(Rc::new(PcapReaderObj {
        path,
        reader: Rc::new(RefCell::new(Some(r))),
    })))
}

impl Native for PcapReaderObj {
    fn type_name(&self) -> &str {
        "PcapReader"
    }
    fn repr(&self) -> String {
        format!("<PcapReader '{}'>", self.path)
    }
    fn attrs(&self) -> Vec<String> {
        [
            "read_packet",
            "read_all",
            "close",
            "linktype",
            "filename",
            "__enter__",
            "__exit__",
            "__next__",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        match name {
            "filename" => Some(Ok(Value::str(self.path.as_str()))),
            "linktype" => Some(Ok(self
                .reader
                .borrow()
                .as_ref()
                .and_then(|r| r.linktype())
                .map(|l| Value::Int(i64::from(l)))
                .unwrap_or(Value::None))),
            _ => None,
        }
    }
    fn call_method(&self, _i: &mut Interp, this: &Value, name: &str, mut a: Args) -> Option<R> {
        Some(match name {
            "read_packet" | "recv" => match Self::next_packet(&self.reader) {
                Some(p) => Ok(p),
                None => Err(raise("EOFError", "no more packets in the capture")),
            },
            "__next__" => match Self::next_packet(&self.reader) {
                Some(p) => Ok(p),
                None => Err(raise("StopIteration", "")),
            },
            "read_all" => {
                let limit = match a.get(0, "count") {
                    Some(Value::Int(n)) if n >= 0 => Some(n as u64),
                    _ => None,
                };
                let mut guard = self.reader.borrow_mut();
                let items = match guard.as_mut() {
                    Some(r) => match read_list(r, limit) {
                        Ok(items) => items,
                        Err(e) => return Some(Err(e)),
                    },
                    None => Vec::new(),
                };
                Ok(Value::PacketList(PacketList::from_items(
                    &file_name(&self.path),
                    items,
                )))
            }
            "close" | "__exit__" => {
                self.reader.borrow_mut().take();
                Ok(Value::None)
            }
            "__enter__" => Ok(this.clone()),
            _ => return None,
        })
    }
    fn iter(&self, _i: &mut Interp) -> Option<R<Box<dyn Iterator<Item = R>>>> {
        let reader = self.reader.clone();
        Some(Ok(Box::new(std::iter::from_fn(move || {
            PcapReaderObj::next_packet(&reader).map(Ok)
        }))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `PcapWriter(filename, ...)`: packets written as they come.
struct PcapWriterObj {
    path: String,
    writer: RefCell<Option<Writer>>,
}

fn writer_with(mut a: Args, format: Option<Format>, func: &str) -> R {
    let path = a.req(0, "filename", func)?;
    let path = path.text("filename")?.to_string();
    let opts = write_options(&mut a, format)?;
    a.done(
        func,
        1,
        &["append", "sync", "nano", "linktype", "format", "gz"],
    )?;
    let w = Writer::create(&path, &opts).map_err(capture_error)?;
    Ok(Value::Native(Rc::new(PcapWriterObj {
        path,
        writer: RefCell::new(Some(w)),
    })))
}

fn c_writer(_interp: &mut Interp, a: Args) -> R {
    writer_with(a, None, "PcapWriter")
}

fn c_ngwriter(_interp: &mut Interp, a: Args) -> R {
    writer_with(a, Some(Format::PcapNg), "PcapNgWriter")
}

impl Native for PcapWriterObj {
    fn type_name(&self) -> &str {
        "PcapWriter"
    }
    fn repr(&self) -> String {
        format!("<PcapWriter '{}'>", self.path)
    }
    fn attrs(&self) -> Vec<String> {
        [
            "write",
            "flush",
            "close",
            "filename",
            "__enter__",
            "__exit__",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        match name {
            "filename" => Some(Ok(Value::str(self.path.as_str()))),
            _ => None,
        }
    }
    fn call_method(&self, interp: &mut Interp, this: &Value, name: &str, mut a: Args) -> Option<R> {
        Some(match name {
            "write" => {
                let v = match a.req(0, "pkt", "write") {
                    Ok(v) => v,
                    Err(e) => return Some(Err(e)),
                };
                let mut list = Vec::new();
                if let Err(e) = entries(interp, &v, &mut |e| {
                    list.push(e);
                    Ok(())
                }) {
                    return Some(Err(e));
                }
                let mut guard = self.writer.borrow_mut();
                let Some(w) = guard.as_mut() else {
                    return Some(Err(raise("ValueError", "write to a closed PcapWriter")));
                };
                let r = write_entries(w, list);
                report_warnings(w);
                r.map(|_| Value::None)
            }
            "flush" => match self.writer.borrow_mut().as_mut() {
                Some(w) => w.flush().map(|_| Value::None).map_err(capture_error),
                None => Ok(Value::None),
            },
            "close" | "__exit__" => match self.writer.borrow_mut().take() {
                Some(mut w) => w.close().map(|_| Value::None).map_err(capture_error),
                None => Ok(Value::None),
            },
            "__enter__" => Ok(this.clone()),
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Packets of a capture file one at a time, for `sniff(offline=...)`; with a
/// BPF filter the file goes through `tcpdump -r FILE -w - FILTER` first.
/// Damage ends the stream with a warning, as in `rdpcap`.
pub struct OfflineSource {
    reader: Reader,
    child: Option<std::process::Child>,
}

impl OfflineSource {
    pub fn open(path: &str, bpf: Option<&str>) -> R<OfflineSource> {
        let Some(filter) = bpf else {
            let reader = Reader::open(path).map_err(capture_error)?;
            return Ok(OfflineSource {
                reader,
                child: None,
            });
        };
        if !std::path::Path::new(path).exists() {
            return Err(raise(
                "FileNotFoundError",
                format!("{path}: No such file or directory"),
            ));
        }
        let mut child = std::process::Command::new("tcpdump")
            .args(["-r", path, "-w", "-", "--", filter])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| {
                raise(
                    "OSError",
                    format!("a BPF filter needs tcpdump, which could not be run: {e} (use lfilter=lambda p: ... instead)"),
                )
            })?;
        let Some(out) = child.stdout.take() else {
            return Err(raise("OSError", "tcpdump: no output pipe"));
        };
        match Reader::new(Box::new(out), path) {
            Ok(reader) => Ok(OfflineSource {
                reader,
                child: Some(child),
            }),
            Err(_) => {
                // tcpdump wrote nothing: the filter or the file was refused
                let mut msg = String::new();
                if let Some(mut e) = child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut msg);
                }
                let _ = child.wait();
                let msg = msg
                    .lines()
                    .filter(|l| !l.starts_with("reading from file"))
                    .collect::<Vec<_>>()
                    .join("; ");
                Err(raise(
                    "Scapy_Exception",
                    format!("tcpdump could not filter {path} with {filter:?}: {msg}"),
                ))
            }
        }
    }
}

impl Iterator for OfflineSource {
    type Item = WirePacket;
    fn next(&mut self) -> Option<WirePacket> {
        next_or_warn(&mut self.reader)
    }
}

impl Drop for OfflineSource {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The packets of a list value for `sniff(offline=[...])`.
pub fn wires_of(interp: &mut Interp, v: &Value) -> R<Vec<WirePacket>> {
    let mut out = Vec::new();
    entries(interp, v, &mut |e| {
        match e {
            Entry::One(w) => out.push(w),
            Entry::Pair(p) => {
                out.push(p.0);
                out.push(p.1);
            }
        }
        Ok(())
    })?;
    Ok(out)
}
