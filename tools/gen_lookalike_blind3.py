#!/usr/bin/env python3
"""gen_lookalike_blind3.py - blind evaluation set #3 for a phishing-lookalike hostname detector.

Built BLIND: written without reading the detector, its word lists, its tuning data,
its tests or the other blind sets.  Deterministic: random.Random(31337003), Python 3.11
standard library only.

    python3 tools/gen_lookalike_blind3.py                  # -> benches/data/lookalike_blind3.tsv
    python3 tools/gen_lookalike_blind3.py /tmp/out.tsv
"""
import os, random, re, sys

SEED = 31337003
R = random.Random(SEED)
PER_BRAND = 7                     # lookalikes per brand per technique
N_ORDINARY = 5000
N_BENIGN = 75                     # per benign category

# brand -> (kind / market, real registered domains)
BRANDS = {
    "caixa":      ("bank, Brazil (Caixa Economica Federal)", ["caixa.gov.br", "caixa.com.br"]),
    "webex":      ("cloud/SaaS meeting login (Cisco)", ["webex.com", "cisco.com"]),
    "elster":     ("government tax portal, Germany", ["elster.de", "elsteronline.de"]),
    "allegro":    ("e-commerce marketplace, Poland/Czechia", ["allegro.pl", "allegro.cz", "allegrolokalnie.pl"]),
    "verizon":    ("telecom, USA", ["verizon.com", "verizonwireless.com", "verizon.net"]),
    "metamask":   ("crypto wallet", ["metamask.io", "consensys.io"]),
    "rabobank":   ("bank, Netherlands", ["rabobank.nl", "rabobank.com", "rabobank.com.au"]),
    "royalmail":  ("parcel / postal carrier, UK", ["royalmail.com", "royalmail.co.uk", "royalmailgroup.com"]),
    "instagram":  ("social / messaging app", ["instagram.com", "cdninstagram.com", "instagr.am"]),
    "mastercard": ("payment card scheme", ["mastercard.com", "mastercard.co.uk", "mastercard.de"]),
}
OWNED = [d for _, ds in BRANDS.values() for d in ds]
BRAND_LANG = {"caixa": "pt", "elster": "de", "allegro": "pl", "rabobank": "nl"}
BRAND_TLDS = {"caixa": ["com.br", "br", "net.br"], "elster": ["de", "de.com"], "allegro": ["pl", "com.pl", "cz"],
              "rabobank": ["nl", "eu"], "royalmail": ["co.uk", "uk", "org.uk"], "verizon": ["us"],
              "webex": ["us", "io"], "metamask": ["io", "app"], "instagram": ["me", "app"], "mastercard": ["us", "de"]}
NATURAL_CUT = {"webex": 3, "elster": 2, "allegro": 4, "verizon": 4, "metamask": 4, "rabobank": 4,
               "royalmail": 5, "instagram": 5, "mastercard": 6, "caixa": 3}

# my own multilingual bait vocabulary
BAIT = {
    "en": "login secure verify account update support billing wallet alert signin confirm refund payment delivery tracking parcel unlock recovery",
    "de": "konto sicherheit anmeldung bestaetigung zahlung kundenservice sendung",
    "nl": "inloggen betaling beveiliging rekening klantenservice pakket",
    "pl": "logowanie platnosc weryfikacja przesylka dostawa doplata",
    "pt": "acesso atendimento seguranca pagamento cadastro boleto desbloqueio fatura",
    "es": "acceso verificacion cuenta pago seguridad envio",
    "fr": "connexion compte securite paiement colis remboursement",
    "it": "accesso verifica pagamento spedizione",
    "cs": "overeni platba zasilka",
}
BAIT = {k: v.split() for k, v in BAIT.items()}
ALL_BAIT = sorted({w for ws in BAIT.values() for w in ws})
LA_TLDS = ("com net org info xyz top online site app io co me shop live support help click link icu vip cc "
           "de nl pl br com.br com.au co.uk fr es it ru cz ch be at pt mx in eu us").split()
