//! `[LOOKALIKE]`: the engine's verdicts per technique, OwnedDomains, IDN decoding, config
//! errors, and its effect on `monitor --replay` and `check-rules`.

mod common;

use certstreammonitor::config::Config;
use certstreammonitor::detect::lookalike::{
    skeleton, Explanation, Lookalike, LookalikeSettings, Technique,
};
use common::*;

const BRANDS: &[&str] = &[
    "paypal",
    "apple",
    "microsoft",
    "amazon",
    "netflix",
    "ameli",
    "impots",
    "facebook",
];
const OWNED: &[&str] = &[
    "paypal.com",
    "paypal.me",
    "apple.com",
    "icloud.com",
    "microsoft.com",
    "amazon.fr",
    "ameli.fr",
    "impots.gouv.fr",
];

fn engine() -> Lookalike {
    Lookalike::new(&LookalikeSettings::new(BRANDS, OWNED))
}

/// (host, brand, technique, distance)
fn assert_hits(cases: &[(&str, &str, Technique, usize)]) {
    let e = engine();
    for &(host, brand, technique, distance) in cases {
        let h = e
            .check(host)
            .unwrap_or_else(|| panic!("{host}: not flagged"));
        assert_eq!(
            (h.brand.as_str(), h.technique, h.distance),
            (brand, technique, distance),
            "{host}: {h:?}"
        );
    }
}

fn assert_clean(hosts: &[&str]) {
    let e = engine();
    for host in hosts {
        assert_eq!(e.check(host), None, "{host} flagged");
    }
}

#[test]
fn idn_homoglyphs_in_several_scripts() {
    assert_hits(&[
        ("xn--pple-43d.com", "apple", Technique::IdnHomoglyph, 0), // Cyrillic а
        ("xn--pypal-4ve.com", "paypal", Technique::IdnHomoglyph, 0), // Cyrillic а
        (
            "login.xn--mazn-zld1g.net",
            "amazon",
            Technique::IdnHomoglyph,
            0,
        ), // Greek α, ο
        (
            "xn--mcrosoft-tkb.com",
            "microsoft",
            Technique::IdnHomoglyph,
            0,
        ), // dotless ı
        ("XN--PPLE-43D.COM", "apple", Technique::IdnHomoglyph, 0), // upper case
        ("*.xn--pple-43d.com.", "apple", Technique::IdnHomoglyph, 0), // wildcard, trailing dot
    ]);
    // Decoding: RFC 3492 + NFKC + skeleton.
    assert_eq!(skeleton("xn--pple-43d.com"), "apple.com");
    assert_eq!(skeleton("xn--mnchen-3ya.de"), "munchen.de");
    // An ordinary IDN is not a lookalike; a malformed xn-- label is just text.
    assert_clean(&[
        "xn--mnchen-3ya.de",
        "xn--bcher-kva.example",
        "xn--!!.com",
        "xn--.com",
    ]);
}

#[test]
fn ascii_homoglyphs() {
    assert_hits(&[
        ("paypa1-login.com", "paypal", Technique::AsciiHomoglyph, 0),
        ("amaz0n.support", "amazon", Technique::AsciiHomoglyph, 0),
        (
            "rnicrosoft-online.com",
            "microsoft",
            Technique::AsciiHomoglyph,
            0,
        ),
        ("faceb00k.com", "facebook", Technique::AsciiHomoglyph, 0),
        ("netf1ix.net", "netflix", Technique::AsciiHomoglyph, 0),
        ("secure.1mpots.fr", "impots", Technique::Typo, 1), // 1→l gives "lmpots": a typo of impots
    ]);
    assert_clean(&["a1b2c3.com", "h0me-5ervice.net"]);
}

