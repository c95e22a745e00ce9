#!/usr/bin/env python3
"""Generate benches/data/lookalike_blind5.tsv: an independent, blind evaluation set
for a phishing-lookalike hostname detector.  Deterministic: stdlib only, fixed seed.
Built without looking at the detector, its word lists or earlier evaluation sets."""
import os
import random
import re
import unicodedata

SEED = 55055
R = random.Random(SEED)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benches", "data", "lookalike_blind5.tsv")

# brand -> (kind, owned registered domains)
BRANDS = {
    "icici": ("bank, India", ["icicibank.com", "icicidirect.com", "icicibank.co.uk"]),
    "viber": ("messaging app", ["viber.com", "vb.me"]),
    "digid": ("government login, NL", ["digid.nl", "logius.nl"]),
    "trezor": ("crypto hardware wallet", ["trezor.io", "satoshilabs.com"]),
    "postnl": ("parcel carrier, NL", ["postnl.nl", "postnl.com", "postnl.be"]),
    "ryanair": ("airline", ["ryanair.com", "ryanair.ie"]),
    "natwest": ("bank, UK", ["natwest.com", "natwestgroup.com"]),
    "movistar": ("telecom, ES/LatAm", ["movistar.es", "movistar.com.ar", "movistar.cl"]),
    "atlassian": ("cloud/SaaS login", ["atlassian.com", "atlassian.net"]),
    "aliexpress": ("e-commerce", ["aliexpress.com", "aliexpress.ru", "aliexpress.us"]),
}
BRAND_LIST = list(BRANDS)
OWNED = [d for _, ds in BRANDS.values() for d in ds]

# Bait vocabulary (own choice, multilingual; ASCII-folded)
BAIT = ("login signin secure verify account support update billing auth wallet refund "   # en
        "konto sicherheit anmelden bestaetigen kundenservice "                            # de
        "connexion compte securite paiement remboursement "                               # fr
        "cuenta acceso seguridad pago verificar "                                         # es
        "conta acesso pagamento "                                                         # pt
        "inloggen betaling verificatie pakket "                                           # nl
        "accesso verifica pagamenti "                                                     # it
        "logowanie dostawa oplata "                                                       # pl
        "giris hesap dogrulama "                                                          # tr
        "vhod lichnyi "                                                                   # ru (translit)
        "masuk akun "                                                                     # id
        "inloggning betalning").split()                                                   # sv
TLDS = ("com net org info xyz top online site shop app io co me cc biz live icu support help "
        "services cloud vip club store de fr es it nl pl ru in uk co.uk com.br com.ar cl mx "
        "ie se no fi dk cz sk ro hu pt gr tr ua jp kr au ca us eu be ch at hr rs vn id ph ng "
        "ke ma com.mx com.tr co.in com.au co.za").split()
PREFIXES = ["www", "secure", "login", "m", "app"]

# ---------------------------------------------------------------- helpers
def osa(a, b):
    """Optimal-string-alignment (restricted Damerau-Levenshtein) distance."""
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
    return d[-1][-1]

def puny(label):
    if all(ord(c) < 128 for c in label):
        return label
    enc = "xn--" + label.encode("punycode").decode()
    assert enc[4:].encode().decode("punycode") == label, label
    return enc

def encode_host(host):
    return ".".join(puny(l) for l in host.split("."))

LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

def valid(host, wildcard_ok=False):
    labels = host.split(".")
    if wildcard_ok and labels[0] == "*":
        labels = labels[1:]
    return len(host) <= 253 and len(labels) >= 2 and all(LABEL_RE.match(l) for l in labels)

def is_owned(host):
    return any(host == d or host.endswith("." + d) for d in OWNED)

def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

SEEN = set()
ROWS = []

def emit(kind, cat, host, wildcard_ok=False):
    assert valid(host, wildcard_ok), host
    key = (kind, cat, host)
    if host in SEEN:
        return False
    SEEN.add(host)
    ROWS.append(key)
    return True

def place(v, prefixed_ok=True):
    """Put a (possibly unicode) lookalike string v into a realistic hostname."""
    tld, w = R.choice(TLDS), R.choice(BAIT)
    t = R.randrange(6 if prefixed_ok else 3)
    if t == 0:
        h = f"{v}.{tld}"
    elif t == 1:
        h = f"{v}-{w}.{tld}"
    elif t == 2:
        h = f"{w}-{v}.{tld}"
    elif t == 3:
        h = f"{R.choice(PREFIXES)}.{v}.{tld}"
    elif t == 4:
        h = f"{R.choice(PREFIXES)}.{v}-{w}.{tld}"
    else:
        h = f"{R.choice(PREFIXES)}.{w}-{v}.{tld}"
    return encode_host(h)

