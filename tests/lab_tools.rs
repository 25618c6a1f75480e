//! ping, traceroute, sweep and the responder in the lab (root only),
//! compared line by line with iputils ping and traceroute(8) run against the
//! same lab in the same test: same hops, same error texts, same loss figures.

mod common;
use common::{both, Lab, Watched};

#[test]
fn ping_matches_iputils() {
    let Some(lab) = Lab::up("ping_matches_iputils") else {
        return;
    };
    let t = lab.var("TARGET_ADDR");
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            "replies".into(),
            vec!["-c", "3", "-i", "0.2", &t]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "host unreachable".into(),
            vec![
                "-c",
                "2",
                "-i",
                "0.2",
                "-W",
                "5",
                &lab.var("UNREACH_NFT_ADDR"),
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        ),
        (
            "admin prohibited".into(),
            vec!["-c", "1", "-W", "5", &lab.var("PROHIBIT_NFT_ADDR")]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "net unreachable".into(),
            vec!["-c", "1", "-W", "5", &lab.var("NETUNREACH_ADDR")]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "dropped: loss".into(),
            vec!["-c", "2", "-i", "0.2", "-W", "1", &lab.var("DROP_ADDR")]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "ttl exceeded".into(),
            vec!["-c", "1", "-t", "1", &t]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "ttl exceeded at router2".into(),
            vec!["-c", "1", "-t", "2", &t]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "-I source".into(),
            vec!["-c", "1", "-I", &lab.var("PROBER_ADDR"), &t]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "-I interface".into(),
            vec!["-c", "1", "-I", &lab.var("PROBER_IF"), &t]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
    ];
    for (what, args) in cases {
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let mut reference = vec!["ping", "-n"];
        reference.extend(&a);
        let mut ours = vec!["ping"];
        ours.extend(&a);
        let (r, o) = both(&lab, &reference, &ours);
        assert_eq!(o, r, "{what}: packsmith vs iputils");
    }
    // fragmentation needed: the PMTU cache is flushed before each run
    for (i, bin) in ["reference", "ours"].iter().enumerate() {
        lab.run("prober", &["ip", "route", "flush", "cache"]);
        let dst = format!("198.19.9.{}", i + 1);
        let o = if *bin == "reference" {
            lab.run(
                "prober",
                &["ping", "-n", "-M", "do", "-s", "1172", "-c", "1", &dst],
            )
        } else {
            lab.packsmith(&["ping", "-M", "do", "-s", "1172", "-c", "1", &dst])
        };
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains(&format!(
                "From {} icmp_seq=1 Frag needed and DF set (mtu = 1000)",
                lab.var("R2_ERR_SRC")
            )),
            "{bin}: {text}"
        );
        assert!(
            text.contains("1 packets transmitted, 0 received, +1 errors, 100% packet loss"),
            "{bin}: {text}"
        );
    }
}

#[test]
fn ping_timestamp_mask_and_json() {
    let Some(lab) = Lab::up("ping_timestamp_mask_and_json") else {
        return;
    };
    let t = lab.var("TARGET_ADDR");
    let o = lab.packsmith(&["ping", "--type", "timestamp", "-c", "2", "-i", "0.2", &t]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("originate=") && l.contains("offset="))
            .count(),
        2,
        "{text}"
    );
    assert!(text.contains("2 packets transmitted, 2 received, 0% packet loss"));
    // address-mask requests need our responder: Linux never answers them
    let (iface, net) = (lab.var("TARGET_IF"), lab.var("TARGET_NET"));
    let responder = Watched::start(
        &lab,
        "target",
        &[
            "respond",
            "--iface",
            &iface,
            "--addr",
            &net,
            "--types",
            "mask,info",
            "--count",
            "2",
            "--timeout",
            "60",
        ],
    );
    // it says "answering" once its socket is open
    responder.wait_for("answering");
    let o = lab.packsmith(&[
        "ping",
        "--type",
        "mask",
        "-c",
        "2",
        "-i",
        "0.2",
        "-W",
        "5",
        "198.19.44.44",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("12 bytes from 198.19.44.44: icmp_seq=1 ttl=62")
            && text.contains("mask=255.255.0.0"),
        "{text}"
    );
    responder.wait_for("answered address-mask-request from");
    let _ = responder.stop();
    let o = lab.packsmith(&["ping", "--json", "-c", "2", "-i", "0.2", &t]);
    let lines: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 4, "start, two replies, summary");
    for l in &lines {
        assert!(l.starts_with('{') && l.ends_with('}'), "{l}");
    }
    assert!(lines[3].contains("\"received\":2") && lines[3].contains("\"loss_percent\":0"));
}

