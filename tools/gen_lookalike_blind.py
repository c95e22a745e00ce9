#!/usr/bin/env python3
"""Generate a BLIND evaluation set for a phishing-lookalike hostname detector.

Built without looking at the detector, its tests, its word lists or its data.
Deterministic: stdlib only, fixed seed. Output: benches/data/lookalike_blind.tsv

    python3 tools/gen_lookalike_blind.py
"""
import random
import re
import sys
from pathlib import Path

SEED = 20261126
rng = random.Random(SEED)
OUT = Path(__file__).resolve().parent.parent / "benches" / "data" / "lookalike_blind.tsv"
PER_BRAND = 7  # lookalikes per brand per technique -> 70 per technique

# brand -> (owned registered domains, market languages, market ccTLDs)
BRANDS = {
    "fedex": (["fedex.com", "fedex.co.uk"], ["en", "de", "es", "it"], ["co.uk", "de", "es", "it"]),
    "antai": (["antai.gouv.fr", "amendes.gouv.fr"], ["fr"], ["fr", "com.fr", "be"]),
    "kraken": (["kraken.com", "krakenfx.com"], ["en"], ["co.uk", "us", "ca"]),
    "revolut": (["revolut.com", "revolut.me"], ["en", "fr", "es", "it", "pt", "de"], ["co.uk", "fr", "es", "lt", "ie"]),
    "spotify": (["spotify.com", "spotify.link", "spotifycdn.com"], ["en", "es", "pt", "de", "fr"], ["com.br", "de", "es", "se"]),
    "vodafone": (["vodafone.com", "vodafone.de", "vodafone.co.uk"], ["de", "it", "es", "en", "pt"], ["de", "it", "es", "pt", "co.uk"]),
    "barclays": (["barclays.co.uk", "barclays.com"], ["en"], ["co.uk", "uk", "org.uk"]),
    "sparkasse": (["sparkasse.de", "sparkasse.at"], ["de"], ["de", "at", "ch"]),
    "chronopost": (["chronopost.fr", "chronopost.pt"], ["fr", "pt"], ["fr", "pt", "be"]),
    "mercadolibre": (["mercadolibre.com", "mercadolibre.com.ar", "mercadolivre.com.br"], ["es", "pt"], ["com.ar", "com.mx", "com.br", "cl", "com.co"]),
}
OWNED = [d for v in BRANDS.values() for d in v[0]]
OWNED_LABELS = {d.split(".")[0] for d in OWNED}

# Own multilingual bait vocabulary (phishing-style words).
BAIT = {
    "en": "account login signin verify secure support billing refund payment delivery parcel tracking security wallet unlock alert invoice update".split(),
    "fr": "compte connexion colis livraison paiement remboursement suivi securite amende facture espaceclient".split(),
    "de": "konto anmelden sicherheit zahlung paket sendung erstattung kundenkonto verifizierung".split(),
    "es": "cuenta acceso pago envio paquete reembolso seguridad factura verificacion".split(),
    "it": "accesso conto pagamento spedizione pacco rimborso sicurezza verifica".split(),
    "pt": "conta entrega encomenda pagamento reembolso seguranca rastreio verificacao".split(),
}
ALL_BAIT = sorted({w for ws in BAIT.values() for w in ws})
GTLDS = "com net org xyz top online site info shop app co io ru cn icu live support click".split()
BARE_TLDS = "xyz top online site info shop icu live support click ru cn cfd sbs buzz".split()
PREFIXES = ["www.", "secure.", "login.", "m."]

# ---------------------------------------------------------------- helpers
LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

def dl(a, b):
    """Optimal-string-alignment Damerau-Levenshtein distance."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            c = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]

def within_one(a, b):
    """True if OSA distance(a, b) <= 1 (fast)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        return len(diff) <= 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i:] == b[i + 1:]

def punyfy(label):
    if label.isascii():
        return label
    enc = "xn--" + label.encode("punycode").decode("ascii")
    assert enc[4:].encode("ascii").decode("punycode") == label, label
    return enc

def valid_host(h, allow_wild=False):
    labels = h.split(".")
    if len(h) > 253 or len(labels) < 2:
        return False
    for i, lab in enumerate(labels):
        if lab == "*" and i == 0 and allow_wild:
            continue
        if len(lab) > 63 or not LABEL_RE.match(lab):
            return False
        if lab[2:4] == "--" and not (lab.startswith("xn--") and decodes(lab)):
            return False
    return True

def decodes(lab):
    try:
        return punyfy(lab[4:].encode("ascii").decode("punycode")) == lab
    except Exception:
        return False

