//! The `packsmith` command: argument parsing and dispatch only; the library
//! does the work.

use clap::{CommandFactory, Parser, Subcommand};
use packsmith::lang::{self, Interp, RunError};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  packsmith                                         open the interactive shell
  packsmith -c 'print(bytes(IP(dst=\"198.18.0.1\")/ICMP()).hex())'
  packsmith -c 'for p in IP(dst=\"198.18.0.0/30\")/ICMP(): print(p.summary())'
  packsmith run probe.pks 198.18.0.1                run a saved probe script with arguments
  packsmith read capture.pcap --count 10            one summary line per packet
  packsmith read capture.pcapng -f 'ICMP in p and p[ICMP].type == 3' --show

Exit codes: 0 ok, 1 runtime error, 2 usage or syntax error, 77 missing privilege (CAP_NET_RAW).";

#[derive(Parser)]
#[command(
    name = "packsmith",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("PACKSMITH_COMMIT"), ")"),
    about = "A packet crafting shell with Scapy's syntax, built for speed",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Run CODE and exit (remaining arguments become sys.argv[1:])
    #[arg(short = 'c', value_name = "CODE")]
    code: Option<String>,
    /// Arguments for -c code
    #[arg(requires = "code", trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
    /// Disable coloured output (also: NO_COLOR=1, or output not to a terminal)
    #[arg(long, global = true)]
    no_color: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a probe script (FILE may be '-' for stdin); ARGS become sys.argv[1:]
    Run {
        file: String,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Ping a host with ICMP echo (or timestamp, or address-mask) requests, like iputils ping
    Ping(packsmith::cli::PingArgs),
    /// Trace the route to a host with ICMP, UDP or TCP SYN probes, all TTLs in parallel
    Traceroute(packsmith::cli::TracerouteArgs),
    /// Discover live hosts in a network with echo, timestamp or TCP SYN probes
    Sweep(packsmith::cli::SweepArgs),
    /// Answer ICMP echo, timestamp, information and address-mask requests on an interface
    Respond(packsmith::cli::RespondArgs),
    /// Print a pcap or pcapng file: one numbered summary line per packet
    Read(packsmith::cli::ReadArgs),
    /// Print a completion script for SHELL (bash, zsh, fish, elvish, powershell),
    /// e.g. `packsmith completions bash > /etc/bash_completion.d/packsmith`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write man pages (packsmith.1 and packsmith-SUBCOMMAND.1) into DIR
    Man {
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
    },
}

/// Writes packsmith.1 and one page per subcommand into `dir`, each through
/// a temporary file renamed into place; prints the paths written.
fn write_man_pages(dir: &std::path::Path) -> i32 {
    let cmd = Cli::command();
    let mut pages = vec![("packsmith".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("packsmith-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let mut text = Vec::new();
        if let Err(e) = clap_mangen::Man::new(page).render(&mut text) {
            eprintln!("packsmith: cannot render the {name} man page: {e}");
            return 1;
        }
        let path = dir.join(format!("{name}.1"));
        if let Err(e) = packsmith::fsutil::write(&path, &text) {
            eprintln!(
                "packsmith: cannot write {}: {}",
                path.display(),
                packsmith::fsutil::os_text(&e)
            );
            return 1;
        }
        println!("{}", path.display());
    }
    0
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color =
        !cli.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    colored::control::set_override(color);
    packsmith::sys::install_sigint_handler();
    // unset IP sources show and build as the route's source address
    packsmith::packet::build::set_source_resolver(packsmith::net::route::cached_source);
    // the evaluator recurses; give it a generous stack
    let worker = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || dispatch(cli, color));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => 1,
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn dispatch(cli: Cli, color: bool) -> i32 {
    match (cli.code, cli.command) {
        (Some(code), _) => {
            let mut argv = vec!["-c".to_string()];
            argv.extend(cli.args);
            run_text(argv, "<string>", &code, color)
        }
        (None, Some(Command::Run { file, args })) => {
            let text = if file == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    eprintln!("packsmith: cannot read the script from stdin: {e}");
                    return 2;
                }
                s
            } else {
                match std::fs::read(&file) {
                    Ok(b) => match String::from_utf8(b) {
                        Ok(s) => s,
                        Err(e) => {
                            eprintln!(
                                "packsmith: {file}: not UTF-8 text (invalid byte at offset {})",
                                e.utf8_error().valid_up_to()
                            );
                            return 2;
                        }
                    },
                    Err(e) => {
                        eprintln!("packsmith: cannot open {file}: {e}");
                        return 2;
                    }
                }
            };
            let mut argv = vec![file.clone()];
            argv.extend(args);
            let name = if file == "-" {
                "<stdin>".to_string()
            } else {
                file
            };
            run_text(argv, &name, &text, color)
        }
        (None, Some(Command::Ping(a))) => packsmith::cli::ping(a),
        (None, Some(Command::Traceroute(a))) => packsmith::cli::traceroute(a),
        (None, Some(Command::Sweep(a))) => packsmith::cli::sweep(a),
        (None, Some(Command::Respond(a))) => packsmith::cli::respond(a),
        (None, Some(Command::Read(a))) => packsmith::cli::read(a),
        (None, Some(Command::Man { dir })) => write_man_pages(&dir),
        (None, Some(Command::Completions { shell })) => {
            // generated from the same clap definitions that parse the arguments
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "packsmith", &mut script);
            use std::io::Write;
            let mut out = packsmith::sys::CheckedStdout;
            match out.write_all(&script).and_then(|_| out.flush()) {
                Ok(()) => 0,
                Err(_) => 1,
            }
        }
        (None, None) => {
            if std::io::stdin().is_terminal() {
                packsmith::repl::run(color, std::rc::Rc::new(packsmith::net::System))
            } else {
                let mut s = String::new();
                if std::io::stdin().read_to_string(&mut s).is_err() {
                    return 2;
                }
                run_text(vec!["-".into()], "<stdin>", &s, color)
            }
        }
    }
}

fn run_text(argv: Vec<String>, name: &str, text: &str, color: bool) -> i32 {
    let mut interp = Interp::new(argv, std::rc::Rc::new(packsmith::net::System));
    match lang::run_source(&mut interp, name, text) {
        Ok(()) => 0,
        Err(e) => {
            lang::output::flush();
            let msg = lang::render_error(&e, color);
            if !msg.is_empty() {
                eprint!("{msg}");
            }
            if let RunError::Exit(..) = e {
                return lang::exit_code(&e);
            }
            lang::exit_code(&e)
        }
    }
}
