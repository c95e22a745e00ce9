//! certstreammonitor: watch Certificate Transparency for hostnames that look like
//! phishing of the brands you protect.
//!
//! Data flows one way, in two commands, and the folders follow the stages.
//!
//! `monitor` ([`monitor`]): a source — a certstream feed
//! ([`monitor::certstream_client`], wire format in [`monitor::certstream_wire`]), a replay
//! file (`monitor::source`), or the CT logs themselves ([`ct`], certificates read by
//! [`x509`]) — yields a [`certificate::CertificateRecord`]; [`detect`] (keyword rules and
//! lookalikes) decides per name, and [`monitor::matcher`] stores a match in the [`db`]
//! before printing its stdout line.
//!
//! `scan` ([`scan`]): a DB row → probe (`scan::probe`, the page title in [`scan::title`])
//! → enrichment ([`scan::enrich`]) → alert ([`alert`], its file placed by [`scan::alert`]) → notification
//! ([`notify`], mail in [`notify::smtp`]).
//!
//! Shared: [`config`] (read the way Python's configparser reads it, [`pycompat`]), [`net`]
//! (HTTP, proxies), [`metrics`] (Prometheus text format, `/metrics`), [`redact`] (secrets out of everything shown or stored; `secrets`
//! gathers them from the configuration), [`logging`], [`clock`]. [`cli`] holds the small
//! subcommands (`check-rules`, `check-config`, `gethost`, `notify-test`). Modules depend downwards only:
//! `docs/architecture.md` lists the layers.

pub mod alert;
pub mod atomic_file;
pub(crate) mod backoff;
pub mod certificate;
pub mod cli;
pub mod clock;
pub mod config;
pub mod ct;
pub mod db;
pub mod detect;
pub mod logging;
pub mod metrics;
pub mod monitor;
pub mod net;
pub mod notify;
pub mod pycompat;
pub mod redact;
pub mod scan;
pub(crate) mod secrets;
pub mod serve;
pub(crate) mod shutdown;
pub mod x509;

use std::fmt;

/// An error on its way to `main`, which prints it once and exits with `code`.
#[derive(Debug)]
pub struct Failure {
    /// 2 for configuration mistakes, 1 for everything else.
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<config::ConfigError> for Failure {
    fn from(e: config::ConfigError) -> Failure {
        Failure::new(2, e.to_string())
    }
}

impl From<db::DbError> for Failure {
    fn from(e: db::DbError) -> Failure {
        Failure::new(1, e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::new(1, e.to_string())
    }
}