LA_PREFIX = ["www", "secure", "login", "m", "app"]

# homoglyphs: Cyrillic, Greek, accented Latin (lower-case lookalikes of a-z)
CYR = dict(zip("aceopxyisjhk", "\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0456\u0455\u0458\u04bb\u043a"))
GRK = dict(zip("oivakxutp", "\u03bf\u03b9\u03bd\u03b1\u03ba\u03c7\u03c5\u03c4\u03c1"))
LAT = {"a": "àáâäãå", "e": "éèêë", "i": "íìîï", "o": "óòôöõ", "u": "úùûü", "c": "ç", "n": "ñ", "s": "śš",
       "z": "ž", "r": "ŕ", "l": "ĺľ", "g": "ġ", "y": "ý", "w": "ŵ", "m": "ṁ", "b": "ḃ", "k": "ķ", "d": "ď", "t": "ţ"}
HOMO = {}
for src in (CYR, GRK, {k: v for k, vs in LAT.items() for v in vs[:1]}, {k: v for k, vs in LAT.items() for v in vs[1:2]}):
    for k, v in src.items():
        HOMO.setdefault(k, []).append(v)
assert all(not c.isascii() for cs in HOMO.values() for c in cs)
ASCII_HOMO = {"o": ["0"], "l": ["1"], "i": ["1"], "e": ["3"], "s": ["5"], "m": ["rn"], "w": ["vv"]}

# benign words 1-2 edits from a brand: (word, brand, language)
NEAR_WORDS = [tuple(x.split(":")) for x in """
    baixa:caixa:pt faixa:caixa:pt casa:caixa:es calha:caixa:pt coxa:caixa:pt taxa:caixa:pt gaita:caixa:es
    caja:caixa:es weber:webex:de weben:webex:de leben:webex:de geben:webex:de heben:webex:de rebel:webex:en
    ibex:webex:en web:webex:de easter:elster:en alster:elster:de ulster:elster:en lester:elster:en
    ester:elster:es elder:elster:en welter:elster:en holster:elster:en eltern:elster:de elstar:elster:nl
    elmer:elster:en allegra:allegro:it allegri:allegro:it alegro:allegro:es alegre:allegro:pt allegre:allegro:fr
    alegra:allegro:es horizon:verizon:en venison:verizon:en version:verizon:en mastercam:mastercard:en
    metamark:metamask:en
""".split()]
# real words / places / other companies that contain a brand: (word, brand, language)
CONTAINING = [tuple(x.split(":")) for x in """
    caixas:caixa:pt encaixar:caixa:pt desencaixar:caixa:pt caixamagica:caixa:pt caixadirecta:caixa:pt
    caixaontinyent:caixa:es caixapopular:caixa:es caixabank:caixa:es caixaforum:caixa:es webexpo:webex:cs
    webexhibits:webex:en webexpress:webex:en webexpert:webex:de elsterwerda:elster:de elsterberg:elster:de
    elstertal:elster:de elsterheide:elster:de elstertrebnitz:elster:de elsterglanz:elster:de elsteraue:elster:de
    allegromicro:allegro:en allegrograph:allegro:en allegromedical:allegro:en allegromoderato:allegro:it
    allegroassai:allegro:it instagrammer:instagram:en instagrammable:instagram:en instagramming:instagram:en
""".split()]
# real words that must never be produced as "typos"
DICT = {w for w, _, _ in NEAR_WORDS + CONTAINING} | set(
    "ester elter lester alster ulster easter weber weben webs caia caxa baixa faixa allegra allegri allegre "
    "alegro alegre version horizon venison mastercam mastercar metamark verizons instagrams rabobanks "
    "weex webox royalnail caixo illegro".split())

