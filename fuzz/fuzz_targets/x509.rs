//! libFuzzer target: the DER walk, `parse_certificate` and `parse_tbs` on any bytes must
//! not panic, and what they return must hold the invariants below.
#![no_main]

use certstreammonitor::x509::{certificate as x509, der};
use libfuzzer_sys::fuzz_target;

fn walk(data: &[u8], depth: usize) {
    for t in der::Children::new(data) {
        let Ok(t) = t else { break };
        if depth < 16 && t.is_constructed() {
            walk(t.content, depth + 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    walk(data, 0);
    for parsed in [x509::parse_certificate(data), x509::parse_tbs(data)]
        .into_iter()
        .flatten()
    {
        assert!(parsed.warnings.len() <= x509::MAX_WARNINGS + 1);
        let mut seen = std::collections::HashSet::new();
        for n in &parsed.all_domains {
            assert!(!n.is_empty());
            assert!(seen.insert(n.as_str()), "duplicate name");
        }
        let _ = parsed.subject.aggregated();
        let _ = parsed.issuer.aggregated();
        assert!(parsed.serial_number.len() % 2 == 0);
    }
});