def near_any_brand(host):
    """True if host contains a brand or something within reach of one."""
    s = host.replace(".", "").replace("-", "").replace("*", "")
    toks = [t for t in re.split(r"[.\-*]", host) if len(t) >= 3]
    for b in BRANDS:
        if b in s:
            return True
        if any(dl(t, b) <= 2 for t in toks if abs(len(t) - len(b)) <= 2):
            return True
        for n in (len(b) - 1, len(b), len(b) + 1):
            if any(within_one(s[i:i + n], b) for i in range(len(s) - n + 1)):
                return True
    return False

def market_tld(brand):
    return rng.choice(BRANDS[brand][2]) if rng.random() < 0.3 else rng.choice(GTLDS)

def bait(brand):
    return rng.choice(BAIT[rng.choice(BRANDS[brand][1])] if rng.random() < 0.75 else ALL_BAIT)

def place(brand, v, idn=False):
    """Put a variant label v into a hostname: bare, v-word, word-v, prefixes."""
    form = rng.choice(["bare", "bare", "vw", "wv"])
    lab = {"bare": v, "vw": f"{v}-{bait(brand)}", "wv": f"{bait(brand)}-{v}"}[form]
    host = lab + "." + market_tld(brand)
    if rng.random() < 0.35:
        host = rng.choice(PREFIXES) + host
    if idn:
        host = ".".join(punyfy(x) for x in host.split("."))
    return host

# ---------------------------------------------------------------- variants
IDN_MAP = {
    "a": "\u0430\u00e0\u00e1\u00e2\u00e4\u00e3\u00e5", "c": "\u0441\u00e7", "d": "\u0501\u010f",
    "e": "\u0435\u00e9\u00e8\u00ea\u00eb\u0117", "i": "\u0456\u00ed\u00ef\u00ec", "k": "\u03ba\u043a\u0137",
    "l": "\u04cf\u0142\u013a", "n": "\u00f1\u0144", "o": "\u043e\u03bf\u00f3\u00f6\u00f4\u00f5\u00f8",
    "p": "\u0440\u03c1", "r": "\u0155\u0159", "s": "\u0455\u015b\u0161", "t": "\u0163\u0165",
    "u": "\u03c5\u00fc\u00fa\u00f9", "v": "\u03bd\u0475", "x": "\u0445\u03c7", "y": "\u0443\u00fd\u00ff",
    "h": "\u04bb", "g": "\u0121\u011f",
}
ASCII_MAP = {"o": ["0"], "l": ["1"], "i": ["1"], "e": ["3"], "s": ["5"], "m": ["rn"], "w": ["vv"]}
KB_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
VOWELS = "aeiou"

def kb_neighbours(c):
    out = set()
    for r, row in enumerate(KB_ROWS):
        if c in row:
            j = row.index(c)
            for rr in (r - 1, r, r + 1):
                if 0 <= rr < 3:
                    for jj in (j - 1, j, j + 1):
                        if 0 <= jj < len(KB_ROWS[rr]) and KB_ROWS[rr][jj] != c:
                            out.add(KB_ROWS[rr][jj])
    return out

def subst_variants(brand, table, max_subs=2):
    pos = [i for i, c in enumerate(brand) if table.get(c)]
    out = set()
    for i in pos:
        for r in table[brand[i]]:
            out.add(brand[:i] + r + brand[i + 1:])
    if max_subs >= 2:
        for _ in range(60):
            if len(pos) < 2:
                break
            i, j = sorted(rng.sample(pos, 2))
            out.add(brand[:i] + rng.choice(table[brand[i]]) + brand[i + 1:j]
                    + rng.choice(table[brand[j]]) + brand[j + 1:])
    return sorted(out)

def typo_variants(brand):
    ops = {k: set() for k in ("omission", "duplication", "insertion", "transposition",
                              "keyboard", "vowel", "bitflip")}
    L = len(brand)
    for i in range(L):
        ops["omission"].add(brand[:i] + brand[i + 1:])
        ops["duplication"].add(brand[:i] + brand[i] + brand[i:])
        for c in kb_neighbours(brand[i]):
            ops["keyboard"].add(brand[:i] + c + brand[i + 1:])
            ops["insertion"].add(brand[:i] + c + brand[i:])
        if brand[i] in VOWELS:
            for v in VOWELS.replace(brand[i], ""):
                ops["vowel"].add(brand[:i] + v + brand[i + 1:])
        for k in range(7):
            c = chr(ord(brand[i]) ^ (1 << k))
            if c.isascii() and (c.islower() or c.isdigit()):
                ops["bitflip"].add(brand[:i] + c + brand[i + 1:])
        if i < L - 1 and brand[i] != brand[i + 1]:
            ops["transposition"].add(brand[:i] + brand[i + 1] + brand[i] + brand[i + 2:])
    res = {}
    for op, vs in ops.items():
        vs = sorted(v for v in vs if v != brand and brand not in v and v not in NEAR_WORDS
                    and v not in OWNED_LABELS and re.fullmatch(r"[a-z0-9]+", v))
        rng.shuffle(vs)
        res[op] = vs
    out, ks = [], list(res)
    rng.shuffle(ks)
    while any(res.values()):  # round-robin across typo operations
        for k in ks:
            if res[k]:
                out.append(res[k].pop())
    return out

