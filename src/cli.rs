//! The reporting subcommands: [`check_rules`] runs the rules on names typed by hand,
//! [`gethost`] lists the hosts recently stored, [`notify_test`] sends a test notification
//! to every configured destination, [`check_config`] validates a configuration.

pub mod check_config;
pub mod check_rules;
pub mod gethost;
pub mod notify_test;