# ---------------------------------------------------------------- ordinary vocabulary
# lang -> trades, surnames, cities, words, institutions
LANGS = {k: [f.split() for f in v.split(" | ")] for k, v in {
    "en": "plumbing dental roofing bakery law accounting landscaping autorepair realty florist vet pharmacy consulting cleaning builders electrical flooring catering fitness yoga tutoring insurance storage removals printing joinery | smith jones williams brown taylor davies evans wilson johnson roberts walker wright robinson thompson white hughes edwards green hall wood harris clarke jackson murphy kelly obrien | london manchester leeds bristol glasgow dublin cork sydney perth brisbane toronto ottawa auckland boston denver austin chicago seattle portland dallas phoenix atlanta durban mumbai | blue bright north river stone oak pine maple harbor summit cedar rapid pixel nova alpha orbit beacon lantern meadow granite copper falcon anchor compass thistle willow | council school church club library academy college",
    "de": "baeckerei metzgerei zahnarzt autohaus elektro sanitaer dachdecker steuerberater physio kanzlei tischlerei maler apotheke optik friseur gaertnerei fahrschule hausverwaltung | mueller schmidt schneider fischer meyer wagner becker schulz hoffmann koch richter klein wolf neumann schwarz zimmermann braun krueger hartmann lange werner | berlin hamburg muenchen koeln frankfurt stuttgart leipzig dresden hannover nuernberg bremen essen dortmund wien graz linz zuerich bern basel | sonne haus markt werk garten licht berg wald stern bruecke feld quelle insel | stadt gemeinde schule gymnasium verein kita landkreis",
    "fr": "boulangerie pharmacie garage plomberie menuiserie avocat notaire dentiste coiffure fleuriste immobilier traiteur electricite couverture | martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel fontaine chevalier | paris lyon marseille toulouse nice nantes strasbourg montpellier bordeaux lille rennes reims liege namur geneve lausanne montreal quebec | soleil maison jardin lumiere etoile riviere montagne foret atelier | mairie ville ecole lycee association college",
    "es": "ferreteria panaderia clinica abogados inmobiliaria taller fontaneria farmacia carpinteria autoescuela peluqueria dental gestoria | garcia fernandez gonzalez rodriguez lopez martinez sanchez perez gomez ruiz diaz moreno alvarez romero torres | madrid barcelona valencia sevilla zaragoza malaga murcia bilbao alicante cordoba valladolid bogota lima santiago quito monterrey guadalajara | sol luna verde mar cielo tierra rio monte estrella flor camino puerto | ayuntamiento colegio asociacion club instituto",
    "it": "ristorante pizzeria farmacia studiolegale ferramenta autofficina gelateria panificio edilizia arredamenti ottica commercialista | rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti giordano | roma milano napoli torino palermo genova bologna firenze bari catania verona padova trieste | sole bella vita stella mare cielo terra fiore monte luce | comune scuola associazione liceo parrocchia",
    "pt": "padaria farmacia advocacia contabilidade imobiliaria oficina construtora odontologia clinica papelaria autopecas | silva santos oliveira souza rodrigues ferreira alves pereira lima gomes costa ribeiro martins carvalho | saopaulo riodejaneiro belohorizonte curitiba recife salvador fortaleza portoalegre campinas lisboa porto braga coimbra | sol lua verde mar ceu terra rio estrela flor caminho nova | prefeitura escola associacao camara colegio",
    "nl": "bakkerij tandarts loodgieter installatietechniek makelaardij advocaten schilders hoveniers fysiotherapie autobedrijf kinderopvang | devries jansen bakker visser smit meijer debruijn mulder dejong vandenberg bos vos peters hendriks dewit | amsterdam rotterdam utrecht eindhoven groningen tilburg almere breda nijmegen haarlem arnhem zwolle gent antwerpen | zon huis tuin licht water molen duin polder ster brug | gemeente school vereniging stichting",
    "pl": "piekarnia stomatologia warsztat kancelaria apteka hurtownia meble budownictwo serwis transport | nowak kowalski wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski wozniak | warszawa krakow lodz wroclaw poznan gdansk szczecin lublin katowice bialystok | slonce dom ogrod swiat las rzeka gwiazda most | gmina szkola urzad parafia",
    "cs": "pekarna zubar autoservis instalater truhlarstvi advokat lekarna stavebniny | novak svoboda novotny dvorak cerny prochazka kucera vesely horak | praha brno ostrava plzen liberec olomouc | slunce domov zahrada les reka hvezda | obec skola mesto spolek",
    "sv": "bageri tandlakare rormokare bilverkstad advokatbyra maleri elfirma | andersson johansson karlsson nilsson eriksson larsson olsson persson | stockholm goteborg malmo uppsala vasteras orebro linkoping oslo bergen aarhus | sol hus skog fjall sjo stjarna | kommun skola forening",
    "tr": "firin disci otoservis hukuk emlak eczane mobilya insaat | yilmaz kaya demir sahin celik yildiz yildirim ozturk aydin | istanbul ankara izmir bursa antalya konya adana | gunes ev bahce deniz yildiz | belediye okul dernek",
    "ja": "shika kensetsu fudosan seikotsuin ryokan sushi ramen kogyo shoji | tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi kato | tokyo osaka nagoya sapporo fukuoka kobe kyoto sendai yokohama | sakura hikari midori sora umi yama | gakuen kai",
    "id": "toko bengkel apotek klinik katering | santoso wijaya halim gunawan setiawan | jakarta surabaya bandung medan semarang | matahari rumah taman laut | sekolah desa",
}.items()}
COUNTRIES = {"de": ("de", ["de"]), "at": ("de", ["at", "co.at"]), "ch": ("de", ["ch"]), "fr": ("fr", ["fr"]),
             "be": ("fr", ["be"]), "qc": ("fr", ["ca"]), "es": ("es", ["es"]), "mx": ("es", ["com.mx", "mx"]),
             "ar": ("es", ["com.ar"]), "co": ("es", ["com.co"]), "cl": ("es", ["cl"]), "it": ("it", ["it"]),
             "br": ("pt", ["com.br"]), "pt": ("pt", ["pt"]), "nl": ("nl", ["nl"]), "vl": ("nl", ["be"]),
             "pl": ("pl", ["pl", "com.pl"]), "cz": ("cs", ["cz"]), "se": ("sv", ["se"]), "no": ("sv", ["no"]),
             "dk": ("sv", ["dk"]), "tr": ("tr", ["com.tr"]), "jp": ("ja", ["jp", "co.jp"]), "id": ("id", ["co.id", "id"]),
             "uk": ("en", ["co.uk", "uk", "org.uk"]), "us": ("en", ["com", "us", "net", "org"]),
             "au": ("en", ["com.au", "net.au"]), "nz": ("en", ["co.nz"]), "ie": ("en", ["ie"]), "za": ("en", ["co.za"]),
             "in": ("en", ["in", "co.in"]), "ca": ("en", ["ca"])}
