//! ping, traceroute, sweep and the responder in the lab (root only),
//! compared line by line with iputils ping and traceroute(8) run against the
//! same lab in the same test: same hops, same error texts, same loss figures.

mod common;
use common::Lab;

/// Hides what legitimately differs between two runs: times.
fn normalize(s: &str) -> String {
    let t = regex::Regex::new(r"time=\d+(\.\d+)? ms")
        .expect("re")
        .replace_all(s, "time=T ms");
    let t = regex::Regex::new(r"time \d+ms")
        .expect("re")
        .replace_all(&t, "time Tms");
    let t = regex::Regex::new(r"rtt min/avg/max/mdev = \S+ ms")
        .expect("re")
        .replace_all(&t, "rtt T");
    let t = regex::Regex::new(r"\d+\.\d+ ms")
        .expect("re")
        .replace_all(&t, "T ms");
    t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// Runs the reference tool and packsmith against the same lab. traceroute(8)'s
/// adaptive wait (`-w MAX,HERE,NEAR`: give up on a probe HERE times the round
/// trip of an answer already seen) expires under load and prints `*` for a hop
/// that did answer, so the reference always gets fixed waits that cannot
/// expire in the lab: the MAX packsmith is given (5 s by default), HERE and
/// NEAR off.
fn both(lab: &Lab, reference: &[&str], ours: &[&str]) -> (String, String) {
    let mut reference: Vec<&str> = reference.to_vec();
    let fixed_wait;
    if reference.first() == Some(&"traceroute") {
        let max = ours
            .iter()
            .position(|a| *a == "-w")
            .and_then(|i| ours.get(i + 1))
            .copied()
            .unwrap_or("5");
        fixed_wait = format!("{max},0,0");
        if let Some(i) = reference.iter().position(|a| *a == "-w") {
            reference.remove(i);
            if i < reference.len() {
                reference.remove(i);
            }
        }
        reference.insert(1, "-w");
        reference.insert(2, &fixed_wait);
    }
    let r = lab.run("prober", &reference);
    let o = lab.packsmith(ours);
    (
        normalize(&String::from_utf8_lossy(&r.stdout)),
        normalize(&String::from_utf8_lossy(&o.stdout)),
    )
}

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
    let responder = std::process::Command::new("ip")
        .args([
            "netns",
            "exec",
            &lab.ns("target"),
            &common::bin(),
            "respond",
            "--iface",
            &lab.var("TARGET_IF"),
        ])
        .args([
            "--addr",
            &lab.var("TARGET_NET"),
            "--types",
            "mask,info",
            "--count",
            "2",
            "--timeout",
            "10",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the responder");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let o = lab.packsmith(&[
        "ping",
        "--type",
        "mask",
        "-c",
        "2",
        "-i",
        "0.2",
        "-W",
        "2",
        "198.19.44.44",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("12 bytes from 198.19.44.44: icmp_seq=1 ttl=62")
            && text.contains("mask=255.255.0.0"),
        "{text}"
    );
    let out = responder
        .wait_with_output()
        .expect("responder ends after 2 answers");
    assert!(String::from_utf8_lossy(&out.stdout).contains("answered address-mask-request from"));
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
            &["traceroute", ours_mode, &t],
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
            &["traceroute", "-I", "-q", "1", &a],
        );
        assert_eq!(o, r, "annotation for {var}");
        assert!(o.ends_with(note), "{o}");
    }
    lab.run("prober", &["ip", "route", "flush", "cache"]);
    let (r, o) = both(
        &lab,
        &["traceroute", "-n", "-F", "198.19.9.9", "1200"],
        &["traceroute", "-F", "198.19.9.10", "1200"],
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
        &["traceroute", "-I", "-q", "1", "-m", "4", "-w", "3", &d],
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
