//! The tools over IPv6 in the netns lab (scripts/lab6.sh, root only):
//! `packsmith ping -6` compared line by line with iputils `ping -6`, and
//! `traceroute -6` with traceroute(8) -6 -n, run against the same lab in the
//! same test (times hidden: only addresses, codes, texts and counts are
//! compared); sweep over a /124 of the target's local route and a net behind
//! the unreachable route; the responder answering iputils `ping -6` on the
//! stub link where no kernel IPv6 runs (so its neighbour advertisements are
//! what makes the address reachable at all). Waits are generous and never
//! what decides a result.

mod common;
use common::{both, Lab, Watched};

/// Resolves the lab's neighbours on the way to `addr` before a comparison,
/// so no compared probe waits on neighbour discovery. A fresh lab's links
/// pass nothing until the kernel's link watch has run (up to a second per
/// link, more on a loaded machine), so this retries; it is no oracle.
fn warm_to(lab: &Lab, addr: &str) {
    let mut last = String::new();
    for _ in 0..10 {
        let o = lab.run("prober", &["ping", "-6", "-n", "-c", "1", "-W", "5", addr]);
        if o.status.success() {
            return;
        }
        last = common::text(&o);
    }
    panic!("{addr} never answered the warm-up ping:\n{last}");
}

fn warm(lab: &Lab) {
    warm_to(lab, &lab.var("TARGET_ADDR"));
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn ping6_matches_iputils() {
    let Some(lab) = Lab::up6("ping6_matches_iputils") else {
        return;
    };
    warm(&lab);
    let t = lab.var("TARGET_ADDR");
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("replies", owned(&["-c", "3", "-i", "0.2", "-W", "5", &t])),
        (
            "no route (1/0)",
            owned(&["-c", "2", "-i", "0.2", "-W", "5", &lab.var("UNREACH_ADDR")]),
        ),
        (
            "administratively prohibited (1/1)",
            owned(&["-c", "1", "-W", "5", &lab.var("PROHIBIT_ADDR")]),
        ),
        (
            "address unreachable (1/3)",
            owned(&["-c", "1", "-W", "5", &lab.var("NOBODY_ADDR")]),
        ),
        ("hop limit 1", owned(&["-c", "1", "-t", "1", "-W", "5", &t])),
        ("hop limit 2", owned(&["-c", "1", "-t", "2", "-W", "5", &t])),
        (
            "blackhole: loss",
            owned(&["-c", "2", "-i", "0.2", "-W", "1", &lab.var("DROP_ADDR")]),
        ),
        ("-s 100", owned(&["-c", "1", "-s", "100", "-W", "5", &t])),
        (
            "-I source",
            owned(&["-c", "1", "-I", &lab.var("PROBER_ADDR"), "-W", "5", &t]),
        ),
        // the prober's link in scripts/lab6.sh
        (
            "-I interface",
            owned(&["-c", "1", "-I", "p-r1", "-W", "5", &t]),
        ),
    ];
    for (what, args) in cases {
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let mut reference = vec!["ping", "-6", "-n"];
        reference.extend(&a);
        let mut ours = vec!["ping", "-6"];
        ours.extend(&a);
        let (r, o) = both(&lab, &reference, &ours);
        assert_eq!(o, r, "{what}: packsmith (left) vs iputils ping -6 (right)");
        assert!(o.starts_with("PING "), "{o}");
    }
    // Packet Too Big from r2 for the 1280-byte link: a fresh destination
    // each, with the path MTU cache flushed first
    for (i, who) in ["reference", "ours"].iter().enumerate() {
        lab.run("prober", &["ip", "-6", "route", "flush", "cache"]);
        let dst = format!("2001:2:0:100::{}", 0x50 + i);
        let args = ["-M", "do", "-s", "1400", "-c", "1", "-W", "5", &dst];
        let o = if *who == "reference" {
            let mut v = vec!["ping", "-6", "-n"];
            v.extend(args);
            lab.run("prober", &v)
        } else {
            let mut v = vec!["ping", "-6"];
            v.extend(args);
            lab.packsmith(&v)
        };
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains(&format!(
                "From {} icmp_seq=1 Packet too big: mtu=1280",
                lab.var("R2_ADDR")
            )),
            "{who}: {text}"
        );
        assert!(
            text.contains("1 packets transmitted, 0 received, +1 errors, 100% packet loss"),
            "{who}: {text}"
        );
    }
    // JSON lines, and the IPv4-only request kinds refused as usage errors
    let o = lab.packsmith(&["ping", "--json", "-c", "2", "-i", "0.2", "-W", "5", &t]);
    let lines: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 4, "start, two replies, summary: {lines:?}");
    assert!(lines[0].contains("\"data_bytes\":56") && lines[0].contains("\"packet_bytes\":104"));
    assert!(
        lines[1].contains(&format!("\"from\":\"{t}\"")),
        "{}",
        lines[1]
    );
    assert!(lines[3].contains("\"received\":2"), "{}", lines[3]);
    for kind in ["timestamp", "mask"] {
        let o = lab.packsmith(&["ping", "--type", kind, "-c", "1", &t]);
        assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
        assert!(
            common::text(&o).contains("IPv4 only"),
            "{}",
            common::text(&o)
        );
    }
    let o = lab.packsmith(&["ping", "-4", "-c", "1", &t]);
    assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
}

