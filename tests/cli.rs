//! The CLI contract: `-c`, `run FILE [ARGS]`, `run -`, shebang scripts, exit
//! codes, error rendering, and the reference vectors through the exact
//! command lines outside checks use.

use assert_cmd::Command;
use predicates::prelude::*;

fn ps() -> Command {
    let mut c = Command::cargo_bin("packsmith").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

fn vectors(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("vectors");
    text.lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn build_vectors_through_dash_c() {
    for v in vectors("build.tsv") {
        ps().arg("-c")
            .arg(format!("print(bytes({}).hex())", v[0]))
            .assert()
            .success()
            .stdout(format!("{}\n", v[1]));
    }
}

#[test]
fn set_vectors_through_dash_c() {
    for v in vectors("sets.tsv") {
        let lines: String = v[2].split(',').map(|h| format!("{h}\n")).collect();
        ps().arg("-c")
            .arg(format!("for p in {}: print(bytes(p).hex())", v[0]))
            .assert()
            .success()
            .stdout(lines);
        ps().arg("-c")
            .arg(format!("print(len(list({})))", v[0]))
            .assert()
            .success()
            .stdout(format!("{}\n", v[1]));
    }
}

#[test]
fn syntax_error_exits_2_with_position_and_expectation() {
    ps().args(["-c", "x = IP(dst=\"198.18.0.1\"\nprint(x)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SyntaxError"))
        .stderr(predicate::str::contains("<string>:1:7"))
        .stderr(predicate::str::contains("expected"));
    ps().args(["-c", "if x = 3: pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<string>:1:6"))
        .stderr(predicate::str::contains("=="));
}

#[test]
fn runtime_error_exits_1_with_python_traceback() {
    ps().args(["-c", "def f(r):\n    return r.type\nf(None)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Traceback (most recent call last):",
        ))
        .stderr(predicate::str::contains("line 3"))
        .stderr(predicate::str::contains("line 2, column 12, in f"))
        .stderr(predicate::str::contains(
            "AttributeError: 'NoneType' object has no attribute 'type'",
        ));
}

#[test]
fn did_you_mean_for_fields_names_and_enums() {
    ps().args(["-c", "ICMP(typ=13)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unknown field `typ` for ICMP; did you mean `type`?",
        ));
    ps().args(["-c", "ICMP(type=\"echo-requets\")"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `echo-request`?"));
    ps().args(["-c", "pritn(1)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `print`?"));
    ps().args(["-c", "p = IP()\np.tll = 3"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `ttl`?"));
}

#[test]
fn exit_codes_from_scripts_and_usage() {
    ps().args(["-c", "exit(3)"]).assert().code(3);
    ps().args(["-c", "import sys\nsys.exit(0)"])
        .assert()
        .code(0);
    ps().args(["-c", "pass"]).assert().code(0).stdout("");
    ps().args(["--no-such-flag"]).assert().code(2);
    ps().args(["run", "/nonexistent/probe.pks"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open"));
    ps().arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains("packsmith"));
    ps().arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
}

#[test]
fn run_file_with_argv_and_from_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("probe.pks");
    std::fs::write(
        &script,
        "import sys\nprint(sys.argv[1:])\np = IP(dst=sys.argv[1])/ICMP()\nprint(p.dst)\n",
    )
    .expect("write");
    ps().arg("run")
        .arg(&script)
        .arg("198.18.0.9")
        .arg("--flag")
        .assert()
        .success()
        .stdout("['198.18.0.9', '--flag']\n198.18.0.9\n");
    ps().args(["run", "-", "a"])
        .write_stdin("import sys\nprint(sys.argv)\n")
        .assert()
        .success()
        .stdout("['-', 'a']\n");
}

#[test]
fn shebang_scripts_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = assert_cmd::cargo::cargo_bin("packsmith");
    let script = dir.path().join("hello.pks");
    std::fs::write(
        &script,
        "#!/usr/bin/env -S packsmith run\nprint(IP(dst='198.18.0.1').summary())\n",
    )
    .expect("write");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .expect("chmod");
    let path = format!(
        "{}:{}",
        bin.parent().expect("dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(&script)
        .env("PATH", path)
        .output()
        .expect("run script");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("198.18.0.1"));
}

#[test]
fn output_has_no_colour_when_piped() {
    let mut c = Command::cargo_bin("packsmith").expect("binary");
    c.env_remove("NO_COLOR")
        .args(["-c", "IP(dst='198.18.0.1').show()"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn display_matches_scapy() {
    let code = r#"p = IP(src="198.18.0.1", dst="198.18.1.2")/ICMP(id=0x1234, seq=7)/"ping"
print(repr(p))
print(p.summary())
hexdump(p)
print(IP(bytes(p)).command())"#;
    ps().args(["-c", code]).assert().success().stdout(
        "<IP  frag=0 proto=icmp src=198.18.0.1 dst=198.18.1.2 |<ICMP  id=0x1234 seq=0x7 |<Raw  load=b'ping' |>>>\n\
         IP / ICMP 198.18.0.1 > 198.18.1.2 echo-request 0 / Raw\n\
         0000  45 00 00 20 00 01 00 00 40 01 ED B4 C6 12 00 01  E.. ....@.......\n\
         0010  C6 12 01 02 08 00 06 F4 12 34 00 07 70 69 6E 67  .........4..ping\n\
         IP(version=4, ihl=5, tos=0, len=32, id=1, flags=0, frag=0, ttl=64, proto=1, chksum=60852, src='198.18.0.1', dst='198.18.1.2')/ICMP(type=8, code=0, chksum=1780, id=4660, seq=7, unused=b'')/Raw(load=b'ping')\n",
    );
    // show2 of the error example, as in ../shared/vectors/scapy_display.txt
    let code = r#"p = IP(src="198.18.0.1", dst="198.18.1.2")/ICMP(type=3, code=4, nexthopmtu=1000)/IP(src="198.18.1.2", dst="198.18.0.1", flags="DF", len=1200)/ICMP()
p.show2()"#;
    let out = ps().args(["-c", code]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "###[ IP in ICMP ]###",
        "###[ ICMP in ICMP ]###",
        "nexthopmtu= 1000",
        "chksum    = 0xf913",
        "        len       = 1200",
        "        flags     = DF",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn ls_and_help() {
    ps().args(["-c", "ls(ICMP)"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nexthopmtu : ShortField (Cond)"))
        .stdout(predicate::str::contains("type       : ByteEnumField"));
    ps().args(["-c", "help('ICMP.type')"])
        .assert()
        .success()
        .stdout(predicate::str::contains("address-mask-reply"));
    ps().args(["-c", "lsc()"])
        .assert()
        .success()
        .stdout(predicate::str::contains("hexdump"));
}

#[test]
fn samples_that_need_no_privilege_run() {
    for s in ["craft-errors.pks", "sets.pks", "timestamp.pks"] {
        ps().arg("run")
            .arg(format!("{}/samples/{s}", env!("CARGO_MANIFEST_DIR")))
            .assert()
            .success();
    }
}

/// Runs packsmith with stdout on `/dev/full` (every write fails with ENOSPC).
fn to_dev_full(args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    std::process::Command::new(env!("CARGO_BIN_EXE_packsmith"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(full)
        .output()
        .expect("run packsmith")
}

#[test]
fn stdout_write_errors_exit_1_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("c.pcap").display().to_string();
    ps().arg("-c")
        .arg(format!(
            "wrpcap({capture:?}, [IP(dst='198.18.0.{{}}'.format(i))/ICMP() for i in range(200)])"
        ))
        .assert()
        .success();
    for args in [
        vec!["-c", "print(1)"],
        vec!["-c", "for i in range(100000): print(i)"],
        vec!["read", &capture],
    ] {
        let o = to_dev_full(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(
            err, "packsmith: write error: No space left on device\n",
            "{args:?}"
        );
    }
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_packsmith"))
        .args(["-c", "while True: print('line')"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    {
        let out = child.stdout.take().expect("stdout");
        std::io::BufReader::new(out)
            .read_line(&mut first)
            .expect("first line");
    } // like `| head -1`: the reading end closes here
    let o = child.wait_with_output().expect("ends");
    assert_eq!(first, "line\n");
    assert_eq!(o.status.signal(), Some(libc::SIGPIPE), "{:?}", o.status);
    assert_eq!(String::from_utf8_lossy(&o.stderr), "", "nothing on stderr");
}

#[test]
fn arp_trailer_is_padding_as_in_scapy() {
    ps().arg("-c")
        .arg("p = Ether(bytes(Ether()/ARP(pdst='198.18.0.1')/(b'\\0' * 18)))\nprint(p.summary(), Padding in p, Raw in p, len(p[Padding].load))")
        .assert()
        .success()
        .stdout(predicate::str::ends_with("True False 18\n"));
}

#[test]
fn version_names_the_commit_and_completions_come_from_the_cli() {
    let o = ps().arg("--version").output().expect("run");
    let v = String::from_utf8_lossy(&o.stdout).to_string();
    // "packsmith 0.1.0 (0123456789ab)" in a git checkout
    let inside = v
        .split('(')
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap_or("");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(h) => assert_eq!(inside, h, "{v}"),
        None => assert_eq!(inside, "unknown commit", "{v}"),
    }
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = ps().args(["completions", shell]).output().expect("run");
        assert!(o.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        for sub in ["traceroute", "respond", "completions"] {
            assert!(text.contains(sub), "{shell} completion lacks {sub}");
        }
        // the script is valid for the shell that runs it, where installed
        let check = match shell {
            "bash" => Some(("bash", "-n")),
            "zsh" => Some(("zsh", "-n")),
            "fish" => Some(("fish", "--no-execute")),
            _ => None,
        };
        if let Some((sh, flag)) = check {
            let path =
                std::env::temp_dir().join(format!("packsmith-{}.{shell}", std::process::id()));
            std::fs::write(&path, &text).expect("write");
            let r = std::process::Command::new(sh).arg(flag).arg(&path).output();
            let _ = std::fs::remove_file(&path);
            match r {
                Ok(r) => assert!(
                    r.status.success(),
                    "{sh}: {}",
                    String::from_utf8_lossy(&r.stderr)
                ),
                Err(_) => eprintln!("skipping the {sh} syntax check: {sh} is not installed"),
            }
        }
    }
    ps().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_for_every_subcommand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = ps()
        .args(["man", &dir.path().to_string_lossy()])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for page in [
        "packsmith",
        "packsmith-ping",
        "packsmith-traceroute",
        "packsmith-sweep",
        "packsmith-respond",
        "packsmith-read",
        "packsmith-run",
        "packsmith-completions",
    ] {
        let text = std::fs::read_to_string(dir.path().join(format!("{page}.1")))
            .unwrap_or_else(|e| panic!("{page}.1: {e}"));
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page}: {text:.200}"
        );
        assert!(
            text.contains(&page.replace('-', "\\-")),
            "{page} names itself"
        );
    }
    // a directory that cannot be written: exit 1 with the OS error
    ps().args(["man", "/nonexistent/dir"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("No such file or directory"));
}
