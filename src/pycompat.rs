//! Exactly what the Python original did, where existing files depend on it: [`ini`] reads
//! config files as Python 3.11 `configparser` does.

pub mod ini;