COUNTRY_KEYS = sorted(COUNTRIES)
GTLDS = "com net org io co app dev shop online store site tech cloud info biz eu agency studio digital media group email me tv xyz".split()
SAAS = ("myshopify.com zendesk.com freshdesk.com atlassian.net sharepoint.com herokuapp.com azurewebsites.net github.io "
        "netlify.app vercel.app pages.dev wpengine.com kinsta.cloud onmicrosoft.com web.app firebaseapp.com odoo.com "
        "mykajabi.com teamwork.com bitrix24.de my.site.com webflow.io readthedocs.io gitlab.io").split()
STD = "www mail webmail cpanel autodiscover api cdn webdisk cpcalendars cpcontacts mta-sts smtp ftp shop blog portal".split()
INFRA = ("mx mail smtp imap srv node vpn gw fw ns db web app host edge proxy lb k8s worker jenkins gitlab grafana "
         "nextcloud owa remote citrix intranet extranet sso auth status monitor backup sftp exchange lyncdiscover sip "
         "meet helpdesk crm erp dev staging test demo docs wiki").split()
REGIONS = "eu-west-1 us-east-2 ap-southeast-1 fra1 ams3 nyc1 sgp1 dc1 dc2 par1 waw1 int prod".split()

LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

def valid(host):
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253:
        return False
    return all((i == 0 and l == "*") or LABEL_RE.fullmatch(l) for i, l in enumerate(labels))

