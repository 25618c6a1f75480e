//! Hostile programs never kill the process: each one below used to panic or
//! abort; now it raises the exception Python raises (or a documented
//! MemoryError/OverflowError), with a traceback, and exits 1.

use std::process::Command;

/// Runs `packsmith -c src`; returns (exit code, stdout, stderr).
fn run(src: &str) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_packsmith"))
        .arg("-c")
        .arg(src)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run packsmith");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The program fails with exit `code` and `exc` on stderr, and did not panic.
fn raises(src: &str, code: i32, exc: &str) {
    let (c, _, err) = run(src);
    assert!(!err.contains("panicked"), "{src}: panicked: {err}");
    assert_eq!(c, code, "{src}: exit {c}, stderr: {err}");
    assert!(
        err.contains(&format!("{exc}:")),
        "{src}: expected {exc}, got: {err}"
    );
}

/// The program succeeds and prints `out`.
fn prints(src: &str, out: &str) {
    let (c, o, err) = run(src);
    assert_eq!(c, 0, "{src}: exit {c}, stderr: {err}");
    assert_eq!(o.trim_end(), out, "{src}");
}

#[test]
fn int_min_floordiv_mod_divmod_minus_one() {
    raises("m=-9223372036854775807-1; m//-1", 1, "OverflowError");
    raises(
        "m=-9223372036854775807-1; divmod(m, -1)",
        1,
        "OverflowError",
    );
    prints("m=-9223372036854775807-1; print(m % -1)", "0");
    raises("int('1', 37)", 1, "ValueError");
    raises("int('1', 1)", 1, "ValueError");
    let (_, _, err) = run("int('1', 37)");
    assert!(
        err.contains("int() base must be >= 2 and <= 36, or 0"),
        "{err}"
    );
    prints("print(int('z', 36), int('0x1f', 0))", "35 31");
}

#[test]
fn huge_format_precision_and_width() {
    prints("print(len('%.70000f' % 1.0))", "70002");
    prints("print(len('{:.70000f}'.format(1.0)))", "70002");
    prints("print(len(f'{1.0:.100000e}'))", "100006");
    prints("print(('%.70000f' % 0.1)[:22])", "0.10000000000000000555");
    prints("print(f'{1.5:.70000e}'[-7:])", "000e+00");
    raises("'{:>10000000000}'.format(1)", 1, "MemoryError");
    raises("'{:.10000000000f}'.format(1.0)", 1, "MemoryError");
    raises("'%10000000000d' % 1", 1, "MemoryError");
    raises("'{:>99999999999999999999999}'.format(1)", 1, "ValueError");
}

#[test]
fn allocation_guards_count_bytes() {
    raises("'x'.ljust(10**18)", 1, "MemoryError");
    raises("'x'.center(10**10)", 1, "MemoryError");
    raises("'x'.rjust(10**10, 'y')", 1, "MemoryError");
    raises("'1'.zfill(10**10)", 1, "MemoryError");
    raises(
        "import struct; struct.pack('999999999999s', b'')",
        1,
        "MemoryError",
    );
    raises(
        "import struct; struct.pack('99999999999999999999q')",
        1,
        "error",
    );
    // 10**9 items of 32 bytes each: the old guard counted items only
    raises("[0]*10**9", 1, "MemoryError");
    raises("(0,)*10**9", 1, "MemoryError");
    raises("'ab'*10**9", 1, "MemoryError");
    prints("print(len([0]*1000), len('ab'*1000))", "1000 2000");
}

#[test]
fn self_containing_list_and_dict_print_with_ellipsis() {
    prints("a=[1]; a.append(a); print(a)", "[1, [...]]");
    prints(
        "a=[1]; a.append(a); print(repr([a, a]))",
        "[[1, [...]], [1, [...]]]",
    );
    prints("d={}; d[1]=d; print(d)", "{1: {...}}");
    prints("d={}; d['l']=[d]; print(d)", "{'l': [{...}]}");
    prints("a=[1]; a.append(a); print(a==a)", "True");
    // the same list twice, not nested, is printed in full both times
    prints("b=[2]; print([b, b])", "[[2], [2]]");
}

