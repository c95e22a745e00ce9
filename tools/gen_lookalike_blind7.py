#!/usr/bin/env python3
"""Generate benches/data/lookalike_blind7.tsv: a blind labelled evaluation set for the
hostname lookalike detector (issue #16, point 5).

Built without reading the detector, its word lists or any other eval data: the brands,
bait words, TLD/administration words, ordinary-name vocabulary and hard benign names
below were written from general knowledge for this file only.

Part of the lookalikes come from dnstwist, an independent lookalike generator
(PyPI package `dnstwist`, pinned version 20250130; single module, no dependency for the
parts used here): its typo fuzzers (omission, repetition, insertion, transposition,
keyboard replacement, vowel swap, bitsquatting), hyphenation/subdomain fuzzers (split),
its ASCII and Unicode homoglyph tables, and its latin->Cyrillic table.

Re-run (deterministic, fixed seed; output is byte-identical for the same dnstwist version):
    python3 -m venv /tmp/dtvenv && /tmp/dtvenv/bin/pip install dnstwist==20250130
    /tmp/dtvenv/bin/python tools/gen_lookalike_blind7.py      # writes benches/data/lookalike_blind7.tsv

tools/gen_lookalike_blind8.py reuses this recipe (functions below) with other brands and
another seed (the reserve set).
"""
import encodings.idna
import os
import random
import re
import sys

import dnstwist

DNSTWIST_VERSION = "20250130"

# --------------------------------------------------------------------------- brands
# name, owned domains, sector, country, languages (for bait/admin words), attacker ccTLDs
BRANDS7 = [
    dict(name="elster", owned=["elster.de"], sector="government tax portal (ELSTER, online tax filing)",
         country="DE", langs=["de"], cc=["de", "com.de", "at"]),
    dict(name="darty", owned=["darty.com", "fnacdarty.com"], sector="electronics retail", country="FR",
         langs=["fr"], cc=["fr", "re", "be"]),
    dict(name="poste", owned=["poste.it", "posteitaliane.it", "postepay.it", "postevita.it"], sector="postal service / banking",
         country="IT", langs=["it"], cc=["it", "eu", "sm"]),
    dict(name="nubank", owned=["nubank.com.br", "nu.com.mx"], sector="digital bank", country="BR",
         langs=["pt"], cc=["com.br", "net.br", "br.com"]),
    dict(name="shopee", owned=["shopee.sg", "shopee.com.br", "shopee.co.id", "shopee.co.th", "shopee.vn", "shopee.tw", "shopee.ph", "shopee.com.my"], sector="e-commerce",
         country="SG (SE Asia, BR)", langs=["id", "en"], cc=["sg", "co.id", "com.my", "ph"]),
    dict(name="caixabank", owned=["caixabank.es", "caixabank.com", "caixabankresearch.com", "lacaixa.es"], sector="bank", country="ES",
         langs=["es"], cc=["es", "com.es", "cat"]),
    dict(name="mercadolibre", owned=["mercadolibre.com.ar", "mercadolibre.com.mx", "mercadolibre.com", "mercadolivre.com.br", "mercadopago.com"],
         sector="e-commerce / payments", country="AR/MX (Latin America)", langs=["es"],
         cc=["com.ar", "com.mx", "com.co", "cl"]),
    dict(name="sparkasse", owned=["sparkasse.de"], sector="savings banks", country="DE",
         langs=["de"], cc=["de", "at", "com.de"]),
    dict(name="rakuten", owned=["rakuten.co.jp", "rakuten.com", "rakuten-card.co.jp", "rakuten-bank.co.jp", "rakuten-sec.co.jp", "rakuten.ne.jp"], sector="e-commerce / fintech",
         country="JP", langs=["ja", "en"], cc=["jp", "co.jp", "ne.jp"]),
    dict(name="doctolib", owned=["doctolib.fr", "doctolib.de", "doctolib.it"], sector="health appointments",
         country="FR/DE", langs=["fr", "de"], cc=["fr", "de", "it"]),
]

