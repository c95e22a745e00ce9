//! Detection: is a host name worth recording? [`rules`] applies the keyword settings of
//! the original (their Python `re` patterns translated by `pyregex`), [`lookalike`]
//! catches the brand lookalikes keywords miss.

pub mod lookalike;
mod pyregex;
pub mod rules;
