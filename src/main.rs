//! Command-line entry: parse flags, hand off to the subcommand, print its error once.

use certstreammonitor::cli::check_config::{self, CheckConfigArgs};
use certstreammonitor::cli::check_rules::{self, CheckRulesArgs};
use certstreammonitor::cli::gethost::{self, GethostArgs};
use certstreammonitor::monitor::{self, MonitorArgs};
use certstreammonitor::{clock, Failure};
use lexopt::prelude::*;
use std::path::PathBuf;

const VERSION: &str = env!("CARGO_PKG_VERSION");

const USAGE: &str = "\
certstreammonitor - watch Certificate Transparency for phishing lookalikes of your brands

Usage:
  certstreammonitor [monitor] -c FILE [--replay FILE|-] [--stats] [--json]
  certstreammonitor scan -c FILE [-f|--fqdn-dirs]
  certstreammonitor serve -c FILE --replay FILE|- [--wait-clients N] [--rate N]
  certstreammonitor notify-test -c FILE
  certstreammonitor check-rules -c FILE -d NAME [-d NAME ...]   (-d - reads names from stdin)
  certstreammonitor check-config -c FILE [--for monitor|scan|serve]
  certstreammonitor gethost -c FILE [--since SECONDS] [--json]
  certstreammonitor loglist --update FILE [--url URL]

