//! Captures end to end, through the command line as users run it: every file
//! the suite writes is read by tshark (when installed) with nothing flagged
//! malformed or at expert severity warning or above, and tshark's ICMP
//! type/code/MTU equal packsmith's own dissection; round trips keep bytes,
//! times and comments; files written by tshark's tools and tcpdump read back;
//! a writer killed mid-way leaves a readable file; `packsmith read` and
//! `sniff(offline=...)` behave. The sr-pair timing test needs the lab (root).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn ps(args: &[&str]) -> Output {
    Command::new(common::bin())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run packsmith")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Runs a script file (written to `dir`) with arguments; asserts success.
fn script(dir: &Path, name: &str, text: &str, args: &[&str]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    let p = path.to_string_lossy().to_string();
    let mut all = vec!["run", p.as_str()];
    all.extend_from_slice(args);
    let o = ps(&all);
    assert!(o.status.success(), "{name} failed:\n{}{}", out(&o), err(&o));
    out(&o)
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn s(p: &Path) -> String {
    p.to_string_lossy().to_string()
}

/// The seed cases and a few other protocols, all well-formed: what a user
/// writes most. `sys.argv[1]` is the output directory.
const WRITE_ALL: &str = r#"import sys
d = sys.argv[1]
A = "198.18.0.1"
T = "198.19.0.1"
R = "198.18.255.2"
pkts = [
    IP(src=A, dst=T)/ICMP(id=1, seq=1)/b"abcdefgh",
    IP(src=T, dst=A)/ICMP(type="echo-reply", id=1, seq=1)/b"abcdefgh",
    IP(src=A, dst=T)/ICMP(type="timestamp-request", id=2, seq=1, ts_ori=1000, ts_rx=0, ts_tx=0),
    IP(src=T, dst=A)/ICMP(type="timestamp-reply", id=2, seq=1, ts_ori=1000, ts_rx=1001, ts_tx=1002),
    IP(src=A, dst=T)/ICMP(type="address-mask-request", id=3, seq=1, addr_mask="0.0.0.0"),
    IP(src=T, dst=A)/ICMP(type="address-mask-reply", id=3, seq=1, addr_mask="255.255.0.0"),
    IP(src=R, dst=A)/ICMP(type=3, code=1)/IP(src=A, dst="198.18.14.1")/UDP(sport=40000, dport=33434),
    IP(src=R, dst=A)/ICMP(type=3, code=13)/IP(src=A, dst="198.18.15.1")/UDP(sport=40001, dport=33434),
    IP(src=T, dst=A)/ICMP(type=3, code=3)/IP(src=A, dst=T)/UDP(sport=40002, dport=33434),
    IP(src=R, dst=A)/ICMP(type=3, code=4, nexthopmtu=1000)/IP(src=A, dst=T, flags="DF")/ICMP(id=4, seq=1),
    IP(src=R, dst=A)/ICMP(type=11, code=0)/IP(src=A, dst=T, ttl=1)/ICMP(id=5, seq=1),
    IP(src=R, dst=A)/ICMP(type=12, code=0, ptr=20)/IP(src=A, dst=T)/ICMP(id=6, seq=1),
    IP(src=R, dst=A)/ICMP(type=5, code=1, gw="198.18.0.254")/IP(src=A, dst=T)/ICMP(id=7, seq=1),
    IP(src=A, dst=T)/TCP(sport=40000, dport=80, flags="S", options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7)]),
    IP(src=A, dst=T)/UDP(sport=40000, dport=9999)/b"hello",
    IP(src=A, dst=T, options=IPOption_RR())/ICMP(id=8, seq=1),
]
eth = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/p for p in pkts]
eth.append(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(psrc=A, pdst=T))
wrpcap(d + "/eth.pcap", eth)
wrpcap(d + "/ip.pcap", pkts)
wrpcap(d + "/ip101.pcap", pkts, linktype=101)
wrpcap(d + "/nano.pcap", eth, nano=True)
wrpcap(d + "/mixed.pcapng", eth + pkts)
wrpcap(d + "/fmt.cap", pkts, format="pcapng")
w = PcapWriter(d + "/stream.pcapng")
for p in eth:
    w.write(p)
w.close()
print(len(eth), len(pkts))
"#;

use common::tshark_agrees;