# --------------------------------------------------------------------------- vocabularies
BAIT = {
    "en": ["login", "verify", "account", "refund", "parcel", "secure", "support", "update",
           "billing", "wallet", "signin", "unlock", "confirm", "delivery"],
    "fr": ["connexion", "compte", "verification", "remboursement", "colis", "securite",
           "espace-client", "facture", "identifiant", "livraison", "validation", "client"],
    "es": ["acceso", "cuenta", "verificar", "reembolso", "paquete", "seguridad", "clientes",
           "bancaonline", "validar", "envio", "desbloqueo", "tarjeta"],
    "de": ["anmelden", "konto", "bestaetigung", "erstattung", "paket", "sicherheit",
           "kundenservice", "login", "verifizierung", "rueckzahlung", "sperre", "online-banking"],
    "it": ["accesso", "conto", "verifica", "rimborso", "pacco", "sicurezza", "clienti",
           "areapersonale", "spedizione", "sblocco", "carta", "bonifico"],
    "pt": ["acesso", "conta", "verificar", "reembolso", "encomenda", "seguranca", "cliente",
           "pix", "cartao", "desbloqueio", "atualizar", "fatura"],
    "id": ["masuk", "akun", "verifikasi", "hadiah", "promo", "pembayaran", "paket", "klaim"],
    "ja": ["kakunin", "tetsuduki", "point", "card", "mypage", "ninsho", "id", "member"],
    "hi": ["kyc", "cashback", "upi", "reward", "wallet", "otp"],
    "sv": ["loggain", "konto", "verifiera", "aterbetalning", "paket", "sakerhet", "kundtjanst", "betalning"],
}
# TLD/registry words and administration words per language/country (tld-word technique)
TLDWORDS = ["com", "net", "org", "info"]
ADMIN = {
    "fr": ["gouv", "particulier", "servicepublic", "gouvfr", "administration"],
    "de": ["bund", "finanzamt", "behoerde", "bundde", "verwaltung"],
    "es": ["gob", "agencia", "sede", "gobierno", "tributos"],
    "it": ["governo", "gov", "cittadino", "agenzia", "pa"],
    "pt": ["gov", "governo", "cidadao", "govbr", "receita"],
    "id": ["gov", "goid", "pemerintah"],
    "ja": ["go", "gojp", "gov"],
    "en": ["gov", "official", "govt"],
    "hi": ["gov", "govin", "nic"],
    "sv": ["myndighet", "gov", "regeringen"],
}
ATTACK_TLDS = ["com", "net", "org", "info", "online", "site", "xyz", "top", "shop", "live",
               "app", "support", "help", "click", "icu", "cc", "co", "vip", "pro", "digital"]
SUBS = ["", "", "", "", "", "www.", "*.", "login.", "secure.", "m."]

# Greek look-alikes for Latin letters (written for this file)
GREEK = {"a": "α", "o": "ο", "i": "ι", "k": "κ", "v": "ν", "u": "υ", "p": "ρ", "t": "τ",
         "x": "χ", "y": "γ", "e": "ε", "n": "η"}
# extra Cyrillic alternatives on top of dnstwist's latin_to_cyrillic table
CYR_ALT = {"b": ["ь", "в"], "l": ["ӏ", "і"]}
# ASCII homoglyph substitutions (digit/letter and letter-cluster look-alikes)
ASCII_GLYPHS = {"o": ["0"], "l": ["1", "i"], "i": ["1", "l"], "e": ["3"], "s": ["5"],
                "m": ["rn"], "w": ["vv"], "d": ["cl"], "a": ["4"], "g": ["9", "q"],
                "t": ["7"], "b": ["6"], "u": ["v"], "n": ["r"], "k": ["lc"]}

# dnstwist ascii glyph pairs left out (they read as different letters, not look-alikes)
DROP_GLYPH = {("b", "d"), ("d", "b"), ("m", "n"), ("n", "m"), ("m", "nn"), ("6", "9"), ("9", "6"), ("3", "8"), ("8", "3")}

