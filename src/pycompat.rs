//! Exactly what the Python original did, where existing files depend on it: [`ini`] reads
//! config files as Python 3.11 `configparser` does; [`python_literal`] writes values as
//! Python's `json.dump`, `json.dumps` and `repr` do (alert files, console lines, request
//! bodies).

pub mod ini;
pub mod python_literal;
