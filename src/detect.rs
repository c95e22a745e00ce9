//! Detection: is a host name worth recording? [`rules`] applies the keyword settings of
//! the original (their Python `re` patterns translated by `pyregex`), [`lookalike`]
//! catches the brand lookalikes keywords miss, consulting the [`common_words`] list.

pub mod common_words;
pub mod lookalike;
mod pyregex;
pub mod rules;
