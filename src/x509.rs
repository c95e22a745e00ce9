//! Certificates as CT logs hold them: [`der`] reads the DER encoding, [`certificate`]
//! takes out the fields a certstream `leaf_cert` carries ([`extensions`] renders its extensions object), and [`fingerprint`] names a
//! certificate by its fingerprint the way certstream does.

pub mod certificate;
pub mod der;
pub mod extensions;
pub mod fingerprint;
