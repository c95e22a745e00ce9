//! What makes a near-brand name ordinary or suspicious: the common-word checks
//! ([`plausible`], [`ordinary_compound`]), the function words that make a brand a phrase
//! (`desjardins` = des + jardins), the endings that derive another word from a brand
//! (`orangeade`), and the bait words phishing names put next to a brand (`paypal-secure`).
//! The word list itself is `common_words`.

use super::common_words;
use super::find;

/// Would a SOC want this match? A unit at distance ≥ 1 that is itself a common word
/// (`impot` for `impots`, `range` for `orange`; three- and four-letter units must be
/// frequent words, see `common_words::common_enough`) is an ordinary name, not a typo. The
/// brand verbatim as a hyphen token counts unless the rest of the label is ordinary
/// words (`orange-county`, see [`ordinary_compound`]); as a whole label it always does.
/// A brand that is itself a phrase (`desjardins` = des + jardins) has neighbours that are
/// other phrases (`lesjardins`, `nosjardins`): the same word after another function word
/// is not a typo either.
pub(super) fn plausible(
    unit: &[u8],
    brand: &[u8],
    distance: usize,
    within: Option<(&[u8], usize, bool)>,
) -> bool {
    if distance > 0 {
        let digits = within.is_some_and(|w| w.2);
        return digits
            || !(common_words::common_enough(unit) || same_phrase_other_article(unit, brand));
    }
    // A brand spelt with digits (`r3vo1ut`) is disguised on purpose, whatever surrounds it.
    match within {
        Some((label, start, false)) if unit.len() < label.len() => {
            !ordinary_compound(label, start, start + unit.len())
        }
        _ => true,
    }
}

/// `unit` and `brand` are a function word followed by the same common word, the function
/// words differing (`lesjardins` / `desjardins`).
fn same_phrase_other_article(unit: &[u8], brand: &[u8]) -> bool {
    // What follows each function word a string starts with.
    fn rests(w: &[u8]) -> impl Iterator<Item = &[u8]> {
        common_words::FUNCTION_WORDS
            .iter()
            .filter_map(move |f| w.strip_prefix(f.as_bytes()))
            .filter(|r| !r.is_empty())
    }
    rests(unit).any(|r| r.len() >= 5 && rests(brand).any(|b| b == r) && common_words::contains(r))
}

/// The non-empty hyphen pieces of `label` around the brand at `label[start..end]`, each
/// with whether it stands before the brand.
fn pieces_around(label: &[u8], start: usize, end: usize) -> impl Iterator<Item = (&[u8], bool)> {
    let before = label[..start].split(|&c| c == b'-').map(|p| (p, true));
    let after = label[end..].split(|&c| c == b'-').map(|p| (p, false));
    before.chain(after).filter(|(p, _)| !p.is_empty())
}

/// Whether `piece` (one of [`pieces_around`]) is glued to the brand, in its hyphen token.
fn glued(label: &[u8], start: usize, end: usize, piece: &[u8], before_brand: bool) -> bool {
    let at = piece.as_ptr() as usize - label.as_ptr() as usize;
    if before_brand {
        at + piece.len() == start
    } else {
        at == end
    }
}

/// Is a piece of `label` around the brand at `label[start..end]` bait (a bait word or a
/// TLD / administration word)?
pub(super) fn bait_around(label: &[u8], start: usize, end: usize) -> bool {
    pieces_around(label, start, end).any(|(piece, before_brand)| {
        is_bait(piece, before_brand) || tld_word_at(label, start, end, piece, before_brand)
    })
}

/// Is a piece of `label` around the brand at `label[start..end]` a TLD, registry or
/// administration word (`paypalcom`, `paypal-gouv`, `particulier-paypal`)? Then the
/// name imitates a domain or a public body: technique `tld-word`.
pub(super) fn tld_word_around(label: &[u8], start: usize, end: usize) -> bool {
    pieces_around(label, start, end)
        .any(|(piece, before_brand)| tld_word_at(label, start, end, piece, before_brand))
}

