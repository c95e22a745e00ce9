#!/usr/bin/env python3
"""Blind evaluation set #6 for a phishing-lookalike hostname detector.

Built without looking at the detector, its word lists or its other test data.
Deterministic: stdlib only, random.Random(6660066).  Writes
benches/data/lookalike_blind6.tsv (run from anywhere).
"""
import os
import random
import re

SEED = 6660066
rng = random.Random(SEED)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benches", "data", "lookalike_blind6.tsv")

# ---------------------------------------------------------------- brands
BRANDS = ["optus", "shein", "discord", "bitstamp", "bradesco", "shopify",
          "colissimo", "lufthansa", "commerzbank", "agenziaentrate"]
KIND = {"optus": "telecom AU", "shein": "e-commerce", "discord": "social/messaging",
        "bitstamp": "crypto exchange", "bradesco": "bank BR", "shopify": "cloud/SaaS login",
        "colissimo": "parcel carrier FR", "lufthansa": "airline DE",
        "commerzbank": "bank DE", "agenziaentrate": "government (tax) IT"}
OWNED = dict(zip(BRANDS, (x.split() for x in (
    "optus.com.au optusnet.com.au|shein.com shein.co.uk shein.com.mx|discord.com discord.gg discordapp.com|"
    "bitstamp.net bitstamp.com|bradesco.com.br bradescoseguros.com.br|shopify.com myshopify.com shopify.ca|"
    "colissimo.fr colissimo.com|lufthansa.com lufthansagroup.com|commerzbank.de commerzbank.com|"
    "agenziaentrate.gov.it agenziaentrate.it").split("|"))))
ALL_OWNED = [d for b in BRANDS for d in OWNED[b]]
SEEN = set()  # every host emitted so far (global de-duplication)

# ---------------------------------------------------------------- bait words (multilingual)
BAIT = ("login verify secure account update support billing wallet refund gift reward claim "
        "recovery unlock confirm nitro airdrop staking "                      # en
        "konto sicherheit anmelden zahlung bestaetigung kundenservice "        # de
        "connexion compte securite remboursement suivi colis livraison "      # fr
        "cuenta verificar acceso pago entrega "                               # es
        "conta atualizar seguranca pagamento cadastro "                       # pt
        "accesso rimborso verifica pagamenti "                                # it
        "weryfikacja logowanie inloggen betaling giris dogrulama").split()    # pl nl tr
PREFIXES = ["www", "secure", "login", "m", "app"]
ATK_TLDS = ("com net org info xyz top online site shop live club co io me cc ru cn de fr it es pt "
            "com.br co.uk eu icu vip buzz support help services link click pl nl be mx com.au ca "
            "in app biz sbs cfd").split()
CHEAP_TLDS = "xyz top icu online site live shop buzz vip click cfd sbs cyou lol bond info".split()

# Real words (any language) that a single-edit typo could land on: never used as typo samples.
DICT = set(("opus opts optas optes otus ortus potus optum optics lotus motus shin sein hein shen sheen shine "
            "rhein stein skein sheik schein chain discard discoid disco discs discors discorde "
            "colossimo colosimo carissimo dolcissimo bitstream stamp").split())

# ---------------------------------------------------------------- homoglyphs
IDN = {"a": "аαáà", "c": "сç", "e": "еéėë", "i": "іíïı", "o": "оοóö", "p": "рρ",
       "s": "ѕśš", "d": "ԁď", "h": "һĥ", "k": "κкķ", "n": "ńñņ", "u": "υüú", "t": "ţť",
       "l": "łĺļ", "m": "ṃ", "b": "ь", "r": "гŕ", "g": "ġģ", "y": "уý", "z": "żž",
       "f": "ƒ", "w": "ԝŵ", "v": "ν", "x": "х", "j": "ј"}
ASCII_HG = {"o": ["0"], "l": ["1"], "i": ["1"], "e": ["3"], "s": ["5"], "m": ["rn"], "w": ["vv"]}
KBD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
VOWELS = "aeiou"


def kbd_neighbours(c):
    for r, row in enumerate(KBD):
        if c in row:
            i = row.index(c)
            out = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for rr in (r - 1, r + 1):
                if 0 <= rr < len(KBD):
                    out += [KBD[rr][j] for j in (i - 1, i, i + 1) if 0 <= j < len(KBD[rr])]
            return out
    return []


