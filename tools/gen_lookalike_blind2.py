#!/usr/bin/env python3
"""Generate benches/data/lookalike_blind2.tsv, an independent BLIND evaluation
set for a phishing-lookalike hostname detector.

It was written without looking at the detector's source, word lists, benchmark
or earlier evaluation data: brands, bait words and benign vocabularies are all
chosen here.  Deterministic: Python 3.11, stdlib only, random.Random(777001).
Usage: python3 tools/gen_lookalike_blind2.py"""
import itertools, os, random, re  # noqa: E401  (stdlib only)

SEED = 777001
rng = random.Random(SEED)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benches", "data", "lookalike_blind2.tsv")

# brand -> (kind, market)
BRANDS = {
    "monzo": "retail bank, UK", "bybit": "crypto exchange, global",
    "steam": "gaming platform login (Valve), global", "nordea": "bank, Nordics",
    "inpost": "parcel carrier / lockers, PL+UK", "telekom": "telecom, DE",
    "zalando": "e-commerce, DE/EU", "whatsapp": "messaging app, global",
    "centrelink": "government benefits service, AU", "salesforce": "cloud/SaaS login, global",
}
BRAND_LIST = list(BRANDS)
OWNED = {b: ds.split() for b, ds in (x.split(":") for x in (
    "monzo:monzo.com monzo.me;bybit:bybit.com bybit.eu;steam:steampowered.com steamcommunity.com;"
    "nordea:nordea.com nordea.fi nordea.se;inpost:inpost.pl inpost.eu inpost.co.uk;"
    "telekom:telekom.de telekom.com;zalando:zalando.de zalando.fr zalando.co.uk;"
    "whatsapp:whatsapp.com whatsapp.net wa.me;centrelink:centrelink.gov.au servicesaustralia.gov.au;"
    "salesforce:salesforce.com force.com").split(";"))}
OWNED_ALL = [d for b in BRAND_LIST for d in OWNED[b]]

BAIT = {lang: ws.split() for lang, ws in {
    "en": "login secure verify account support update billing wallet signin auth confirm unlock refund"
          " invoice tracking delivery parcel payment alert help",
    "fr": "connexion compte securite verification colis remboursement facture suivi paiement espaceclient",
    "de": "anmelden konto sicherheit bestaetigung sendung zahlung kundenservice rechnung sperrung",
    "es": "cuenta acceso verificar seguridad envio pago factura reembolso",
    "it": "accesso conto verifica sicurezza pagamento spedizione rimborso",
    "pt": "conta entrar seguranca encomenda atualizar pagar",
    "nl": "inloggen rekening betaling verificatie pakket bevestigen",
    "pl": "logowanie weryfikacja przesylka platnosc doplata paczka",
    "tr": "giris hesap dogrulama odeme kargo"}.items()}
BAIT_ALL = sorted({w for ws in BAIT.values() for w in ws})

# ---------------------------------------------------------------- helpers
SUFFIX2 = {"co.uk", "org.uk", "gov.au", "com.au", "com.tr", "com.br", "com.pl", "com.mx",
           "co.id", "co.jp", "co.za", "com.ar"}
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

def under_owned(h):
    return any(h == d or h.endswith("." + d) for d in OWNED_ALL)

def valid(h, wild=False):
    labels = h.split(".")
    if wild and labels[0] == "*":
        labels = labels[1:]
    if len(labels) < 2 or len(h) > 253:
        return False
    return all(LABEL_RE.match(l) and (l[2:4] != "--" or l.startswith("xn--")) for l in labels)

