//! Network plumbing shared by the sources and `scan`: [`http`] GETs, [`proxy`] tunnels,
//! [`base64`] for credentials and log entries. Secrets are kept out of what they log by
//! [`crate::redact`], a leaf module below logging.

pub mod base64;
pub mod http;
pub mod proxy;