def is_owned(host):
    return any(host == d or host.endswith("." + d) for d in OWNED)

def osa(a, b):
    """optimal-string-alignment (Damerau) edit distance"""
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]

def imitates(host):
    """conservative: does an ordinary name come anywhere near a brand?"""
    flat = re.sub(r"[^a-z0-9]", "", host)
    forms = {flat, flat.replace("rn", "m").replace("vv", "w").translate(str.maketrans("0135", "oles")),
             flat.translate(str.maketrans("01", "oi"))}
    toks = [t for t in re.split(r"[.\-]", host) if t]
    for b in BRANDS:
        if any(b in f for f in forms):
            return True
        for t in toks:
            if abs(len(t) - len(b)) <= 2:
                d = osa(t, b)
                if d <= 1 or (d == 2 and len(t) >= 5):
                    return True
    return False

def puny_label(label):
    if label.isascii():
        return label
    enc = "xn--" + label.encode("punycode").decode("ascii")
    assert enc[4:].encode("ascii").decode("punycode") == label
    return enc

def to_ascii(host):
    return ".".join(puny_label(l) for l in host.split("."))

SEEN = set()
ROWS = []

def take(kind, cat, host, owned_ok=False):
    """record a sample if valid and new; return True on success"""
    if not valid(host) or host in SEEN or (is_owned(host) != owned_ok):
        return False
    SEEN.add(host)
    ROWS.append((kind, cat, host))
    return True

def bait(brand):
    lang = BRAND_LANG.get(brand)
    if lang and R.random() < 0.6:
        return R.choice(BAIT[lang])
    return R.choice(ALL_BAIT)

def tld_for(brand):
    return R.choice(BRAND_TLDS[brand]) if R.random() < 0.35 else R.choice(LA_TLDS)

def place(brand, v, form):
    w, t, p = bait(brand), tld_for(brand), R.choice(LA_PREFIX)
    return [f"{v}.{t}", f"{v}-{w}.{t}", f"{w}-{v}.{t}", f"{p}.{v}.{t}", f"{p}.{v}-{w}.{t}"][form]

def forms7():
    f = [0, 1, 2, 3, 4, R.randrange(5), R.randrange(5)]
    R.shuffle(f)
    return f

def emit_variants(tech, brand, variants):
    """7 hosts for a brand from a list of distinct variant labels (cycled if fewer than 7)"""
    n, tries = 0, 0
    forms = forms7()
    while n < PER_BRAND:
        v = variants[n % len(variants)] if tries < 50 else R.choice(variants)
        host = to_ascii(place(brand, v, forms[n] if tries < 5 else R.randrange(5)))
        tries += 1
        if take("lookalike", tech, host):
            n, tries = n + 1, 0

def gen_idn(brand):
    pos = [i for i, c in enumerate(brand) if c in HOMO]
    out = []
    while len(out) < PER_BRAND:
        k = 1 if R.random() < 0.65 or len(pos) < 2 else 2
        chars = list(brand)
        for i in R.sample(pos, k):
            chars[i] = R.choice(HOMO[brand[i]])
        v = "".join(chars)
        if v not in out:
            out.append(v)
    emit_variants("idn-homoglyph", brand, out)

