//! certstreammonitor: watch Certificate Transparency for hostnames that look like
//! phishing of the brands you protect.
//!
//! Data flows one way. Monitor: a source ([`certstream_client`] or a replay file)
//! → a [`certificate::CertificateRecord`] ([`certstream`] decodes the wire format)
//! → [`rules`] → [`db`] and stdout ([`monitor`]). Reading back: [`gethost`].
//! [`check_rules`] runs the same rules on names given by hand.

pub mod alert;
pub mod atomic_file;
pub mod backoff;
pub mod base64;
pub mod bench;
pub mod certificate;
pub mod certstream;
pub mod certstream_client;
pub mod check_rules;
pub mod clock;
pub mod common_words;
pub mod config;
pub mod ct_entry;
pub mod ct_monitor;
pub mod ct_reader;
pub mod db;
pub mod der;
pub mod enrich;
pub mod gethost;
pub mod http;
pub mod ini;
pub mod logging;
pub mod loglist;
pub mod lookalike;
pub mod monitor;
pub mod notify;
pub mod probe;
pub mod proxy;
pub mod redact;
pub mod rules;
pub mod scan;
pub mod sha1;
pub mod shutdown;
pub mod smtp;
pub mod title;
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