#[test]
fn typos() {
    assert_hits(&[
        ("pyapal.com", "paypal", Technique::Typo, 1), // transposition
        ("paypl.net", "paypal", Technique::Typo, 1),  // omission
        ("paypall-secure.com", "paypal", Technique::Typo, 1), // insertion
        ("qaypal.com", "paypal", Technique::Typo, 1), // bit flip p→q
        ("netflox.tv", "netflix", Technique::Typo, 1), // vowel swap
        ("micosoft.com", "microsoft", Technique::Typo, 1), // omission
        ("mircosfot.com", "microsoft", Technique::Typo, 2), // two transpositions
    ]);
    // The `rn` pair from a typo is not read as `m` when that makes the match worse.
    let e = Lookalike::new(&LookalikeSettings::new(&["orange"], &[]));
    assert_eq!(
        e.check("ornage.com").map(|h| (h.technique, h.distance)),
        Some((Technique::Typo, 1))
    );
    // Five-letter brands are matched at distance 1 too (MinBrandLength 5)...
    assert_hits(&[
        ("aple.net", "apple", Technique::Typo, 1),
        ("appke-id.com", "apple", Technique::Typo, 1),
        ("amleli.fr", "ameli", Technique::Typo, 1),
    ]);
    // ...but a real word one edit from a brand is an ordinary name, in any of the
    // word list's languages: English, French (appel, impot, amazone), Dutch (oranje).
    assert_clean(&[
        "appel.com",
        "amelie.fr",
        "apply.com",
        "ample.org",
        "www.maple-garden.net",
        "impot.info",
        "impost.net",
        "papal.it",
        "amazone-riding.fr",
    ]);
    let e = Lookalike::new(&LookalikeSettings::new(&["orange", "binance"], &[]));
    for host in [
        "oranje.nl",
        "range.com",
        "finance.example",
        "orang.id",
        "oranges.us",
    ] {
        assert_eq!(e.check(host), None, "{host}");
    }
    // A digit makes it not a word: `amel1` reads `amell` (a word in the list), one edit
    // from `ameli` — flagged, as a typo since 1 stands for l, not i.
    assert_hits(&[("secure.amel1.dev", "ameli", Technique::Typo, 1)]);
    // Brands under MinBrandLength are matched at distance 0 only.
    let mut s = LookalikeSettings::new(&["paypal", "apple"], &[]);
    s.min_brand_length = 6;
    let e = Lookalike::new(&s);
    for host in ["aple.net", "appke-id.com", "applesupport.com"] {
        assert_eq!(e.check(host), None, "{host}");
    }
    assert!(e.check("apple.xyz").is_some());
    assert!(e.check("paypl.net").is_some());
    // Words far from any brand.
    assert_clean(&[
        "shop.com",
        "import.com",
        "micron.net",
        "pay.example",
        "apples.com",
    ]);
}

#[test]
fn splits() {
    assert_hits(&[
        ("pay-pal.com", "paypal", Technique::Split, 0),
        ("pa.ypal.com", "paypal", Technique::Split, 0),
        ("secure-micro-soft.net", "microsoft", Technique::Split, 0),
        ("www.face.book.io", "facebook", Technique::Split, 0),
        ("app.le.com", "apple", Technique::Split, 0),
    ]);
    // The brand split across the public suffix is not a split.
    assert_clean(&["pay.pal", "www.amaz.on"]);
}

#[test]
fn contains_and_tld_swaps() {
    assert_hits(&[
        ("paypal.co", "paypal", Technique::Contains, 0), // TLD swap
        ("apple.xyz", "apple", Technique::Contains, 0),  // short brand, exact label
        ("ameli-remboursement.fr", "ameli", Technique::Contains, 0), // exact token
        (
            "paypal.com.verify-account.xyz",
            "paypal",
            Technique::Contains,
            0,
        ),
        ("mypaypalaccount.com", "paypal", Technique::Contains, 0), // inside a label
        ("netflixbilling.net", "netflix", Technique::Contains, 0),
    ]);
    assert_clean(&[
        "pineapple.com",   // the brand inside a real word
        "amazonas.com.br", // a real word too
        "oranges.example",
        "www.amazon", // the brand is the public suffix (.amazon gTLD)
        "foo.paypal", // brand only in the suffix position
    ]);
}