def split_variants(brand):
    return [brand[:i] + sep + brand[i:] for i in range(2, len(brand) - 1) for sep in "-."]

# ---------------------------------------------------------------- benign lists
# (word, language) -- real dictionary words 1-2 edits from a brand (verified below)
NEAR = """cedex:fr feder:de codex:en index:en faded:en fedeli:it seder:en redes:es sedes:es federa:it
fenix:pt altai:en anta:pt anti:en antan:fr antes:es antic:en antik:de santa:es manta:es krake:de
kraker:nl kranen:nl kragen:de raken:nl braken:nl bracken:en broken:en taken:en waken:en krakau:de
krabben:de kranke:de revolt:en revolta:pt resolut:de revolu:fr resolute:en revolte:fr
spotty:en notify:en sportif:fr specify:en barclay:en""".split()
NEAR = [tuple(x.split(":")) for x in NEAR]
NEAR_WORDS = {w for w, _ in NEAR}
LANG_TLD = {"en": ["com", "net", "org", "co.uk", "io"], "fr": ["fr", "com", "be"],
            "de": ["de", "at", "ch", "com"], "es": ["es", "com.mx", "com.ar"], "it": ["it", "com"],
            "pt": ["pt", "com.br"], "nl": ["nl", "be"]}
LANG_WORD = {"en": "books studio design media labs group press films store club music".split(),
             "fr": "immobilier conseil atelier boutique editions voyages formation".split(),
             "de": "gmbh technik verlag shop praxis werkstatt bau".split(),
             "es": "consultores estudio tienda grupo viajes abogados".split(),
             "it": "studio edizioni negozio viaggi casa srl".split(),
             "pt": "editora loja consultoria viagens imoveis".split(),
             "nl": "bouw advies winkel groep makelaardij".split()}
# real words / places / other companies containing a brand as a substring
CONTAINING = """revolution:en revolutionary:en revolutionize:en revolutionnaire:fr revolutie:nl
revolutionbeauty:en revolutionrace:en revolutionbrewing:en revolutiongolf:en revolutionslider:en
industrialrevolution:en revolute:en revolutionfitness:en revolutiontea:en revolutionparts:en
quarantaine:fr cinquantaine:fr soixantaine:fr plantain:en plantaire:fr nantais:fr nantaise:fr
vantail:fr pantai:en pantaiindah:en pantaicenang:en santaisabel:es santaines:pt santairia:pt
krakenrum:en krakend:en krakenjs:en seattlekraken:en releasethekraken:en
barclayscenter:en sparkassenplatz:de""".split()
CONTAINING = [tuple(x.split(":")) for x in CONTAINING]
OWN_SUBS = ("www login accounts account api cdn mail static m secure help support developer status "
            "careers investors news business app auth sso autodiscover mta-sts images assets "
            "eu-west-1.api img.static docs.developer app.eu auth.prod community shop "
            "partners cdn1 static2 mobile-api").split()

# ---------------------------------------------------------------- ordinary
W = lambda s: s.split()
TRADES = W("bakery plumbing dental studio garden coffee design consulting law autorepair photo yoga "
           "fitness travel books pets florist roofing cleaning boulangerie plomberie cabinet "
           "atelier fleuriste garage pharmacie immobilier menuiserie traiteur coiffure avocat "
           "librairie baeckerei tischlerei zahnarzt autohaus friseur kanzlei praxis elektro "
           "gaertnerei metzgerei steuerberater physio panaderia ferreteria clinica taller abogados "
           "inmobiliaria farmacia peluqueria restaurante pasticceria ristorante officina "
           "agriturismo gelateria avvocato ferramenta trattoria padaria advocacia imobiliaria "
           "mercearia barbearia bakkerij tandarts fietsenwinkel schilder kapper aannemer loodgieter")