/// Generic top-level and registry words glued or hyphenated to a brand to fake a domain
/// (`brandcom.com`, `brand-net.org`, `brand-gov.online`; IANA's generic and sponsored TLDs
/// and the second-level registry labels gov/gouv/gob/gub/go of many ccTLDs). `go` only
/// with a country code after it (`gojp`).
#[rustfmt::skip]
const TLD_WORDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "edu", "gov", "govt", "gouv", "gob", "gub", "mil",
    "int", "bund", "sede", "nic", "pa", "go",
];

/// Country codes (ISO 3166, as ccTLDs) of the bait table's languages and the countries
/// that speak them, and the largest other markets: after a TLD word (`gouvfr`, `govbr`)
/// or as a hyphen piece of their own (`brand-de`), never glued alone to the brand. Codes
/// that are common words or bait as a piece of a name (`co`, `in`, `at`, `no`, `ma`, `my`,
/// `id`) are only taken after a TLD word (`govin`, `goid`).
#[rustfmt::skip]
const COUNTRY_CODES: &[&str] = &[
    "fr", "be", "ch", "lu", "ca", "de", "es", "mx", "ar", "cl", "pe", "ve", "uy", "it", "pt",
    "br", "ao", "mz", "nl", "uk", "us", "au", "nz", "ie", "sg", "ph", "th", "vn", "jp",
    "kr", "cn", "tw", "hk", "pl", "cz", "sk", "tr", "ro", "hu", "se", "dk", "fi", "ru", "ua",
    "za", "ng", "dz", "tn", "eu",
];

/// Words for the state, its administrations and the citizen they serve, in the bait
/// table's languages (English, French, Spanish, German, Italian, Portuguese, Dutch) and
/// more of the word list's: put next to a bank or a shop to fake an official portal
/// (`particulier-brand`, `brand-finanzamt`); see [`admin_word`].
#[rustfmt::skip]
const ADMIN_WORDS: &[&str] = &[
    // en
    "government", "govern", "federal", "ministry", "revenue", "citizen", "taxoffice",
    "publicservice",
    // fr
    "gouvernement", "administration", "particulier", "particuliers", "servicepublic",
    "ministere", "prefecture", "citoyen", "tresorpublic", "finances", "douane", "douanes",
    // es
    "gobierno", "administracion", "ministerio", "hacienda", "tributos", "tributaria",
    "agencia", "ciudadano", "ciudadanos", "tramites", "aduana",
    // de
    "regierung", "finanzamt", "behoerde", "behorde", "verwaltung", "bundesamt",
    "buerger", "burgerservice", "buergerservice", "steuer", "steueramt", "amtlich",
    // it
    "governo", "amministrazione", "ministero", "agenzia", "cittadino", "cittadini",
    "entrate", "dogana", "comune",
    // pt
    "administracao", "cidadao", "receita", "tributario", "financas",
    // nl
    "overheid", "rijksoverheid", "belasting", "belastingdienst", "gemeente", "burgerzaken",
    // more languages of the word list
    "pemerintah", "kerajaan", "myndighet", "regeringen", "skatteverket", "hallitus",
    "kormany", "urzad", "vlada", "guvern", "devlet",
];

/// A whole label's first hyphen token that is an administration word (`gouv`, `gov`,
/// `finanzamt`; not `com` or a country code: `paypal.com.evil.example` is the brand's
/// domain as a prefix, technique contains).
pub(super) fn admin_piece(piece: &[u8]) -> bool {
    admin_word(piece, false)
        || ["gov", "govt", "gouv", "gob", "gub", "bund", "sede"]
            .iter()
            .any(|w| piece == w.as_bytes())
}