#[test]
fn brand_among_ordinary_words_is_a_company_name_unless_bait_is_near() {
    let e = Lookalike::new(&LookalikeSettings::new(
        &["orange", "chase", "paypal", "santander"],
        &[],
    ));
    // Glued to or hyphenated with ordinary words only: somebody's business.
    for host in [
        "orangetheory.com",
        "bluechase.net",
        "chasecourt.co.uk",
        "orange-county-plumbing.com",
        "steeplechase.org", // a real word
        "purchase.example",
        "theorangewoodfarm.com", // the + orange + wood + farm
    ] {
        assert_eq!(e.check(host), None, "{host}");
    }
    match e.explain("orangetheory.com") {
        Explanation::Ordinary(h, why) => {
            assert_eq!(
                (h.brand.as_str(), h.technique),
                ("orange", Technique::Contains)
            );
            assert_eq!(why, "only ordinary words, no bait, around orange");
        }
        other => panic!("{other:?}"),
    }
    // Bait next to the brand, anything that is not a word, or the brand alone: flagged.
    let cases: &[(&str, &str)] = &[
        ("orangesecure.com", "orange"), // bait (5+ letters) anywhere around it
        ("paypal-account-garden.com", "paypal"), // bait among ordinary words
        ("mychase.net", "chase"),       // short bait right against the brand
        ("chase-id.com", "chase"),
        ("santanderclientes.es", "santander"), // Spanish bait
        ("espaceclient-orange.fr", "orange"),  // French bait
        ("paypal24.com", "paypal"),            // not words
        ("paypalxq.net", "paypal"),
        ("orange.pl", "orange"), // the brand alone under another TLD
        ("chase.orange-juice.com", "chase"),
    ];
    for &(host, brand) in cases {
        let h = e
            .check(host)
            .unwrap_or_else(|| panic!("{host}: not flagged"));
        assert_eq!(h.brand, brand, "{host}");
        assert_eq!(
            (h.technique, h.distance),
            (Technique::Contains, 0),
            "{host}"
        );
    }
    // A short brand (under 6 letters) inside an unknown longer token needs bait beside it:
    // names and surnames contain short brands by chance.
    let e5 = Lookalike::new(&LookalikeSettings::new(&["viber", "chase"], &[]));
    for host in ["cantina-viberti.it", "viberne.dk", "chasewick.co.uk"] {
        assert_eq!(e5.check(host), None, "{host}");
    }
    for host in [
        "viberlogin.com",
        "vhod-mychase.net",
        "chase-qx.net",
        "viber.app",
    ] {
        assert!(e5.check(host).is_some(), "{host}");
    }
    // Numbers are numbers, not halves of a split brand or letters in disguise.
    let e = Lookalike::new(&LookalikeSettings::new(&["apple"], &[]));
    for host in [
        "app-14.example.com",
        "app13232-api.com",
        "app13.example.org",
        "app.12.example.com",
    ] {
        assert_eq!(e.check(host), None, "{host}");
    }
    assert!(e.check("app1e.com").is_some());
}

#[test]
fn other_languages_splits_across_a_dot_and_disguised_brands() {
    let e = Lookalike::new(&LookalikeSettings::new(
        &["telekom", "fedex", "allegro", "revolut", "spotify"],
        &[],
    ));
    // Words of the 27 languages: 'telecommunication' in Polish, Indonesian, Turkish.
    for host in [
        "telekomunikacja.pl",
        "www.telekomunikasi.co.id",
        "telekomunikasyon-antalya.com.tr",
        "allegromicro.com", // "mi" is bait before a brand only
        "app-12.example.com",
    ] {
        assert_eq!(e.check(host), None, "{host}");
    }
    let cases: &[(&str, &str, Technique)] = &[
        ("fed.ex-security.site", "fedex", Technique::Split),
        ("m.verificacao-spo.tify.io", "spotify", Technique::Split),
        ("telekom-platnosc.pl", "telekom", Technique::Contains), // Polish bait
        ("allegroprzesylka.us", "allegro", Technique::Contains),
        ("kargo-telekom.com.tr", "telekom", Technique::Contains), // Turkish bait
        // Digits make it a disguise whatever the words around it.
        (
            "m.erstattung-r3vo1ut.io",
            "revolut",
            Technique::AsciiHomoglyph,
        ),
        ("garden-r3volut.com", "revolut", Technique::AsciiHomoglyph),
    ];
    for &(host, brand, technique) in cases {
        let h = e
            .check(host)
            .unwrap_or_else(|| panic!("{host}: not flagged"));
        assert_eq!(
            (h.brand.as_str(), h.technique),
            (brand, technique),
            "{host}"
        );
    }
}

#[test]
fn owned_domains_and_their_subdomains_are_never_flagged() {
    assert_clean(&[
        "paypal.com",
        "accounts.paypal.com",
        "secure.login.apple.com",
        "*.paypal.me",
        "WWW.AMAZON.FR",
        "espace.ameli.fr",
        "cfspart.impots.gouv.fr",
        "paypal.com.",
    ]);
    // Not owned: another TLD, or the owned name as a prefix of another domain.
    assert_hits(&[
        ("paypal.com.evil.example", "paypal", Technique::Contains, 0),
        ("amazon.com", "amazon", Technique::Contains, 0),
    ]);
    assert!(engine().check("notpaypal.com").is_none()); // "not" is an ordinary word
    assert!(engine().check("verifypaypal.com").is_some()); // "verify" is bait
}