def fill(brand, tech, variants, n=7, placer=place):
    """Emit n unique lookalike hosts for brand, cycling through the variants."""
    variants = list(dict.fromkeys(variants))
    R.shuffle(variants)
    got, i, tries = 0, 0, 0
    while got < n:
        tries += 1
        assert tries < 5000, (brand, tech)
        h = placer(variants[i % len(variants)])
        if valid(h) and not is_owned(h) and emit("lookalike", tech, h):
            got += 1
            i += 1

# ---------------------------------------------------------------- idn-homoglyph
HOMO = {
    "a": "аαàáâäãåą", "c": "сϲçćč", "e": "еéèêëėę", "i": "іιíìîïı", "o": "оοóòôöõø",
    "p": "рρ", "s": "ѕśšş", "x": "хχ", "y": "уý", "n": "ñńň", "r": "ŕř", "t": "ťţ",
    "l": "ӏĺľł", "d": "ԁďđ", "g": "ɡğġǵ", "k": "κкķ", "v": "νѵ", "w": "ѡŵ", "b": "ḃ",
    "m": "ṁ", "z": "žźż", "h": "һ", "u": "υúùûü",
}

def idn_variants(b):
    out = []
    pos = [i for i, c in enumerate(b) if c in HOMO]
    for _ in range(60):
        k = R.choice([1, 1, 2])
        ps = R.sample(pos, min(k, len(pos)))
        s = list(b)
        for p in ps:
            s[p] = R.choice(HOMO[b[p]])
        out.append("".join(s))
    return out

# ---------------------------------------------------------------- ascii-homoglyph
ASCII_TRICKS = {"o": ["0"], "l": ["1"], "i": ["1"], "e": ["3"], "s": ["5"], "m": ["rn"], "w": ["vv"]}

def ascii_variants(b):
    pos = [i for i, c in enumerate(b) if c in ASCII_TRICKS]
    out = set()
    for _ in range(400):
        ps = set(R.sample(pos, min(R.choice([1, 1, 2, 2, 3]), len(pos))))
        out.add("".join(R.choice(ASCII_TRICKS[c]) if i in ps else c for i, c in enumerate(b)))
    out.discard(b)
    return sorted(out)

# ---------------------------------------------------------------- typo
ROWS_KB = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
KPOS = {c: (r, x + 0.5 * r) for r, row in enumerate(ROWS_KB) for x, c in enumerate(row)}
NEIGH = {c: [d for d in KPOS if d != c and abs(KPOS[d][0] - r) <= 1 and
             abs(KPOS[d][1] - x) <= (1 if KPOS[d][0] == r else 0.5)] for c, (r, x) in KPOS.items()}
VOWELS = "aeiou"
# real words (any language) that typo generation must not emit
DICT_WORDS = set("""vibe vibes viper fiber fibre biber tiber liber vider vibre ciber viber river
rigid digit digi digis tresor tremor trevor trezo postal postel postil postul posts posten poster
posted hostel portal pastel natwest icing icier icily ici cici movista moviestar mobistar ryan
alexpress allexpress atlas atlassia atlasian vider vibra vibras viberg ricci""".split())

def typo_variants(b):
    by_op = {k: set() for k in ("omit", "dup", "insert", "transpose", "neighbour", "vowel", "bitflip")}
    for i, c in enumerate(b):
        by_op["omit"].add(b[:i] + b[i + 1:])
        by_op["dup"].add(b[:i] + c + b[i:])
        for n in NEIGH.get(c, []):
            by_op["neighbour"].add(b[:i] + n + b[i + 1:])
            by_op["insert"].add(b[:i] + n + b[i:])
        if i + 1 < len(b) and b[i + 1] != c:
            by_op["transpose"].add(b[:i] + b[i + 1] + c + b[i + 2:])
        if c in VOWELS:
            for v in VOWELS.replace(c, ""):
                by_op["vowel"].add(b[:i] + v + b[i + 1:])
        for bit in range(7):
            f = chr(ord(c) ^ (1 << bit))
            if f.isascii() and (f.islower() or f.isdigit()) and f.isalnum():
                by_op["bitflip"].add(b[:i] + f + b[i + 1:])
    ops = list(by_op)
    R.shuffle(ops)
    chosen = []
    for op in ops:  # one variant per technique, round-robin
        cands = sorted(v for v in by_op[op] if v != b and v not in DICT_WORDS
                       and v not in BRANDS and v not in chosen and len(v) >= 3)
        if cands:
            chosen.append(R.choice(cands))
    return chosen