/// An administration word on the brand's side of the piece: it starts a piece after the
/// brand (`paypal-finanzamt24`) or ends one before it (`monparticulier-paypal`), not
/// buried in another word (`hausverwaltung` is property management).
fn admin_word(piece: &[u8], before_brand: bool) -> bool {
    ADMIN_WORDS.iter().any(|w| {
        let w = w.as_bytes();
        w.len() >= 5
            && if before_brand {
                piece.ends_with(w)
            } else {
                piece.starts_with(w)
            }
    })
}

/// [`is_tld_word`] for one of the [`pieces_around`] the brand at `label[start..end]`.
fn tld_word_at(label: &[u8], start: usize, end: usize, piece: &[u8], before_brand: bool) -> bool {
    let at = piece.as_ptr() as usize - label.as_ptr() as usize;
    let next_after = !before_brand && (at == end || (at == end + 1 && label[end] == b'-'));
    is_tld_word(
        piece,
        glued(label, start, end, piece, before_brand),
        before_brand,
        next_after,
    )
}

/// See [`tld_word_around`]. `glued`: the piece touches the brand inside its token;
/// `next_after`: it is the piece right after the brand. Administration words count on
/// either side; short TLD words after the brand only (`paypalcom`; `compostera` is not
/// com + poste); a country code alone only as the hyphen piece right after the brand
/// (`paypal-de`; in `cafe-de-la-poste`, `de` is a word).
fn is_tld_word(piece: &[u8], glued: bool, before_brand: bool, next_after: bool) -> bool {
    if admin_word(piece, before_brand) {
        return true;
    }
    if before_brand && glued {
        return false;
    }
    let cc = |r: &[u8]| COUNTRY_CODES.iter().any(|c| c.as_bytes() == r);
    if next_after && !glued && cc(piece) {
        return true;
    }
    TLD_WORDS
        .iter()
        .any(|w| match piece.strip_prefix(w.as_bytes()) {
            Some(b"") => *w != "go",
            Some(rest) => {
                cc(rest) || [&b"co"[..], b"in", b"at", b"no", b"ma", b"my", b"id"].contains(&rest)
            }
            None => false,
        })
}

/// Derivational and inflectional endings (English, Romance languages, German, Dutch) that
/// turn a brand-like stem into another word: plurals, agent nouns, demonyms, minerals,
/// drinks, places.
#[rustfmt::skip]
const ENDINGS: &[&str] = &[
    "s", "es", "er", "ers", "ed", "ing", "ings", "ade", "ades", "ery", "eries", "erie",
    "eria", "ite", "ites", "ian", "ians", "ean", "eans", "ism", "ist", "ists", "ette",
    "ettes", "ine", "ines", "ina", "ino", "inos", "ero", "eros", "era", "eras", "ier",
    "iers", "iere", "ish", "ic", "ics", "y", "ie", "ies", "ia", "ias", "as", "os", "is",
    "us", "um", "en", "ern", "ano", "ana", "anos", "anas", "eano", "eana", "eanos", "eanas",
    "ense", "ese", "ois", "oise", "ais", "aise", "ien", "ienne", "ness", "ment", "ful",
    "less", "able", "ible", "ize", "ise", "ity", "ory", "ories", "ology",
];