#[test]
fn config_parsing_and_errors_name_the_key() {
    let base = "[SEARCH]\nSearchKeywords = x\n";
    let c = Config::parse("t.conf", &format!("{base}[LOOKALIKE]\nEnabled = yes\nBrands = paypal, Apple\n  microsoft\nOwnedDomains = paypal.com *.apple.com\nMaxDistance = 2\nMinBrandLength = 4\n")).unwrap();
    let s = LookalikeSettings::from_config(&c).unwrap().unwrap();
    assert_eq!(s.brands, vec!["paypal", "apple", "microsoft"]);
    assert_eq!(s.owned_domains, vec!["paypal.com", "apple.com"]);
    assert_eq!((s.max_distance, s.min_brand_length), (Some(2), 4));
    // Absent section, absent Enabled, Enabled = no: off.
    for text in [
        base.to_string(),
        format!("{base}[LOOKALIKE]\nBrands = paypal\n"),
        format!("{base}[LOOKALIKE]\nEnabled = no\n"),
    ] {
        assert_eq!(
            LookalikeSettings::from_config(&Config::parse("t.conf", &text).unwrap()).unwrap(),
            None
        );
    }
    let defaults = Config::parse(
        "t.conf",
        &format!("{base}[LOOKALIKE]\nEnabled = true\nBrands = paypal\nMaxDistance = auto\n"),
    )
    .unwrap();
    let d = LookalikeSettings::from_config(&defaults).unwrap().unwrap();
    assert_eq!((d.max_distance, d.min_brand_length), (None, 5));
    let cases = [
        ("Enabled = maybe\n", "Enabled", 4),
        ("Enabled = yes\n", "Brands", 0),
        ("Enabled = yes\nBrands = paypal.com\n", "Brands", 5),
        ("Enabled = yes\nBrands = ,\n", "Brands", 5),
        (
            "Enabled = yes\nBrands = paypal\nOwnedDomains = paypal\n",
            "OwnedDomains",
            6,
        ),
        (
            "Enabled = yes\nBrands = paypal\nMaxDistance = 9\n",
            "MaxDistance",
            6,
        ),
        (
            "Enabled = yes\nBrands = paypal\nMinBrandLength = zero\n",
            "MinBrandLength",
            6,
        ),
    ];
    for (body, key, line) in cases {
        let c = Config::parse("t.conf", &format!("{base}[LOOKALIKE]\n{body}")).unwrap();
        let e = LookalikeSettings::from_config(&c).unwrap_err();
        assert_eq!(e.key.as_deref(), Some(key), "{body}: {e}");
        assert_eq!(e.section.as_deref(), Some("LOOKALIKE"));
        let msg = e.to_string();
        assert!(msg.starts_with("t.conf"), "{msg}");
        assert!(msg.contains(&format!("[LOOKALIKE] {key}")), "{msg}");
        if line > 0 {
            assert_eq!(e.line, Some(line), "{msg}");
        }
    }
}

fn lookalike_conf(enabled: &str) -> String {
    let mut s = Conf::default().render();
    s += &format!(
        "\n[LOOKALIKE]\nEnabled = {enabled}\nBrands = paypal, apple,\n  microsoft amazon\nOwnedDomains = paypal.com, apple.com\n"
    );
    s
}

fn feed() -> String {
    [
        // rules match (paypal + login): stored as a rules hit, no suffix
        Cert::new(&["paypal-login.example"]).lite(),
        // rules: NoMatch; engine: idn-homoglyph
        Cert::new(&["xn--pple-43d.com", "www.xn--pple-43d.com"]).lite(),
        // rules: below threshold (paypal only); engine: the brand as a token beside bait
        Cert::new(&["paypal-refund.example"]).lite(),
        // rules: NoMatch; engine: typo; not blacklisted → stored
        Cert::new(&["pyapal.example"]).lite(),
        // owned: never flagged by the engine (the rules still score it: login + secure)
        Cert::new(&["secure.login.apple.com"]).lite(),
        // owned, and below the rules' threshold: nothing
        Cert::new(&["www.apple.com"]).lite(),
        // engine flags it but the blacklist vetoes
        Cert::new(&["amaz0n.blocked.example"]).lite(),
        // nothing at all
        Cert::new(&["garage-leroy.eu"]).lite(),
    ]
    .iter()
    .map(|m| format!("{m}\n"))
    .collect()
}