def osa(a, b):
    """Optimal-string-alignment (restricted Damerau-Levenshtein) distance."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]

def brandish(host):
    """True if host contains a brand, or a token within 1 (brand<=6) / 2 edits of one,
    after undoing the ASCII homoglyph tricks.  Used to keep ordinary/benign filler clean."""
    s = host.lower().replace("rn", "m").replace("vv", "w")
    for n in {s.translate(str.maketrans("0135", "oles")), s.translate(str.maketrans("0135", "oies"))}:
        flat = re.sub(r"[.\-*]", "", n)
        toks = [t for t in re.split(r"[.\-]", n) if t and t != "*"]
        toks += [re.sub(r"\d", "", t) for t in toks]
        for b in BRAND_LIST:
            if b in flat:
                return True
            thr = 1 if len(b) <= 6 else 2
            if any(abs(len(t) - len(b)) <= thr and osa(t, b) <= thr for t in toks):
                return True
    return False

def puny(label):
    enc = "xn--" + label.encode("punycode").decode("ascii")
    assert enc[4:].encode("ascii").decode("punycode") == label, label
    return enc

USED = set()
ROWS = []

def emit(kind, cat, host, wild=False):
    assert valid(host, wild), host
    assert host not in USED, host
    USED.add(host)
    ROWS.append((kind, cat, host))

# ---------------------------------------------------------------- lookalikes
PREFIXES = "www secure login m app".split()
LTLDS = ("com net org xyz top online site info shop app co io ru cn live click icu support de fr pl es it"
         " nl se fi co.uk com.br com.tr com.au").split()
BADTLDS = "xyz top online site info shop live click icu support buzz cyou sbs rest monster".split()

def place(v, idn=False):
    """Put a variant label into a realistic phishing host."""
    r, w = rng.random(), rng.choice(BAIT_ALL)
    if r < .3:
        labels = [v]
    elif r < .5:
        labels = [f"{v}-{w}"]
    elif r < .65:
        labels = [f"{w}-{v}"]
    elif r < .85:
        labels = [rng.choice(PREFIXES), v]
    else:
        labels = [rng.choice(PREFIXES), f"{v}-{w}"]
    if idn:
        labels = [l if l.isascii() else puny(l) for l in labels]
    return ".".join(labels + [rng.choice(LTLDS)])

def take(b, tech, variants, placer, n=7):
    vs = list(variants)
    rng.shuffle(vs)
    it = itertools.cycle(vs)
    fill("lookalike", tech, n, lambda: placer(next(it)))

HOMO = {  # Cyrillic / Greek / accented-Latin lookalikes
    "a": "аàáâäãå", "b": "ḅ", "c": "сçćċ", "d": "ԁď", "e": "еéèêëėē", "g": "ğġ", "h": "һħ",
    "i": "іíìïî", "j": "ј", "k": "кκķ", "l": "ӏĺľłḷ", "m": "мṃ", "n": "ñńņη", "o": "оοóòöôõø",
    "p": "рρ", "r": "гŕř", "s": "ѕśšş", "t": "тţť", "u": "υúüùû", "w": "ԝŵẃ", "y": "уýÿ",
    "z": "żźž"}
ASCII_TRICKS = [("o", "0"), ("l", "1"), ("i", "1"), ("e", "3"), ("s", "5"), ("m", "rn"), ("w", "vv")]

def subst_variants(b, table):
    sites = [(i, rep) for i, ch in enumerate(b) for src, reps in table if ch == src for rep in reps]
    out = set()
    for k in (1, 2):
        for combo in itertools.combinations(sites, k):
            if len({i for i, _ in combo}) < k:
                continue
            s = dict(enumerate(b)) | dict(combo)
            out.add("".join(s[i] for i in range(len(b))))
    return sorted(out)

KB = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]

def neighbours(c):
    for r, row in enumerate(KB):
        if c in row:
            i, out = row.index(c), []
            cand = [(r, i - 1), (r, i + 1), (r - 1, i), (r - 1, i + 1), (r + 1, i - 1), (r + 1, i)]
            for rr, ii in cand:
                if 0 <= rr < 3 and 0 <= ii < len(KB[rr]):
                    out.append(KB[rr][ii])
            return out
    return []

ALNUM = set("abcdefghijklmnopqrstuvwxyz0123456789")
# real words / other real names a typo might land on: never emitted as typo lookalikes
TYPO_STOP = set(("team seam stem steak steal steem stream stram stam stean mono mozo mondo manzo monza gonzo"
                 " impost anpost unpost telkom telecom salando calando talando halando jalando balando"
                 " orbit habit debit cubit obit norden input repost byte bit orlando steamy").split())

def typo_variants(b):
    ops = {k: set() for k in ("omission", "duplication", "insertion", "transposition",
                              "keyboard", "vowel", "bitflip")}
    for i, c in enumerate(b):
        ops["omission"].add(b[:i] + b[i + 1:])
        ops["duplication"].add(b[:i] + c + b[i:])
        for n in neighbours(c):
            ops["keyboard"].add(b[:i] + n + b[i + 1:])
            ops["insertion"].add(b[:i] + n + b[i:])
        if i + 1 < len(b) and c != b[i + 1]:
            ops["transposition"].add(b[:i] + b[i + 1] + c + b[i + 2:])
        if c in "aeiou":
            ops["vowel"].update(b[:i] + v + b[i + 1:] for v in "aeiou" if v != c)
        for k in range(8):
            f = chr(ord(c) ^ (1 << k))
            if f in ALNUM:
                ops["bitflip"].add(b[:i] + f + b[i + 1:])
    stop = TYPO_STOP | {w for _, w, _ in NEAR} | set(BRAND_LIST)
    return {k: sorted(v for v in vs if len(v) >= 3 and v not in stop and b not in v)
            for k, vs in ops.items()}

def split_variants(b):
    return [(b[:i], b[i:], sep) for i in range(2, len(b) - 1) for sep in "-."]

def split_place(v):
    l, r, sep = v
    if sep == "-":
        return place(f"{l}-{r}")
    w, t, p = rng.choice(BAIT_ALL), rng.choice(LTLDS), rng.choice(PREFIXES)
    bt = rng.choice(BADTLDS)  # "<l>.<r>.<tld>": registrable part is just <r>; keep it on cheap TLDs
    return rng.choice([f"{l}.{r}.{bt}", f"{l}.{r}-{w}.{t}", f"{w}-{l}.{r}.{bt}",
                       f"{p}.{l}.{r}.{bt}", f"{p}.{l}.{r}-{w}.{t}"])

def contains_place(b):
    k = contains_place.i % 4
    contains_place.i += 1
    w, w2 = rng.sample(BAIT_ALL, 2)
    t, p, n = rng.choice(LTLDS), rng.choice(PREFIXES), rng.randint(1, 99)
    if k == 0:    # brand verbatim as its own label under a non-owned TLD
        opts = [f"{b}.{rng.choice(BADTLDS)}", f"{p}.{b}.{rng.choice(BADTLDS)}"]
    elif k == 1:  # brand as a hyphen token beside bait words
        opts = [f"{b}-{w}.{t}", f"{w}-{b}.{t}", f"{w}-{b}-{w2}.{t}", f"{p}.{b}-{w}.{t}"]
    elif k == 2:  # brand glued to a bait word in one label
        opts = [f"{b}{w}.{t}", f"{w}{b}.{t}", f"{p}.{b}{w}.{t}"]
    else:         # brand as a subdomain of an attacker domain
        opts = [f"{b}.{w}-{w2}.{t}", f"{b}.{w}{n}.{t}", f"{b}.com.{w}-{w2}.{t}",
                f"{p}.{b}.{w}{w2}.{t}"]
    return rng.choice(opts)

contains_place.i = 0

# ---------------------------------------------------------------- benign vocab
# lang: businesses | cities | surnames | ccTLD-ish TLDs  (all ASCII-folded)
LANGV = {
    "en": "bakery coffee dental clinic plumbing roofing garden florist fitness yoga studio design media"
          " digital consulting solutions legal accounting realty homes motors repair pets vet academy hotel"
          " travel tours photo print brewing farm outdoor bikes books music labs logistics builders cleaning"
          " catering | london leeds bristol dublin cork boston denver austin sydney perth toronto glasgow"
          " | smith jones brown taylor oconnor walsh evans murphy | com net org co.uk io us ca com.au ie dev co",
    "fr": "boulangerie patisserie boucherie fromagerie pharmacie plomberie notaire avocat cabinet atelier"
          " maison jardin immobilier garage coiffure librairie bistrot ecole transports menuiserie traiteur"
          " | paris lyon lille nantes bordeaux toulouse rennes nice | dupont martin bernard lefebvre moreau"
          " girard | fr be ch eu com",
    "de": "baeckerei metzgerei apotheke zahnarzt praxis autohaus fahrschule immobilien steuerberater"
          " rechtsanwalt malerbetrieb tischlerei elektro sanitaer gasthaus reisen verlag kanzlei"
          " physiotherapie druckerei | berlin hamburg koeln muenchen leipzig dresden wien zuerich"
          " | mueller schmidt weber fischer wagner becker hofmann | de at ch eu com",
    "es": "panaderia farmacia abogados inmobiliaria taller ferreteria clinica restaurante viajes muebles"
          " peluqueria asesoria construcciones libreria | madrid sevilla valencia bilbao malaga zaragoza"
          " granada | garcia lopez fernandez ruiz navarro jimenez | es com.mx com cl com.ar",
    "it": "pizzeria ristorante trattoria farmacia avvocato studio immobiliare officina gelateria enoteca"
          " albergo agriturismo ferramenta viaggi palestra arredamenti | roma milano torino napoli bologna"
          " firenze verona bari | rossi bianchi ferrari esposito romano colombo ricci | it com eu",
    "pt": "padaria farmacia advogados imobiliaria oficina restaurante clinica construtora loja viagens"
          " contabilidade | lisboa porto braga coimbra faro recife | silva santos ferreira pereira oliveira"
          " costa | pt com.br com",
    "nl": "bakkerij tandarts huisarts makelaar fietsen kapper aannemer schilder installatie advocaten bloemen"
          " slagerij | amsterdam utrecht rotterdam gent antwerpen leiden eindhoven | jansen devries bakker"
          " visser smit dekker | nl be eu com",
    "pl": "piekarnia apteka kancelaria stomatolog warsztat hurtownia biuro meble szkola uslugi budownictwo"
          " | krakow gdansk poznan wroclaw lodz lublin katowice | nowak kowalski wisniewski wojcik kaminski"
          " lewandowski | pl com.pl eu com",
    "tr": "eczane avukat kuafor insaat emlak mobilya otomotiv lokanta firin | istanbul izmir ankara bursa"
          " antalya konya | yilmaz kaya demir celik sahin yildiz | com.tr com net",
    "id": "jasa solusi toko | jakarta bandung | santoso wijaya | co.id id",
    "cs": "servis sluzby | praha brno | novak svoboda | cz",
    "hr": "usluge servis | zagreb rijeka | horvat kovacevic | hr",
    "sr": "usluge servis | beograd nis | jovanovic petrovic | rs",
}
BIZ, CITY, SURN, TLD = ({k: v.split("|")[i].split() for k, v in LANGV.items()} for i in range(4))
GENERIC_TLD = "com net org info biz online shop xyz site io app".split()
LANGS = ["en"] * 5 + ["de"] * 3 + ["fr"] * 3 + ["es"] * 2 + ["it"] * 2 + ["pt", "nl", "nl", "pl", "pl", "tr"]
ADJ = ("blue green red bright swift north silver golden urban happy smart clear open prime nova terra luna"
       " sol oak maple").split()
NOUN = ("fox leaf river stone peak wave pixel cloud bridge harbor forge field lake path nest owl bay hill"
        " spark works").split()
PLATFORMS = ("myshopify.com zendesk.com atlassian.net sharepoint.com herokuapp.com azurewebsites.net"
             " freshdesk.com slack.com wpengine.com netlify.app vercel.app github.io gitlab.io okta.com"
             " auth0.com bamboohr.com webflow.io wixsite.com pages.dev workers.dev firebaseapp.com web.app"
             " onrender.com fly.dev synology.me ddns.net duckdns.org").split()
PRE = [""] * 3 + ["www"] * 3 + ("mail webmail cpanel autodiscover api cdn shop blog portal vpn remote intranet"
                                " dev staging static img admin login sso owa smtp ftp git crm status docs").split()
HOSTN = "app web srv node mx ns db vm host edge k8s worker cache lb api proxy".split()
ENVS = "prod stage dev eu us int test dmz fra ams".split()
DEPTS = "hr erp jira grafana vault wiki files backup print meet chat helpdesk billing shop booking m".split()


def word_table(spec):
    """'brand: word/lang word/lang; ...' -> [(brand, word, lang)]"""
    return [(b.strip(), *wl.split("/")) for part in spec.split(";") for b, ws in [part.split(":")]
            for wl in ws.split()]


# real dictionary words 1-2 edits (OSA) from a brand, never containing it
NEAR = word_table(
    "monzo: mondo/it manzo/it gonzo/en mono/en mozo/es mozzo/it; bybit: habit/en orbit/en debit/en"
    " cubit/en obit/en; nordea: norden/de nordic/en nordest/it borde/es orden/es corde/fr horde/en;"
    " inpost: input/en impost/en imposta/it imposte/it impose/en ingest/en infest/en repost/en;"
    " telekom: telecom/en telecoms/en telefon/de; zalando: salando/es calando/it talando/es halando/es"
    " jalando/es volando/it balando/es; centrelink: centreline/en centerline/en; steam: stream/en team/en"
    " steak/en steal/en stem/en seam/en steel/en stead/en steady/en stamp/en")
# real words, places and other (unrelated) companies that contain a brand
CONTAINING = word_table(
    "monzo: monzonite/en monzonitic/en monzon/es monzoni/it; telekom: telekommunikation/de"
    " telekomunikacja/pl telekomunikasi/id telekomunikace/cs telekomunikacije/hr telekomunikasyon/tr"
    " turktelekom/tr telekomsrbija/sr; steam: steamboat/en steamer/en steamship/en steampunk/en"
    " steamroller/en steamy/en steamed/en steaming/en steamfitter/en steamtown/en steamers/en")
for b, w, _ in NEAR:
    assert 1 <= osa(w, b) <= 2 and b not in w, (b, w)
for b, w, _ in CONTAINING:
    assert b in w and w != b, (b, w)
SPECIAL = {w for _, w, _ in NEAR + CONTAINING}
# keep filler vocab free of anything brand-like
for tbl in (BIZ, CITY, SURN):
    for k in tbl:
        tbl[k] = [w for w in tbl[k] if not brandish(w + ".com") and w not in SPECIAL]

def biz_name(lang):
    B, C, S = BIZ[lang], CITY[lang], SURN[lang]
    r = rng.random()
    if r < .25:
        return f"{rng.choice(S)}-{rng.choice(B)}"
    if r < .45:
        return f"{rng.choice(B)}-{rng.choice(C)}"
    if r < .6:
        return f"{rng.choice(B)}{rng.choice(S)}"
    if r < .75:
        return f"{rng.choice(ADJ)}{rng.choice(NOUN)}"
    if r < .85:
        return f"{rng.choice(B)}-{rng.choice(S)}-{rng.choice(C)}"
    sfx = ["group", "gmbh", "sarl", "srl", "bv", "sa", "ltd", "co", "and-sons", "partners", "holding"]
    return f"{rng.choice(S)}{rng.choice(['', '-'])}{rng.choice(sfx)}"

def tld_for(lang):
    return rng.choice(TLD[lang]) if rng.random() < .8 else rng.choice(GENERIC_TLD)

def ordinary_host(wild):
    lang = rng.choice(LANGS)
    n, t, r = biz_name(lang), tld_for(lang), rng.random()
    if wild:
        h = f"*.{rng.choice(['', '', 'dev.', 'staging.', 'apps.', 'eu.', 'prod.', 'mail.'])}{n}.{t}"
    elif r < .4:
        p = rng.choice(PRE)
        h = f"{p}.{n}.{t}" if p else f"{n}.{t}"
    elif r < .6:
        num = rng.choice([str(rng.randint(1, 99)), f"{rng.randint(1, 20):02d}", str(rng.randint(1, 9))])
        env = rng.choice(["", "", f"{rng.choice(ENVS)}."])
        h = f"{rng.choice(HOSTN)}{rng.choice(['', '-'])}{num}.{env}{n}.{t}"
    elif r < .8:
        h = f"{n if rng.random() < .5 else n.replace('-', '')}.{rng.choice(PLATFORMS)}"
    elif r < .9:
        hx = rng.choice([f"{rng.getrandbits(32):08x}", f"{rng.getrandbits(64):016x}",
                         f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}"])
        h = rng.choice([f"{hx}.{n}.{t}", f"{hx}.{rng.choice(PLATFORMS)}", f"{hx}.cdn.{n}.{t}"])
    else:
        h = f"{rng.choice(DEPTS)}.{n}.{t}"
    return "" if brandish(h) or any(w in h for w in SPECIAL) else h

def word_host(word, lang):
    """An ordinary-looking host built around one real word."""
    B, C = BIZ[lang], CITY[lang]
    t, bz, c = tld_for(lang), rng.choice(B), rng.choice(C)
    return rng.choice([f"{word}.{t}", f"www.{word}-{bz}.{t}", f"{bz}-{word}.{t}",
                       f"{word}{bz}.{t}", f"{rng.choice(['www', 'mail', 'shop', 'blog'])}.{word}-{c}.{t}",
                       f"{word}.{bz}-{c}.{t}", f"www.{word}.{t}", f"{word}-{c}.{t}"])

def benign_words(cat, items, total):
    order = list(items)
    rng.shuffle(order)
    it = itertools.cycle(order)

    def gen():
        _, w, lang = next(it)
        h = word_host(w, lang)
        return "" if brandish(h.replace(w, "x")) else h
    fill("benign", cat, total, gen)

OWN_PRE = ("www api login help support status app m secure auth community developers careers static cdn"
           " mail business investors press web accounts news docs assets media id eu.api static.cdn").split()
OWN_SPECIAL = {k: v.split() for k, v in {
    "whatsapp": "web faq business chat mmg static", "steam": "store help partner checkout login api",
    "nordea": "netbank corporate open", "inpost": "tracking manager api-shipx parcelpoint",
    "centrelink": "online my", "telekom": "meinkonto rechnung kundencenter",
    "zalando": "en lounge corporate partner"}.items()}
TENANTS = "acme northwind contoso globex initech umbrella hooli wayne stark tyrell".split()

def own_host(b):
    d = rng.choice(OWNED[b])
    if d == "force.com" or (d == "salesforce.com" and rng.random() < .5):
        ten = rng.choice(TENANTS) + rng.choice(["", "--uat", "--dev", "-eu"])
        return f"{ten}.my.salesforce.com" if d == "salesforce.com" else f"{ten}.lightning.force.com"
    return f"{rng.choice(OWN_PRE + OWN_SPECIAL.get(b, []) * 2)}.{d}"

# ---------------------------------------------------------------- build
HEADER = """\
lookalike_blind2.tsv -- independent BLIND evaluation set for a phishing-lookalike detector
generated by tools/gen_lookalike_blind2.py (Python 3.11, stdlib only), seed random.Random(%d)
built without reading the detector, its word lists, benches, tests or earlier blind sets
format: brands / owned header lines, then <kind>\\t<technique-or-category>\\t<hostname>
brands (kind, market): %s
lookalike techniques (7 per brand each): idn-homoglyph (1-2 Cyrillic/Greek/accented-Latin
  letters, label punycoded, round-trip checked), ascii-homoglyph (0/o 1/l 1/i 3/e 5/s rn/m vv/w),
  typo (omission, duplication, keyboard insertion, transposition, keyboard substitution,
  vowel swap, bit flip; variants that are real words/other names or contain the brand verbatim
  are dropped), split (one hyphen or dot cut, optional bait word), contains (own label under
  a non-owned TLD, hyphen token, glued to bait word, subdomain of an attacker domain).
