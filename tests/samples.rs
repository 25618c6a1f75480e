//! The sample captures `samples/icmp-*.pcap` (written by packsmith itself in
//! the lab by `scripts/make-samples.sh`, one `.pks` script each): packsmith
//! reads each back with the ICMP type/code it is about, and tshark, when it is
//! installed, dissects the same type/code/next-hop MTU with no malformed
//! packet and no expert warning. As root, the scripts themselves run again in
//! a fresh lab and must write captures with the same answers.

mod common;

use common::{bin, lab_unavailable, packsmith_icmp_rows, root, tshark_agrees};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One sample: its name, the probe's ICMP (type, code) if the probe is ICMP,
/// the answer's (type, code), and the next-hop MTU the answer must carry.
struct Case {
    name: &'static str,
    probe: Option<(u32, u32)>,
    answer: (u32, u32),
    mtu: Option<u32>,
}

const CASES: &[Case] = &[
    Case {
        name: "icmp-echo",
        probe: Some((8, 0)),
        answer: (0, 0),
        mtu: None,
    },
    Case {
        name: "icmp-timestamp",
        probe: Some((13, 0)),
        answer: (14, 0),
        mtu: None,
    },
    Case {
        name: "icmp-host-unreachable",
        probe: Some((8, 0)),
        answer: (3, 1),
        mtu: None,
    },
    Case {
        name: "icmp-admin-prohibited",
        probe: Some((8, 0)),
        answer: (3, 13),
        mtu: None,
    },
    Case {
        name: "icmp-port-unreachable",
        probe: None,
        answer: (3, 3),
        mtu: None,
    },
    Case {
        name: "icmp-frag-needed",
        probe: Some((8, 0)),
        answer: (3, 4),
        mtu: Some(1000),
    },
    Case {
        name: "icmp-ttl-exceeded",
        probe: Some((8, 0)),
        answer: (11, 0),
        mtu: None,
    },
    Case {
        name: "icmp-address-mask",
        probe: Some((17, 0)),
        answer: (18, 0),
        mtu: None,
    },
];

fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name}: a sample with no expectation in tests/samples.rs"))
}

/// `samples/icmp-*.<ext>` names (without the extension), sorted.
fn sample_names(ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(Path::new(&root()).join("samples"))
        .expect("samples/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            let stem = n.strip_suffix(&format!(".{ext}"))?;
            stem.starts_with("icmp-").then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

/// One packet as `common::packsmith_icmp_rows` prints it.
type Row = String;

/// The outer ICMP (type, code) of every row that has one, and its MTU field.
fn outer(rows: &[Row]) -> Vec<((u32, u32), String)> {
    rows.iter()
        .filter_map(|r| {
            let f: Vec<&str> = r.split('\t').collect();
            let t = f.get(1)?.split(',').next()?.parse().ok()?;
            let c = f.get(2)?.split(',').next()?.parse().ok()?;
            Some(((t, c), f.get(3).unwrap_or(&"").to_string()))
        })
        .collect()
}

/// Checks one capture against its case; returns a description of what it holds.
fn check_capture(name: &str, path: &Path) -> String {
    let c = case(name);
    let rows = packsmith_icmp_rows(path);
    let pairs = outer(&rows);
    assert!(
        rows.len() >= 2 && rows.len() % 2 == 0,
        "{name}: probes and answers expected, got {rows:?}"
    );
    if let Some(p) = c.probe {
        assert!(
            pairs.iter().any(|(tc, _)| *tc == p),
            "{name}: no probe {p:?} in {rows:?}"
        );
    }
    let answers: Vec<_> = pairs.iter().filter(|(tc, _)| *tc == c.answer).collect();
    assert!(
        !answers.is_empty(),
        "{name}: no answer {:?} in {rows:?}",
        c.answer
    );
    if let Some(mtu) = c.mtu {
        for (_, m) in &answers {
            assert_eq!(*m, mtu.to_string(), "{name}: next-hop MTU in {rows:?}");
        }
    }
    rows.join(" | ")
}

#[test]
fn every_sample_has_its_script_and_expectation() {
    let pcaps = sample_names("pcap");
    let scripts = sample_names("pks");
    let want: Vec<String> = {
        let mut v: Vec<String> = CASES.iter().map(|c| c.name.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(pcaps, want, "samples/icmp-*.pcap");
    assert_eq!(scripts, want, "samples/icmp-*.pks");
    let make = std::fs::read_to_string(Path::new(&root()).join("scripts/make-samples.sh"))
        .expect("scripts/make-samples.sh");
    for n in &want {
        assert!(
            make.contains(&format!("run {n} ")),
            "scripts/make-samples.sh does not run {n}"
        );
    }
}

#[test]
fn packsmith_reads_the_expected_icmp_in_each_sample() {
    for name in sample_names("pcap") {
        let path = Path::new(&root()).join(format!("samples/{name}.pcap"));
        let got = check_capture(&name, &path);
        eprintln!("{name}: {got}");
    }
}

#[test]
fn tshark_dissects_each_sample_like_packsmith() {
    for name in sample_names("pcap") {
        let path = Path::new(&root()).join(format!("samples/{name}.pcap"));
        if !tshark_agrees(&path) {
            return;
        }
    }
}

#[test]
fn sample_scripts_write_the_same_captures_in_a_fresh_lab() {
    if let Some(why) = lab_unavailable() {
        eprintln!("skipped sample_scripts_write_the_same_captures_in_a_fresh_lab: {why}");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().canonicalize().expect("temp dir path");
    let out = Command::new("bash")
        .arg(format!("{}/scripts/make-samples.sh", root()))
        .arg(&dir)
        .env("PACKSMITH", bin())
        .output()
        .expect("run scripts/make-samples.sh");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "make-samples.sh failed:\n{log}");
    for c in CASES {
        let path: PathBuf = dir.join(format!("{}.pcap", c.name));
        assert!(path.exists(), "{} wrote no capture:\n{log}", c.name);
        assert!(
            log.contains(&format!("wrote {}", path.display())),
            "{}: the script does not say what it wrote:\n{log}",
            c.name
        );
        let got = check_capture(c.name, &path);
        eprintln!("{}: {got}", c.name);
    }
}