#[test]
fn traceroute_matches_traceroute8() {
    let Some(lab) = Lab::up("traceroute_matches_traceroute8") else {
        return;
    };
    let t = lab.var("TARGET_ADDR");
    for mode in ["-I", "-U", "-T"] {
        let ours_mode = if mode == "-U" { "--mode=udp" } else { mode };
        let (r, o) = both(
            &lab,
            &["traceroute", "-n", mode, &t],
            &["traceroute", "-n", ours_mode, &t],
        );
        assert_eq!(o, r, "traceroute {mode}");
        assert_eq!(o.lines().count(), 4, "three hops:\n{o}");
    }
    for (var, note) in [
        ("UNREACH_NFT_ADDR", "!H"),
        ("PROHIBIT_NFT_ADDR", "!X"),
        ("NETUNREACH_ADDR", "!N"),
    ] {
        let a = lab.var(var);
        let (r, o) = both(
            &lab,
            &["traceroute", "-n", "-I", "-q", "1", &a],
            &["traceroute", "-n", "-I", "-q", "1", &a],
        );
        assert_eq!(o, r, "annotation for {var}");
        assert!(o.ends_with(note), "{o}");
    }
    lab.run("prober", &["ip", "route", "flush", "cache"]);
    let (r, o) = both(
        &lab,
        &["traceroute", "-n", "-F", "198.19.9.9", "1200"],
        &["traceroute", "-n", "-F", "198.19.9.10", "1200"],
    );
    assert_eq!(
        o.replace("198.19.9.10", "198.19.9.9"),
        r,
        "fragmentation needed"
    );
    assert!(o.contains("!F-1000"));
    let d = lab.var("DROP_ADDR");
    let (r, o) = both(
        &lab,
        &[
            "traceroute",
            "-n",
            "-I",
            "-q",
            "1",
            "-m",
            "4",
            "-w",
            "3",
            &d,
        ],
        &[
            "traceroute",
            "-n",
            "-I",
            "-q",
            "1",
            "-m",
            "4",
            "-w",
            "3",
            &d,
        ],
    );
    assert_eq!(o, r, "silence past router1");
}

#[test]
fn sweep_finds_hosts_and_errors() {
    let Some(lab) = Lab::up("sweep_finds_hosts_and_errors") else {
        return;
    };
    let o = lab.packsmith(&["sweep", "198.19.3.0/28", "--timeout", "5"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.ends_with(" is alive")).count(),
        16,
        "{text}"
    );
    assert!(text.contains("          16 alive"), "{text}");
    let o = lab.packsmith(&["sweep", "198.18.14.0/30", "--timeout", "5"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with(
                "ICMP Host Unreachable from 198.18.1.2 for ICMP Echo sent to 198.18.14."
            ))
            .count(),
        4,
        "{text}"
    );
    let o = lab.packsmith(&[
        "sweep",
        "198.19.3.0/30",
        "--type",
        "syn",
        "-p",
        &lab.var("TARGET_TCP_OPEN"),
        "--timeout",
        "5",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.ends_with(" is alive"))
            .count(),
        4
    );
    let o = lab.packsmith(&[
        "sweep",
        "198.19.3.0/30",
        "--type",
        "timestamp",
        "--timeout",
        "5",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.ends_with(" is alive"))
            .count(),
        4
    );
}

/// The target's kernel stops answering echo itself, so every echo reply the
/// prober sees comes from our responder.
fn kernel_echo_off(lab: &Lab) {
    let o = lab.run(
        "target",
        &["sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1"],
    );
    assert!(o.status.success(), "{}", common::text(&o));
}