placements: bare, <v>-<bait>, <bait>-<v>, www./secure./login./m./app. prefixes; many TLDs.
benign near-word: real words 1-2 edits (OSA) from a brand; containing: real words, places or
  other companies containing a brand; own-subdomain: subdomains of the owned domains.
ordinary: synthetic CT-style names (multilingual businesses, SaaS tenants, prefixes,
  wildcards, numbered and hex hosts) filtered to contain no brand and no token within
  1 (brand<=6) / 2 edits of a brand, even after undoing 0/1/3/5/rn/vv tricks.
note: 'steam' is deliberately also a plain English word (hard for contains/containing).
bait vocabulary (%d words):"""
ORDER = ["idn-homoglyph", "ascii-homoglyph", "typo", "split", "contains", "near-word", "containing",
         "own-subdomain", "ordinary"]


def fill(kind, cat, n, gen, wild=False, owned_ok=False):
    got, i = 0, 0
    while got < n:
        assert i < 5000, (kind, cat)
        i += 1
        h = gen()
        if h in USED or not valid(h, wild) or under_owned(h) != owned_ok:
            continue
        emit(kind, cat, h, wild)
        got += 1


def main():
    notes = []
    for b in BRAND_LIST:
        take(b, "idn-homoglyph", subst_variants(b, [(k, list(v)) for k, v in HOMO.items()]),
             lambda v: place(v, idn=True))
        vs = subst_variants(b, [(s, [r]) for s, r in ASCII_TRICKS])
        if len(vs) < 7:
            notes.append(f"ascii-homoglyph: '{b}' has only {len(vs)} distinct variant(s) "
                         f"({', '.join(vs)}); its 7 samples reuse them in different placements")
        take(b, "ascii-homoglyph", vs, place)
        ops = typo_variants(b)
        names = [k for k in ops if ops[k]]
        rng.shuffle(names)
        take(b, "typo", [rng.choice(ops[k]) for k in itertools.islice(itertools.cycle(names), 60)], place)
        take(b, "split", split_variants(b), split_place)
        take(b, "contains", [b], contains_place)
        fill("benign", "own-subdomain", 7, lambda: own_host(b), owned_ok=True)
    benign_words("near-word", NEAR, 75)
    benign_words("containing", CONTAINING, 75)
    for _ in range(5000):
        wild = rng.random() < .1
        fill("ordinary", "ordinary", 1, lambda: ordinary_host(wild), wild)
    head = (HEADER % (SEED, "; ".join(f"{b} = {k}" for b, k in BRANDS.items()), len(BAIT_ALL))).split("\n")
    head += [f"  {lang}: {' '.join(ws)}" for lang, ws in BAIT.items()] + notes
    ROWS.sort(key=lambda r: ORDER.index(r[1]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"# {l}\n" for l in head))
        f.write("brands\t" + ",".join(BRAND_LIST) + "\nowned\t" + ",".join(OWNED_ALL) + "\n")
        f.write("".join("\t".join(r) + "\n" for r in ROWS))
    print(f"wrote {len(ROWS)} samples to {OUT}")


if __name__ == "__main__":
    main()