# Small multilingual common-word list: used to drop typo results that are dictionary words
# and as vocabulary for ordinary names.
WORDS = {
    "en": """about after again apple april area army arts audio baby back bake band bank bar base
basket bay beach bear bed bell best bike bird black blog blue board boat body book boot box brick
bridge bright brown build burger cable cafe cake camp canvas car card care cart case cast cat
center chair chess city clean cloud club coach coast code coffee cold color cook cool copper
corner cottage craft crew dance dark dart darts data dawn deal deck deer design desk dev dog door
draft dream drive dust eagle earth east easy echo edge energy farm fast field film fire fish
flat fleet flow flower fly food forest fox frame fresh garden gate gear gift glass gold golf good
grain green grid group guide hair hall hand happy harbor hawk health heart hill home honey horse
hotel house ice iron island jade jazz jet job joy key kid kind king kitchen lab lake lamp land
lane law leaf light lime line lion list little local lodge logic long loop lucky lunar mail main
map maple market meadow media metal mill mind mint moon motor mountain music nest net new night
north nova oak ocean office open orbit owl pace paint palm panel paper park party past paste path
peak pearl pepper pet photo pilot pine pixel place planet plant plaza point polar pond pool port
post poster posts press prime print pulse quick quiet rain ranch rapid raven red reef ridge river
road rock roof room root rose royal ruby run rust sage sail salt sand school sea seed shadow shape
share sharp shell shore sign silver simple sky smart snow social solar solid sound south space
spark spring square stack star station steel stone storm story stream street studio sun swift
table tank team tech tent test tiger time tiny tool tower town track trade trail train travel tree
tribe true trust tulip union urban valley vector velvet view villa vision wall water wave web
west wheel white wild wind window wine wing winter wolf wood word work world yard yellow zen
dirty party tasty hearty hardy arty poster pasta oyster holster lester ulster alster eater
shop shoe shoes shopper shoppe sheep spark sparks parks sparkle bank banks pose posted poste piste pistes poset paste pastel nobank shoppe clarty barty oste puste durty rubank daty alzada lazadas lazos
postal doctor doctors mercado mercados libre rocket docto""",
    "fr": """atelier avenue bateau belle beurre bijou blanc bois boulangerie boutique bureau cafe
campagne chalet champ chateau chemin cheval ciel cite clair coeur colline croissant cuisine dentiste
douce ecole etoile fleur foret fromage gare garage jardin lac lumiere maison marche mer miel
montagne moulin nature neige noir notaire nuit ombre paris patisserie pays petit pharmacie pierre
place plage pont port prairie rose rouge rue sable soleil source terre toit tour vallee vent vert
ville vin voyage immobilier assurances cabinet avocat fleuriste traiteur menuiserie plomberie
epicerie librairie restaurant auberge gite camping ferme cave poste postes darne dartre""",
    "es": """abogado agua aire alma amigo arena arte azul barrio barco bello bosque calle campo
casa cielo ciudad clinica cocina colegio corazon costa dulce escuela estrella farmacia flor
fuego gato hogar huerta isla jardin lago luna luz mar mercado mesa monte mundo norte nube oro
panaderia papel parque paz perro piedra playa plaza puente puerto rio rosa sabor sal sol taller
tienda tierra torre valle verde viaje vida viento vino zapateria ferreteria inmobiliaria libre
libro libros caja cajas banco""",
    "de": """apotheke arzt auto bach bau baum berg blume boot brot brucke burg dach dorf eiche
feld fisch fluss garten gasthof haus heim himmel hof holz hund insel kaffee kirche klinik
kuche land licht markt meer muhle nord ost park post quelle rad rathaus ring rose sand schloss
schule see sonne stadt stein strand tal tier turm wald wasser weg wein welt werk wiese wind zeit
baeckerei metzgerei elektro sanitaer spar kasse kassen sparen elster eltern elstar alster""",
    "it": """acqua albergo amico arte azienda bar bella borgo bosco casa cielo citta collina
cucina dolce farmacia fiore fiume forno gelato giardino isola lago luce luna mare mercato monte
mondo negozio notte nuvola oro pane parco pasta pasticceria piazza pietra ponte porto rosa sale
sole stella studio terra torre trattoria valle verde vino viaggio posta poste posto pesto""",
    "pt": """agua amigo areia arte azul barco bela bosque cafe campo casa ceu cidade clinica
cozinha doce escola estrela farmacia flor fogo jardim lago loja lua luz mar mercado mesa monte
mundo norte nuvem ouro padaria papel parque paz pedra praia praca ponte porto rio rosa sabor sal
sol terra torre vale verde viagem vida vento banco""",
    "id": """rumah kopi makan sehat toko kita jaya maju indah sejahtera baru mandiri abadi""",
    "ja": """sakura yama kawa umi hana tokyo osaka kyoto ramen sushi kaze hikari mori""",
}
ALL_WORDS = {w for ws in WORDS.values() for w in ws.split()}

# brands of the other blind set and the project's list of already-used brands:
# ordinary names must not contain or be one edit away from any of them either.
AVOID = ("paypal apple microsoft amazon netflix ameli impots optus shein discord bitstamp bradesco "
         "shopify colissimo lufthansa commerzbank agenziaentrate orange fedex revolut allegro "
         "instagram antai google facebook whatsapp").split()


# --------------------------------------------------------------------------- helpers
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def to_ascii_label(label):
    """One label to its ASCII (punycode) form; checks the round trip."""
    if all(ord(c) < 128 for c in label):
        return label
    a = encodings.idna.ToASCII(label).decode("ascii")
    if encodings.idna.ToUnicode(a) != label:
        raise ValueError("idna round trip changed %r" % label)
    return a.lower()


def to_ascii_host(host):
    return ".".join(to_ascii_label(l) if l != "*" else l for l in host.split("."))


def valid_host(h):
    if len(h) > 253 or h != h.lower():
        return False
    labels = h.split(".")
    if len(labels) < 2:
        return False
    for i, l in enumerate(labels):
        if l == "*" and i == 0:
            continue
        if not LABEL_RE.match(l):
            return False
        if l[2:4] == "--" and not l.startswith("xn--"):
            return False
    return not labels[-1].isdigit()