/// Words phishing names put next to a brand (`paypal-secure`, `appleidverify`,
/// `moncompte-ameli`): a concept × language table in English, French, Spanish, German,
/// Italian, Portuguese and Dutch, after x0rz's phishing_catcher keyword list and what CERT
/// teams publish, and its core concepts in ten more languages. Words of five
/// letters or more count anywhere around the brand; shorter ones (`my`, `id`, `app`) only
/// as a whole piece or right against the brand, since they hide inside ordinary words
/// (`happy`, `taxi`).
#[rustfmt::skip]
const BAIT_WORDS: &[&str] = &[
    // Concepts × languages (en, fr, es, de, it, pt, nl); accents folded as in skeletons.
    // account, sign-in, identity
    "account", "compte", "comptes", "cuenta", "cuentas", "konto", "conto", "conta", "rekening",
    "login", "logon", "signin", "signon", "signup", "connexion", "iniciar", "sesion", "session",
    "ingreso", "ingresar", "anmelden", "anmeldung", "accedi", "accesso", "acesso", "acceso",
    "acces", "access", "entrar", "inloggen", "auth", "authenticate", "authentication",
    "authentification", "authorize", "identifiant", "identity", "credential", "id", "sso",
    "mfa", "otp", "user", "member", "membership", "my", "mon", "mes", "mi", "mein", "mio",
    "meu", "minha", "mijn", "espace", "portal", "online", "web", "webmail", "mail", "app",
    "apps", "mobile", "home",
    // verify, confirm, secure, unlock, password
    "verify", "verification", "verifier", "verificar", "verificacion", "verificacao",
    "verifizieren", "verifizierung", "verifica", "verifieren", "verificatie", "validate",
    "validation", "validar", "validacao", "convalida", "bestaetigung", "bestatigung",
    "confirm", "confirmation", "confirmer", "confirmar", "bestaetigen", "bestatigen",
    "conferma", "bevestigen", "secure", "security", "securite", "seguridad", "seguranca",
    "sicherheit", "sicurezza", "beveiliging", "safe", "safety", "protect", "protection",
    "fraud", "unlock", "locked", "suspend", "suspended", "unusual", "debloquer", "bloque",
    "desbloquear", "bloqueado", "entsperren", "gesperrt", "sblocca", "bloccato",
    "ontgrendelen", "password", "passwd", "motdepasse", "contrasena", "passwort", "kennwort",
    "senha", "wachtwoord", "reset", "recover", "recovery", "restore", "activate",
    "activation", "activity",
    // update, alert, notice
    "update", "upgrade", "miseajour", "majour", "actualizar", "actualizacion",
    "aktualisieren", "aggiorna", "aggiornamento", "atualizar", "atualizacao", "bijwerken",
    "alert", "alerte", "alerta", "warnung", "avviso", "aviso", "waarschuwing", "notice",
    "avis", "notification", "review", "official",
    // payment, refund, invoice, money
    "pay", "payment", "paiement", "pago", "pagos", "zahlung", "pagamento", "betaling",
    "refund", "remboursement", "reembolso", "erstattung", "rueckerstattung", "rimborso",
    "terugbetaling", "invoice", "billing", "facture", "factura", "rechnung", "fattura",
    "fatura", "factuur", "bank", "banking", "banca", "card", "carte", "credit", "debit",
    "tarjeta", "cartao", "karte", "bonifico", "transferencia", "ueberweisung",
    "cash", "money", "transfer", "wallet", "portefeuille", "billetera", "carteira",
    "portafoglio", "crypto", "exchange", "token", "tax", "amende", "multa", "bussgeld",
    "declaration", "vitale", "claim", "dispute", "resolution", "renew", "renewal",
    "subscription", "cancel", "premium", "bonus", "gift", "promo", "prize", "reward",
    "winner", "giveaway", "free",
    // delivery, parcel, tracking, order
    "delivery", "parcel", "tracking", "shipping", "shipment", "order", "livraison", "colis",
    "suivi", "envio", "paquete", "seguimiento", "entrega", "paket", "sendung", "lieferung",
    "zustellung", "pacco", "spedizione", "consegna", "encomenda", "rastreio", "pakket",
    "bezorging", "zending", "shop", "store", "checkout",
    // support, help, customer service
    "support", "help", "helpdesk", "service", "customer", "client", "cliente", "clientes",
    "kunde", "kunden", "klant", "assistance", "aide", "soporte", "ayuda", "hilfe",
    "kundendienst", "assistenza", "aiuto", "suporte", "ajuda", "hulp", "klantenservice",
    "desk", "ticket", "center", "centre", "team", "careteam", "info", "check",
    // documents, cloud
    "document", "docs", "esign", "drive", "cloud", "kyc", "vip", "limited",
    "atendimento", "atencion",
    // The same concepts (account, sign-in, verify, confirm, security, payment, refund,
    // invoice, parcel, delivery, tracking, customer, help, password, update, unlock) in
    // more of the word list's languages. Short words that begin many ordinary words
    // (Romanian `cont`, Finnish `tili`) are left out.
    // Polish
    "logowanie", "zaloguj", "weryfikacja", "potwierdz", "bezpieczenstwo", "platnosc",
    "doplata", "zwrot", "faktura", "przesylka", "paczka", "dostawa", "sledzenie", "obsluga",
    "pomoc", "haslo", "aktualizacja", "odblokuj", "klient",
    // Czech, Slovak
    "ucet", "prihlaseni", "overeni", "potvrzeni", "bezpecnost", "platba", "doplatek",
    "vraceni", "zasilka", "balik", "doruceni", "sledovani", "zakaznik", "podpora", "heslo",
    "aktualizace", "odblokovat",
    // Turkish
    "hesap", "giris", "dogrulama", "onayla", "guvenlik", "odeme", "iade", "kargo",
    "teslimat", "takip", "musteri", "destek", "sifre", "guncelle",
    // Romanian
    "autentificare", "verificare", "confirmare", "securitate", "rambursare", "colet",
    "livrare", "asistenta", "parola", "actualizare", "deblocare",
    // Hungarian
    "fiok", "bejelentkezes", "ellenorzes", "megerosites", "biztonsag", "fizetes",
    "visszaterites", "szamla", "csomag", "szallitas", "ugyfel", "jelszo", "frissites",
    // Swedish, Danish, Norwegian
    "inloggning", "verifiera", "bekrafta", "bekreft", "sakerhet", "sikkerhet", "sikkerhed",
    "betalning", "aterbetalning", "refusjon", "leverans", "levering", "sparning", "sporing",
    "kundtjanst", "kundeservice", "losenord", "passord", "adgangskode", "uppdatera",
    "oppdater", "logind", "innlogging",
    // Finnish
    "kirjaudu", "kirjautuminen", "vahvista", "tunnistautuminen", "maksu", "palautus",
    "lasku", "paketti", "toimitus", "seuranta", "asiakas", "salasana", "paivitys",
    // Indonesian, Malay
    "akun", "masuk", "verifikasi", "konfirmasi", "keamanan", "pembayaran", "bayar",
    "pengembalian", "tagihan", "pengiriman", "lacak", "pelanggan", "bantuan", "sandi",
    "perbarui",
];