# ---------------------------------------------------------------- split
def split_place(b):
    n = len(b)
    k = R.randrange(2, n - 1) if n >= 6 else R.randrange(1, n)
    a, c = b[:k], b[k:]
    tld, w, p = R.choice(TLDS), R.choice(BAIT), R.choice(PREFIXES)
    if R.random() < 0.5:  # hyphen cut
        v = f"{a}-{c}"
        return R.choice([f"{v}.{tld}", f"{v}-{w}.{tld}", f"{w}-{v}.{tld}", f"{p}.{v}.{tld}",
                         f"{p}.{v}-{w}.{tld}"])
    return R.choice([f"{a}.{c}.{tld}", f"{a}.{c}-{w}.{tld}", f"{a}-{w}.{c}.{tld}",
                     f"{w}-{a}.{c}.{tld}", f"{p}.{a}.{c}.{tld}", f"{a}.{c}.{w}.{tld}"])

# ---------------------------------------------------------------- contains
def contains_place(form_b):
    form, b = form_b
    tld, w, w2, p = R.choice(TLDS), R.choice(BAIT), R.choice(BAIT), R.choice(PREFIXES)
    if form == "label":       # brand verbatim as its own label under a non-owned TLD
        cc = R.choice(["uk", "br", "ar", "mx", "tr", "au", "za", "ng", "in"])
        return R.choice([f"{b}.{tld}", f"{p}.{b}.{tld}", f"{b}.{R.choice(['com', 'co', 'net', 'org'])}.{cc}"])
    if form == "hyphen":      # brand as hyphen token next to bait words
        return R.choice([f"{b}-{w}.{tld}", f"{w}-{b}.{tld}", f"{w}-{b}-{w2}.{tld}",
                         f"{p}.{b}-{w}-{w2}.{tld}"])
    if form == "glued":       # <brand><word> / <word><brand>
        return R.choice([f"{b}{w}.{tld}", f"{w}{b}.{tld}", f"{p}.{b}{w}.{tld}"])
    atk = f"{w}-{w2}{R.randrange(1, 99)}" if R.random() < 0.5 else f"{w}{w2}"
    return R.choice([f"{b}.{atk}.{tld}", f"{b}.com.{atk}.{tld}", f"{p}.{b}.{atk}.{tld}"])

# ---------------------------------------------------------------- ordinary
SURN = ("mueller schmidt schneider fischer weber wagner becker hoffmann dupont bernard moreau "
        "lefebvre garcia fernandez lopez martinez rossi russo bianchi romano ferrari silva santos "
        "oliveira pereira jansen devries bakker visser kowalski nowak wisniewski andersson "
        "johansson nilsson hansen jensen nielsen korhonen virtanen yilmaz kaya demir nguyen tran "
        "tanaka suzuki sato yamamoto kim park chen wang zhang novak horvat kovac papadopoulos "
        "ionescu popescu murphy kelly obrien smith jones taylor wilson evans dubois laurent petit "
        "roux costa ferreira almeida gomez diaz torres ruiz hernandez moreno conti esposito marino "
        "greco kruger vogel lindqvist berg haugen dahl szabo nagy horvath kovacs petrov ivanov "
        "sokolov okafor mensah adeyemi kariuki haddad khoury sharma patel gupta reddy iyer "
        "fujimoto nakamura watanabe oconnor fitzgerald walsh byrne leclerc girard bonnet").split()
TRADES = ("baeckerei metzgerei schreinerei zahnarzt autohaus immobilien steuerberater elektro "
          "malerbetrieb boulangerie pharmacie plomberie avocats notaires garage immobilier "
          "traiteur fleuriste ferreteria clinica abogados inmobiliaria panaderia asesoria "
          "ristorante pizzeria farmacia studio agriturismo officina edilizia padaria construtora "
          "advocacia imobiliaria bakkerij tandarts makelaar fietsen loodgieter piekarnia apteka "
          "sklep kancelaria warsztat bageri tandlakare bygg redovisning frisor leipomo kauppa "
          "rakennus tilitoimisto pekarna lekarna autoservis eczane insaat emlak hukuk shoten "
          "koumuten toko rumah warung bengkel nhahang dental law consulting plumbing roofing "
          "bakery realty hotel pension gasthaus camping reisen logistics transport solar energie "
          "design media foto druckerei fitness yoga tierarzt clinic school akademie kita "
          "weingut brauerei cafe bistro trattoria taverna sushi ramen kebab").split()