NAMES = W("martin dubois lefebvre moreau laurent girard schmidt mueller schneider fischer weber "
          "wagner becker garcia lopez martinez fernandez gonzalez rossi russo bianchi romano "
          "colombo silva santos oliveira costa pereira ferreira jansen devries bakker visser "
          "smith johnson brown taylor wilson evans murphy obrien kowalski nowak novak horvat")
CITIES = W("paris lyon bordeaux lille toulouse rennes berlin hamburg muenchen koeln leipzig madrid "
           "sevilla valencia bilbao roma milano torino napoli bologna lisboa porto braga coimbra "
           "amsterdam utrecht rotterdam gent london leeds bristol dublin cork boston austin denver "
           "toronto lyngby zurich basel graz wien")
CO1 = W("north blue green bright nova alpha terra silver river stone pixel cloud smart swift peak "
        "urban prime metro solar ocean vector lumen orbit harbor maple cedar oak pine delta")
CO2 = W("labs works tech systems soft media logic path point line grid forge hub wave base ware "
        "scale craft ly io analytics health energy logistics finance")
TLDS = W("com com com net org fr de es it pt nl be ch at co.uk org.uk com.br com.ar com.mx ca "
         "com.au io co dev app eu pl se dk no fi cz ie us info biz shop online store tech cloud")
SAAS = W("zendesk.com atlassian.net freshdesk.com herokuapp.com azurewebsites.net github.io "
         "netlify.app vercel.app pages.dev wpengine.com myqnapcloud.com synology.me ddns.net "
         "web.app firebaseapp.com onrender.com fly.dev sharepoint.com slack.com bamboohr.com "
         "webflow.io gitlab.io readthedocs.io b-cdn.net kinsta.cloud odoo.com my.salesforce.com "
         "okta.com eu.auth0.com service-now.com")
INFRA = W("www mail webmail cpanel autodiscover webdisk api cdn static vpn mx1 mx2 smtp imap git "
          "ci jenkins grafana staging dev test uat portal intranet login secure sso auth pay shop "
          "blog docs status admin owa remote files backup monitor")
NUMBERED = ["app-{}", "web{:02d}", "srv{}", "node{}", "db{}", "k8s-{}", "edge{}", "lb{}", "vm{:03d}"]

def company():
    r = rng.random()
    if r < 0.4:
        return rng.choice(TRADES) + rng.choice(["-", "", "-"]) + rng.choice(NAMES + CITIES)
    if r < 0.75:
        return rng.choice(CO1) + rng.choice(["", "-"]) + rng.choice(CO2)
    if r < 0.9:
        return rng.choice(NAMES) + rng.choice(["-", ""]) + rng.choice(W("group partners associes gmbh sl srl lda bv ltd"))
    return rng.choice(CITIES) + "-" + rng.choice(TRADES)

def rand_label():
    if rng.random() < 0.5:
        return "%0*x" % (rng.choice([8, 12, 16]), rng.getrandbits(64))[:16]
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(rng.choice([10, 16, 26])))

def ordinary_host():
    dom = company() + "." + rng.choice(TLDS)
    r = rng.random()
    if r < 0.30:
        return rng.choice(["", "", "www.", "mail.", "webmail.", "cpanel.", "autodiscover."]) + dom
    if r < 0.45:
        return rng.choice(["", "", "www."]) + company() + "." + rng.choice(SAAS)
    if r < 0.65:
        return rng.choice(INFRA) + "." + dom
    if r < 0.75:
        return rng.choice(NUMBERED).format(rng.randint(1, 40)) + "." + rng.choice(["", "prod.", "eu.", "int."]) + dom
    if r < 0.83:
        return rand_label() + "." + rng.choice(["cdn.", "", "assets.", "tenants."]) + dom
    if r < 0.93:
        return "*." + rng.choice(["", "", "apps.", "dev."]) + dom
    return rng.choice(["mail", "vpn", "www", "shop"]) + "." + rng.choice(CITIES) + "." + dom

# ---------------------------------------------------------------- build
rows, seen = [], set()

def add(kind, cat, host, allow_wild=False):
    if host in seen or not valid_host(host, allow_wild):
        return False
    if kind == "lookalike" and any(host == d or host.endswith("." + d) for d in OWNED):
        return False
    seen.add(host)
    rows.append((kind, cat, host))
    return True

def fill(tech, brand, variants, idn=False):
    assert variants, (tech, brand)
    got, tries = 0, 0
    while got < PER_BRAND and tries < 2000:
        v = variants[tries % len(variants)]
        tries += 1
        got += add("lookalike", tech, place(brand, v, idn))