def dl1(a, b):
    """True if Damerau-Levenshtein distance(a, b) <= 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    for i in range(len(b)):
        if b[:i] + b[i + 1:] == a:
            return True
    return False


def near_brand(label, names):
    """label contains a brand, or a substring of it is one edit away from a brand."""
    flat = label.replace("-", "")
    for n in names:
        if n in label or n in flat:
            return True
        L = len(n)
        for s in (label, flat):
            for k in (L - 1, L, L + 1):
                for i in range(0, max(0, len(s) - k) + 1):
                    if dl1(s[i:i + k], n):
                        return True
    return False


class Gen:
    def __init__(self, brands, seed, other_brands, hand=()):
        self.brands = brands
        self.rng = random.Random(seed)
        self.seed = seed
        self.names = [b["name"] for b in brands]
        self.guard = self.names + [n for n in other_brands] + AVOID
        self.rows = []  # (kind, sub, host)
        self.seen = set()
        self.counts = {}
        # labels of the hand-written benign names: never produced as typo/ascii lookalikes
        self.exclude = {l for _, hosts in hand for h in hosts.split() for l in h.split(".")} - set(self.names)

    def add(self, kind, sub, host):
        host = to_ascii_host(host)
        if not valid_host(host):
            raise ValueError("invalid host %r" % host)
        if host in self.seen:
            if kind == "benign":
                print("note: benign %s already present, kept once" % host, file=sys.stderr)
            return False
        self.seen.add(host)
        self.rows.append((kind, sub, host))
        self.counts[(kind, sub)] = self.counts.get((kind, sub), 0) + 1
        return True

    def sub(self):
        return self.rng.choice(SUBS)

    def tld(self, b, p_cc=0.4):
        if self.rng.random() < p_cc:
            return self.rng.choice(b["cc"])
        return self.rng.choice(ATTACK_TLDS)

    def bait(self, b):
        lang = self.rng.choice(b["langs"] + ["en"])
        return self.rng.choice(BAIT[lang])

    def fill(self, kind, tech, cands, n):
        """Add up to n of the (label-or-host producing) candidates, with subdomain/TLD variety."""
        got = 0
        for c in cands:
            if got >= n:
                break
            if self.add(kind, tech, c):
                got += 1
        return got

    # ------------------------------------------------------------------ lookalikes
    def idn_homoglyph(self, b, n=8):
        name = b["name"]
        r = self.rng
        out = []
        # half: whole-script Cyrillic (every letter that has a Cyrillic look-alike replaced)
        table = dict(dnstwist.Fuzzer.latin_to_cyrillic)
        whole = []
        for variant in range(8):
            s = ""
            for ch in name:
                if ch in CYR_ALT:
                    s += CYR_ALT[ch][(variant >> (0 if ch == "b" else 1)) & 1]
                else:
                    s += table.get(ch, ch)
            whole.append(s)
        # dnstwist's own cyrillic fuzzer result, when it gives one (all letters mappable)
        dt = dnstwist.Fuzzer(name + ".com")._cyrillic()
        whole = list(dict.fromkeys(dt + whole))
        k = 0
        tries = 0
        while k < n // 2 and tries < 50:
            tries += 1
            lab = whole[tries % len(whole)]
            sub = r.choice(["", "", "www.", "*.", "login.", "m."])
            tld = r.choice(b["cc"] + ["com", "net", "com", "online", "shop", "app", "site"])
            if self.add("lookalike", "idn-homoglyph", sub + lab + "." + tld):
                k += 1
        # rest: Greek, mixed-script (one/two Cyrillic letters), accented (dnstwist unicode glyphs)
        others = []
        pos_g = [i for i, ch in enumerate(name) if ch in GREEK]
        pos_c = [i for i, ch in enumerate(name) if ch in table]
        pos_u = [i for i, ch in enumerate(name) if ch in dnstwist.Fuzzer.glyphs_unicode]
        for _ in range(20):
            kind = r.choice(["greek", "mixed", "mixed", "accent", "accent"])
            s = list(name)
            if kind == "greek" and pos_g:
                for i in r.sample(pos_g, min(len(pos_g), r.choice([1, 2]))):
                    s[i] = GREEK[s[i]]
            elif kind == "mixed" and pos_c:
                for i in r.sample(pos_c, min(len(pos_c), r.choice([1, 1, 2]))):
                    s[i] = table[s[i]]
            elif pos_u:
                i = r.choice(pos_u)
                s[i] = r.choice(dnstwist.Fuzzer.glyphs_unicode[s[i]])
            lab = "".join(s)
            if lab == name:
                continue
            others.append(self.sub() + lab + "." + self.tld(b))
        self.fill("lookalike", "idn-homoglyph", others, n - k)

    def ascii_homoglyph(self, b, n=8):
        name = b["name"]
        r = self.rng
        cands = set()
        for i, ch in enumerate(name):
            for g in ASCII_GLYPHS.get(ch, []):
                cands.add(name[:i] + g + name[i + 1:])
        # double substitutions and dnstwist's ascii glyph table
        for c in list(cands):
            for i, ch in enumerate(c):
                for g in ASCII_GLYPHS.get(ch, []):
                    if ch in name and c[i] == name[i:i + 1] and g.isdigit():
                        cands.add(c[:i] + g + c[i + 1:])
        for i, ch in enumerate(name):
            for g in dnstwist.Fuzzer.glyphs_ascii.get(ch, []):
                if (ch, g) not in DROP_GLYPH:
                    cands.add(name[:i] + g + name[i + 1:])
        for i in range(len(name) - 1):
            pair = name[i:i + 2]
            for g in dnstwist.Fuzzer.glyphs_ascii.get(pair, []):
                cands.add(name[:i] + g + name[i + 2:])
        cands = sorted(c for c in cands if c != name and c not in ALL_WORDS and c not in self.exclude
                       and LABEL_RE.match(c))
        # prefer visually strong ones: containing a digit or rn/vv/cl clusters
        strong = [c for c in cands if re.search(r"[0-9]|rn|vv|cl", c)]
        weak = [c for c in cands if c not in strong]
        r.shuffle(strong)
        r.shuffle(weak)
        pick = strong[:6] + weak[:4] + strong[6:]
        pick += pick  # second round: same labels under other TLDs if the first ran short
        self.fill("lookalike", "ascii-homoglyph",
                  [self.sub() + c + "." + self.tld(b) for c in pick], n)

    def typo(self, b, n=8):
        name = b["name"]
        r = self.rng
        f = dnstwist.Fuzzer(name + ".com")
        groups = {
            "omission": sorted(f._omission()),
            "repetition": sorted(f._repetition()),
            "insertion": sorted(f._insertion()),
            "transposition": sorted(f._transposition()),
            "replacement": sorted(set(f._replacement())),
            "vowel-swap": sorted(set(f._vowel_swap())),
            "bitsquatting": sorted(set(f._bitsquatting())),
        }
        for g in groups:
            groups[g] = [c for c in groups[g] if c != name and c not in ALL_WORDS and c not in self.exclude
                         and LABEL_RE.match(c) and not c.isdigit()]
            r.shuffle(groups[g])
        order = ["omission", "repetition", "insertion", "transposition", "replacement",
                 "vowel-swap", "bitsquatting", "transposition", "omission", "replacement"]
        cands = []
        for g in order:
            if groups[g]:
                cands.append(groups[g].pop())
        for g in groups:
            cands += groups[g][:2]
        self.fill("lookalike", "typo", [self.sub() + c + "." + self.tld(b) for c in cands], n)

    def split(self, b, n=8):
        name = b["name"]
        r = self.rng
        f = dnstwist.Fuzzer(name + ".com")
        hy = sorted(f._hyphenation())
        dots = sorted(f._subdomain())
        r.shuffle(hy)
        r.shuffle(dots)
        cands = [self.sub() + c + "." + self.tld(b) for c in hy[:5]]
        for c in dots[:4]:
            head, tail = c.split(".", 1)
            tld = self.tld(b)
            if len(tail) < 3 or r.random() < 0.3:
                tail = tail + "-" + self.bait(b).replace("-", "")  # keep the registrable label plausible
            cands.append(r.choice(["", "", "www."]) + head + "." + tail + "." + tld)
        cands += [self.sub() + c + "." + self.tld(b) for c in hy[5:] + hy]
        self.fill("lookalike", "split", cands, n)

    def contains(self, b, n=8):
        name = b["name"]
        r = self.rng
        owned_tld = b["owned"][0].split(".", 1)[1]
        cands = []
        for form in range(12):
            w = self.bait(b)
            w2 = self.bait(b)
            while w2 == w:
                w2 = self.bait(b)
            t = self.tld(b, 0.3)
            if form == 0:
                h = "%s-%s.%s" % (name, w, t)
            elif form == 1:
                h = "%s-%s.%s" % (w, name, t)
            elif form == 2:
                h = "%s%s.%s" % (name, w.replace("-", ""), t)
            elif form == 3:  # attacker subdomain mimicking the owned domain
                h = "%s.%s-%s.%s" % (name, owned_tld.replace(".", "-"), w, r.choice(["xyz", "top", "online", "icu", "site", "info"]))
            elif form == 4:
                h = "%s.%s-%s%d.%s" % (w, name, w2, r.randint(1, 99), t)
            elif form == 5:
                h = "%s.%s.%s-%s.com" % (name, owned_tld, w, "".join(r.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(5)))
            elif form == 6:
                h = "www.%s-%s-%s.%s" % (name, w, w2, t)
            elif form == 7:
                h = "%s%s%s.%s" % (w.replace("-", ""), name, r.choice(["", "-online", "24", "-app"]), t)
            elif form == 8:
                h = "*.%s-%s.%s" % (name, w, t)
            elif form == 9:
                h = "%s.%s-%s.%s" % (r.choice(["login", "secure", "auth", "id"]), name, w, t)
            elif form == 10:
                h = "%s-%s.%s" % (name, w, r.choice(b["cc"]))
            else:
                h = "%s.%s.%s" % (name, "".join(r.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(8)), r.choice(["workers.dev", "pages.dev", "web.app", "vercel.app", "netlify.app"]))
            cands.append(h)
        r.shuffle(cands)
        self.fill("lookalike", "contains", cands, n)

    def tld_word(self, b, n=8):
        name = b["name"]
        r = self.rng
        admin = []
        for l in b["langs"]:
            admin += ADMIN.get(l, [])
        cc = b["cc"]
        forms = [
            lambda: "%scom.%s" % (name, r.choice(["com", "net", "online", "info"])),
            lambda: "%s-com.%s" % (name, r.choice(["net", "org", "xyz", "top", "live"])),
            lambda: "%snet.%s" % (name, r.choice(["org", "com", "info"])),
            lambda: "%s-%s.%s" % (name, r.choice(admin), r.choice(["online", "com", "site", "info", "net"])),
            lambda: "%s-%s.%s" % (r.choice(admin), name, r.choice(["co", "com", "org", "app"])),
            lambda: "%s%s.%s" % (name, r.choice(admin), r.choice(cc + ["com"])),
            lambda: "%s-%s.%s" % (name, r.choice(cc).split(".")[-1], r.choice(["com", "net", "support"])),
            lambda: "%s%s.%s" % (name, r.choice(["org", "gov"] + admin[:2]), r.choice(cc)),
            lambda: "%s-%s.%s" % (name, r.choice(["gov", "gob", "gouv", "govt"]), r.choice(cc + ["com"])),
            lambda: "%s.%s-%s.%s" % (name, r.choice(admin), r.choice(["portal", "online", "services", "web"]), r.choice(["com", "net"])),
        ]
        cands = []
        for i in range(3):
            for fn in forms:
                sub = r.choice(["", "", "", "www.", "*.", "login."])
                cands.append(sub + fn())
        # round-robin over forms, then the rest
        self.fill("lookalike", "tld-word", cands, n)

    def lookalikes(self, per=8):
        for b in self.brands:
            self.idn_homoglyph(b, per)
            self.ascii_homoglyph(b, per)
            self.typo(b, per)
            self.split(b, per)
            self.contains(b, per)
            self.tld_word(b, per)

    # ------------------------------------------------------------------ ordinary
    def ordinary(self, n=5000):
        r = self.rng
        langs = list(WORDS)
        wl = {l: [w for w in WORDS[l].split() if not near_brand(w, self.guard) and len(w) > 2]
              for l in langs}
        cctld = {"en": ["com", "co.uk", "us", "ca", "com.au", "io", "net", "org"],
                 "fr": ["fr", "be", "ch", "com", "re"], "es": ["es", "com.mx", "com.ar", "cl", "com.co", "pe", "com"],
                 "de": ["de", "at", "ch", "com", "net"], "it": ["it", "com", "eu", "net"],
                 "pt": ["com.br", "pt", "net.br", "com"], "id": ["co.id", "id", "com", "my"],
                 "ja": ["jp", "co.jp", "com", "net"]}
        subs = ["www", "mail", "shop", "api", "dev", "staging", "cdn", "static", "portal", "app", "admin",
                "autodiscover", "cpanel", "webmail", "mx", "vpn", "intranet", "git", "grafana", "blog",
                "test", "beta", "docs", "status", "files", "cloud", "remote", "owa", "smtp", "ns1",
                "login", "secure", "m", "auth", "sso", "billing", "support"]
        paas = ["netlify.app", "vercel.app", "pages.dev", "azurewebsites.net", "web.app", "onrender.com",
                "fly.dev", "github.io", "herokuapp.com", "firebaseapp.com", "workers.dev", "gitlab.io"]
        saas = ["zendesk.com", "atlassian.net", "freshdesk.com", "myqnapcloud.com", "synology.me",
                "wixsite.com", "odoo.com", "sharepoint.com", "slack.com", "my.salesforce.com"]
        dyn = ["duckdns.org", "ddns.net", "dyndns.org", "no-ip.org", "hopto.org", "myfritz.net"]
        isp = ["static.kpn.net", "dyn.telefonica.de", "rev.sfr.net", "cust.vodafone.it", "fibra.net.br"]

        def w(l):
            return r.choice(wl[l])

        def brandable():
            syl = ["ka", "lo", "mi", "ve", "zu", "tor", "rin", "sa", "no", "qi", "va", "ren", "dex", "bo",
                   "lu", "fi", "gar", "mon", "tek", "xa", "ly", "vo", "pi", "ra", "den", "quo", "ne"]
            return "".join(r.choice(syl) for _ in range(r.choice([2, 2, 3])))

        made = 0
        guard = 0
        while made < n and guard < n * 20:
            guard += 1
            l = r.choice(langs)
            p = r.random()
            if p < 0.22:
                grp = "smallbiz-" + l
                h = "%s%s.%s" % (w(l), w(l), r.choice(cctld[l]))
            elif p < 0.34:
                grp = "smallbiz-" + l
                h = "%s-%s.%s" % (w(l), w(l), r.choice(cctld[l]))
            elif p < 0.52:
                grp = "service-subdomain"
                h = "%s.%s%s.%s" % (r.choice(subs), w(l), r.choice(["", w(l), str(r.randint(1, 99))]), r.choice(cctld[l]))
            elif p < 0.60:
                grp = "wildcard"
                h = "*.%s%s.%s" % (w(l), r.choice(["", "-" + w(l), "group", "hq"]), r.choice(cctld[l]))
            elif p < 0.68:
                grp = "paas"
                h = "%s-%s%s.%s" % (w(l), w(l), r.choice(["", "-" + str(r.randint(1, 999)), "-" + "".join(r.choice("0123456789abcdef") for _ in range(6))]), r.choice(paas))
            elif p < 0.74:
                grp = "saas-tenant"
                h = "%s%s.%s" % (w(l), r.choice(["", w(l), "-" + w(l), "group"]), r.choice(saas))
            elif p < 0.79:
                grp = "dyndns"
                h = "%s%s.%s" % (w(l), r.choice(["", str(r.randint(1, 999)), "-" + w(l)]), r.choice(dyn))
            elif p < 0.84:
                grp = "infra-numbered"
                h = "%s%d.%s.%s.%s" % (r.choice(["srv", "node", "web", "db", "k8s", "vm", "host", "edge"]), r.randint(1, 250),
                                       r.choice(["fra", "par", "mad", "mil", "sao", "sin", "tyo", "ams", "eu1", "us2"]),
                                       w(l) + r.choice(["", "-cloud", "net", "hosting"]), r.choice(cctld[l]))
            elif p < 0.88:
                grp = "isp-reverse"
                ip = [r.randint(1, 254) for _ in range(4)]
                h = "%s.%s" % ("-".join(map(str, ip)), r.choice(isp))
            elif p < 0.95:
                grp = "brandable"
                h = "%s%s.%s" % (r.choice(["", "www.", "*.", "app.", "api."]), brandable(),
                                 r.choice(["com", "io", "ai", "app", "dev", "tech", "co", "net", "eu", "de", "fr"]))
            else:
                grp = "numbered"
                h = "%s%s%d.%s" % (r.choice(["", "mail.", "www."]), w(l), r.randint(2, 2099), r.choice(cctld[l]))
            labels = [x for x in h.split(".") if x != "*"]
            if any(near_brand(x, self.guard) for x in labels):
                continue
            if not valid_host(h):
                continue
            if self.add("ordinary", grp, h):
                made += 1

    # ------------------------------------------------------------------ benign
    def benign(self, hand, own_subs):
        r = self.rng
        for b in self.brands:
            for dom in b["owned"]:
                self.add("benign", "own-domain", dom)
            for sub in own_subs:
                dom = r.choice(b["owned"])
                self.add("benign", "own-subdomain", sub + "." + dom)
        for kind, hosts in hand:
            for h in hosts.split():
                self.add("benign", kind, h)

    # ------------------------------------------------------------------ output
    def write(self, path, setno, hand_note):
        lines = []
        L = lines.append
        L("# lookalike_blind%d.tsv - blind labelled evaluation set for the hostname lookalike detector (issue #16 point 5)" % setno)
        L("# generated by tools/gen_lookalike_blind%d.py (Python 3.11, stdlib + dnstwist==%s), random seed %d" % (setno, DNSTWIST_VERSION, self.seed))
        L("# built without reading the detector, its word lists or any other eval data")
        if setno == 8:
            L("# RESERVE set: same recipe as set 7, other brands and seed; measure only after tuning on set 7")
        L("# brands (sector, country):")
        for b in self.brands:
            L("#   %s: %s, %s; owned %s" % (b["name"], b["sector"], b["country"], ", ".join(b["owned"])))
        L("# techniques (count): " + ", ".join("%s %d" % (t, self.counts.get(("lookalike", t), 0)) for t in
                                              ["idn-homoglyph", "ascii-homoglyph", "typo", "split", "contains", "tld-word"]))
        L("#   idn-homoglyph: half whole-script Cyrillic (dnstwist latin_to_cyrillic table, plus b->U+0432 and l->U+0456 alternates;"
          " letters without a Cyrillic look-alike stay Latin), rest Greek, mixed-script and accented (dnstwist unicode glyphs); IDN labels in xn-- form")
        L("#   ascii-homoglyph: 0/o 1/l 1/i 3/e 5/s 4/a 7/t 9/g 6/b rn/m vv/w cl/d lc/k v/u r/n + dnstwist ascii glyphs")
        L("#   typo: dnstwist omission, repetition, insertion, transposition, keyboard replacement, vowel swap, bitsquatting; dictionary words dropped")
        L("#   split: dnstwist hyphenation (one '-') and subdomain (one '.') fuzzers")
        L("#   contains: brand verbatim + bait words, attacker subdomains (brand.<owned-tld>-<bait>.xyz), PaaS subdomains")
        L("#   tld-word: brand glued/hyphenated to com/net/org/gov/gob/gouv or an administration word of its country")
        L("# bait vocabulary:")
        langs = sorted({l for b in self.brands for l in b["langs"]} | {"en"})
        for l in langs:
            L("#   %s: %s" % (l, " ".join(BAIT[l])))
        L("# administration/TLD words: " + "; ".join("%s: %s" % (l, " ".join(ADMIN[l])) for l in langs) + "; com net org info gov gob gouv govt")
        L("# ordinary groups (count): " + ", ".join("%s %d" % (k[1], v) for k, v in sorted(self.counts.items()) if k[0] == "ordinary"))
        L("#   synthetic CT names from a small multilingual word list; none contains or is one edit from a brand of sets 7/8 or the already-used brands")
        L("# benign kinds (count): " + ", ".join("%s %d" % (k[1], v) for k, v in sorted(self.counts.items()) if k[0] == "benign"))
        L("#   " + hand_note)
        L("brands\t" + ",".join(self.names))
        L("owned\t" + ",".join(d for b in self.brands for d in b["owned"]))
        for kind in ("lookalike", "ordinary", "benign"):
            for k, s, h in self.rows:
                if k == kind:
                    L("%s\t%s\t%s" % (k, s, h))
        with open(path, "w", encoding="ascii", newline="\n") as f:
            f.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------- set 7 hard benign
HAND7 = [
    # dictionary words / names one or two edits from a brand (legitimate sites)
    ("near-word", "ulster.ac.uk www.ulster.ac.uk eltern.de www.eltern.de holster.com esther.org elstar.nl oyster.com "
                  "party.fr www.smarty.fr hardy.fr tardy.com hearty.co.uk darts.fr dirty.fm "
                  "paste.it posta.it posto.it www.poster.it pesto.it postes.ch poset.org "
                  "newbank.com "
                  "shoppe.co.uk shopper.de shopped.com "
                  "caixa.pt caixas.com.br "
                  "mercado.com libre.fr mercadoabierto.com mercadolibros.com "
                                    "raketen.de rakete.ch "
                  "doctor.com doctolibros.es rakuen.jp libremercado.com shopeasy.co.uk"),
    # real businesses / brands of other countries near a brand
    ("other-brand", "alster-touristik.de lester.com ulsterbank.co.uk elstar.de "
                    "marty.fr darby.com barty.co.uk "
                    "postnl.nl posten.no posten.se postnord.com "
                    "unibank.com nubia.com inbank.ee nuvemshop.com.br "
                    "fundacionlacaixa.org caixa.gov.br cajamar.es "
                    "mercadona.es mercado.com.co "
                    "sparda.de sparbankensyd.se spark.co.nz "
                    "raketa.com rakuraku.jp "
                    "doctissimo.fr doctena.com doctoralia.es doctolab.it posteo.de"),
    # places, surnames and words that contain a (short) brand
    ("containing", "kelsterbach.de elsterwerda.de elsterheide.de elstertal.de www.pelster-fenster.de weisse-elster.de "
                   "schwarze-elster.de kelsterbacher-tafel.de "
                   "dartypub.ie "
                   "riposte.fr composteur.fr imposter.com composte.it apostel.de postelein.nl compostera.es "
                   "www.imposteur.fr poste-vacante.fr "
                                      "sparkassenversicherung.de elstermann.de"),
    # brand word used legitimately in a longer company name, without bait
    ("company-name", "elster-instromet.com elsterglanz.de elster-apotheke.de gasthof-zur-elster.de elsterradweg.de "
                     "elster-fahrschule.de "
                     "cabinet-darty.fr garage-darty.fr "
                     "cafe-de-la-poste.fr hotel-la-poste.fr relais-de-la-poste.com bureau-de-poste-ancien.fr "
                     "sparkasse-hannover.de sparkasse-koelnbonn.de sparkasse-bremen.de sparkasse-dortmund.de "
                     "sparkassen-immobilien.de sparkassen-stiftung.org sparkassenverband-bw.de"),
]
OWN_SUBS = ["www", "login", "m", "api", "static", "mail", "secure", "*", "help", "app", "cdn", "auth", "blog", "careers", "status"]


def main(argv=None):
    seed = 7207
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "benches", "data", "lookalike_blind7.tsv")
    from_8 = ["lydia", "boursorama", "postbank", "fineco", "picpay", "agenciatributaria",
              "bancolombia", "paytm", "klarna", "lazada"]
    g = Gen(BRANDS7, seed, from_8, HAND7)
    g.lookalikes(8)
    g.ordinary(5000)
    g.benign(HAND7, OWN_SUBS)
    g.write(out, 7, "own-domain: the brands' own registered domains (also in the owned row); own-subdomain: those domains with www/login/m/api/...; near-word: dictionary words or names one or two edits from a brand; "
                    "other-brand: real businesses of other countries near a brand; containing: places/surnames/words that contain a short brand; "
                    "company-name: brand word used legitimately in a longer name without bait")
    print(out, len(g.rows), file=sys.stderr)


if __name__ == "__main__":
    main()
