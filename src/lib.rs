//! certstreammonitor: watch Certificate Transparency for hostnames that look like
//! phishing of the brands you protect.
//!
//! Data flows one way. Monitor: a source ([`monitor::certstream_client`] or a replay file)
//! → a [`certificate::CertificateRecord`] ([`monitor::certstream_wire`] decodes the wire format)
//! → [`detect::rules`] → [`db`] and stdout ([`monitor`]). Reading back: [`cli::gethost`].
//! [`cli::check_rules`] runs the same rules on names given by hand.

pub mod atomic_file;
pub mod backoff;
pub mod bench;
pub mod certificate;
pub mod cli;
pub mod clock;
pub mod config;
pub mod ct;
pub mod db;
pub mod detect;
pub mod logging;
pub mod monitor;
pub mod net;
pub mod notify;
pub mod pycompat;
pub mod scan;
pub mod shutdown;
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