for brand in BRANDS:
    idn = [v for v in subst_variants(brand, {k: list(s) for k, s in IDN_MAP.items() if s})]
    rng.shuffle(idn)
    idn = [v for v in idn if sum(c != d for c, d in zip(v, brand)) <= 2]
    fill("idn-homoglyph", brand, idn, idn=True)
    asc = subst_variants(brand, ASCII_MAP)
    rng.shuffle(asc)
    fill("ascii-homoglyph", brand, asc)
    fill("typo", brand, typo_variants(brand))
    sp = split_variants(brand)
    rng.shuffle(sp)
    fill("split", brand, sp)
    # contains: bare own label, hyphen token, glued, subdomain of attacker domain
    forms = ["bare", "hyphen", "glued", "sub", "hyphen", "glued", "sub"]
    rng.shuffle(forms)
    got = 0
    while got < PER_BRAND:
        f, w = forms[got], bait(brand)
        if f == "bare":
            h = brand + "." + rng.choice(BARE_TLDS)
            h = (rng.choice(PREFIXES) + h) if rng.random() < 0.4 else h
        elif f == "hyphen":
            h = rng.choice([f"{brand}-{w}", f"{w}-{brand}", f"{w}-{brand}-{bait(brand)}"]) + "." + market_tld(brand)
        elif f == "glued":
            h = rng.choice([f"{brand}{w}", f"{w}{brand}"]) + "." + market_tld(brand)
        else:
            atk = rng.choice([f"{w}-{bait(brand)}", f"{w}{rng.randint(2, 999)}", f"{w}-{rand_label()[:6]}"])
            own = rng.choice(BRANDS[brand][0])
            pre = rng.choice([brand, own, "www." + brand, "login." + own, brand + "." + rng.choice(["secure", "auth", "account", "my"])])
            h = f"{pre}.{atk}.{rng.choice(GTLDS)}"
        got += add("lookalike", "contains", h)

# benign near-words
for w, lang in NEAR:
    bs = [b for b in BRANDS if dl(w, b) <= 2]
    if not bs or any(b in w for b in BRANDS):
        sys.exit(f"near-word {w!r} is not 1-2 edits from a brand")
    n = 0
    for _ in range(20):
        if n >= rng.choice([1, 2, 2]):
            break
        tld, ow = rng.choice(LANG_TLD[lang]), rng.choice(LANG_WORD[lang])
        h = rng.choice([f"{w}.{tld}", f"www.{w}.{tld}", f"{w}-{ow}.{tld}", f"www.{w}-{ow}.{tld}",
                        f"{ow}-{w}.{tld}", f"mail.{w}-{ow}.{tld}"])
        n += add("benign", "near-word", h)

# benign containing
for w, lang in CONTAINING:
    if not any(b in w for b in BRANDS) or w in BRANDS:
        sys.exit(f"containing {w!r} holds no brand")
    n, want = 0, rng.choice([1, 2, 2, 3])
    for _ in range(20):
        if n >= want:
            break
        tld = rng.choice(LANG_TLD[lang])
        h = rng.choice(["", "", "www.", "shop.", "mail.", "blog."]) + w + "." + tld
        n += add("benign", "containing", h)

# benign own subdomains
own = []
for d in OWNED:
    for s in OWN_SUBS:
        own.append(f"{s}.{d}")
    own += [f"*.{d}", f"*.api.{d}", f"*.cdn.{d}"]
rng.shuffle(own)
n = 0
for h in own:
    if n >= 80:
        break
    n += add("benign", "own-subdomain", h, allow_wild=True)

# ordinary
n = 0
while n < 5000:
    h = ordinary_host()
    if near_any_brand(h):
        continue
    n += add("ordinary", "ordinary", h, allow_wild=True)

# ---------------------------------------------------------------- write
OUT.parent.mkdir(parents=True, exist_ok=True)
with OUT.open("w", encoding="utf-8", newline="\n") as f:
    f.write("# Blind lookalike-hostname evaluation set, generated by tools/gen_lookalike_blind.py\n")
    f.write(f"# seed={SEED} (random.Random), Python 3.11 stdlib only, deterministic\n")
    f.write("# built without reading the detector, its tests, tuning data or word lists\n")
    f.write("# columns: kind<TAB>technique-or-category<TAB>hostname; IDN labels are punycode (xn--)\n")
    f.write(f"# bait vocabulary ({len(ALL_BAIT)} words): {','.join(ALL_BAIT)}\n")
    f.write("brands\t" + ",".join(BRANDS) + "\n")
    f.write("owned\t" + ",".join(OWNED) + "\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
counts = {}
for k, c, _ in rows:
    counts[(k, c)] = counts.get((k, c), 0) + 1
for k in sorted(counts):
    print(*k, counts[k], sep="\t")
print("total", len(rows), "->", OUT)
