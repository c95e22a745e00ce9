//! `certstreammonitor notify-test`: the test message to every configured destination, one
//! attempt each, so a configuration can be checked before a scan relies on it.

use crate::config::Config;
use crate::notify::Message;
use crate::notify::NotifySettings;
use crate::notify::Sender;
use crate::Failure;
use std::io::Write;
use std::path::Path;

/// `certstreammonitor notify-test -c FILE`: one test message to every destination (one
/// attempt each), one line per destination on `out`: `[n] <masked URL>: OK` or
/// `…: FAILED: <error>`. Exit 1 when any failed, 2 when nothing is configured.
pub fn test_command(config_path: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let config = Config::load(config_path)?;
    crate::redact::register(&crate::secrets::in_config(&config));
    let settings = NotifySettings::from_config(&config)?;
    if settings.is_empty() {
        return Err(Failure::new(
            2,
            format!("{}: [REPORTING] Notification_Destination and Notification_Command are both empty: nothing to test", config_path.display()),
        ));
    }
    let sender =
        Sender::new(&settings).map_err(|m| Failure::new(2, format!("notifications: {m}")))?;
    let msg = Message::test();
    let mut failed = 0;
    for d in &settings.destinations {
        let mut done = Vec::new();
        let line = match sender.deliver(d, &msg, &mut done) {
            Ok(()) => format!("{}: OK", d.display()),
            Err(e) => {
                failed += 1;
                format!("{}: FAILED: {e}", d.display())
            }
        };
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    if failed > 0 {
        return Err(Failure::new(
            1,
            format!(
                "{failed} of {} notification destinations failed",
                settings.destinations.len()
            ),
        ));
    }
    Ok(())
}
