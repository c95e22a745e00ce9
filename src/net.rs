//! Network plumbing shared by the sources and `scan`: [`http`] GETs, [`proxy`] tunnels,
//! [`base64`] for credentials and log entries, and [`redact`], which keeps secrets and
//! hostile bytes out of everything shown or stored.

pub mod base64;
pub mod http;
pub mod proxy;
pub mod redact;