TOWNS = ("bergen lyon sevilla torino porto utrecht krakow malmo izmir osaka brno graz gent aarhus "
         "tampere cluj bremen leipzig dresden nantes lille bilbao valencia bologna verona braga "
         "leiden groningen poznan gdansk uppsala odense turku ostrava linz basel bern zurich "
         "geneve luzern innsbruck salzburg kyoto sapporo busan daegu hanoi cebu medan curitiba "
         "recife rosario cordoba cusco quito puebla durban nairobi accra lagos kumasi casablanca "
         "tunis adelaide perth hobart calgary winnipeg tartu riga vilnius plovdiv varna split "
         "zadar ljubljana maribor kosice debrecen szeged thessaloniki patras antalya bursa").split()
GEN = ("nordic alpine green blue sun bright smart prime global micro nova terra aqua luna sol "
       "vita casa mar monte rio bosque wald haus feld berg see stern licht blau rot gruen "
       "soleil maison jardin fleur vert bleu rouge ciel mare sole bella verde stella oro "
       "groen huis zon lux pixel byte cloud data net web soft code labs works hub point line "
       "nexus orbit vertex quantum fusion apex summit harbor maple cedar oak pine").split()
TLD_ORD = ("com net org de fr es it nl pl se no fi dk cz sk ro hu pt gr tr jp kr cn tw vn id my "
           "in au nz ca us mx ar cl co pe ke ng ma be ch at ie uk co.uk org.uk com.au "
           "co.jp co.nz com.br com.mx co.za com.tr co.in com.sg com.ar io dev app tech cloud "
           "online shop store eu lt lv ee si hr rs bg ua kz ge am").split()
HOSTPFX = "www mail webmail cpanel autodiscover api cdn smtp vpn remote portal shop blog dev staging intranet owa imap pop ftp admin test status docs git grafana jira".split()
SAAS = ("zendesk.com freshdesk.com myshopify.com slack.com okta.com service-now.com sharepoint.com "
        "herokuapp.com azurewebsites.net github.io netlify.app vercel.app pages.dev wpengine.com "
        "squarespace.com wixsite.com bamboohr.com workable.com freshservice.com gitlab.io "
        "readthedocs.io webflow.io firebaseapp.com web.app appspot.com kinsta.cloud "
        "statuspage.io gitbook.io notion.site onmicrosoft.com teamwork.com").split()
UWORDS = ("bäckerei müller grün schön café crêperie pâtisserie señor niño peluquería łódź kraków "
          "gdańsk çiçek şeker göteborg malmö zürich köln düsseldorf münchen blåbær smörgås "
          "ærø kvarnström żółw ośrodek příroda kůň växthus fräulein straße öko").split()

def hexs(n):
    return "".join(R.choice("0123456789abcdef") for _ in range(n))

def biz():
    t = R.randrange(7)
    s, tr, tw, g = R.choice(SURN), R.choice(TRADES), R.choice(TOWNS), R.choice(GEN)
    return [f"{s}-{tr}", f"{tr}-{tw}", f"{tw}{tr}", f"{g}{R.choice(GEN)}", f"{s}{tr}",
            f"{g}-{tr}", f"{tr}-{s}-{tw}"][t]