def gen_ascii(brand):
    pos = [i for i, c in enumerate(brand) if c in ASCII_HOMO]
    cands = []
    for i in pos:
        for j in [None] + [j for j in pos if j > i]:
            chars = list(brand)
            chars[i] = ASCII_HOMO[brand[i]][0]
            if j is not None:
                chars[j] = ASCII_HOMO[brand[j]][0]
            cands.append("".join(chars))
    R.shuffle(cands)
    emit_variants("ascii-homoglyph", brand, cands[:PER_BRAND])

ROWS_KB = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
KXY = {c: (r, i + (0, 0.25, 0.75)[r]) for r, row in enumerate(ROWS_KB) for i, c in enumerate(row)}
NB = {c: [d for d in KXY if d != c and abs(KXY[d][0] - KXY[c][0]) <= 1 and abs(KXY[d][1] - KXY[c][1]) <= 1]
      for c in KXY}

def typo_candidates(b):
    out = {k: set() for k in ("omission", "duplication", "insertion", "transposition", "keyboard", "vowel", "bitflip")}
    for i, c in enumerate(b):
        out["omission"].add(b[:i] + b[i + 1:])
        out["duplication"].add(b[:i] + c + b[i:])
        for n in NB[c]:
            out["keyboard"].add(b[:i] + n + b[i + 1:])
            out["insertion"].add(b[:i] + n + b[i:])
        if i + 1 < len(b) and b[i] != b[i + 1]:
            out["transposition"].add(b[:i] + b[i + 1] + c + b[i + 2:])
        if c in "aeiou":
            out["vowel"].update(b[:i] + v + b[i + 1:] for v in "aeiou" if v != c)
        for bit in range(8):
            d = chr(ord(c) ^ (1 << bit))
            if d != c and (d.isascii() and (d.islower() or d.isdigit())):
                out["bitflip"].add(b[:i] + d + b[i + 1:])
    return {k: sorted(v for v in vs if v != b and v not in DICT and v not in BRANDS and LABEL_RE.fullmatch(v))
            for k, vs in out.items()}

def gen_typo(brand):
    cands = typo_candidates(brand)
    kinds = sorted(cands)
    R.shuffle(kinds)
    out = []
    while len(out) < PER_BRAND:
        for k in kinds:
            pool = [v for v in cands[k] if v not in out]
            if pool and len(out) < PER_BRAND:
                out.append(R.choice(pool))
    emit_variants("typo", brand, out)

def gen_split(brand):
    cuts = [NATURAL_CUT[brand]] + R.sample(range(1, len(brand)), len(brand) - 1)
    n = i = 0
    while n < PER_BRAND:
        c = cuts[i % len(cuts)]
        i += 1
        a, b = brand[:c], brand[c:]
        w, t, p = bait(brand), tld_for(brand), R.choice(LA_PREFIX)
        if n % 2 == 0:
            host = R.choice([f"{a}-{b}.{t}", f"{p}.{a}-{b}.{t}", f"{a}-{b}-{w}.{t}", f"{w}-{a}-{b}.{t}"])
        else:
            host = R.choice([f"{a}.{b}.{t}", f"{a}.{b}-{w}.{t}", f"{p}.{a}.{b}-{w}.{t}", f"{w}-{a}.{b}.{t}"])
        if take("lookalike", "split", host):
            n += 1

def gen_contains(brand):
    n = f = 0
    while n < PER_BRAND:
        w, w2, t, p = bait(brand), R.choice(ALL_BAIT), tld_for(brand), R.choice(LA_PREFIX)
        host = [f"{brand}.{t}", f"{p}.{brand}.{t}", f"{brand}-{w}.{t}",
                R.choice([f"{w}-{brand}.{t}", f"{w}-{brand}-{w2}.{t}"]), f"{brand}{w}.{t}", f"{w}{brand}.{t}",
                R.choice([f"{brand}.{w}-{w2}.{t}", f"{brand}.{w}{R.randint(1, 99)}.{t}",
                          f"{brand}.{w}-{R.choice(ALL_BAIT)}{R.randint(1, 9)}.{t}"])][f]
        if w != w2 and take("lookalike", "contains", host):
            n, f = n + 1, f + 1