#[test]
fn traceroute6_matches_traceroute8() {
    let Some(lab) = Lab::up6("traceroute6_matches_traceroute8") else {
        return;
    };
    warm(&lab);
    let t = lab.var("TARGET_ADDR");
    for mode in ["-I", "-U", "-T"] {
        let ours_mode = if mode == "-U" { "--mode=udp" } else { mode };
        let (r, o) = both(
            &lab,
            &["traceroute", "-6", "-n", mode, &t],
            &["traceroute", "-n", "-6", ours_mode, &t],
        );
        assert_eq!(o, r, "traceroute -6 {mode}");
        assert_eq!(o.lines().count(), 4, "three hops:\n{o}");
        assert!(o.contains("80 byte packets"), "{o}");
    }
    for (var, note) in [
        ("UNREACH_ADDR", "!N"),
        ("PROHIBIT_ADDR", "!X"),
        ("NOBODY_ADDR", "!H"),
    ] {
        let a = lab.var(var);
        for mode in ["-I", "-U"] {
            let ours_mode = if mode == "-U" { "--mode=udp" } else { mode };
            let (r, o) = both(
                &lab,
                &["traceroute", "-6", "-n", mode, "-q", "1", &a],
                &["traceroute", "-n", "-6", ours_mode, "-q", "1", &a],
            );
            assert_eq!(o, r, "annotation for {var} ({mode})");
            assert!(o.ends_with(note), "{o}");
        }
    }
    // Packet Too Big: !F-1280 at r2 (fresh destinations, cache flushed)
    lab.run("prober", &["ip", "-6", "route", "flush", "cache"]);
    let (r, o) = both(
        &lab,
        &[
            "traceroute",
            "-6",
            "-n",
            "-F",
            "-q",
            "1",
            "2001:2:0:100::60",
            "1400",
        ],
        &[
            "traceroute",
            "-n",
            "-6",
            "-F",
            "-q",
            "1",
            "2001:2:0:100::61",
            "1400",
        ],
    );
    assert_eq!(
        o.replace("2001:2:0:100::61", "2001:2:0:100::60"),
        r,
        "packet too big"
    );
    assert!(o.ends_with("!F-1280"), "{o}");
    let d = lab.var("DROP_ADDR");
    let (r, o) = both(
        &lab,
        &[
            "traceroute",
            "-6",
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
            "-6",
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
    assert_eq!(o, r, "silence past r2's blackhole");
}

#[test]
fn sweep6_finds_hosts_and_errors() {
    let Some(lab) = Lab::up6("sweep6_finds_hosts_and_errors") else {
        return;
    };
    warm(&lab);
    // the target's local route answers for every address of the /64
    let o = lab.packsmith(&["sweep", "2001:2:0:100::10/124", "--timeout", "5"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    let alive: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_suffix(" is alive"))
        .collect();
    let mut want: Vec<String> = (0x10..0x20)
        .map(|i| format!("2001:2:0:100::{i:x}"))
        .collect();
    let mut got: Vec<String> = alive.iter().map(|s| s.to_string()).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{text}");
    assert!(text.contains("          16 alive"), "{text}");
    // behind r2's unreachable route: one no-route error per address
    let o = lab.packsmith(&["sweep", "2001:2:0:10::/126", "--timeout", "5"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for i in ["", "1", "2", "3"] {
        assert!(
            text.lines().any(|l| l
                == format!(
                    "ICMPv6 No Route to Destination from {} for ICMP Echo sent to 2001:2:0:10::{i}",
                    lab.var("R2_ADDR")
                )),
            "{i}: {text}"
        );
    }
    assert!(text.contains("           4 unreachable"), "{text}");
    // SYN probes: the target's kernel answers each with a reset
    let o = lab.packsmith(&[
        "sweep",
        "2001:2:0:100::/126",
        "--type",
        "syn",
        "-p",
        "9",
        "--timeout",
        "5",
        "--json",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("{\"type\":\"alive\",\"target\":\"2001:2:0:100::"))
            .count(),
        4,
        "{text}"
    );
    assert!(text.contains("\"alive\":4"), "{text}");
    // a /64 is refused at once, with the reason
    let o = lab.packsmith(&["sweep", "2001:2:0:100::/64"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
    assert!(
        common::text(&o).contains("2^64 addresses") && o.stdout.is_empty(),
        "{}",
        common::text(&o)
    );
}

#[test]
fn respond6_answers_iputils_ping_through_neighbour_discovery() {
    let Some(lab) = Lab::up6("respond6_answers_iputils_ping") else {
        return;
    };
    warm_to(&lab, &lab.var("RESPONDER_ROUTER"));
    let r = Watched::start(
        &lab,
        "responder",
        &[
            "respond",
            "--iface",
            &lab.var("RESPONDER_IF"),
            "--owns",
            &lab.var("RESPONDER_NET"),
            "--types",
            "echo",
        ],
    );
    r.wait_for("answering echo-request");
    let o = lab.run(
        "prober",
        &[
            "ping",
            "-6",
            "-n",
            "-c",
            "3",
            "-i",
            "0.2",
            "-W",
            "5",
            "2001:2:0:3::105",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("64 bytes from 2001:2:0:3::105: icmp_seq=1 ttl=63")
            && text.contains("3 packets transmitted, 3 received, 0% packet loss"),
        "{text}\nresponder:\n{}",
        r.text()
    );
    // r1 found the address by neighbour discovery: our advertisement
    r.wait_for("answered neighbor-solicitation from ");
    assert!(
        r.text()
            .lines()
            .any(|l| l.starts_with("answered neighbor-solicitation from ")
                && l.ends_with(" for 2001:2:0:3::105")),
        "{}",
        r.text()
    );
    r.wait_for("answered echo-request from 2001:2::1 for 2001:2:0:3::105");
    let neigh = lab.run("r1", &["ip", "-6", "neigh", "show", "2001:2:0:3::105"]);
    let mac = lab.run(
        "responder",
        &[
            "cat",
            &format!("/sys/class/net/{}/address", lab.var("RESPONDER_IF")),
        ],
    );
    let mac = String::from_utf8_lossy(&mac.stdout).trim().to_string();
    assert!(
        String::from_utf8_lossy(&neigh.stdout).contains(&format!("lladdr {mac}")),
        "r1's neighbour entry names the responder's MAC {mac}: {}",
        common::text(&neigh)
    );
    // packsmith's own ping -6 gets its answers too
    let o = lab.packsmith(&["ping", "-c", "2", "-i", "0.2", "-W", "5", "2001:2:0:3::109"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("2 packets transmitted, 2 received"),
        "{text}\nresponder:\n{}",
        r.text()
    );
    // an address outside --owns stays unreachable (nobody advertises it)
    let o = lab.run(
        "prober",
        &["ping", "-6", "-n", "-c", "1", "-W", "5", "2001:2:0:3::205"],
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Destination unreachable: Address unreachable"),
        "{}",
        common::text(&o)
    );
    let (out, err) = r.stop();
    assert!(out.contains("for 2001:2:0:3::109"), "{out}");
    assert!(
        err.contains("packsmith respond: answered ") && err.contains(", refused 0"),
        "{err}"
    );
}

#[test]
fn language_tools_take_ipv6() {
    let Some(lab) = Lab::up6("language_tools_take_ipv6") else {
        return;
    };
    warm(&lab);
    let (out, err, code) = lab.code(
        "s = ping('2001:2:0:100::1', count=2, interval=0.2, timeout=5)\n\
         print('ping', s['transmitted'], s['received'], s['errors'])\n\
         hops = traceroute('2001:2:0:10::1', mode='icmp', queries=1)\n\
         print('trace', [(t, [r[0] + r[2] for r in rs if r]) for t, rs in hops])\n\
         print('sweep', sorted(sweep('2001:2:0:100::/126', timeout=5)))\n\
         try:\n\
         \x20   ping('2001:2:0:100::1', type='mask', count=1)\n\
         except Exception as e:\n\
         \x20   print('refused', type(e).__name__)",
    );
    assert_eq!(code, 0, "{out}{err}");
    let tail: Vec<&str> = out
        .lines()
        .filter(|l| {
            ["ping ", "trace ", "sweep ", "refused "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    assert_eq!(
        tail,
        vec![
            "ping 2 2 0",
            "trace [(1, ['2001:2::fe']), (2, ['2001:2:0:1::2!N'])]",
            "sweep ['2001:2:0:100::', '2001:2:0:100::1', '2001:2:0:100::2', '2001:2:0:100::3']",
            "refused ValueError",
        ],
        "{out}{err}"
    );
}

/// ICMPv6 unreachable codes Linux routes never give: an nftables reject in
/// r2 sends 1/5 (source address failed policy) and 1/6 (reject route);
/// iputils prints "Unknown code 5/6" and traceroute(8) `!<5>`/`!<6>`, and so
/// must we.
#[test]
fn icmpv6_codes_5_and_6_as_iputils_and_traceroute8() {
    let Some(lab) = Lab::up6("icmpv6_codes_5_and_6") else {
        return;
    };
    let rules = "table ip6 pk {\n chain f {\n  type filter hook forward priority 0;\n  \
                 ip6 daddr 2001:2:0:100::a5 reject with icmpv6 type policy-fail\n  \
                 ip6 daddr 2001:2:0:100::a6 reject with icmpv6 type reject-route\n }\n}\n";
    let path = std::env::temp_dir().join(format!("pk6-nft-{}.nft", std::process::id()));
    std::fs::write(&path, rules).expect("write the rules");
    let nft = lab.run("r2", &["nft", "-f", &path.display().to_string()]);
    let _ = std::fs::remove_file(&path);
    if !nft.status.success() {
        eprintln!(
            "skipped icmpv6_codes_5_and_6: nft could not load the rules: {}",
            common::text(&nft)
        );
        return;
    }
    warm(&lab);
    for (addr, code) in [("2001:2:0:100::a5", 5), ("2001:2:0:100::a6", 6)] {
        let (r, o) = both(
            &lab,
            &["ping", "-6", "-n", "-c", "1", "-W", "5", addr],
            &["ping", "-6", "-c", "1", "-W", "5", addr],
        );
        assert_eq!(o, r, "ping 1/{code}");
        assert!(
            o.contains(&format!("Destination unreachable: Unknown code {code}")),
            "{o}"
        );
        for mode in ["-I", "-U"] {
            let ours_mode = if mode == "-U" { "--mode=udp" } else { mode };
            let (r, o) = both(
                &lab,
                &["traceroute", "-6", "-n", mode, "-q", "1", addr],
                &["traceroute", "-n", "-6", ours_mode, "-q", "1", addr],
            );
            assert_eq!(o, r, "traceroute {mode} 1/{code}");
            assert!(o.ends_with(&format!("!<{code}>")), "{o}");
        }
    }
}

/// Host names from the prober's hosts file (scripts/lab6.sh writes it):
/// iputils `ping -6` prints `PING t6(target6.lab (ADDR))` and names each
/// reply and error source; traceroute(8) names every hop (`ADDR (ADDR)` for
/// one without a name); `-n` drops the names; a name without an address of
/// the family asked for is a usage error (exit 2) for both tools.
#[test]
fn host_names_resolve_and_print_as_iputils_and_traceroute() {
    let Some(lab) = Lab::up6("host_names_resolve_and_print_as_iputils_and_traceroute") else {
        return;
    };
    warm(&lab);
    let alias = lab.var("TARGET_ALIAS");
    for args in [
        vec!["ping", "-6", "-c", "2", "-i", "0.2", "-W", "5", &alias],
        vec!["ping", "-6", "-n", "-c", "1", "-W", "5", &alias],
        vec!["ping", "-6", "-c", "1", "-t", "1", "-W", "5", &alias],
        vec!["traceroute", "-6", "-q", "1", &alias],
        vec!["traceroute", "-6", "-n", "-q", "1", &alias],
    ] {
        let (r, o) = both(&lab, &args, &args);
        assert_eq!(o, r, "{args:?}");
    }
    let r = common::text(&lab.run("prober", &["ping", "-6", "-c", "1", "-W", "5", &alias]));
    assert!(
        r.starts_with(&format!(
            "PING {alias}({} ({}))",
            lab.var("TARGET_NAME"),
            lab.var("TARGET_ADDR")
        )),
        "the reference names the target: {r}"
    );
    for args in [
        vec!["ping", "-4", "-c", "1", &alias],
        vec!["ping", "-c", "1", "nosuch.lab"],
    ] {
        let r = lab.run("prober", &args);
        let o = lab.packsmith(&args);
        assert_eq!(
            (r.status.code(), o.status.code()),
            (Some(2), Some(2)),
            "{args:?}: {}{}",
            common::text(&r),
            common::text(&o)
        );
    }
}
