//! Detection: is a host name worth recording? [`rules`] applies the keyword settings of
//! the original, [`lookalike`] catches the brand lookalikes keywords miss, consulting the
//! [`common_words`] list.

pub mod common_words;
pub mod lookalike;
pub mod rules;