#[test]
fn respond_answers_iputils_ping_and_survives_a_link_flap() {
    let Some(lab) = Lab::up("respond_answers_iputils_ping") else {
        return;
    };
    kernel_echo_off(&lab);
    let tif = lab.var("TARGET_IF");
    let r = Watched::start(
        &lab,
        "target",
        &[
            "respond",
            "--iface",
            &tif,
            "--addr",
            &lab.var("TARGET_NET"),
            "--types",
            "echo",
        ],
    );
    r.wait_for("answering echo-request");
    let ping = |dst: &str| {
        let o = lab.run(
            "prober",
            &["ping", "-n", "-c", "3", "-i", "0.2", "-W", "5", dst],
        );
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let text = ping("198.19.44.44");
    assert!(
        text.contains("64 bytes from 198.19.44.44: icmp_seq=1 ttl=62")
            && text.contains("3 packets transmitted, 3 received, 0% packet loss"),
        "{text}\nresponder:\n{}",
        r.text()
    );
    r.wait_for("answered echo-request from 198.18.0.1 for 198.19.44.44");
    // the link goes down and comes back: the responder reports it and goes on
    lab.run("target", &["ip", "link", "set", &tif, "down"]);
    r.wait_for(&format!("{tif} is down"));
    lab.run("target", &["ip", "link", "set", &tif, "up"]);
    let text = ping("198.19.44.45");
    assert!(
        text.contains("3 packets transmitted, 3 received"),
        "after the flap: {text}\nresponder:\n{}",
        r.text()
    );
    let (out, err) = r.stop();
    assert!(out.contains("for 198.19.44.45"), "{out}");
    assert!(
        err.contains("packsmith respond: answered 6, refused 0"),
        "{err}"
    );
    assert!(err.contains("link down 1 times"), "{err}");
}

#[test]
fn respond_rate_limits_each_source_and_reports_refusals_in_json() {
    let Some(lab) = Lab::up("respond_rate_limits_each_source") else {
        return;
    };
    kernel_echo_off(&lab);
    // a bucket of 3 that refills once every 100 s: exactly 3 answers
    let r = Watched::start(
        &lab,
        "target",
        &[
            "respond",
            "--iface",
            &lab.var("TARGET_IF"),
            "--addr",
            &lab.var("TARGET_NET"),
            "--types",
            "echo",
            "--rate-limit",
            "0.01",
            "--burst",
            "3",
            "--json",
        ],
    );
    r.wait_for("\"type\":\"start\"");
    let o = lab.run(
        "prober",
        &[
            "ping",
            "-n",
            "-c",
            "6",
            "-i",
            "0.2",
            "-W",
            "2",
            "198.19.50.1",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("6 packets transmitted, 3 received"), "{text}");
    // a broadcast-destined request and a spoofed loopback source are refused
    let (out, err, code) = lab.code(&format!(
        "sendp(Ether(dst='ff:ff:ff:ff:ff:ff')/IP(dst='198.19.255.255')/ICMP(), iface='{}')\n\
         send(IP(src='127.0.0.1', dst='198.19.50.2')/ICMP())",
        lab.var("PROBER_IF")
    ));
    assert_eq!(code, 0, "{out}{err}");
    let o = lab.run(
        "prober",
        &["ping", "-n", "-c", "1", "-W", "5", &lab.var("R1_ADDR")],
    );
    assert!(o.status.success());
    let (out, err) = r.stop();
    let summary = out.lines().last().unwrap_or_default().to_string();
    assert!(summary.contains("\"answered\":3"), "{summary}\n{err}");
    assert!(summary.contains("\"rate-limited\":3"), "{summary}");
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("\"type\":\"answer\""))
            .count(),
        3,
        "{out}"
    );
    // the two crafted requests are routed or broadcast; those that reach the
    // target's link are refused, never answered
    assert!(!summary.contains("\"answered\":4"), "{summary}");
}

/// Host names from the prober's hosts file (scripts/lab.sh writes it):
/// iputils `ping` prints the canonical name in its header and statistics and
/// names each reply; traceroute(8) names every hop; `-n` drops the names.
#[test]
fn host_names_resolve_and_print_as_iputils_and_traceroute() {
    let Some(lab) = Lab::up("host_names_resolve_and_print_as_iputils_and_traceroute") else {
        return;
    };
    let alias = lab.var("TARGET_ALIAS");
    for args in [
        vec!["ping", "-c", "2", "-i", "0.2", "-W", "5", &alias],
        vec!["ping", "-n", "-c", "1", "-W", "5", &alias],
        vec!["traceroute", "-q", "1", &alias],
        vec!["traceroute", "-n", "-I", "-q", "1", &alias],
    ] {
        let (r, o) = both(&lab, &args, &args);
        assert_eq!(o, r, "{args:?}");
    }
    let r = common::text(&lab.run("prober", &["ping", "-c", "1", "-W", "5", &alias]));
    assert!(
        r.starts_with(&format!(
            "PING {} ({})",
            lab.var("TARGET_NAME"),
            lab.var("TARGET_ADDR")
        )),
        "the reference prints the canonical name: {r}"
    );
}