def ordinary():
    t = R.randrange(13)
    tld = R.choice(TLD_ORD)
    b = biz()
    if t <= 2:
        return f"{R.choice(['www', ''])}.{b}.{tld}".lstrip(".")
    if t <= 4:
        return f"{R.choice(HOSTPFX)}.{b}.{tld}"
    if t == 5:
        return f"*.{b}.{tld}"
    if t == 6:
        return f"{b.replace('-', '')}.{R.choice(SAAS)}" if R.random() < 0.6 else f"{b}.{R.choice(SAAS)}"
    if t == 7:
        return R.choice([f"srv{R.randrange(1, 200):02d}.{b}.{tld}", f"node-{R.randrange(1, 64)}.k8s.{b}.{tld}",
                         f"mx{R.randrange(1, 9)}.{b}.{tld}", f"web{R.randrange(1, 40)}.{b}.{tld}"])
    if t == 8:
        ip = ".".join(str(R.randrange(1, 255)) for _ in range(4))
        return R.choice([f"static.{ip}.clients.your-server.de", f"vmi{R.randrange(100000, 999999)}.contaboserver.net",
                         f"vps-{hexs(8)}.vps.ovh.net", f"srv{R.randrange(100, 9999)}.main-hosting.eu",
                         f"ip-{ip.replace('.', '-')}.{R.choice(['eu', 'net', 'de'])}"]) if R.random() < 0.5 else \
            f"{hexs(R.choice([8, 12, 16, 32]))}.{R.choice(['cdn.', 'assets.', 'edge.', ''])}{b}.{tld}"
    if t == 9:
        return f"{R.choice(HOSTPFX)}.{R.choice(['eu', 'us', 'de', 'fr', 'int', 'prod', 'stage'])}.{b}.{tld}"
    if t == 10:  # benign IDN business name
        u = R.choice(UWORDS)
        lab = R.choice([u, f"{u}-{R.choice(TRADES)}", f"{R.choice(SURN)}-{u}", f"{u}{R.choice(GEN)}"])
        return encode_host(f"{R.choice(['www.', '', 'mail.'])}{lab}.{R.choice(['de', 'fr', 'es', 'pl', 'tr', 'se', 'ch', 'at', 'com', 'eu', 'cz', 'dk'])}")
    if t == 11:
        return f"{R.choice(['*.', 'www.', ''])}{b}.{tld}"
    return f"{R.choice(HOSTPFX)}{R.randrange(1, 5)}.{b}.{tld}"

def ordinary_ok(h):
    folded = fold(".".join(l[4:].encode().decode("punycode") if l.startswith("xn--") else l
                           for l in h.split(".")))
    flat = re.sub(r"[^a-z0-9]", "", folded)
    if any(b in flat for b in BRAND_LIST):
        return False
    toks = [t for t in re.split(r"[.\-*]", folded) if t]
    return not any(osa(t, b) <= 2 for t in toks for b in BRAND_LIST)

# ---------------------------------------------------------------- benign lists
NEAR = {  # real words / names 1-2 edits from a brand
    "viber": "fiber fibre vibe vibes viper vider vibre biber tiber liber ciber river cider wider "
             "tiger hiker biker diner liner miner timer vibra fiver giver liver wiper piper visor",
    "digid": "rigid digit digits frigid vivid livid timid digi lipid rigide",
    "trezor": "tresor tremor trevor tenor razor terror",
    "postnl": "postal pastel hostel poster posted posten portal postale posts postel postil costal "
              "pistol hostal",
    "icici": "icing icicle icier icily",
    "movistar": "moviestar mobistar navistar moviestars",
    "aliexpress": "allexpress",
}
CONTAINING = {  # real words / place names / companies containing a brand
    "icici": [("icici", "hr com eu", "apartmani villa camping hotel marina sobe")],  # Icici, Croatia
    "viber": [("vibert", "fr com", "avocats immobilier notaires"), ("viberti", "it com", "vini cantina"),
              ("viberg", "se com", "bygg advokat"), ("vibersviller", "fr", "mairie commune"),
              ("viberne", "dk", "")],
    "digid": [("digidesign", "com", ""), ("digidata", "com", ""), ("digidentity", "eu nl com", ""),
              ("digidoc", "ee", ""), ("digidna", "com", ""), ("digidirect", "com.au", ""),
              ("digidip", "com de", "")],
    "trezor": [("trezorerie", "ro", "judet"), ("trezoreria", "ro", ""), ("trezory", "cz sk", "prodej"),
               ("trezorovy", "cz", "servis")],
}
OWN_SUBS = {  # sub@domain, domain given as index into the brand's owned list
    "icici": "www@0 infinity@0 loans@0 m@0 imobile@0 www@1 secure@1 www@2 online@2",
    "viber": "www@0 help@0 account@0 partners@0 developers@0 creators@0 invite@0",
    "digid": "www@0 mijn@0 app@0 machtigen@0 www@1 status@1",
    "trezor": "suite@0 shop@0 wiki@0 data@0 connect@0 blog@0 www@1",
    "postnl": "jouw@0 www@0 zakelijk@0 mijnpakket@0 api@0 developer@0 www@2 www@1",
    "ryanair": "www@0 help@0 careers@0 corporate@0 investor@0 m@0 www@1",
    "natwest": "www@0 personal@0 business@0 international@0 secure1@0 www@1 investors@1",
    "movistar": "www@0 ayuda@0 tienda@0 comunidad@0 mi@1 www@1 www@2 ww2@2",
    "atlassian": "id@0 start@0 admin@0 support@0 developer@0 status@0 community@0 marketplace@0",
    "aliexpress": "login@0 m@0 sale@0 es@0 pt@0 fr@0 best@0 www@1 www@2",
}
TENANTS = "acme-corp contoso northwind globex initech umbrella-it hooli-eng vandelay stark-ind".split()

