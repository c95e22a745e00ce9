//! The CT-log source: read Certificate Transparency logs directly (RFC 6962 and
//! static-ct-api tiled logs) instead of a certstream feed.
//!
//! [`loglist`] says which logs exist and how to read them, [`reader`] follows one log
//! batch by batch (over `rfc6962` or `static_ct`, the log's protocol), and [`entry`] turns
//! each log entry into a certificate record.

pub mod entry;
pub mod loglist;
pub mod reader;
mod rfc6962;
mod static_ct;