# ---------------------------------------------------------------- benign generators
def lang_tld(lang):
    return R.choice(COUNTRIES[R.choice([k for k in COUNTRY_KEYS if COUNTRIES[k][0] == lang])][1])

def word_host(word, lang):
    L, t = LANGS[lang], lang_tld(lang)
    return R.choice([f"{word}.{t}", f"www.{word}.{t}", f"{word}-{R.choice(L[0])}.{t}", f"www.{word}{R.choice(L[3])}.{t}",
                     f"mail.{word}-{R.choice(L[2])}.{t}", f"{R.choice(L[1])}-{word}.{t}", f"{word}.{R.choice(GTLDS)}",
                     f"shop.{word}.{t}", f"*.{word}-{R.choice(L[0])}.{t}", f"{R.choice(STD)}.{word}.{t}"])

def gen_benign(cat, words):
    assert all(1 <= osa(w, b) <= 2 for w, b, _ in words) if cat == "near-word" else all(b in w for w, b, _ in words)
    order = words[:]
    R.shuffle(order)
    n = i = 0
    while n < N_BENIGN:
        word, brand, lang = order[i % len(order)]
        i += 1
        host = word_host(word, lang)
        others = [b for b in BRANDS if b in re.sub(r"[^a-z0-9]", "", host) and (cat == "near-word" or b != brand)]
        if not others and take("benign", cat, host):
            n += 1

def gen_own():
    subs = ("www login secure auth id accounts api cdn static m mail help support news careers investors developer "
            "status shop app my online portal docs community media corporate").split()
    n = 0
    while n < N_BENIGN:
        d = OWNED[n % len(OWNED)]
        s = R.choice(subs)
        deep = ["static.cdn", "img.cdn", "api.eu", "api.us", "auth.prod", "assets.static", "www.business", "help.online"]
        host = f"{s}.{d}" if R.random() < 0.8 else f"{R.choice(deep)}.{d}"
        if take("benign", "own-subdomain", host, owned_ok=True):
            n += 1

def hexlab(n, alphabet="0123456789abcdef"):
    return "".join(R.choice(alphabet) for _ in range(n))

def biz():
    lang, tlds = COUNTRIES[R.choice(COUNTRY_KEYS)]
    L = LANGS[lang]
    tr, sn, ci, wd = (R.choice(L[k]) for k in range(4))
    sn2, wd2 = R.choice(L[1]), R.choice(L[3])
    names = [f"{tr}-{sn}", f"{sn}{tr}", f"{sn}-{tr}", f"{tr}-{ci}", f"{ci}{tr}", f"{wd}-{tr}", f"{tr}{sn}", f"{wd}-{ci}"]
    names += [f"{sn}-{sn2}"] if sn != sn2 else []
    names += [f"{wd}{wd2}"] if wd != wd2 else []
    return R.choice(names), (R.choice(tlds) if R.random() < 0.7 else R.choice(GTLDS))

def prefixed(dom):
    r = R.random()
    if r < 0.28:
        return dom
    if r < 0.50:
        return "www." + dom
    if r < 0.80:
        return R.choice(STD) + "." + dom
    if r < 0.92:
        return "*." + dom
    return f"{R.choice(INFRA)}{R.randint(1, 40):02d}.{dom}"