#[test]
fn tshark_reads_every_file_we_write_and_agrees() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    assert_eq!(script(d, "write.pks", WRITE_ALL, &[&s(d)]), "17 16\n");
    for name in [
        "eth.pcap",
        "ip.pcap",
        "ip101.pcap",
        "nano.pcap",
        "mixed.pcapng",
        "fmt.cap",
        "stream.pcapng",
    ] {
        let f = d.join(name);
        let o = ps(&["read", &s(&f)]);
        assert!(o.status.success(), "{name}: {}", err(&o));
        let n = out(&o).lines().count();
        assert_eq!(
            n,
            match name {
                "mixed.pcapng" => 33,
                "ip.pcap" | "ip101.pcap" | "fmt.cap" => 16,
                _ => 17,
            },
            "{name}"
        );
        if !tshark_agrees(&f) {
            return;
        }
    }
    // the link types and formats are what the names promise
    if have("capinfos") {
        let o = Command::new("capinfos")
            .args(["-t", "-E", "-T"])
            .args(
                [
                    "eth.pcap",
                    "ip.pcap",
                    "ip101.pcap",
                    "nano.pcap",
                    "mixed.pcapng",
                ]
                .map(|n| s(&d.join(n))),
            )
            .output()
            .expect("capinfos");
        let text = out(&o);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split('\t').skip(1).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["pcap", "ether"],
                vec!["pcap", "rawip4"],
                vec!["pcap", "rawip"],
                vec!["nsecpcap", "ether"],
                vec!["pcapng", "per-packet"],
            ],
            "{text}"
        );
    }
}

/// Bytes, times (to the file's resolution) and comments survive a round trip.
#[test]
fn round_trip_keeps_bytes_times_and_comments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let text = r#"import sys
d = sys.argv[1]
pkts = []
for i in range(50):
    p = Ether(dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.19.0.%d" % i, ttl=i + 1)/ICMP(id=9, seq=i)/(b"x" * i)
    p.time = 1700000000 + i * 0.001 + 0.000000123
    pkts.append(p)
pkts[3].comment = "third, with a comment"
for name, nano in (("a.pcap", False), ("b.pcap", True), ("c.pcapng", False), ("d.pcapng", True)):
    wrpcap(d + "/" + name, pkts, nano=nano)
    back = rdpcap(d + "/" + name)
    assert len(back) == len(pkts), name
    for p, q in zip(pkts, back):
        assert bytes(p) == bytes(q), name
        digits = "%.9f" if nano else "%.6f"
        want = digits % p.time if nano else "%.6f" % (int(p.time * 1e6) / 1e6)
        assert digits % q.time == want, (name, digits % q.time, want)
    if name.endswith("pcapng"):
        assert back[3].comment == "third, with a comment", back[3].comment
print("ok")
"#;
    assert_eq!(script(d, "rt.pks", text, &[&s(d)]), "ok\n");
    for n in ["a.pcap", "b.pcap", "c.pcapng", "d.pcapng"] {
        if !tshark_agrees(&d.join(n)) {
            return;
        }
    }
    // tshark sees the comment packsmith wrote
    if have("tshark") {
        let o = Command::new("tshark")
            .args([
                "-r",
                &s(&d.join("c.pcapng")),
                "-T",
                "fields",
                "-e",
                "frame.comment",
            ])
            .output()
            .expect("tshark");
        assert!(out(&o).contains("third, with a comment"), "{}", out(&o));
    }
}

