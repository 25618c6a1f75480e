//! The REPL through a real pseudo-terminal: typing, Tab completion, blocks,
//! errors then more input, Ctrl-C at the prompt and during a command, Ctrl-D,
//! and history persisted across sessions.

use expectrl::{ControlCode, Session};
use std::process::Command;
use std::time::Duration;

/// An empty prompt waiting for input: rustyline redraws the prompt with the
/// line (and its hint) as keys arrive, and those redraws also contain `>>> `;
/// only a fresh prompt is followed directly by the carriage return that puts
/// the cursor after it.
const PROMPT: &str = ">>> \r";
const MORE: &str = "... \r";

fn start(state: &std::path::Path) -> Session {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("packsmith"));
    cmd.env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("spawn packsmith in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect(PROMPT).expect("first prompt");
    s
}

#[test]
fn expressions_blocks_errors_and_underscore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = start(dir.path());
    s.send_line("6 * 7").expect("send");
    s.expect("42").expect("repr printed");
    s.expect(PROMPT).expect("prompt");
    s.send_line("_ + 1").expect("send");
    s.expect("43").expect("underscore holds the last value");
    s.send_line("for i in range(3):").expect("send");
    s.expect(MORE).expect("continuation prompt");
    s.send_line("    print('item', i * 10)").expect("send");
    s.expect(MORE).expect("block continues");
    s.send_line("").expect("send");
    s.expect("item 20").expect("block ran");
    s.send_line("1/0").expect("send");
    s.expect("ZeroDivisionError: division by zero")
        .expect("error shown");
    s.expect(PROMPT).expect("session survives");
    s.send_line("x = (1,").expect("send");
    s.expect(MORE).expect("open bracket continues");
    s.send_line(" 2)").expect("send");
    s.expect(PROMPT).expect("entry complete");
    s.send_line("print(x)").expect("send");
    s.expect("(1, 2)").expect("bracket joined");
    s.send_line("ICMP(typ=13)").expect("send");
    s.expect("did you mean `type`?").expect("did-you-mean");
    s.send_line("IP(dst='198.18.0.1')/ICMP()").expect("send");
    s.expect("<IP  frag=0 proto=icmp dst=198.18.0.1 |<ICMP  |>>")
        .expect("packet repr");
    // keys typed before the prompt is back reach a terminal that is not in
    // raw mode yet, where Ctrl-D is the line discipline's, not the REPL's
    s.expect(PROMPT).expect("prompt before Ctrl-D");
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    s.expect(expectrl::Eof).expect("exits on Ctrl-D");
}

/// Sends keys the way a person types them: one group at a time.
fn keys(s: &mut Session, k: &str) {
    s.send(k).expect("send keys");
    std::thread::sleep(Duration::from_millis(150));
}

#[test]
fn tab_completion() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = start(dir.path());
    // a field name inside a layer call
    keys(&mut s, "p = ICMP(ty");
    keys(&mut s, "\t");
    // an enum name inside the string
    keys(&mut s, "\"echo-req");
    keys(&mut s, "\t");
    keys(&mut s, "\")\r");
    keys(&mut s, "print(p.type)\r");
    s.expect("\r\n8\r\n")
        .expect("completed to type=\"echo-request\"");
    // a variable's attributes
    keys(&mut s, "pkt = IP()\r");
    keys(&mut s, "print(pkt.tt");
    keys(&mut s, "\t");
    keys(&mut s, ")\r");
    s.expect("\r\n64\r\n").expect("completed to pkt.ttl");
}

#[test]
fn ctrl_c_cancels_line_and_running_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = start(dir.path());
    s.send("this line is abandoned").expect("send");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    s.expect("KeyboardInterrupt").expect("line cancelled");
    s.expect(PROMPT).expect("prompt again");
    // Ctrl-C only once the loop is seen running (a Ctrl-C that arrives
    // before the entry starts is cleared as belonging to the prompt)
    s.send_line("n = 0").expect("send");
    s.expect(PROMPT).expect("prompt");
    s.send_line("while True: n += 1; print('spin' + 'ning') if n == 1000 else None")
        .expect("send");
    s.expect("spinning").expect("the loop runs");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    s.expect("KeyboardInterrupt").expect("command interrupted");
    s.expect(PROMPT).expect("still in the REPL");
    s.send_line("print('alive')").expect("send");
    s.expect("alive").expect("works after interrupt");
}

#[test]
fn history_persists_across_sessions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = start(dir.path());
    s.send_line("marker_value = 31337").expect("send");
    s.expect(PROMPT).expect("prompt");
    std::thread::sleep(Duration::from_millis(100));
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    s.expect(expectrl::Eof).expect("exit");
    let hist = std::fs::read_to_string(dir.path().join("packsmith/history")).expect("history file");
    assert!(hist.contains("marker_value = 31337"));
    let mut s = start(dir.path());
    keys(&mut s, "\x1b[A");
    keys(&mut s, "\r");
    keys(&mut s, "print(marker_value + 1)\r");
    s.expect("31338").expect("recalled entry ran");
}

/// Sends `text` as a terminal sends a paste (bracketed: one insertion, not
/// one redraw per character), then Enter.
/// Written in small pieces, draining the echo between them: one big write
/// can block on a full terminal while the program blocks on its output.
fn paste_line(s: &mut Session, text: &str) {
    let data = format!("\x1b[200~{text}\x1b[201~");
    let mut scratch = vec![0u8; 1 << 16];
    for chunk in data.as_bytes().chunks(512) {
        s.send(chunk).expect("paste");
        while s.try_read(&mut scratch).is_ok_and(|n| n > 0) {}
    }
    s.send("\r").expect("enter");
}

#[test]
fn session_survives_hostile_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = start(dir.path());
    s.set_expect_timeout(Some(Duration::from_secs(120)));
    // an 80 KB pasted line
    paste_line(
        &mut s,
        &format!("x = '{}'; print(len(x) * 2)", "a".repeat(80_000)),
    );
    s.expect("160000").expect("long paste evaluated");
    s.expect(PROMPT).expect("prompt after the long line");
    // a chain too long to compile
    paste_line(&mut s, &format!("{}1", "1+".repeat(5000)));
    s.expect("RecursionError: maximum recursion depth exceeded during compilation")
        .expect("compile-time RecursionError");
    s.expect(PROMPT).expect("prompt after RecursionError");
    // a structure deep enough to overflow the stack when printed or freed
    s.send_line("x = []").expect("send");
    s.expect(PROMPT).expect("prompt");
    s.send_line("for i in range(3000000): x = [x]")
        .expect("send");
    s.expect(PROMPT).expect("loop done");
    s.send_line("x").expect("send");
    s.expect("RecursionError: maximum recursion depth exceeded while getting the repr")
        .expect("repr raises");
    s.expect(PROMPT).expect("prompt after repr");
    s.send_line("x = 0").expect("send");
    s.expect(PROMPT).expect("freed without overflowing");
    // a length that does not fit its field
    s.send_line("bytes(IP()/('x'*70000))").expect("send");
    s.expect("struct.error: IP.len").expect("struct.error");
    s.expect(PROMPT).expect("prompt after struct.error");
    s.send_line("print('alive', 6 * 7)").expect("send");
    s.expect("alive 42").expect("session still works");
    s.expect(PROMPT).expect("prompt before Ctrl-D");
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    s.expect(expectrl::Eof).expect("exits on Ctrl-D");
}