def ordinary_host():
    r = R.random()
    name, tld = biz()
    dom = f"{name}.{tld}"
    if r < 0.50:
        return prefixed(dom)
    if r < 0.65:
        suf = R.choice(SAAS)
        if suf == "sharepoint.com" and R.random() < 0.4:
            name += "-my"
        if R.random() < 0.15:
            name += R.choice(["-dev", "-staging", "-test", "2", "-eu", "-shop"])
        return f"{name}.{suf}"
    if r < 0.77:
        h, n = R.choice(INFRA), R.randint(1, 60)
        return R.choice([f"{h}{n:02d}.{dom}", f"{h}-{n}.{dom}", f"{h}{n}.{R.choice(REGIONS)}.{dom}",
                         f"{h}.{R.choice(REGIONS)}.{dom}"])
    if r < 0.87:
        a36 = "abcdefghijklmnopqrstuvwxyz0123456789"
        return R.choice([f"d{hexlab(13, a36)}.cloudfront.net", f"{hexlab(12)}.ngrok-free.app",
                         f"{hexlab(R.choice([8, 12, 16]))}.{dom}", f"{hexlab(10)}.cdn.{dom}",
                         f"{hexlab(8)}-{hexlab(4)}-{hexlab(4)}-{hexlab(4)}-{hexlab(12)}.cfargotunnel.com",
                         f"{R.choice(['a', 's', 'img', 'static'])}{R.randint(0, 9)}-{hexlab(6)}.{dom}",
                         f"ip-10-{R.randint(0, 255)}-{R.randint(0, 255)}-{R.randint(1, 254)}.{dom}"])
    lang, tlds = COUNTRIES[R.choice(COUNTRY_KEYS)]
    L = LANGS[lang]
    i, c = R.choice(L[4]), R.choice(L[2])
    return prefixed(f"{R.choice([f'{i}-{c}', f'{i}{c}'])}.{R.choice(tlds)}")

def gen_ordinary():
    n = 0
    while n < N_ORDINARY:
        host = ordinary_host()
        if not imitates(host) and take("ordinary", "ordinary", host):
            n += 1

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "..", "benches", "data", "lookalike_blind3.tsv")
    for tech, fn in (("idn-homoglyph", gen_idn), ("ascii-homoglyph", gen_ascii), ("typo", gen_typo),
                     ("split", gen_split), ("contains", gen_contains)):
        for b in BRANDS:
            fn(b)
    gen_benign("near-word", NEAR_WORDS)
    gen_benign("containing", CONTAINING)
    gen_own()
    gen_ordinary()
    head = [
        "# lookalike_blind3.tsv - blind evaluation set #3 for the phishing-lookalike hostname detector",
        f"# generated by tools/gen_lookalike_blind3.py (python3 stdlib only, random.Random({SEED}))",
        "# built BLIND: without reading the detector source, its word lists, tuning data, tests or other blind sets",
        "# columns: kind<TAB>technique-or-category<TAB>hostname",
        "# lookalike techniques (7 per brand each): idn-homoglyph (1-2 Cyrillic/Greek/accented-Latin letters, punycode),",
        "#   ascii-homoglyph (0/o 1/l 1/i 3/e 5/s rn/m vv/w), typo (omission, duplication, insertion, transposition,",
        "#   keyboard neighbour, vowel swap, bit flip; dictionary words dropped), split (one '-' or '.' cut),",
        "#   contains (own label on foreign TLD, hyphen token, glued to bait, subdomain of attacker domain)",
        "# benign: near-word (real words 1-2 edits from a brand), containing (real words/places/companies containing",
        "#   a brand), own-subdomain (subdomains of owned domains); ordinary: realistic CT names, filtered so that no",
        "#   label is within edit distance 1 (2 for labels >= 5 chars) of a brand and no brand occurs in the flattened name",
        "# brands: " + "; ".join(f"{b} = {k}" for b, (k, _) in BRANDS.items()),
    ]
    head += [f"# bait vocabulary ({lang}): {' '.join(ws)}" for lang, ws in BAIT.items()]
    body = ["brands\t" + ",".join(BRANDS), "owned\t" + ",".join(OWNED)] + ["\t".join(r) for r in ROWS]
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(head + body) + "\n")
    print(f"wrote {len(ROWS)} samples to {out}")

if __name__ == "__main__":
    main()