#[test]
fn monitor_replay_stores_and_prints_lookalikes() {
    let dir = TempDir::new("lookalike-replay");
    dir.write("feed.jsonl", feed());
    let conf = lookalike_conf("yes").replace(
        r"BlacklistKeywords = paypal\.com$",
        r"BlacklistKeywords = paypal\.com$|blocked",
    );
    dir.write("test.conf", conf);
    let out = run(
        dir.path(),
        &["monitor", "-c", "test.conf", "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    let bodies: Vec<String> = out.stdout.lines().map(|l| split_match_line(l).1).collect();
    let want_hosts = [
        "paypal-login.example",
        "xn--pple-43d.com",
        "www.xn--pple-43d.com",
        "paypal-refund.example",
        "pyapal.example",
        "secure.login.apple.com",
    ];
    assert_eq!(domains(&dir.join(DB), TABLE), want_hosts);
    assert_eq!(bodies.len(), want_hosts.len(), "{}", out.stdout);
    // Rules matches: the contract line, unchanged.
    for b in [&bodies[0], &bodies[5]] {
        assert!(!b.contains("Lookalike"), "{b}");
    }
    let suffixes = [
        " (Lookalike: apple, idn-homoglyph, distance 0, confidence high)",
        " (Lookalike: apple, idn-homoglyph, distance 0, confidence high)",
        " (Lookalike: paypal, contains, distance 0, confidence high)",
        " (Lookalike: paypal, typo, distance 1, confidence medium)",
    ];
    for (b, s) in bodies[1..].iter().zip(suffixes) {
        assert!(b.ends_with(s), "{b:?} should end with {s:?}");
    }
    // The same columns as a rules hit: the contract body before the suffix.
    let cert = Cert::new(&["xn--pple-43d.com", "www.xn--pple-43d.com"]);
    let body = bodies[1].strip_suffix(suffixes[0]).unwrap();
    assert!(
        body.starts_with("xn--pple-43d.com (SAN: www.xn--pple-43d.com) (Issuer: "),
        "{body}"
    );
    let r = &rows(&dir.join(DB), TABLE)[1];
    assert_eq!(r.domain, "xn--pple-43d.com");
    assert_eq!(
        r.san.as_deref(),
        Some(cert.san_for("xn--pple-43d.com").as_str())
    );
    assert_eq!(
        counter(&out.stderr, "lookalikes"),
        Some(4),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Lookalike detection on: paypal"),
        "{}",
        out.stderr
    );
}

#[test]
fn enabled_no_behaves_exactly_as_without_the_section() {
    let strip = |s: &str| -> Vec<String> { s.lines().map(|l| split_match_line(l).1).collect() };
    let mut outs = Vec::new();
    for conf in [Conf::default().render(), lookalike_conf("no")] {
        let dir = TempDir::new("lookalike-off");
        dir.write("feed.jsonl", feed());
        dir.write("test.conf", conf);
        let out = run(
            dir.path(),
            &["monitor", "-c", "test.conf", "--replay", "feed.jsonl"],
            None,
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let cr = run(
            dir.path(),
            &[
                "check-rules",
                "-c",
                "test.conf",
                "-d",
                "xn--pple-43d.com",
                "-d",
                "paypal-login.example",
            ],
            None,
        );
        let one = run(
            dir.path(),
            &["check-rules", "-c", "test.conf", "-d", "pyapal.example"],
            None,
        );
        outs.push((
            strip(&out.stdout),
            domains(&dir.join(DB), TABLE),
            cr.stdout,
            one.stdout,
        ));
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(
        outs[0].1,
        vec!["paypal-login.example", "secure.login.apple.com"]
    );
}

#[test]
fn check_rules_explains_lookalike_verdicts() {
    let dir = TempDir::new("lookalike-check");
    dir.write("test.conf", lookalike_conf("yes"));
    // One name: the original sentence line, then the explanation line.
    let out = run(
        dir.path(),
        &["check-rules", "-c", "test.conf", "-d", "pyapal.example"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[1], "No match - Keywords not found.");
    assert_eq!(lines[2], "Lookalike: paypal, typo, distance 1, confidence medium, skeleton pyapal.example (matched pyapal) - stored as a lookalike");
    // Several names: a third tab-separated column.
    let out = run(
        dir.path(),
        &[
            "check-rules",
            "-c",
            "test.conf",
            "-d",
            "xn--pple-43d.com",
            "-d",
            "accounts.paypal.com",
            "-d",
            "garage.example",
            "-d",
            "paypal-login.example",
            "-d",
            "papal.it",
            "-d",
            "www.amazonian-rainforest.org",
        ],
        None,
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    // What the word list vetoed is said, so an analyst sees why a near name passes.
    assert_eq!(
        lines[5],
        "papal.it\tNo match - Keywords not found.\tLookalike: none - near paypal (typo, distance 1, skeleton papal.it) but papal is a common word"
    );
    assert_eq!(
        lines[6],
        "www.amazonian-rainforest.org\tNo match - Keywords not found.\tLookalike: none - near amazon (contains, distance 0, skeleton www.amazonian-rainforest.org) but amazonian is a common word"
    );
    assert_eq!(
        lines[1],
        "xn--pple-43d.com\tNo match - Keywords not found.\tLookalike: apple, idn-homoglyph, distance 0, confidence high, skeleton apple.com (matched apple) - stored as a lookalike"
    );
    assert_eq!(lines[2], "accounts.paypal.com\tNo match - Detection threashold not reached.\tLookalike: none - owned domain paypal.com");
    assert_eq!(
        lines[3],
        "garage.example\tNo match - Keywords not found.\tLookalike: none"
    );
    assert!(lines[4].starts_with("paypal-login.example\tThis is a match, detection threashold reached.\tLookalike: paypal, contains, distance 0"), "{}", lines[4]);
    assert!(
        lines[4].ends_with("rules match, stored as such"),
        "{}",
        lines[4]
    );
    // Config errors reach the CLI with file, line, section and key.
    dir.write("bad.conf", lookalike_conf("yes") + "MaxDistance = far\n");
    let out = run(
        dir.path(),
        &["check-rules", "-c", "bad.conf", "-d", "x.com"],
        None,
    );
    assert_eq!(out.code, Some(2));
    let line = line_of(
        &(lookalike_conf("yes") + "MaxDistance = far\n"),
        "MaxDistance",
    );
    assert!(
        out.stderr
            .contains(&format!("bad.conf, line {line}: [LOOKALIKE] MaxDistance: ")),
        "{}",
        out.stderr
    );
}

// ---- Issue #16: lookalikes, round 2 ----

#[test]
fn attackers_cyrillic_and_greek_letters_beyond_tr39() {
    // dnstwist's latin_to_cyrillic table (ь→b, к→k, м→m, т→t, ӏ→l, х→x) and its alternates
    // (в→b), whole-script and mixed with Latin; Greek η→n, ε→e, τ→t, ρ→p.
    assert_hits(&[
        (
            "xn--fak-sdd9bas3g.com",
            "facebook",
            Technique::IdnHomoglyph,
            0,
        ), // faсеьооk
        (
            "xn--irsft-5xeqbx.com",
            "microsoft",
            Technique::IdnHomoglyph,
            0,
        ), // мiсrоsоft
        (
            "xn--icrosoft-39g.net",
            "microsoft",
            Technique::IdnHomoglyph,
            0,
        ), // мicrosoft
        (
            "xn--nfli-v4d2fya.com",
            "netflix",
            Technique::IdnHomoglyph,
            0,
        ), // nетfliх
        ("xn--zn-6kca3do.shop", "amazon", Technique::IdnHomoglyph, 0), // амаzоn
        ("xn--80aa0cbo65f.com", "paypal", Technique::IdnHomoglyph, 0), // раураӏ
        (
            "xn--faceook-mgg.com",
            "facebook",
            Technique::IdnHomoglyph,
            0,
        ), // faceвook
        ("xn--mz-b9bb5azc.com", "amazon", Technique::IdnHomoglyph, 0), // αmαzοη
        ("xn--nflix-19d9h.com", "netflix", Technique::IdnHomoglyph, 0), // nετflix
        ("xn--le-b9b8da.com", "apple", Technique::IdnHomoglyph, 0),    // αρρle
    ]);
    assert_eq!(skeleton("xn--fak-sdd9bas3g.com"), "facebook.com");
}

#[test]
fn ascii_tricks_of_attackers_tools() {
    // 4→a 7→t 6→b 9→g 8→b and the pairs cl→d, lc→k (dnstwist's ASCII glyphs, leetspeak).
    assert_hits(&[
        ("4m4zon.com", "amazon", Technique::AsciiHomoglyph, 0),
        ("ne7flix-login.com", "netflix", Technique::AsciiHomoglyph, 0),
        ("face6ook.com", "facebook", Technique::AsciiHomoglyph, 0),
        ("faceboolc.net", "facebook", Technique::AsciiHomoglyph, 0),
        (
            "www.f4ceb0olc.info",
            "facebook",
            Technique::AsciiHomoglyph,
            0,
        ),
    ]);
    let e = Lookalike::new(&LookalikeSettings::new(&["google", "dropbox"], &[]));
    for (host, brand) in [("g0o9le.com", "google"), ("clropbox.net", "dropbox")] {
        let h = e.check(host).unwrap_or_else(|| panic!("{host}"));
        assert_eq!(
            (h.brand.as_str(), h.technique, h.distance),
            (brand, Technique::AsciiHomoglyph, 0),
            "{host}"
        );
    }
    // Numbers stay numbers; ordinary names with cl/lc stay clean.
    assert_clean(&[
        "web2024.com",
        "shop47.net",
        "welcome-club.com",
        "clinic-calc.org",
    ]);
    // 4 6 7 8 9 ending a token are numbers, not letters.
    assert_eq!(skeleton("node4.web7-x.d4r7y"), "node4.web7-x.darty");
    // A word read literally is not a disguise: `barclay` is not `barday` (cl→d), one edit
    // from barclays; the brand's own cl is kept.
    let e = Lookalike::new(&LookalikeSettings::new(&["barclays", "dropbox"], &[]));
    assert_eq!(e.check("music-barclay.com"), None);
    let h = e.check("barclays-login.com").unwrap();
    assert_eq!((h.technique, h.distance), (Technique::Contains, 0));
}

#[test]
fn brand_with_tld_or_administration_words() {
    assert_hits(&[
        ("paypalcom.com", "paypal", Technique::TldWord, 0),
        ("paypal-com.top", "paypal", Technique::TldWord, 0),
        ("amazonnet.org", "amazon", Technique::TldWord, 0),
        ("login.netflix-gov.online", "netflix", Technique::TldWord, 0),
        ("apple-gouvfr.com", "apple", Technique::TldWord, 0),
        ("ameligouv.fr", "ameli", Technique::TldWord, 0),
        ("particulier-ameli.co", "ameli", Technique::TldWord, 0),
        ("amazon-finanzamt.site", "amazon", Technique::TldWord, 0),
        ("amazon-verifizierung.com", "amazon", Technique::Contains, 0),
        ("*.verwaltung-apple.com", "apple", Technique::TldWord, 0),
        ("facebook-de.com", "facebook", Technique::TldWord, 0),
        ("netflixgovbr.net", "netflix", Technique::TldWord, 0),
        ("apple.gouv-portal.com", "apple", Technique::TldWord, 0),
        (
            "www.microsoftorg.com.de",
            "microsoft",
            Technique::TldWord,
            0,
        ),
    ]);
    // Ordinary words that start with a TLD word are not TLD words.
    assert_clean(&[
        "netflixcommunity.com",
        "applecomputer-museum.org",
        "government-news.com",
        // A country code that is a word away from the brand, an administration word
        // inside another word, a TLD word glued before the brand.
        "cafe-de-amazon.fr",
        "amazon-hausverwaltung.de",
        "comamazonia.org",
    ]);
    assert_eq!(Technique::TldWord.to_string(), "tld-word");
    assert!(Technique::ALL.contains(&Technique::TldWord));
}

#[test]
fn confidence_per_hit_and_min_confidence() {
    use certstreammonitor::detect::lookalike::Confidence;
    let e = engine();
    for (host, want) in [
        ("xn--pple-43d.com", Confidence::High), // IDN homoglyph
        ("paypa1.com", Confidence::High),       // ASCII homoglyph
        ("paypal-login.com", Confidence::High), // brand with bait
        ("paypalcom.com", Confidence::High),    // brand + TLD word
        ("pa.ypal.com", Confidence::High),      // exact split
        ("microsfot.com", Confidence::Medium),  // typo of a 9-letter brand
        ("netfilx.com", Confidence::Medium),    // distance-1 typo of a 7-letter brand
    ] {
        let h = e
            .check(host)
            .unwrap_or_else(|| panic!("{host}: not flagged"));
        assert_eq!(h.confidence, want, "{host}: {h:?}");
    }
    // A typo that swaps one word of a two-word brand for another word is low: not
    // reported at the default MinConfidence medium, reported at low.
    let brands = ["mercadolibre", "paypal"];
    let e = Lookalike::new(&LookalikeSettings::new(&brands, &[]));
    assert_eq!(e.check("mercadolibros.com"), None);
    // One edit stays medium even when it makes words (mercado + libri).
    assert_eq!(
        e.check("mercadolibri.com").map(|h| h.confidence),
        Some(Confidence::Medium)
    );
    assert!(e.check("mercadolibrx.com").is_some()); // a typo, not a word
    assert!(e.check("paypall.com").is_some()); // pay + pall: the edit is in a short word
    let mut low = LookalikeSettings::new(&brands, &[]);
    low.min_confidence = Confidence::Low;
    let h = Lookalike::new(&low)
        .check("mercadolibros.com")
        .expect("mercadolibros at low");
    assert_eq!(
        (h.technique, h.confidence),
        (Technique::Typo, Confidence::Low)
    );
    assert!(
        h.suffix().ends_with(", distance 2, confidence low)"),
        "{}",
        h.suffix()
    );
    match e.explain("mercadolibros.com") {
        Explanation::Ordinary(_, why) => {
            assert_eq!(why, "confidence low is below MinConfidence medium")
        }
        other => panic!("{other:?}"),
    }
    let mut high = LookalikeSettings::new(BRANDS, OWNED);
    high.min_confidence = Confidence::High;
    let e = Lookalike::new(&high);
    assert_eq!(e.check("netfilx.com"), None);
    assert!(e.check("paypalcom.com").is_some());
}

#[test]
fn min_confidence_and_allow_file_config() {
    use certstreammonitor::detect::lookalike::Confidence;
    let dir = TempDir::new("lookalike-allow");
    let base =
        "[SEARCH]\nSearchKeywords = paypal\n[LOOKALIKE]\nEnabled = yes\nBrands = paypal, amazon\n";
    let parse = |body: &str| {
        let c = Config::parse("t.conf", &format!("{base}{body}")).unwrap();
        LookalikeSettings::from_config(&c)
    };
    assert_eq!(
        parse("").unwrap().unwrap().min_confidence,
        Confidence::Medium
    );
    for (v, want) in [
        ("low", Confidence::Low),
        ("HIGH", Confidence::High),
        ("medium", Confidence::Medium),
    ] {
        let s = parse(&format!("MinConfidence = {v}\n")).unwrap().unwrap();
        assert_eq!(s.min_confidence, want, "{v}");
    }
    let e = parse("MinConfidence = sure\n").unwrap_err();
    assert_eq!(e.key.as_deref(), Some("MinConfidence"));
    assert!(
        e.to_string()
            .contains("t.conf, line 6: [LOOKALIKE] MinConfidence: \"sure\""),
        "{e}"
    );

    let allow = dir.path().join("allow.txt");
    std::fs::write(
        &allow,
        "# checked by the SOC\npaypal-community.example\n\n*.amazonia-tours.com.br  # travel agency\nshop.example.\n",
    )
    .unwrap();
    let s = parse(&format!("AllowFile = {}\n", allow.display()))
        .unwrap()
        .unwrap();
    let (file, entries) = s.allow.clone().unwrap();
    assert_eq!(file, allow.display().to_string());
    assert_eq!(
        entries,
        [
            "paypal-community.example",
            "amazonia-tours.com.br",
            "shop.example"
        ]
    );
    let e = Lookalike::new(&s);
    assert!(e.check("paypal-login.example").is_some());
    assert_eq!(e.check("paypal-community.example"), None);
    assert_eq!(e.check("login.paypal-community.example"), None);
    assert_eq!(e.check("amazonia-tours.com.br"), None);
    assert_eq!(e.check("paypal-login.shop.example"), None);
    match e.explain("www.amazonia-tours.com.br") {
        Explanation::Allowed(d, f) => {
            assert_eq!((d.as_str(), f), ("amazonia-tours.com.br", file.clone()))
        }
        other => panic!("{other:?}"),
    }
    // A bad line: file and line named.
    std::fs::write(&allow, "ok.example\n# fine\nnot a domain\n").unwrap();
    let err = parse(&format!("AllowFile = {}\n", allow.display())).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "{}, line 3: [LOOKALIKE] AllowFile: \"not a domain\"",
            allow.display()
        )),
        "{err}"
    );
    // An unreadable file: the key and the file named.
    let missing = dir.path().join("missing.txt");
    let err = parse(&format!("AllowFile = {}\n", missing.display())).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("AllowFile"));
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("t.conf, line 6: [LOOKALIKE] AllowFile: "),
        "{err}"
    );
}
