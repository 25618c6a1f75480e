//! Scapy scripts written the way tutorials write them (`tests/scapy_scripts`)
//! run unchanged under packsmith in the lab. Each declares its arguments
//! (lab variable names are replaced by their values), lines it must print
//! (`# expect:`) and its exit status (`# exit:`). When the real Scapy is
//! installed, the same file runs under it and both outputs must be equal.

mod common;
use common::Lab;

struct Script {
    path: std::path::PathBuf,
    args: Vec<String>,
    expect: Vec<String>,
    exit: i32,
}

fn scripts(lab: &Lab) -> Vec<Script> {
    let dir = format!("{}/tests/scapy_scripts", common::root());
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("scripts dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
    {
        let text = std::fs::read_to_string(&path).expect("script");
        let mut s = Script {
            path: path.clone(),
            args: Vec::new(),
            expect: Vec::new(),
            exit: 0,
        };
        for line in text.lines() {
            if let Some(a) = line.strip_prefix("# args:") {
                s.args = a
                    .split_whitespace()
                    .map(|t| {
                        if t.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                            lab.var(t)
                        } else {
                            t.to_string()
                        }
                    })
                    .collect();
            } else if let Some(e) = line.strip_prefix("# expect: ") {
                s.expect.push(e.to_string());
            } else if let Some(e) = line.strip_prefix("# exit: ") {
                s.exit = e.trim().parse().expect("exit status");
            }
        }
        out.push(s);
    }
    out
}

fn scapy_installed() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import scapy.all"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn tutorial_scripts_run_unchanged() {
    let Some(lab) = Lab::up("tutorial_scripts_run_unchanged") else {
        return;
    };
    let compare = scapy_installed();
    if !compare {
        eprintln!("note: Scapy is not installed; outputs are checked against the scripts' expectations only");
    }
    let all = scripts(&lab);
    assert!(all.len() >= 15, "the corpus has {} scripts", all.len());
    let mut failures = Vec::new();
    for s in &all {
        let name = s
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let path = s.path.display().to_string();
        let mut args: Vec<&str> = vec!["run", &path];
        args.extend(s.args.iter().map(|a| a.as_str()));
        let ours = lab.packsmith(&args);
        let out = String::from_utf8_lossy(&ours.stdout).to_string();
        if ours.status.code() != Some(s.exit) {
            failures.push(format!(
                "{name}: exit {:?}, expected {}\n{}",
                ours.status.code(),
                s.exit,
                common::text(&ours)
            ));
            continue;
        }
        for e in &s.expect {
            if !out.lines().any(|l| l.trim_end() == e.trim_end()) {
                failures.push(format!("{name}: missing line {e:?} in\n{out}"));
            }
        }
        if compare {
            let mut py = vec!["python3", path.as_str()];
            py.extend(s.args.iter().map(|a| a.as_str()));
            let theirs = lab.run("prober", &py);
            let t = String::from_utf8_lossy(&theirs.stdout).to_string();
            if t != out {
                failures.push(format!("{name}: differs from Scapy\n--- scapy ---\n{t}--- packsmith ---\n{out}--- scapy stderr ---\n{}", String::from_utf8_lossy(&theirs.stderr)));
            }
            if theirs.status.code() != Some(s.exit) {
                failures.push(format!("{name}: Scapy exited {:?}", theirs.status.code()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn script_errors_point_at_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("broken.py");
    std::fs::write(&script, "from scapy.all import *\n\ndef probe(host):\n    r = None\n    return r.type\n\nprobe('198.18.0.1')\n").expect("write");
    let out = assert_cmd::Command::cargo_bin("packsmith")
        .expect("bin")
        .arg("run")
        .arg(&script)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("Traceback (most recent call last):"), "{err}");
    assert!(
        err.contains(&format!(
            "File \"{}\", line 7, column 1, in <module>",
            script.display()
        )),
        "{err}"
    );
    assert!(err.contains("line 5, column 12, in probe"), "{err}");
    assert!(
        err.contains("    return r.type\n           ^^^^^^"),
        "{err}"
    );
    assert!(
        err.ends_with("AttributeError: 'NoneType' object has no attribute 'type'\n"),
        "{err}"
    );
}