/// The JSON objects a `--json` run printed, one a line.
fn json_lines(o: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// ZMap's sharding, simulated: 16 shards of the /16 run as 16 processes
/// with one seed find exactly the hosts one unsharded sweep finds, each once,
/// and each shard's JSON lines say which shard they came from.
#[test]
fn sixteen_shards_of_a_slash16_are_one_sweep() {
    let Some(lab) = Lab::up("sixteen_shards_of_a_slash16_are_one_sweep") else {
        return;
    };
    let net = lab.var("TARGET_NET");
    let alive = |out: &std::process::Output| -> Vec<String> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_suffix(" is alive").map(String::from))
            .collect()
    };
    let whole = alive(&lab.packsmith(&["sweep", &net, "--timeout", "5"]));
    assert_eq!(whole.len(), 65_536);
    let mut merged = Vec::new();
    let mut targets = 0u64;
    for i in 0..16u32 {
        let shard = i.to_string();
        let o = lab.packsmith(&[
            "sweep",
            &net,
            "--timeout",
            "5",
            "--shards",
            "16",
            "--shard",
            &shard,
            "--seed",
            "2026",
            "--json",
        ]);
        for v in json_lines(&o) {
            match v["type"].as_str() {
                Some("alive") => {
                    assert_eq!(v["shard"], i, "{v}");
                    merged.push(v["target"].as_str().expect("target").to_string());
                }
                Some("summary") => targets += v["targets"].as_u64().expect("targets"),
                _ => panic!("shard {i}: {v}"),
            }
        }
    }
    assert_eq!(targets, 65_536, "the shards' targets add up to the space");
    assert_eq!(merged.len(), 65_536, "no address probed twice");
    let mut a = merged.clone();
    a.sort();
    a.dedup();
    let mut b = whole;
    b.sort();
    assert_eq!(a, b, "the shards' union is the unsharded sweep");
    // the same seed gives a shard the same addresses (the order is the
    // walk's: tools::shard tests it)
    let first = |seed: &str| {
        let o = lab.packsmith(&[
            "sweep",
            &net,
            "--timeout",
            "5",
            "--shards",
            "16",
            "--shard",
            "3",
            "--seed",
            seed,
            "--rate",
            "100000",
        ]);
        let v = alive(&o);
        assert_eq!(v.len(), 4096, "shard 3 of 16 of a /16");
        v
    };
    let mut x = first("7");
    let mut y = first("7");
    x.sort();
    y.sort();
    assert_eq!(x, y, "one seed, one shard");
}

/// `--exclude-file` and `--include-file`: networks a line, applied before
/// any probe is sent (the excluded half of a /24 gets no probe at all).
#[test]
fn sweep_lists_exclude_and_include_networks() {
    let Some(lab) = Lab::up("sweep_lists_exclude_and_include_networks") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ex = dir.path().join("exclude");
    std::fs::write(&ex, "# the first half\n198.19.0.0/25\n").expect("write");
    let inc = dir.path().join("include");
    std::fs::write(&inc, "198.19.0.10/31\n198.19.0.200\n").expect("write");
    let run = |flag: &str, file: &std::path::Path| {
        let o = lab.packsmith(&[
            "sweep",
            "198.19.0.0/24",
            "--timeout",
            "5",
            "--json",
            flag,
            &file.to_string_lossy(),
        ]);
        let mut alive = Vec::new();
        let mut sent = 0;
        for v in json_lines(&o) {
            match v["type"].as_str() {
                Some("alive") => alive.push(v["target"].as_str().expect("target").to_string()),
                Some("summary") => sent = v["sent"].as_u64().expect("sent"),
                _ => {}
            }
        }
        alive.sort_by_key(|a| a.parse::<std::net::Ipv4Addr>().expect("an address"));
        (alive, sent)
    };
    let (alive, sent) = run("--exclude-file", &ex);
    assert_eq!((alive.len(), sent), (128, 128));
    assert_eq!(alive.first().map(String::as_str), Some("198.19.0.128"));
    let (alive, sent) = run("--include-file", &inc);
    assert_eq!(alive, ["198.19.0.10", "198.19.0.11", "198.19.0.200"]);
    assert_eq!(sent, 3);
    // a bad line is a usage error naming it
    std::fs::write(&ex, "198.19.0.0/25\nlab\n").expect("write");
    let o = lab.packsmith(&[
        "sweep",
        "198.19.0.0/24",
        "--exclude-file",
        &ex.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::text(&o).contains(":2: \"lab\" is not a network"),
        "{}",
        common::text(&o)
    );
}