# ================================================================ build
def main():
    for b in BRAND_LIST:
        fill(b, "idn-homoglyph", idn_variants(b))
    for b in BRAND_LIST:
        fill(b, "ascii-homoglyph", ascii_variants(b))
    for b in BRAND_LIST:
        fill(b, "typo", typo_variants(b))
    for b in BRAND_LIST:
        fill(b, "split", [b], placer=lambda x: split_place(x))
    for b in BRAND_LIST:
        forms = ["label", "hyphen", "glued", "subdomain"] * 2
        fill(b, "contains", [(f, b) for f in forms[:7]], placer=contains_place)

    # benign near-word
    pairs = [(b, w) for b, ws in NEAR.items() for w in ws.split()]
    for b, w in pairs:
        assert 1 <= osa(w, b) <= 2, (w, b)
    n = 0
    for b, w in pairs + R.sample(pairs, 14):
        tld, x = R.choice(TLD_ORD), R.choice(TRADES + SURN + TOWNS)
        h = R.choice([f"{w}.{tld}", f"www.{w}-{x}.{tld}", f"{x}-{w}.{tld}", f"{R.choice(HOSTPFX)}.{w}.{tld}",
                      f"{w}{R.choice(['shop', 'online', 'group', 'tech', 'club'])}.{tld}"])
        n += emit("benign", "near-word", h)

    # benign containing
    for b, items in CONTAINING.items():
        for word, ccs, partners in items:
            assert b in word
            ccs, partners = ccs.split(), partners.split()
            want = {"icici": 12}.get(b, 4 if partners else 3)
            k = 0
            for _ in range(50):
                if k >= want:
                    break
                cc = R.choice(ccs)
                h = R.choice([f"{word}.{cc}", f"www.{word}.{cc}", f"{R.choice(HOSTPFX)}.{word}.{cc}"] +
                             ([f"{R.choice(partners)}-{word}.{cc}", f"{word}-{R.choice(partners)}.{cc}"] * 2
                              if partners else []))
                k += emit("benign", "containing", h)

    # benign own-subdomain
    for b, (_, doms) in BRANDS.items():
        for sd in OWN_SUBS[b].split():
            sub, i = sd.split("@")
            emit("benign", "own-subdomain", f"{sub}.{doms[int(i)]}")
    for t in TENANTS[:6]:
        emit("benign", "own-subdomain", f"{t}.atlassian.net")

    # ordinary
    n = 0
    while n < 5000:
        h = ordinary()
        if valid(h, wildcard_ok=True) and ordinary_ok(h) and not is_owned(h):
            n += emit("ordinary", "ordinary", h, wildcard_ok=True)

    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("# lookalike_blind5.tsv -- independent blind evaluation set for lookalike hostname detection\n")
        f.write(f"# generated by tools/gen_lookalike_blind5.py, stdlib only, random.Random({SEED})\n")
        f.write("# built without reading the detector, its word lists, or earlier evaluation sets\n")
        f.write("# brands: " + "; ".join(f"{b} ({k})" for b, (k, _) in BRANDS.items()) + "\n")
        f.write("# bait vocabulary: " + " ".join(BAIT) + "\n")
        f.write("# lookalike techniques: idn-homoglyph (Cyrillic/Greek/accented, punycode), ascii-homoglyph "
                "(0/o 1/l 1/i 3/e 5/s rn/m vv/w), typo, split, contains; 7 per brand each\n")
        f.write("# benign: near-word (real words 1-2 OSA edits from a brand), containing (real words/places/"
                "companies containing a brand), own-subdomain (subdomains of owned domains)\n")
        f.write("# ordinary: synthetic CT-style benign names, filtered: no brand substring, no token within 2 edits\n")
        f.write("# columns: kind<TAB>technique-or-category<TAB>hostname\n")
        f.write("brands\t" + ",".join(BRAND_LIST) + "\n")
        f.write("owned\t" + ",".join(OWNED) + "\n")
        for k, c, h in ROWS:
            f.write(f"{k}\t{c}\t{h}\n")
    print(f"wrote {len(ROWS)} samples to {OUT}")

if __name__ == "__main__":
    main()