fn hex_lines(file: &Path) -> String {
    let o = ps(&[
        "-c",
        &format!("for p in rdpcap({:?}): print(bytes(p).hex())", s(file)),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    out(&o)
}

#[test]
fn files_written_by_tshark_tools_and_tcpdump_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    script(d, "write.pks", WRITE_ALL, &[&s(d)]);
    let ours = hex_lines(&d.join("eth.pcap"));
    assert_eq!(ours.lines().count(), 17);
    let mut checked = 0;
    if have("editcap") {
        for (fmt, name) in [
            ("pcapng", "e.pcapng"),
            ("nsecpcap", "e-nsec.pcap"),
            ("pcap", "e-copy.pcap"),
        ] {
            let st = Command::new("editcap")
                .args(["-F", fmt, &s(&d.join("eth.pcap")), &s(&d.join(name))])
                .status()
                .expect("editcap");
            assert!(st.success());
            assert_eq!(hex_lines(&d.join(name)), ours, "{name} written by editcap");
            checked += 1;
        }
    } else {
        eprintln!("skipped editcap files: editcap is not installed");
    }
    if have("tcpdump") {
        let o = Command::new("tcpdump")
            .args(["-r", &s(&d.join("eth.pcap")), "-w", &s(&d.join("td.pcap"))])
            .output()
            .expect("tcpdump");
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(hex_lines(&d.join("td.pcap")), ours, "written by tcpdump");
        // tcpdump also reads what we write, and filters it (libpcap cannot
        // read pcapng files whose interfaces differ in link type)
        let o = Command::new("tcpdump")
            .args(["-n", "-r", &s(&d.join("stream.pcapng")), "icmp[0] == 3"])
            .output()
            .expect("tcpdump");
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(out(&o).lines().count(), 4, "{}", out(&o));
        checked += 1;
    } else {
        eprintln!("skipped tcpdump files: tcpdump is not installed");
    }
    if have("text2pcap") {
        // Linux cooked v1 and v2 and BSD loopback captures, as text2pcap writes them
        let ip_icmp = "45000020000100004001eeb4c6120001c6130001080033310007000161626364";
        let cases = [
            (
                113u32,
                format!("00000001000602000000000100000800{ip_icmp}"),
                "CookedLinux / IP / ICMP",
            ),
            (
                276,
                format!("0800000000000002000100060200000000010000{ip_icmp}"),
                "CookedLinuxV2 / IP / ICMP",
            ),
            (0, format!("02000000{ip_icmp}"), "Loopback / IP / ICMP"),
        ];
        for (lt, hex, want) in cases {
            let mut dump = String::new();
            let bytes: Vec<&str> = (0..hex.len()).step_by(2).map(|i| &hex[i..i + 2]).collect();
            for (i, chunk) in bytes.chunks(16).enumerate() {
                dump.push_str(&format!("{:06x} {}\n", i * 16, chunk.join(" ")));
            }
            let txt = d.join(format!("lt{lt}.txt"));
            std::fs::write(&txt, dump).expect("write hex");
            for (fmt, ext) in [("pcap", "pcap"), ("pcapng", "pcapng")] {
                let f = d.join(format!("lt{lt}.{ext}"));
                let o = Command::new("text2pcap")
                    .args(["-q", "-F", fmt, "-l", &lt.to_string(), &s(&txt), &s(&f)])
                    .output()
                    .expect("text2pcap");
                assert!(o.status.success(), "text2pcap: {}", err(&o));
                let o = ps(&["read", &s(&f)]);
                assert!(o.status.success(), "{}", err(&o));
                let line = out(&o);
                assert!(
                    line.contains(want) && line.contains("echo-request"),
                    "link type {lt}: {line}"
                );
                tshark_agrees(&f);
            }
        }
        checked += 1;
    } else {
        eprintln!("skipped text2pcap files: text2pcap is not installed");
    }
    if checked == 0 {
        eprintln!("skipped: none of editcap, tcpdump, text2pcap is installed");
    }
}

/// A writer killed mid-way (SIGKILL, no chance to flush) leaves a file that
/// reads up to its last whole packet, in order.
#[test]
fn killed_writer_leaves_a_readable_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["killed.pcap", "killed.pcapng"] {
        let f = dir.path().join(name);
        let program = format!(
            "w = PcapWriter({:?})\ni = 0\nwhile True:\n    w.write(Ether(dst=\"02:00:00:00:00:02\")/IP(src=\"198.18.0.1\", dst=\"198.19.0.1\")/ICMP(id=1, seq=i % 65536)/(b\"z\" * (i % 200)))\n    i += 1\n",
            s(&f)
        );
        let mut child = Command::new(common::bin())
            .args(["-c", &program])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn writer");
        // wait until a good part of the file is out, then kill without warning
        let t0 = std::time::Instant::now();
        while std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0) < 600_000
            && t0.elapsed().as_secs() < 20
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let o = ps(&["read", &s(&f)]);
        let lines = out(&o);
        let n = lines.lines().count();
        assert!(n > 1000, "{name}: only {n} packets readable: {}", err(&o));
        match o.status.code() {
            Some(0) => {}
            Some(1) => assert!(
                err(&o).contains("byte offset") && err(&o).contains("mid-way"),
                "{name}: {}",
                err(&o)
            ),
            other => panic!("{name}: exit {other:?}: {}", err(&o)),
        }
        // every packet before the cut is whole and in order
        let o = ps(&[
            "-c",
            &format!(
                "r = rdpcap({:?})\nprint(all(p[ICMP].seq == i % 65536 and len(p[Raw].load if Raw in p else b'') == i % 200 for i, p in enumerate(r)), len(r))",
                s(&f)
            ),
        ]);
        assert_eq!(out(&o), format!("True {n}\n"), "{name}: {}", err(&o));
    }
}