#[test]
fn unbounded_recursion_is_recursion_error() {
    raises("def f(): f()\nf()", 1, "RecursionError");
}

/// Runs a script file (long lines do not fit an argv comfortably).
fn run_file(name: &str, src: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("hostile_language_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, src).expect("write script");
    let o = Command::new(env!("CARGO_BIN_EXE_packsmith"))
        .arg("run")
        .arg(&path)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run packsmith");
    let _ = std::fs::remove_file(&path);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn syntax_error_column_past_65535_is_exact() {
    let (c, err) = run_file("open.py", &format!("{}\n", "(".repeat(100_000)));
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("SyntaxError"), "{err}");
    assert!(err.contains(":1:100000"), "{err}");
    let (c, err) = run_file("tuple.py", &format!("x = 0\n{})\n", "1,".repeat(1_000_000)));
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(c, 2, "{err}");
    assert!(err.contains(":2:2000001"), "{err}");
}

#[test]
fn sleep_rejects_nan_negative_and_huge() {
    raises("import time; time.sleep(float('nan'))", 1, "ValueError");
    raises("sleep(float('nan'))", 1, "ValueError");
    raises("import time; time.sleep(-1)", 1, "ValueError");
    let (_, _, err) = run("sleep(-1)");
    assert!(err.contains("sleep length must be non-negative"), "{err}");
    raises("import time; time.sleep(1e300)", 1, "OverflowError");
    raises("sleep(float('inf'))", 1, "OverflowError");
    prints("sleep(0.001); print('ok')", "ok");
}

#[test]
fn utf8_bom_at_script_start_is_accepted() {
    let (c, err) = run_file("bom.py", "\u{feff}print(1)\nif 1:\n  x = 2\n");
    assert_eq!(c, 0, "{err}");
    let (c, err) = run_file("bom2.py", "\u{feff}print(1\n");
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("bom2.py:1:6"), "{err}");
}

#[test]
fn packet_payload_cycles_raise() {
    raises("p=IP()/ICMP(); p.payload.payload=p", 1, "ValueError");
    raises("p=IP(); p.payload=p", 1, "ValueError");
    // a layer above is copied first, not refused (and the RefCell is not re-borrowed)
    prints(
        "p=IP()/TCP()/ICMP(); p.payload=p.payload.payload; print(p.summary())",
        "IP / ICMP 127.0.0.1 > 127.0.0.1 echo-request 0",
    );
}

/// Timeouts and intervals of NaN, infinity or 1e300 seconds never panic the
/// engine (root: loopback probes; otherwise the privilege error, exit 77).
#[test]
fn engine_durations_from_any_float() {
    for code in [
        "sr1(IP(dst='127.0.0.1')/ICMP(), timeout=float('nan'), verbose=0)",
        "sr(IP(dst='127.0.0.1')/ICMP(seq=(1, 2)), inter=1e-300, timeout=1e300, verbose=0)",
        "sr(IP(dst='127.0.0.1')/ICMP(), timeout=float('inf'), verbose=0)",
        "send(IP(dst='127.0.0.1')/ICMP(), rate=1e300, verbose=0)",
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_packsmith"))
            .args(["-c", code])
            .env("NO_COLOR", "1")
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            matches!(o.status.code(), Some(0) | Some(77)),
            "{code}: {:?} {err}",
            o.status
        );
        assert!(!err.contains("panicked"), "{code}: {err}");
    }
}