/// Bait words that only make sense before the brand (`mipaypal`, `mon-ameli`): after it
/// they are just the start of another word (`allegromicro`, `orangemonkey`).
const POSSESSIVES: &[&str] = &["my", "mi", "mon", "mes", "mein", "mio", "meu", "mijn"];

fn is_bait(piece: &[u8], before_brand: bool) -> bool {
    BAIT_WORDS.iter().any(|b| {
        if !before_brand && POSSESSIVES.contains(b) {
            return false;
        }
        let b = b.as_bytes();
        if b.len() >= 5 {
            find(piece, b).is_some()
        } else if before_brand {
            piece.ends_with(b)
        } else {
            piece.starts_with(b)
        }
    })
}

/// Is the brand at `label[start..end]` (a skeleton) just part of an ordinary name: inside
/// a real word (`pineapple`, `purchase`), glued or hyphenated to ordinary words only
/// (`orangetheory`, `bluechase`, `orange-county`), or inside a token made of ordinary
/// words that cut through it (`santaisabel` for `antai`)? Not when a piece around it is bait
/// (`paypalsecure`, `my-paypal`), is not made of common words (`paypal24`, `paypalxq`),
/// or when nothing surrounds it.
pub(super) fn ordinary_compound(label: &[u8], start: usize, end: usize) -> bool {
    let tok_start = label[..start]
        .iter()
        .rposition(|&c| c == b'-')
        .map_or(0, |i| i + 1);
    let tok_end = label[end..]
        .iter()
        .position(|&c| c == b'-')
        .map_or(label.len(), |i| end + i);
    if (tok_start, tok_end) != (start, end) && common_words::contains(&label[tok_start..tok_end]) {
        return true;
    }
    let after = &label[end..];
    if start == 0 && after.is_empty() {
        return false;
    }
    let last = label[end - 1];
    let mut words_around = true;
    for (piece, before_brand) in pieces_around(label, start, end) {
        if is_bait(piece, before_brand) || tld_word_at(label, start, end, piece, before_brand) {
            return false;
        }
        // Right after the brand, in its token, an ending makes a derived word
        // (`orangeade`, `amazonite`, `dropboxes`; a final e is shared: `orange|ry`; a
        // final consonant may double: `instagram|ming`), possibly followed by more words.
        let derived = !before_brand && piece.as_ptr() == after.as_ptr() && end < tok_end && {
            let doubled = !b"aeiouy".contains(&last) && piece.first() == Some(&last);
            let piece = if doubled { &piece[1..] } else { piece };
            ENDINGS.iter().any(|e| {
                let e = e.as_bytes();
                let e = match e.strip_prefix(b"e") {
                    Some(rest) if last == b'e' && !piece.starts_with(e) => rest,
                    _ => e,
                };
                piece.starts_with(e) && common_words::segments(&piece[e.len()..])
            })
        };
        words_around &= derived || common_words::segments(piece);
    }
    // Words around the brand (`orange|theory`), or words across it: the brand straddles
    // word boundaries (`s|antai|sabel` is santa + isabel).
    words_around
        || ((tok_start, tok_end) != (start, end)
            && common_words::segments(&label[tok_start..tok_end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_with_another_article() {
        let cases: &[(&str, &str, bool)] = &[
            ("lesjardins", "desjardins", true),
            ("nosjardins", "desjardins", true),
            ("desjardin", "desjardins", false), // a typo, not another article
            ("maazon", "amazon", false),        // "am"+"azon": the rest is too short
            ("leposte", "laposte", true),
            ("lapost", "laposte", false),
        ];
        for &(unit, brand, want) in cases {
            assert_eq!(
                same_phrase_other_article(unit.as_bytes(), brand.as_bytes()),
                want,
                "{unit}"
            );
        }
    }

    #[test]
    fn ordinary_compounds() {
        // (label, brand) → is the brand just part of an ordinary name?
        let cases: &[(&str, &str, bool)] = &[
            ("pineapple", "apple", true),
            ("orangetheory", "orange", true),
            ("theorangewoodfarm", "orange", true),
            ("orange-county", "orange", true),
            ("bluechase", "chase", true),
            ("orange", "orange", false),
            ("orangesecure", "orange", false),
            ("secure-orange", "orange", false),
            ("myorange", "orange", false),
            ("orange-id", "orange", false),
            ("orangeapp", "orange", false),
            ("happyorange", "orange", true), // "py" is not bait at a distance
            ("orange24", "orange", false),
            ("orangexq", "orange", false),
            ("orange-county-login", "orange", false),
            ("moncompte-orange", "orange", false),
            ("orangeade", "orange", true),
            ("orangery", "orange", true),
            ("dropboxes", "dropbox", true),
            ("amazonite", "amazon", true),
            ("amazonitesecure", "amazon", false),
            ("orangexyz", "orange", false), // "xyz" is in the list, but rare for 3 letters
            ("instagramming", "instagram", true),
            ("orangemonkey", "orange", true), // possessives count before the brand only
            ("monorange", "orange", false),
            ("aufildesjardins", "desjardins", true), // au + fil: function words count
            ("lejournaldesjardins", "desjardins", true),
        ];
        for &(label, brand, want) in cases {
            let at = find(label.as_bytes(), brand.as_bytes()).unwrap();
            assert_eq!(
                ordinary_compound(label.as_bytes(), at, at + brand.len()),
                want,
                "{label}"
            );
        }
    }
}