Subcommands:
  monitor        follow a certstream server (ACTServer) and store matching hosts (default)
  scan           probe stored hosts, enrich those online, write alert files
  serve          a certstream-compatible websocket server ([SERVE]) for certstream clients
  notify-test    send a test notification to every configured destination
  check-rules    show how the configured rules judge the given names
  check-config   validate the configuration and print its effective settings
  gethost        list hosts first seen in the last SECONDS (default 3600)
  loglist        download the CT log list used by direct CT mode (ACTServer = ct://)

Options:
  -c, --config FILE   configuration file (INI, same format as the Python version)
  -h, --help          this help (also after a subcommand)
  -V, --version       print the version
";

const MONITOR_USAGE: &str = "\
Usage: certstreammonitor monitor -c FILE [--replay FILE|-] [--stats] [--json]

Follow the certstream server(s) in [SERVER] ACTServer, or with ACTServer = ct:// the
CT logs themselves ([CTLOGS]), apply [SEARCH] rules to every name of every certificate,
store matches in [DATABASE] and print one line per new match.

  -c, --config FILE   configuration file
      --replay FILE   read certstream JSON messages (one per line) from FILE instead
                      of a server; `-` reads stdin. Ends when the input ends.
      --stats         direct CT mode: per-log position, tree size, backlog,
                      entries/s and errors on stderr every 10 s
      --json          print one JSON object per stored host instead of the text
                      line (also [LOGGING] StdoutFormat = json)
  -h, --help          this help
  -V, --version       print the version
";

const CHECK_RULES_USAGE: &str = "\
Usage: certstreammonitor check-rules -c FILE -d NAME [-d NAME ...]

Print the verdict of the configured rules ([SEARCH] SearchKeywords, BlacklistKeywords,
DetectionThreshold) for each NAME. With several names, or with `-d -` (names read from
stdin, one per line), each line is `NAME<TAB>verdict`.

  -c, --config FILE   configuration file
  -d, --domain NAME   a name to check (repeatable; `-` reads stdin)
  -h, --help          this help
  -V, --version       print the version
";

const CHECK_CONFIG_USAGE: &str = "\
Usage: certstreammonitor check-config -c FILE [--for monitor|scan|serve]

Validate everything the subcommand would read from FILE, with the same code: rules,
lookalike, database, log file, certstream servers or CT logs, proxies, notification
destinations (parsed, nothing sent), alerts directory, enrichment. Paths are checked
for writability without creating anything; no network request is made (a LogList URL
is checked for its syntax only). Prints the effective settings, one
`SECTION.Key = value` line each with secrets masked, then OK (exit 0); or every problem
found on stderr, naming file, line, section and key (exit 2).

  -c, --config FILE   configuration file
      --for WHAT      monitor, scan or serve (default: monitor and scan)
  -h, --help          this help
  -V, --version       print the version
";

fn run_check_config(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let mut target = check_config::Target::All;
    let Some(config) = Flags::parse_with_config(parser, CHECK_CONFIG_USAGE, None, |arg, flags| {
        match arg {
            Long("for") => {
                let v = flags.string()?;
                target = check_config::Target::parse(&v)
                    .map_err(|m| Failure::new(2, format!("{m}\n\n{CHECK_CONFIG_USAGE}")))?;
            }
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?
    else {
        return Ok(());
    };
    let args = CheckConfigArgs { config, target };
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    check_config::command(&args, &mut stdout.lock(), &mut stderr.lock())
}

const GETHOST_USAGE: &str = "\
Usage: certstreammonitor gethost -c FILE [--since SECONDS] [--json]

List the hosts whose FirstSeen is less than SECONDS ago (default 3600):
`Domain  Issuer  Fingerprint  StillInvestig`, or one JSON object per line with --json.

  -c, --config FILE     configuration file
      --since SECONDS   age limit (default 3600)
      --json            JSON lines instead of the original's text format
  -h, --help            this help
  -V, --version         print the version
";

const LOGLIST_USAGE: &str = "\
Usage: certstreammonitor loglist --update FILE [--url URL]

Download Chrome's CT log list (v3; or URL), check that it parses, and write it to FILE
atomically. Refresh the embedded list with `loglist --update assets/log_list.json` and
rebuild; or point `[CTLOGS] LogList` at FILE.

  --update FILE   where to write the list
  --url URL       list to fetch (default: Chrome's log_list.json)
  -h, --help      this help
  -V, --version   print the version
";

/// `--help` / `--version` inside any subcommand.
fn help_or_version(arg: &lexopt::Arg<'_>, usage: &str) -> bool {
    match arg {
        Short('h') | Long("help") => {
            print!("{usage}");
            true
        }
        Short('V') | Long("version") => {
            println!("certstreammonitor {VERSION}");
            true
        }
        _ => false,
    }
}

fn need_config(config: Option<PathBuf>, usage: &str) -> Result<PathBuf, Failure> {
    config.ok_or_else(|| Failure::new(2, format!("missing -c/--config FILE\n\n{usage}")))
}

fn bad_arg(e: lexopt::Error, usage: &str) -> Failure {
    Failure::new(2, format!("{e}\n\n{usage}"))
}

/// One subcommand's flag loop. `parse` handles what every subcommand shares: `-h/--help` and
/// `-V/--version` (printed, then the subcommand does nothing), lexopt errors (exit 2 with the
/// usage); `parse_with_config` adds the required `-c/--config FILE`. The subcommand's closure
/// gets only its own flags.
struct Flags<'p> {
    parser: &'p mut lexopt::Parser,
    usage: &'static str,
}

impl<'p> Flags<'p> {
    /// The current flag's value.
    fn value(&mut self) -> Result<std::ffi::OsString, Failure> {
        self.parser.value().map_err(|e| bad_arg(e, self.usage))
    }

    /// The current flag's value as UTF-8.
    fn string(&mut self) -> Result<String, Failure> {
        let v = self.value()?;
        v.string().map_err(|e| bad_arg(e, self.usage))
    }

    /// A flag (or positional argument) the subcommand does not take.
    fn unexpected(&self, arg: lexopt::Arg<'_>) -> Failure {
        bad_arg(arg.unexpected(), self.usage)
    }

    /// Hands every flag but `--help`/`--version` to `own`; false when one of those was given
    /// (and printed).
    fn parse(
        parser: &'p mut lexopt::Parser,
        usage: &'static str,
        mut own: impl FnMut(lexopt::Arg<'_>, &mut Flags<'p>) -> Result<(), Failure>,
    ) -> Result<bool, Failure> {
        let mut flags = Flags { parser, usage };
        loop {
            let Some(arg) = flags.parser.next().map_err(|e| bad_arg(e, usage))? else {
                return Ok(true);
            };
            // Own the flag's name, so that `own` may read the flag's value from the parser.
            let name;
            let arg = match arg {
                Long(s) => {
                    name = s.to_owned();
                    Long(name.as_str())
                }
                Short(c) => Short(c),
                Value(v) => Value(v),
            };
            if help_or_version(&arg, usage) {
                return Ok(false);
            }
            own(arg, &mut flags)?;
        }
    }

    /// `parse`, with `-c/--config FILE` (required; `config` when given before the
    /// subcommand's flags). None when `--help`/`--version` was given.
    fn parse_with_config(
        parser: &'p mut lexopt::Parser,
        usage: &'static str,
        mut config: Option<PathBuf>,
        mut own: impl FnMut(lexopt::Arg<'_>, &mut Flags<'p>) -> Result<(), Failure>,
    ) -> Result<Option<PathBuf>, Failure> {
        let go_on = Flags::parse(parser, usage, |arg, flags| match arg {
            Short('c') | Long("config") => {
                config = Some(flags.value()?.into());
                Ok(())
            }
            other => own(other, flags),
        })?;
        if !go_on {
            return Ok(None);
        }
        need_config(config, usage).map(Some)
    }
}

fn run_monitor(parser: &mut lexopt::Parser, config: Option<PathBuf>) -> Result<(), Failure> {
    let (mut replay, mut stats, mut json) = (None, false, false);
    let Some(config) = Flags::parse_with_config(parser, MONITOR_USAGE, config, |arg, flags| {
        match arg {
            Long("replay") => replay = Some(flags.string()?),
            Long("stats") => stats = true,
            Long("json") => json = true,
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?
    else {
        return Ok(());
    };
    let args = MonitorArgs {
        config,
        replay,
        stats,
        json,
    };
    monitor::command(&args)
}

fn run_check_rules(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let mut args = CheckRulesArgs::default();
    let Some(config) = Flags::parse_with_config(parser, CHECK_RULES_USAGE, None, |arg, flags| {
        match arg {
            Short('d') | Long("domain") => {
                let v = flags.value()?;
                args.names.push(v.to_string_lossy().into_owned());
            }
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?
    else {
        return Ok(());
    };
    args.config = config;
    let stdout = std::io::stdout();
    let stdin = std::io::stdin();
    check_rules::command(&args, &mut stdout.lock(), &mut stdin.lock())
}

const SCAN_USAGE: &str = "\
Usage: certstreammonitor scan -c FILE [-f|--fqdn-dirs]

Probe every stored host not yet settled (StillInvestig empty) with GET https://<host>/,
enrich those that answer (title, IP, ASN, abuse contact, Safe Browsing), write one JSON
alert per host under [REPORTING] Alerts_dir and mark it in the DB. Hosts first seen more
than Alert_Monitor_timelapse days ago are marked `Stop checking on <date>` unprobed.

  -c, --config FILE   configuration file
  -f, --fqdn-dirs     alerts in a reversed-label tree (com/example/www/www.example.com.json)
  -h, --help          this help
  -V, --version       print the version
";

fn run_scan(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let mut args = certstreammonitor::scan::ScanArgs::default();
    let Some(config) = Flags::parse_with_config(parser, SCAN_USAGE, None, |arg, flags| {
        match arg {
            Short('f') | Long("fqdn-dirs") => args.fqdn_dirs = true,
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?
    else {
        return Ok(());
    };
    args.config = config;
    certstreammonitor::scan::command(&args)
}

const NOTIFY_TEST_USAGE: &str = "\
Usage: certstreammonitor notify-test -c FILE

Send one test notification ([CertStreamMonitor] Test notification) to every destination
of [REPORTING] Notification_Destination and to Notification_Command, one attempt each,
and print one line per destination: its masked URL, then OK or the error. Exit status 0
when every destination succeeded, 1 otherwise (2 for a configuration error).

  -c, --config FILE   configuration file
  -h, --help          this help
  -V, --version       print the version
";

fn run_notify_test(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let Some(config) = Flags::parse_with_config(parser, NOTIFY_TEST_USAGE, None, |arg, flags| {
        Err(flags.unexpected(arg))
    })?
    else {
        return Ok(());
    };
    let stdout = std::io::stdout();
    certstreammonitor::cli::notify_test::test_command(&config, &mut stdout.lock())
}

fn run_gethost(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let (mut since, mut json) = (3600i64, false);
    let Some(config) = Flags::parse_with_config(parser, GETHOST_USAGE, None, |arg, flags| {
        match arg {
            Long("since") => {
                let v = flags.value()?;
                let s = v.to_string_lossy();
                since = certstreammonitor::config::parse_python_int(&s).ok_or_else(|| {
                    Failure::new(
                        2,
                        format!("--since: {s:?} is not a whole number of seconds"),
                    )
                })?;
            }
            Long("json") => json = true,
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?
    else {
        return Ok(());
    };
    let args = GethostArgs {
        config,
        since,
        json,
    };
    let stdout = std::io::stdout();
    gethost::command(&args, &mut stdout.lock())
}

fn run_loglist(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let (mut file, mut url) = (
        None::<PathBuf>,
        certstreammonitor::ct::loglist::CHROME_V3_URL.to_string(),
    );
    let go_on = Flags::parse(parser, LOGLIST_USAGE, |arg, flags| {
        match arg {
            Long("update") => file = Some(flags.value()?.into()),
            Long("url") => url = flags.value()?.to_string_lossy().into_owned(),
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?;
    if !go_on {
        return Ok(());
    }
    let file =
        file.ok_or_else(|| Failure::new(2, format!("missing --update FILE\n\n{LOGLIST_USAGE}")))?;
    let summary =
        certstreammonitor::ct::loglist::update_file(&file, &url).map_err(|e| Failure::new(1, e))?;
    println!("{summary}");
    Ok(())
}

const SERVE_USAGE: &str = "\
Usage: certstreammonitor serve -c FILE [--wait-clients N]
       certstreammonitor serve -c FILE --replay FILE|- [--wait-clients N] [--rate N]

Serve a certstream feed as certstream-server-go does: websocket endpoints / (lite),
/full-stream and /domains-only, <feed>/example.json, on [SERVE] Listen (default
127.0.0.1:4000; TLSCert/TLSKey for wss://, Token for access control). The feed is the
CT logs of [CTLOGS], read as monitor reads them in direct mode (per-log positions in
[DATABASE], so a restart serves what came in meanwhile), or a --replay.

  -c, --config FILE     configuration file
      --replay FILE     certstream JSON messages, one per line (`-`: stdin); serve ends
                        once every client was sent the whole input
      --wait-clients N  start reading (the logs or the replay) once N clients are connected
      --rate N          replay at most N messages per second
  -h, --help            this help
  -V, --version         print the version
";

fn run_serve(parser: &mut lexopt::Parser) -> Result<(), Failure> {
    let mut args = certstreammonitor::serve::ServeArgs::default();
    let Some(config) = Flags::parse_with_config(parser, SERVE_USAGE, None, |arg, flags| {
        let number = |flags: &mut Flags, name: &str| -> Result<u64, Failure> {
            let v = flags.string()?;
            v.trim().parse::<u32>().map(u64::from).map_err(|_| {
                Failure::new(
                    2,
                    format!("--{name}: {v:?} is not a whole number\n\n{SERVE_USAGE}"),
                )
            })
        };
        match arg {
            Long("replay") => args.replay = Some(flags.string()?),
            Long("wait-clients") => args.wait_clients = number(flags, "wait-clients")? as usize,
            Long("rate") => args.rate = number(flags, "rate")? as u32,
            other => return Err(flags.unexpected(other)),
        }
        Ok(())
    })?
    else {
        return Ok(());
    };
    args.config = config;
    match args.replay.clone() {
        Some(replay) => certstreammonitor::serve::replay_command(&args, &replay),
        None => certstreammonitor::monitor::serve_command(&args),
    }
}

fn run() -> Result<(), Failure> {
    let mut parser = lexopt::Parser::from_env();
    let first = parser.next().map_err(|e| bad_arg(e, USAGE))?;
    match first {
        None => Err(Failure::new(2, format!("nothing to do\n\n{USAGE}"))),
        Some(Value(cmd)) => match cmd.to_string_lossy().as_ref() {
            "monitor" => run_monitor(&mut parser, None),
            "check-rules" | "check_rules" => run_check_rules(&mut parser),
            "check-config" | "check_config" => run_check_config(&mut parser),
            "gethost" => run_gethost(&mut parser),
            "loglist" => run_loglist(&mut parser),
            "scan" => run_scan(&mut parser),
            "serve" => run_serve(&mut parser),
            "notify-test" | "notify_test" => run_notify_test(&mut parser),
            other => Err(Failure::new(
                2,
                format!("unknown subcommand {other:?}\n\n{USAGE}"),
            )),
        },
        // `certstreammonitor -c FILE` stands where `CertStreamMonitor.py -c FILE` stood.
        Some(Short('c')) | Some(Long("config")) => {
            let config: PathBuf = parser.value().map_err(|e| bad_arg(e, USAGE))?.into();
            run_monitor(&mut parser, Some(config))
        }
        Some(arg) if help_or_version(&arg, USAGE) => Ok(()),
        Some(other) => Err(bad_arg(other.unexpected(), USAGE)),
    }
}

fn main() {
    clock::init_timezone();
    if let Err(e) = run() {
        // Errors may quote what a server answered: no secret goes out with them.
        let message = certstreammonitor::redact::scrub(&e.message);
        eprintln!("certstreammonitor: error: {message}");
        std::process::exit(e.code);
    }
}