#[test]
fn pacing_that_is_not_a_number_is_value_error() {
    // raised before any privilege check or packet is sent
    for code in [
        "sr(IP(dst='127.0.0.1')/ICMP(), inter=float('nan'), timeout=0.1)",
        "send(IP(dst='127.0.0.1')/ICMP(), inter=-1)",
        "send(IP(dst='127.0.0.1')/ICMP(), rate=0)",
        "sweep('198.18.0.0/30', rate=float('inf'))",
        "srloop(IP(dst='127.0.0.1')/ICMP(), inter=float('nan'), count=1)",
    ] {
        raises(code, 1, "ValueError");
    }
    let (_, _, err) = run("send(IP(dst='127.0.0.1')/ICMP(), inter=float('nan'))");
    assert!(
        err.contains("inter=nan: expected a finite number of seconds"),
        "{err}"
    );
}

/// `return` outside a function and `break`/`continue` outside a loop are
/// SyntaxErrors found before anything runs (exit 2, with line:col).
#[test]
fn return_and_break_outside_their_blocks_are_syntax_errors() {
    for (src, at) in [
        ("print('ran')\nreturn 5", "<string>:2:1"),
        ("break", "<string>:1:1"),
        (
            "for i in range(2):\n    def f():\n        continue",
            "<string>:3:9",
        ),
        ("class A:\n    return 1", "<string>:2:5"),
    ] {
        let (c, out, err) = run(src);
        assert_eq!(c, 2, "{src}: {err}");
        assert!(
            err.contains("SyntaxError:") && err.contains(at),
            "{src}: {err}"
        );
        assert!(out.is_empty(), "{src}: nothing runs before the error");
    }
    prints(
        "def f():\n    for i in range(3):\n        if i: break\n        continue\n    return 1\nprint(f())",
        "1",
    );
}

#[test]
fn million_term_expression_is_recursion_error_during_compilation() {
    let src = format!("x = {}1\nprint(x)", "1+".repeat(1_000_000));
    let (code, out) = run_file("chain.pks", &src);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("RecursionError: maximum recursion depth exceeded during compilation"),
        "{out}"
    );
    // a long but reasonable chain still runs
    prints(&format!("print({}1)", "1+".repeat(2999)), "3000");
    raises(
        &format!("print({}1)", "x.".repeat(5000)),
        1,
        "RecursionError",
    );
}

#[test]
fn deep_structures_are_freed_printed_and_compared_without_aborting() {
    // 3,000,000 levels overflowed the 512 MiB interpreter stack when dropped
    prints(
        "x = []\nfor i in range(3000000): x = [x]\ny = x\ntry:\n    repr(x)\nexcept RecursionError as e:\n    print(e)\nx = 0\ny = 0\nprint('freed')",
        "maximum recursion depth exceeded while getting the repr of an object\nfreed",
    );
}

#[test]
fn ambiguous_tabs_and_spaces_are_tab_errors() {
    // the same cases CPython refuses; consistent tabs are fine
    for src in [
        "if 1:\n\tx = 1\n        y = 2\n",
        "if 1:\n        x = 1\n\ty = 2\n",
        "if 1:\n  if 1:\n\tx = 1\n",
    ] {
        let (code, err) = run_file("tabs.pks", src);
        assert_eq!(code, 2, "{src:?}: {err}");
        assert!(
            err.contains("TabError: inconsistent use of tabs and spaces in indentation"),
            "{src:?}: {err}"
        );
    }
    let (code, err) = run_file(
        "tabs_ok.pks",
        "if 1:\n\tif 1:\n\t\tx = 1\n\ty = 2\nprint(x, y)\n",
    );
    assert_eq!(code, 0, "{err}");
    let (code, err) = run_file("indent.pks", "x = 1\n  y = 2\n");
    assert_eq!(code, 2);
    assert!(err.contains("IndentationError: unexpected indent"), "{err}");
}