#[test]
fn mixed_first_layers_need_pcapng_and_append_adds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let f = s(&d.join("mixed.pcap"));
    let o = ps(&[
        "-c",
        &format!(
            "wrpcap({f:?}, [Ether()/IP(dst=\"198.18.0.1\")/ICMP(), IP(dst=\"198.18.0.1\")/ICMP()])"
        ),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("packet #2 starts with IP") && err(&o).contains(".pcapng"),
        "{}",
        err(&o)
    );
    assert!(!Path::new(&f).exists(), "a refused write leaves no file");
    // pcapng: one interface per link type
    let g = d.join("mixed.pcapng");
    let o = ps(&[
        "-c",
        &format!("wrpcap({:?}, [Ether()/IP(dst=\"198.18.0.1\")/ICMP(), IP(dst=\"198.18.0.1\")/ICMP(), Ether()/ARP(pdst=\"198.18.0.1\")])", s(&g)),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    if have("tshark") {
        let o = Command::new("tshark")
            .args([
                "-r",
                &s(&g),
                "-T",
                "fields",
                "-e",
                "frame.interface_id",
                "-e",
                "frame.protocols",
            ])
            .output()
            .expect("tshark");
        assert_eq!(
            out(&o),
            "0\teth:ethertype:ip:icmp\n1\tip:icmp\n0\teth:ethertype:arp\n"
        );
    }
    // append: pcap keeps its header and grows; pcapng gains a section
    for name in ["app.pcap", "app.pcapng"] {
        let f = s(&d.join(name));
        for _ in 0..3 {
            let o = ps(&[
                "-c",
                &format!("wrpcap({f:?}, Ether()/IP(dst=\"198.18.0.0/30\")/ICMP(), append=True)"),
            ]);
            assert!(o.status.success(), "{}", err(&o));
        }
        let o = ps(&["read", &f]);
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(out(&o).lines().count(), 12, "{name}");
        tshark_agrees(&d.join(name));
    }
    // appending to a damaged file is refused rather than burying the damage
    let bad = d.join("bad.pcap");
    let whole = std::fs::read(d.join("app.pcap")).expect("read");
    std::fs::write(&bad, &whole[..whole.len() - 5]).expect("write");
    let o = ps(&[
        "-c",
        &format!("wrpcap({:?}, Ether()/IP()/ICMP(), append=True)", s(&bad)),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(std::fs::read(&bad).expect("read").len(), whole.len() - 5);
}

fn pcap_of(dir: &Path) -> PathBuf {
    let f = dir.join("r.pcap");
    let o = ps(&[
        "-c",
        &format!(
            "pk = [Ether()/IP(src=\"198.18.0.1\", dst=\"198.19.0.%d\" % i)/ICMP(type=8 if i % 2 else 13, seq=i) for i in range(10)]\nfor i, p in enumerate(pk): p.time = 1000 + i * 0.25\nwrpcap({:?}, pk)",
            s(&f)
        ),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    f
}

#[test]
fn read_prints_numbered_lines_filters_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = s(&pcap_of(dir.path()));
    let o = ps(&["read", &f]);
    assert!(o.status.success());
    let text = out(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10);
    assert_eq!(
        lines[0],
        "    1    0.000000 Ether / IP / ICMP 198.18.0.1 > 198.19.0.0 timestamp-request 0"
    );
    assert_eq!(
        lines[9],
        "   10    2.250000 Ether / IP / ICMP 198.18.0.1 > 198.19.0.9 echo-request 0"
    );
    // --count, --filter (an expression over p, or a bare layer name)
    let o = ps(&["read", &f, "-c", "3"]);
    assert_eq!(out(&o).lines().count(), 3);
    let o = ps(&[
        "read",
        &f,
        "--filter",
        "p[ICMP].type == 8 and p[ICMP].seq > 4",
    ]);
    let got: Vec<String> = out(&o)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert_eq!(got, ["6", "8", "10"], "frame numbers are the file's");
    assert_eq!(ps(&["read", &f, "-f", "ARP"]).stdout.len(), 0);
    assert_eq!(
        out(&ps(&["read", &f, "-f", "ICMP", "-c", "2"]))
            .lines()
            .count(),
        2
    );
    // a bad filter is a usage error pointing into the expression
    let o = ps(&["read", &f, "-f", "p[ICMP].type =="]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--filter:1:"), "{}", err(&o));
    let o = ps(&["read", &f, "-f", "p.tll == 1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("did you mean `ttl`"), "{}", err(&o));
    // --show prints every field
    let o = ps(&["read", &f, "-c", "1", "--show"]);
    assert!(out(&o).contains("###[ ICMP ]###") && out(&o).contains("ts_ori"));
    // --json: one object per line with the layers and fields
    let o = ps(&["read", &f, "--json"]);
    assert!(o.status.success());
    for (i, line) in out(&o).lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
        assert_eq!(v["number"], i + 1);
        assert_eq!(v["layers"][1]["layer"], "IP");
        assert_eq!(v["layers"][1]["fields"]["src"], "198.18.0.1");
        assert_eq!(v["layers"][1]["fields"]["ttl"], 64);
        assert_eq!(v["layers"][2]["fields"]["seq"], i);
        let rel = v["relative"].as_f64().expect("relative time");
        assert!((rel - i as f64 * 0.25).abs() < 1e-6);
    }
    // standard input
    let o = Command::new(common::bin())
        .args(["read", "-", "-c", "1"])
        .stdin(std::fs::File::open(&f).expect("open"))
        .output()
        .expect("run");
    assert_eq!(out(&o).lines().count(), 1);
}

#[test]
fn read_reports_damage_with_offsets_and_wrong_files_by_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let f = pcap_of(d);
    let whole = std::fs::read(&f).expect("read");
    // records: 16-byte header + 54 bytes (timestamp) or 42 (echo), alternating;
    // cut inside the 4th record, which starts at 24 + 70 + 58 + 70 = 222
    let cut = d.join("cut.pcap");
    std::fs::write(&cut, &whole[..222 + 20]).expect("write");
    let o = ps(&["read", &s(&cut)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o).lines().count(), 3, "the packets before the damage");
    assert!(
        err(&o).contains("packet #4 at byte offset 222"),
        "{}",
        err(&o)
    );
    // a record header that lies about its length
    let mut lying = whole.clone();
    let at = 24 + 70 + 8;
    lying[at..at + 4].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    let lie = d.join("lie.pcap");
    std::fs::write(&lie, &lying).expect("write");
    let o = ps(&["read", &s(&lie)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o).lines().count(), 1);
    assert!(err(&o).contains("byte offset 94"), "{}", err(&o));
    // not a capture at all: say what it looks like
    for (name, content, says) in [
        ("t.pcap", b"hello, world\n".to_vec(), "text"),
        ("j.pcap", b"{\"a\": 1}\n".to_vec(), "JSON"),
        ("z.pcap.gz", vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0], "gzip"),
        ("e.pcap", vec![], "empty"),
    ] {
        let p = d.join(name);
        std::fs::write(&p, content).expect("write");
        let o = ps(&["read", &s(&p)]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(err(&o).contains(says), "{name}: {}", err(&o));
    }
    let o = ps(&["read", &s(&d.join("missing.pcap"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("No such file"), "{}", err(&o));
    // in the language: rdpcap keeps the packets and warns
    let o = ps(&["-c", &format!("print(len(rdpcap({:?})))", s(&cut))]);
    assert_eq!(out(&o), "3\n");
    assert!(err(&o).contains("WARNING:") && err(&o).contains("byte offset 222"));
    let o = ps(&["-c", &format!("rdpcap({:?})", s(&d.join("j.pcap")))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("Scapy_Exception"), "{}", err(&o));
}

#[test]
fn sniff_offline_reads_files_and_packets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = s(&pcap_of(dir.path()));
    let o = ps(&[
        "-c",
        &format!("r = sniff(offline={f:?}, lfilter=lambda p: p[ICMP].type == 13, count=3)\nprint(len(r), r[2][ICMP].seq)\nsniff(offline={f:?}, prn=lambda p: p.sprintf(\"%IP.dst%\"), count=2)"),
    ]);
    assert_eq!(out(&o), "3 4\n198.19.0.0\n198.19.0.1\n", "{}", err(&o));
    if have("tcpdump") {
        let o = ps(&[
            "-c",
            &format!("print(len(sniff(offline={f:?}, filter=\"icmp[0] == 8\")))"),
        ]);
        assert_eq!(out(&o), "5\n", "{}", err(&o));
        let o = ps(&[
            "-c",
            &format!("sniff(offline={f:?}, filter=\"icmp[0] ===\")"),
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("syntax error"), "{}", err(&o));
    }
    let o = ps(&[
        "-c",
        "print(len(sniff(offline=[IP()/ICMP(), IP()/UDP(), IP()/TCP()], lfilter=lambda p: ICMP not in p)))",
    ]);
    assert_eq!(out(&o), "2\n", "{}", err(&o));
}

/// In the lab: `sr` results written to pcapng put each probe at its send time
/// and each answer at its receive time, answers commented with their probe's
/// number and the round trip; tshark pairs them the same way.
#[test]
fn sr_results_keep_their_times_and_pairs() {
    let Some(lab) = common::Lab::up("sr_results_keep_their_times") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let f = s(&dir.path().join("sr.pcapng"));
    let g = s(&dir.path().join("sr.pcap"));
    let (o, e, code) = lab.code(&format!(
        "ans, unans = sr(IP(dst=\"198.19.3.0/29\")/ICMP(id=77), timeout=2)\nwrpcap({f:?}, ans)\nwrpcap({g:?}, ans)\nfor s, r in ans: print(\"%.6f\" % (r.time - s.time))"
    ));
    assert_eq!(code, 0, "{o}{e}");
    let rtts: Vec<f64> = o.lines().map(|l| l.parse().expect("rtt")).collect();
    assert_eq!(rtts.len(), 8);
    assert!(rtts.iter().all(|r| *r > 0.0 && *r < 1.0), "{rtts:?}");
    let r = ps(&["read", &f]);
    assert!(r.status.success(), "{}", err(&r));
    let text = out(&r);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 16);
    // times never go backwards, and every reply names its request
    let mut last = -1.0f64;
    let mut replies = 0;
    for l in &lines {
        let t: f64 = l
            .split_whitespace()
            .nth(1)
            .expect("time")
            .parse()
            .expect("f64");
        assert!(t >= last, "{text}");
        last = t;
        if l.contains("echo-reply") {
            replies += 1;
            let n: usize = l
                .split("answer to #")
                .nth(1)
                .and_then(|x| x.split(',').next())
                .and_then(|x| x.parse().ok())
                .unwrap_or_else(|| panic!("no answer comment: {l}"));
            let req = lines[n - 1];
            assert!(req.contains("echo-request"), "{l} -> {req}");
            let dst = l.split_whitespace().nth(5).expect("reply src");
            assert!(req.contains(&format!("> {dst} ")), "{l} -> {req}");
            assert!(l.contains(" ms"), "{l}");
        }
    }
    assert_eq!(replies, 8);
    if have("tshark") {
        let t = Command::new("tshark")
            .args([
                "-r",
                &f,
                "-Y",
                "icmp.type == 0",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "icmp.resp_to",
                "-e",
                "frame.comment",
            ])
            .output()
            .expect("tshark");
        for line in out(&t).lines() {
            let v: Vec<&str> = line.split('\t').collect();
            assert_eq!(v.len(), 3, "{line}");
            assert!(v[2].starts_with(&format!("answer to #{},", v[1])), "{line}");
        }
        tshark_agrees(Path::new(&f));
        tshark_agrees(Path::new(&g));
    }
}

/// wrpcap never destroys a file: devices are written through, symbolic links
/// survive, and a write that fails (a full disk) leaves the old file as it was.
#[test]
fn wrpcap_never_destroys_the_file_it_writes() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let pkts = "[Ether()/IP(dst='198.18.0.1')/ICMP(), Ether()/IP(dst='198.18.0.2')/ICMP()]";
    // a symbolic link stays a link; its target gets the capture
    let real = dir.path().join("real.pcap");
    let link = dir.path().join("link.pcap");
    std::fs::write(&real, b"old").expect("seed");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let o = ps(&["-c", &format!("wrpcap({:?}, {pkts})", s(&link))]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(std::fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
    assert_eq!(out(&ps(&["read", &s(&link)])).lines().count(), 2);
    // a device is written through, never unlinked
    let o = ps(&["-c", &format!("wrpcap('/dev/null', {pkts})")]);
    assert!(o.status.success(), "{}", err(&o));
    let m = std::fs::metadata("/dev/null").expect("/dev/null");
    assert!(
        m.file_type().is_char_device(),
        "/dev/null is still a device"
    );
    let o = ps(&["-c", &format!("wrpcap('/dev/full', {pkts})")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("No space left on device"), "{}", err(&o));
    // a full disk mid-write: the old file is untouched (root: a tiny tmpfs)
    let small = dir.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs", &s(&small)])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        eprintln!("skipped the full-disk case: cannot mount a tmpfs (needs root)");
        return;
    }
    let old = small.join("keep.pcap");
    let o = ps(&["-c", &format!("wrpcap({:?}, {pkts})", s(&old))]);
    assert!(o.status.success(), "{}", err(&o));
    let before = std::fs::read(&old).expect("old capture");
    let o = ps(&[
        "-c",
        &format!(
            "wrpcap({:?}, [Ether()/IP(dst='198.18.0.1')/ICMP()/(b'x' * 1000)] * 200)",
            s(&old)
        ),
    ]);
    let after = std::fs::read(&old).expect("old capture still there");
    let leftovers = std::fs::read_dir(&small).expect("dir").count();
    let _ = Command::new("umount").arg(&small).status();
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("No space left on device"), "{}", err(&o));
    assert_eq!(before, after, "the old file is unchanged");
    assert_eq!(leftovers, 1, "the temporary file is removed");
}

/// The public captures of `tests/captures` (see SOURCES.md there) read as
/// tshark reads them: the same number of packets in every file, and the same
/// IPv4 source, destination and captured length for every packet where both
/// decode an IPv4 header.
#[test]
fn public_captures_agree_with_tshark() {
    if !have("tshark") {
        eprintln!("skipped: tshark is not installed");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/captures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 15, "the 15 shared captures");
    let (mut packets, mut fields) = (0usize, 0usize);
    for f in &files {
        let t = Command::new("tshark")
            .args(["-n", "-r", &s(f), "-o", "ip.defragment:FALSE"])
            .args(["-o", "ipv6.defragment:FALSE", "-T", "fields"])
            .args(["-e", "ip.src", "-e", "ip.dst", "-e", "frame.cap_len"])
            .args(["-E", "separator=/t"])
            .output()
            .expect("tshark");
        let theirs: Vec<Vec<String>> = out(&t)
            .lines()
            .map(|l| {
                l.split('\t')
                    .map(|v| v.split(',').next().unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        let o = ps(&[
            "-c",
            &format!(
                "for p in PcapReader({:?}):\n    print(p[IP].src if IP in p else '', p[IP].dst if IP in p else '', len(bytes(p)), sep='\\t')",
                s(f)
            ),
        ]);
        let ours: Vec<Vec<String>> = out(&o)
            .lines()
            .map(|l| l.split('\t').map(String::from).collect())
            .collect();
        let name = f.file_name().map(|n| n.to_string_lossy().to_string());
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{name:?}: packet count; {}",
            err(&o)
        );
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            for k in 0..3 {
                let (x, y) = (
                    a.get(k).map(String::as_str).unwrap_or(""),
                    b.get(k).map(String::as_str).unwrap_or(""),
                );
                if x.is_empty() || y.is_empty() {
                    continue;
                }
                fields += 1;
                assert_eq!(x, y, "{name:?} packet {}: field {k}", i + 1);
            }
        }
        packets += ours.len();
    }
    eprintln!("15/15 captures agree with tshark: {packets} packets, {fields} fields compared");
}

/// The pcap header states snaplen 65535, as Scapy writes it.
#[test]
fn pcap_header_snaplen_is_scapys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("s.pcap");
    let o = ps(&["-c", &format!("wrpcap({:?}, [Ether()/IP()])", s(&f))]);
    assert!(o.status.success(), "{}", err(&o));
    let head = std::fs::read(&f).expect("pcap");
    assert_eq!(head.get(16..20), Some(&65535u32.to_ne_bytes()[..]));
}

/// wrpcap streams an implicit set to the file as it is produced: 262,144
/// packets are written in the memory of a few (a materialised list of them
/// takes over 30 MB).
#[test]
fn wrpcap_streams_a_large_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("big.pcap");
    let o = ps(&[
        "-c",
        &format!(
            "wrpcap({:?}, IP(dst='198.18.0.0/14')/ICMP())\nprint([l for l in open('/proc/self/status').read().split('\\n') if l.startswith('VmHWM')][0].split()[1])",
            s(&f)
        ),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let peak_kb: u64 = out(&o).trim().parse().expect("VmHWM in kB");
    assert!(peak_kb < 20_000, "peak RSS {peak_kb} kB");
    assert_eq!(
        std::fs::metadata(&f).expect("written").len(),
        24 + 262_144 * (16 + 28)
    );
}

/// rdpcap of millions of zero-length records under a memory limit raises
/// MemoryError (the process survives to report it) instead of aborting.
#[test]
fn rdpcap_out_of_memory_raises_memory_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("zero.pcap");
    let mut data = Vec::with_capacity(24 + 16 * 3_000_000);
    for v in [0xa1b2_c3d4u32.to_le_bytes().to_vec(), vec![2, 0, 4, 0]] {
        data.extend(v);
    }
    data.extend([0u8; 8]);
    data.extend(65535u32.to_le_bytes());
    data.extend(1u32.to_le_bytes());
    data.resize(24 + 16 * 3_000_000, 0);
    std::fs::write(&f, &data).expect("write");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 700000; exec {} -c \"p = rdpcap('{}')\nprint(len(p))\"",
            common::bin(),
            s(&f)
        ))
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("MemoryError: no memory for more packets after"),
        "{}",
        err(&o)
    );
    // zero-length records are packets with every method
    let o = ps(&[
        "-c",
        &format!(
            "r = PcapReader('{}')\np = next(r)\nprint(len(p), bytes(p), p.summary())",
            s(&f)
        ),
    ]);
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn wirelen_is_kept_on_read_and_written_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "import sys\np = Ether()/IP(dst='198.18.0.1')/ICMP()\nprint(p.wirelen)\np.wirelen = 1500\nwrpcap(sys.argv[1], [p])\nq = rdpcap(sys.argv[1])[0]\nprint(q.wirelen, len(q))\nwrpcap(sys.argv[2], [q])\nprint(rdpcap(sys.argv[2])[0].wirelen)\n";
    let (a, b) = (dir.path().join("a.pcap"), dir.path().join("b.pcapng"));
    let o = script(dir.path(), "wirelen.pks", text, &[&s(&a), &s(&b)]);
    assert_eq!(o, "None\n1500 42\n1500\n");
    if have("tshark") {
        for f in [&a, &b] {
            let t = Command::new("tshark")
                .args([
                    "-r",
                    &s(f),
                    "-T",
                    "fields",
                    "-e",
                    "frame.len",
                    "-e",
                    "frame.cap_len",
                ])
                .output()
                .expect("tshark");
            assert_eq!(String::from_utf8_lossy(&t.stdout).trim(), "1500\t42");
        }
    }
}

/// (epoch seconds text, exact) of every packet, as `read --json` gives them.
fn json_times(file: &Path) -> Vec<(String, i64)> {
    let o = ps(&["read", "--json", &s(file)]);
    assert!(o.status.success(), "{}", err(&o));
    out(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            let t = l
                .split("\"time\":")
                .nth(1)
                .and_then(|r| r.split(',').next())
                .expect("time")
                .to_string();
            (t, v["relative_ns"].as_i64().expect("relative_ns"))
        })
        .collect()
}

#[test]
fn nanosecond_times_survive_read_and_write_by_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures/14_nanosec_bigendian.pcap");
    let (a, b, c) = (
        dir.path().join("a.pcap"),
        dir.path().join("b.pcapng"),
        dir.path().join("c.pcap"),
    );
    let text = "import sys\npk = rdpcap(sys.argv[1])\nwrpcap(sys.argv[2], pk)\nwrpcap(sys.argv[3], pk)\nwrpcap(sys.argv[4], pk, nano=False)\n";
    script(
        dir.path(),
        "ns.pks",
        text,
        &[&s(&src), &s(&a), &s(&b), &s(&c)],
    );
    let want = json_times(&src);
    assert!(want.len() > 2);
    assert!(want.iter().any(|(t, _)| !t.ends_with("000")), "{want:?}");
    assert_eq!(json_times(&a), want, "pcap, nano by default");
    assert_eq!(json_times(&b), want, "pcapng");
    // asked for microseconds: truncated, and relative_ns is exact integer arithmetic
    let us = json_times(&c);
    for ((tu, ru), (tn, _)) in us.iter().zip(&want) {
        assert_eq!(&tu[..tu.len() - 3], &tn[..tn.len() - 3]);
        assert!(tu.ends_with("000") && ru % 1000 == 0, "{tu} {ru}");
    }
    // relative_ns is time minus the first time, exactly
    let ns = |t: &str| -> i128 {
        let (s, f) = t.split_once('.').expect("dot");
        s.parse::<i128>().expect("secs") * 1_000_000_000 + f.parse::<i128>().expect("frac")
    };
    for (t, r) in &want {
        assert_eq!(ns(t) - ns(&want[0].0), i128::from(*r));
    }
}

/// The IPv6 packets of the public captures decode field for field as tshark
/// decodes them: addresses, next header, hop limit and payload length of
/// the outer IPv6 header, and type, code and checksum of the ICMPv6 message
/// after any extension headers.
#[test]
fn public_captures_ipv6_fields_agree_with_tshark() {
    if !have("tshark") {
        eprintln!("skipped: tshark is not installed");
        return;
    }
    const FIELDS: [&str; 8] = [
        "ipv6.src",
        "ipv6.dst",
        "ipv6.nxt",
        "ipv6.hlim",
        "ipv6.plen",
        "icmpv6.type",
        "icmpv6.code",
        "icmpv6.checksum",
    ];
    let script = r"import sys
for p in PcapReader(sys.argv[1]):
    if IPv6 not in p:
        print('\t' * 7)
        continue
    ip = p[IPv6]
    row = [ip.src, ip.dst, ip.nh, ip.hlim, ip.plen]
    l, nh = ip.payload, ip.nh
    while nh in (0, 43, 44, 60) and l and not isinstance(l, Raw):
        nh, l = l.nh, l.payload
    if nh == 58 and l and not isinstance(l, Raw):
        row += [l.type, l.code, l.cksum]
    else:
        row += ['', '', '']
    print(*row, sep='\t')
";
    let dir = tempfile::tempdir().expect("tempdir");
    let pks = dir.path().join("v6.pks");
    std::fs::write(&pks, script).expect("script");
    let caps = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let (mut packets, mut fields) = (0usize, 0usize);
    for name in [
        "02_many_protocols.pcap",
        "07_icmpv6.pcap",
        "09_linux_sll.pcap",
        "11_null_loopback.pcap",
        "12_many_interfaces.pcapng",
    ] {
        let f = caps.join(name);
        let mut t = Command::new("tshark");
        t.args([
            "-n",
            "-r",
            &s(&f),
            "-o",
            "ipv6.defragment:FALSE",
            "-T",
            "fields",
        ]);
        for x in FIELDS {
            t.args(["-e", x]);
        }
        let t = t.args(["-E", "separator=/t"]).output().expect("tshark");
        let o = ps(&["run", &s(&pks), &s(&f)]);
        assert!(o.status.success(), "{name}: {}", err(&o));
        let theirs: Vec<String> = out(&t).lines().map(String::from).collect();
        let ours: Vec<String> = out(&o).lines().map(String::from).collect();
        assert_eq!(ours.len(), theirs.len(), "{name}: packet count");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            for (k, (x, y)) in a.split('\t').zip(b.split('\t')).enumerate() {
                // tshark lists every occurrence (the quoted header too): the first is the outer one
                let y = y.split(',').next().unwrap_or("");
                if x.is_empty() || y.is_empty() {
                    continue;
                }
                let num = |v: &str| match v.strip_prefix("0x") {
                    Some(h) => u64::from_str_radix(h, 16).ok(),
                    None => v.parse::<u64>().ok(),
                };
                let same = x == y || (num(x).is_some() && num(x) == num(y));
                assert!(
                    same,
                    "{name} packet {}: {} is {x}, tshark says {y}",
                    i + 1,
                    FIELDS[k]
                );
                fields += 1;
            }
            packets += usize::from(!a.trim().is_empty());
        }
    }
    assert!(fields > 300, "only {fields} fields compared");
    eprintln!("IPv6: {packets} packets, {fields} fields agree with tshark");
}