def dl(a, b):
    """Optimal-string-alignment Damerau-Levenshtein distance."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            c = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def to_ascii(label):
    if label.isascii():
        return label
    enc = "xn--" + label.encode("punycode").decode("ascii")
    assert enc[4:].encode("ascii").decode("punycode") == label, label
    return enc


LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def valid(host, wildcard_ok=False):
    labels = host.split(".")
    if wildcard_ok and labels[0] == "*":
        labels = labels[1:]
    if len(host) > 253 or len(labels) < 2:
        return False
    return all(LABEL_RE.match(lab) and (lab[2:4] != "--" or lab.startswith("xn--")) for lab in labels)


def owned_by_brand(host):
    return any(host == d or host.endswith("." + d) for d in ALL_OWNED)


def norm_variants(s):
    out = {s}
    for a, b in (("0", "o"), ("1", "l"), ("1", "i"), ("3", "e"), ("5", "s"), ("rn", "m"), ("vv", "w")):
        out |= {x.replace(a, b) for x in list(out)}
    return out


def imitates(host):
    """Conservative check used to keep the ordinary set free of brand look-alikes."""
    labels = [l for l in host.split(".") if l != "*"]
    cands = set()
    for i, lab in enumerate(labels):
        cands |= {lab, lab.replace("-", "")} | set(lab.split("-"))
        if i + 1 < len(labels):
            cands.add(lab + labels[i + 1])
    full = set()
    for c in cands:
        full |= norm_variants(c)
    for s in full:
        for b in BRANDS:
            if b in s:
                return True
            tol = 1 if len(b) <= 5 else 2
            if abs(len(s) - len(b)) <= tol and dl(s, b) <= tol:
                return True
            if len(b) >= 7 and len(s) > len(b) + 2:
                for k in range(len(s) - len(b) + 1):
                    if dl(s[k:k + len(b)], b) <= 1:
                        return True
    return False


# ---------------------------------------------------------------- placement
def tld_for(brand):
    owned_tlds = {d.split(".", 1)[1] for d in OWNED[brand]}
    while True:
        t = rng.choice(ATK_TLDS)
        if t not in owned_tlds:
            return t


def place(v, brand):
    """Put a (possibly unicode) variant label v into a realistic phishing host."""
    w, t, p = rng.choice(BAIT), tld_for(brand), rng.choice(PREFIXES)
    form = rng.randrange(7)
    if form == 0:
        labels = [v, t]
    elif form == 1:
        labels = [v + "-" + w, t]
    elif form == 2:
        labels = [w + "-" + v, t]
    elif form == 3:
        labels = [p, v, t]
    elif form == 4:
        labels = [p, v + "-" + w, t]
    elif form == 5:
        labels = [p, w + "-" + v, t]
    else:
        labels = [v + "-" + w + "-" + rng.choice(BAIT), t]
    return ".".join(to_ascii(l) for l in labels)


def collect(brand, make, n=7):
    got = []
    for _ in range(5000):
        h = make()
        if h and h not in got and h not in SEEN and valid(h) and not owned_by_brand(h):
            got.append(h)
            if len(got) == n:
                break
    assert len(got) == n, (brand, got)
    SEEN.update(got)
    return got


# ---------------------------------------------------------------- techniques
def homoglyph_variant(b, table):
    """Replace 1 (60%) or 2 letters of b by lookalikes from table."""
    pos = [i for i, c in enumerate(b) if c in table]
    chars = list(b)
    for i in rng.sample(pos, 1 if rng.random() < 0.6 or len(pos) < 2 else 2):
        chars[i] = rng.choice(table[b[i]])
    return "".join(chars)


def typo_variants(b):
    kinds = {k: [] for k in ("omission", "duplication", "insertion", "transposition",
                             "neighbour", "vowel", "bitflip")}
    for i, c in enumerate(b):
        kinds["omission"].append(b[:i] + b[i + 1:])
        kinds["duplication"].append(b[:i] + c + b[i:])
        for n in kbd_neighbours(c):
            kinds["insertion"].append(b[:i] + n + b[i:])
            kinds["neighbour"].append(b[:i] + n + b[i + 1:])
        if i + 1 < len(b) and b[i] != b[i + 1]:
            kinds["transposition"].append(b[:i] + b[i + 1] + c + b[i + 2:])
        if c in VOWELS:
            kinds["vowel"] += [b[:i] + v + b[i + 1:] for v in VOWELS if v != c]
        for bit in range(8):
            f = chr(ord(c) ^ (1 << bit))
            if re.match(r"[a-z0-9]$", f):
                kinds["bitflip"].append(b[:i] + f + b[i + 1:])
    for k in kinds:
        kinds[k] = [v for v in dict.fromkeys(kinds[k])
                    if v != b and v not in DICT and v not in BRANDS and len(v) >= 4]
    return kinds


def split_host(b):
    k = rng.randrange(2, len(b) - 1)
    a, c = b[:k], b[k:]
    w, t, p = rng.choice(BAIT), tld_for(b), rng.choice(PREFIXES)
    return rng.choice([f"{a}-{c}.{t}", f"{a}.{c}.{t}", f"{p}.{a}-{c}.{t}", f"{a}-{c}-{w}.{t}",
                       f"{a}.{c}-{w}.{t}", f"{w}-{a}.{c}.{t}", f"{p}.{a}.{c}.{t}",
                       f"{w}{a}-{c}.{t}"])


def attacker_domain():
    w = rng.choice(BAIT)
    r = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(4, 8)))
    return rng.choice([f"{w}-{r}", r, f"{w}{rng.randint(1, 99)}", f"{w}-{rng.choice(BAIT)}"])


def contains_host(b):
    w, w2, p = rng.choice(BAIT), rng.choice(BAIT), rng.choice(PREFIXES)
    t, ct = tld_for(b), rng.choice(CHEAP_TLDS)
    own = rng.choice(OWNED[b])
    return rng.choice([
        f"{b}.{ct}", f"{p}.{b}.{ct}",                                         # verbatim label
        f"{b}-{w}.{t}", f"{w}-{b}.{t}", f"{w}-{b}-{w2}.{t}", f"{p}.{b}-{w}.{t}",  # hyphen token
        f"{b}{w}.{t}", f"{w}{b}.{t}", f"{p}.{w}{b}.{t}",                      # glued
        f"{b}.{attacker_domain()}.{ct}", f"{own}.{attacker_domain()}.{ct}",   # attacker subdomain
        f"{p}.{b}.{attacker_domain()}.{t}"])


# ---------------------------------------------------------------- lookalikes
looks = []
for b in BRANDS:
    for h in collect(b, lambda: place(homoglyph_variant(b, IDN), b)):
        looks.append(("lookalike", "idn-homoglyph", h))
for b in BRANDS:
    for h in collect(b, lambda: place(homoglyph_variant(b, ASCII_HG), b)):
        looks.append(("lookalike", "ascii-homoglyph", h))
for b in BRANDS:
    kinds = typo_variants(b)
    order = [k for k in kinds if kinds[k]]
    rng.shuffle(order)
    picked = []
    while len(picked) < 7:
        k = order[len(picked) % len(order)]
        cand = [v for v in kinds[k] if v not in picked]
        if cand:
            picked.append(rng.choice(cand))
    for v in picked:  # one host per distinct typo variant
        for h in collect(b, lambda: place(v, b), n=1):
            looks.append(("lookalike", "typo", h))
for b in BRANDS:
    for h in collect(b, lambda: split_host(b)):
        looks.append(("lookalike", "split", h))
for b in BRANDS:
    for h in collect(b, lambda: contains_host(b)):
        looks.append(("lookalike", "contains", h))

# ---------------------------------------------------------------- benign
NEUTRAL = {"de": "studio verlag haus bau design praxis cafe reisen galerie musik".split(),
           "it": "ristorante studio pasticceria hotel bar vini arte musica".split(),
           "es": "estudio cafe hotel arte musica taller libros".split(),
           "en": "studio design music films records cafe yoga gallery photo labs press".split()}
# word brand lang tlds  (near-word: real word 1-2 edits away; containing: real word/name with brand inside)
NEAR = [e.split(None, 3) for e in """opus optus en com org co.uk de; opts optus en com io; optum optus en com;
lotus optus en com net com.au; ortus optus en com eu; motus optus en com de;
optics optus en com co.uk com.au; shine shein en com co.uk net; sheen shein en com co.uk;
stein shein de de at ch; skein shein en com co.uk; shin shein en com jp; sheik shein en com ae;
rhein shein de de ch; schein shein de de at; chain shein en com io; discard discord en com org;
discoid discord en com net; discors discord en com eu; carissimo colissimo it it com;
dolcissimo colissimo it it com; colossimo colissimo it it com; colosimo colissimo it it com""".replace("\n", " ").split("; ")]
CONTAIN = [e.split(None, 3) for e in """discordant discord en com org; discordance discord en com fr; discordia discord es es it com;
discordian discord en com org; discorde discord en fr be; discordar discord es es com.br;
discordante discord it it pt es; sheinbaum shein es com.mx mx com; sheinberg shein en com law;
sheinfeld shein en com net; sheinkin shein en co.il com; sheindlin shein en com tv;
adoptus optus en com org""".replace("\n", " ").split("; ")]


def benign_hosts(word, lang, tlds, n):
    out = []
    tl = tlds.split()
    for _ in range(500):
        x, t = rng.choice(NEUTRAL[lang]), rng.choice(tl)
        h = rng.choice([f"{word}.{t}", f"www.{word}.{t}", f"{word}-{x}.{t}", f"{x}-{word}.{t}",
                        f"www.{word}{x}.{t}", f"mail.{word}-{x}.{t}", f"{word}{x}.{t}",
                        f"shop.{word}.{t}", f"{x}.{word}.{t}"])
        if h not in SEEN and h not in out and valid(h) and not owned_by_brand(h):
            out.append(h)
            if len(out) == n:
                break
    SEEN.update(out)
    return out


assert all(1 <= dl(w, b) <= 2 and b not in w for w, b, _, _ in NEAR)
assert all(b in w and w != b for w, b, _, _ in CONTAIN)

benign = []
for i, (w, b, lang, tl) in enumerate(NEAR):
    for h in benign_hosts(w, lang, tl, 4 if i % 3 == 0 else 3):
        benign.append(("benign", "near-word", h))
for i, (w, b, lang, tl) in enumerate(CONTAIN):
    for h in benign_hosts(w, lang, tl, 5 if i < 10 else 6):
        benign.append(("benign", "containing", h))
OWN_SUB = ("www login auth id account accounts help support status api cdn static mail m careers "
           "investors blog news developer developers partners media images shop app secure portal "
           "community docs").split()
for d in ALL_OWNED:
    subs = rng.sample(OWN_SUB, 3)
    for s in subs:
        h = f"{s}.{d}"
        if rng.random() < 0.15:
            h = f"{rng.choice(['eu', 'us', 'br', 'v2', 'prod', 'edge'])}.{h}"
        assert h not in SEEN
        SEEN.add(h)
        benign.append(("benign", "own-subdomain", h))

# ---------------------------------------------------------------- ordinary
# language group | business words | places | surnames | TLDs
LANGS = {}
for line in """de|baeckerei autohaus zahnarzt immobilien steuerberatung elektro garten holzbau sanitaer schreinerei praxis apotheke physio malerbetrieb dachdecker fahrschule brauerei weingut metzgerei reisen versicherung kanzlei hausverwaltung moebel optiker|berlin hamburg muenchen koeln leipzig dresden bremen hannover freiburg mainz kassel rostock graz linz salzburg innsbruck basel bern luzern|mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter wolf neumann braun|de de de at ch com eu net
fr|boulangerie immobilier avocat cabinet plomberie maison jardin ecole pharmacie garage coiffure notaire architecte menuiserie traiteur fromagerie librairie vins transports assurances conseil|lyon bordeaux nantes lille toulouse rennes grenoble dijon brest nice liege namur geneve lausanne quebec montreal|dubois martin bernard durand lefebvre moreau laurent simon michel garnier roux fontaine|fr fr fr be ch ca com eu
es|ferreteria inmobiliaria clinica abogados taller panaderia muebles reformas dental gestoria construcciones viajes floristeria academia autoescuela transportes|sevilla valencia malaga bilbao zaragoza murcia granada vigo oviedo cordoba rosario mendoza monterrey puebla bogota medellin lima cusco valparaiso|garcia fernandez lopez martinez sanchez perez gomez ruiz diaz moreno alvarez romero|es es com.mx mx com.ar ar co cl pe com.co com
it|ristorante pizzeria studio farmacia albergo cantina ferramenta gelateria officina arredamenti edilizia agriturismo serramenti commercialista ottica|torino napoli bologna firenze verona padova bari palermo genova trieste bergamo lecce parma|rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti|it it it com eu
pt|padaria imobiliaria advocacia oficina contabilidade construtora clinica odontologia farmacia transportes papelaria materiais engenharia|porto braga lisboa coimbra faro curitiba recife salvador fortaleza campinas goiania manaus belem natal|silva santos oliveira souza pereira costa ferreira almeida carvalho ribeiro rodrigues|com.br com.br com.br pt pt com net.br
nl|bakkerij tandarts makelaar fietsen schilders installatie hoveniers loodgieter kapper administratie bouw|utrecht gent leiden haarlem delft zwolle breda tilburg arnhem antwerpen brugge|jansen devries bakker visser smit meijer mulder bos vos peters|nl nl be com eu
pl|piekarnia kancelaria hurtownia serwis budownictwo meble stomatologia apteka biuro transport okna|krakow gdansk poznan wroclaw lodz lublin szczecin katowice torun|kowalski nowak wisniewski wojcik kaminski lewandowski zielinski|pl com.pl pl eu
nordic|tandlaege bageri rorlegger bygg tannlege fastighet redovisning snickeri konsult vvs|aarhus odense aalborg bergen trondheim stavanger tampere turku oulu uppsala malmo goteborg|hansen nielsen johansen larsen andersson johansson karlsson virtanen korhonen|dk no se fi com
tr|eczane emlak insaat mobilya otomotiv tekstil gida kuafor muhasebe hukuk lojistik|izmir bursa antalya konya kayseri eskisehir trabzon|yilmaz kaya demir sahin celik yildiz aydin ozturk|com.tr com.tr net.tr com
sea|toko jaya makmur sejahtera abadi sentosa bangunan bengkel kopi percetakan|surabaya bandung medan semarang malang yogyakarta makassar cebu davao penang ipoh|wijaya santoso halim tan lim nguyen tran pham|co.id id com my com.my ph com.ph vn com.vn
ja|shika fudosan kensetsu seikotsuin kougyou shokudo ryokan sekkei denki|osaka sapporo fukuoka sendai kobe nagoya kyoto hiroshima|tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi|jp co.jp co.jp com
en|plumbing dental consulting roofing solutions logistics labs studio digital tech cloud media design group partners foods farm coffee bikes fitness realty law accounting clinic academy outdoor builders electric landscaping|austin denver leeds cork bristol york perth hobart auckland dunedin calgary halifax boise tulsa galway pune kochi mysore nairobi accra durban|smith jones taylor brown williams wilson evans walker wright thompson murphy kelly patel singh okafor|com com com net org co.uk uk ie com.au co.nz ca us in co.in co.za ke ng io co""".splitlines():
    k, *rest = line.split("|")
    LANGS[k] = tuple(x.split() for x in rest)
SVC = ("mail webmail cpanel autodiscover api cdn cpcalendars cpcontacts webdisk ftp smtp imap vpn "
       "remote portal shop blog intranet staging dev test admin owa sso grafana status docs files "
       "cloud nextcloud moodle wiki git helpdesk booking termine reservas tienda loja sklep winkel "
       "agenda boutique kundenportal extranet campus biblioteca").split()
SAAS = ("zendesk.com freshdesk.com sharepoint.com herokuapp.com azurewebsites.net github.io gitlab.io "
        "netlify.app vercel.app pages.dev webflow.io odoo.com myqnapcloud.com synology.me duckdns.org "
        "ddns.net kinsta.cloud wpengine.com teamwork.com bamboohr.com recruitee.com bitrix24.de "
        "blogspot.com wordpress.com tilda.ws jimdofree.com onrender.com fly.dev firebaseapp.com "
        "web.app youtrack.cloud").split()
PUBLIC = {"de": "stadt-{p}.de uni-{p}.de", "fr": "ville-{p}.fr univ-{p}.fr", "es": "{p}.gob.mx ayto-{p}.es",
          "it": "comune.{p}.it", "pt": "{p}.gov.br cm-{p}.pt", "nl": "gemeente-{p}.nl", "pl": "um.{p}.pl",
          "nordic": "{p}.kommune.no {p}.se", "tr": "{p}.bel.tr {p}.edu.tr", "sea": "{p}kota.go.id",
          "ja": "city.{p}.lg.jp", "en": "{p}.gov.uk {p}.ac.uk {p}.nsw.gov.au {p}.ac.za"}
HEX = "0123456789abcdef"


def hexs(n):
    return "".join(rng.choice(HEX) for _ in range(n))


def biz(lang):
    words, places, names, tlds = LANGS[lang]
    (w, w2), pl, nm = rng.sample(words, 2), rng.choice(places), rng.choice(names)
    name = rng.choice([f"{w}-{pl}", f"{w}{pl}", f"{nm}-{w}", f"{nm}{w}", f"{w}-{nm}", f"{pl}-{w}",
                       f"{w}{rng.choice(['24', '360', '1', '2000', 'plus', 'pro'])}", f"{w}-{w2}",
                       f"{nm}-{pl}", f"{w}{nm}", f"{nm}{rng.randint(1, 99)}"])
    return name, rng.choice(tlds)


def ordinary_host():
    lang = rng.choice(list(LANGS))
    name, t = biz(lang)
    r = rng.random()
    if r < 0.18:
        return f"{name}.{t}"
    if r < 0.36:
        return f"www.{name}.{t}"
    if r < 0.60:
        return f"{rng.choice(SVC)}.{name}.{t}"
    if r < 0.67:
        return rng.choice([f"*.{name}.{t}", f"*.{rng.choice(SVC)}.{name}.{t}"])
    if r < 0.74:
        p = rng.choice("srv web mx node vps host ns app db k8s worker edge".split())
        return rng.choice([f"{p}{rng.randint(1, 40):02d}.{name}.{t}", f"{p}-{rng.randint(1, 250)}.{name}.{t}",
                           f"{p}{rng.randint(1, 9)}.{rng.choice(['fra', 'ams', 'par', 'waw', 'sao', 'syd'])}.{name}.{t}"])
    if r < 0.79:
        return rng.choice([f"{hexs(8)}.{name}.{t}", f"{hexs(16)}.{rng.choice(SAAS)}",
                           f"{hexs(12)}.{rng.choice(SVC)}.{name}.{t}"])
    if r < 0.91:
        return f"{name.replace('-', '') if rng.random() < 0.5 else name}.{rng.choice(SAAS)}"
    if r < 0.96:
        a, b, c, d = (rng.randint(1, 254) for _ in range(4))
        return rng.choice([f"vps-{hexs(8)}.vps.ovh.net", f"static.{a}.{b}.{c}.{d}.clients.your-server.de",
                           f"ip-{a}-{b}-{c}-{d}.static.{rng.choice(['hostnet.nl', 'netcup.net', 'aruba.it'])}",
                           f"d{''.join(rng.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(13))}.cloudfront.net"])
    pub = rng.choice(PUBLIC[lang].split()).format(p=rng.choice(LANGS[lang][1]))  # city/university hosts
    return rng.choice([f"{rng.choice(SVC)}.{pub}", f"www.{pub}", pub])


ordinary = []
rejected = 0
while len(ordinary) < 5000:
    h = ordinary_host()
    if h in SEEN or not valid(h, wildcard_ok=True) or owned_by_brand(h):
        continue
    if imitates(h):
        rejected += 1
        continue
    SEEN.add(h)
    ordinary.append(("ordinary", "ordinary", h))

# sanity: every non-IDN lookalike is recognised by the conservative imitation check
for k, t, h in looks:
    if t != "idn-homoglyph":
        assert imitates(h), h

# ---------------------------------------------------------------- write
rows = looks + benign + ordinary
assert len({r[2] for r in rows}) == len(rows)
with open(OUT, "w", encoding="utf-8", newline="\n") as f:
    f.write("# lookalike_blind6.tsv -- blind evaluation set #6 for the lookalike hostname detector\n")
    f.write("# generated by tools/gen_lookalike_blind6.py (Python 3.11 stdlib, random.Random(%d))\n" % SEED)
    f.write("# built without reading the detector, its word lists or any other eval data\n")
    f.write("# brands: " + ", ".join(f"{b} ({KIND[b]})" for b in BRANDS) + "\n")
    f.write("# lookalike techniques: idn-homoglyph (Cyrillic/Greek/accented, punycode), ascii-homoglyph "
            "(0/o 1/l 1/i 3/e 5/s rn/m vv/w), typo (omission, duplication, insertion, transposition, "
            "keyboard neighbour, vowel swap, bit flip; dictionary words dropped), split (one '-' or '.'), "
            "contains (verbatim label, hyphen token, glued, attacker subdomain); 7 per brand per technique\n")
    f.write("# bait vocabulary: " + " ".join(BAIT) + "\n")
    f.write("# benign: near-word = real words 1-2 edits from a brand; containing = real words/names with "
            "a brand as substring; own-subdomain = subdomains of the owned domains\n")
    f.write(f"# ordinary: 5000 synthetic CT-style names in 12 language groups, filtered by a "
            f"distance/homoglyph imitation check ({rejected} candidates rejected)\n")
    f.write("brands\t" + ",".join(BRANDS) + "\n")
    f.write("owned\t" + ",".join(ALL_OWNED) + "\n")
    for r in rows:
        f.write("\t".join(r) + "\n")

from collections import Counter
print(Counter((k, t) for k, t, _ in rows))
print("rejected ordinary candidates:", rejected)