#[test]
fn computed_values_that_do_not_fit_raise_struct_error() {
    // Scapy: struct.error from post_build; before, the length wrapped
    raises("bytes(IP()/('x'*70000))", 1, "struct.error");
    raises("len(UDP()/('x'*70000))", 1, "struct.error");
    raises("bytes(TCP(options=[('MSS', 10**6)]))", 1, "struct.error");
    raises("bytes(TCP(options=[('WScale', 300)]))", 1, "struct.error");
    raises(
        "bytes(TCP(options=[('NOP', None)] * 41))",
        1,
        "struct.error",
    );
    prints(
        "import struct\ntry:\n    bytes(IP()/('x'*70000))\nexcept struct.error as e:\n    print(e)",
        "IP.len: the length 70020 does not fit in 16 bits (at most 65535)",
    );
    // wrpcap raises the same, and the file it would replace is kept
    let dir = std::env::temp_dir().join(format!("hostile_wrpcap_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let f = dir.join("keep.pcap");
    std::fs::write(&f, b"old").expect("write");
    raises(
        &format!(
            "wrpcap({:?}, [IP()/ICMP(), IP()/('x'*70000)])",
            f.to_string_lossy()
        ),
        1,
        "struct.error",
    );
    assert_eq!(std::fs::read(&f).expect("read"), b"old");
    let _ = std::fs::remove_dir_all(&dir);
    // set explicitly, or at the limits, it builds as given
    prints("print(len(bytes(IP(len=5)/('x'*70000))))", "70020");
    prints(
        "print(bytes(TCP(options=[('MSS', 65535), ('WScale', 255)])).hex()[40:])",
        "0204ffff0303ff00",
    );
}

#[test]
fn stacking_onto_a_packet_in_a_loop_keeps_python_semantics() {
    // `p = p / X` appends in place only when nothing else holds p
    prints(
        "p = IP()/ICMP()\nq = p\np = p/'ab'\nr = p[ICMP]\np /= 'cd'\nprint(repr(q))\nprint(repr(r))\nprint(repr(p))",
        "<IP  frag=0 proto=icmp |<ICMP  |>>\n<ICMP  |<Raw  load=b'ab' |>>\n<IP  frag=0 proto=icmp |<ICMP  |<Raw  load=b'ab' |<Raw  load=b'cd' |>>>>",
    );
    prints(
        "p = IP()\nfor i in range(1000): p = p/IP()\nprint(len(bytes(p)))\np = p/p\nprint(len(bytes(p)))",
        "20020\n40040",
    );
}

#[test]
fn iter_returning_self_is_type_error_and_next_protocol_works() {
    raises(
        "class It:\n    def __iter__(self):\n        return self\nfor x in It():\n    pass",
        1,
        "TypeError",
    );
    prints(
        "class C:\n    def __init__(self): self.n = 0\n    def __iter__(self): return self\n    def __next__(self):\n        self.n += 1\n        if self.n > 3: raise StopIteration\n        return self.n\nprint(list(C()), sum(C()))",
        "[1, 2, 3] 6",
    );
}

#[test]
fn huge_iterables_are_refused_or_summed_without_materialising() {
    raises("x = list(range(10**18))", 1, "MemoryError");
    raises("x = sorted(range(10**17))", 1, "MemoryError");
    prints(
        "print(sum(range(10**6)), sum(range(10, 0, -3)), sum(range(5), 10), sum(range(10**9)))",
        "499999500000 22 20 499999999500000000",
    );
    // the exact total needs more than 64 bits: refused at once, not after years
    raises("sum(range(10**18))", 1, "OverflowError");
    prints(
        "print(sum(x * 2 for x in range(4)), sum([0.5, 1]))",
        "12 1.5",
    );
}

#[test]
fn probes_that_do_not_fit_are_refused_before_sending() {
    for code in [
        "sr1(IP(dst='127.0.0.1')/('x'*70000), timeout=1)",
        "send(IP(dst='127.0.0.1')/TCP(options=[('MSS', 10**6)]))",
    ] {
        let (c, _, err) = run(code);
        if c == 77 {
            eprintln!("skipping {code}: needs CAP_NET_RAW");
            continue;
        }
        assert_eq!(c, 1, "{code}: {err}");
        assert!(
            err.contains("ValueError:") && err.contains("does not fit in 16 bits"),
            "{code}: {err}"
        );
    }
}
