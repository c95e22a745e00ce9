//! The reporting subcommands: [`check_rules`] runs the rules on names typed by hand,
//! [`gethost`] lists the hosts recently stored.

pub mod check_rules;
pub mod gethost;
