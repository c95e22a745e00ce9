#!/usr/bin/env python3
"""Blind evaluation set #4 for the phishing-lookalike hostname detector.

Built without looking at the detector, its word lists, its tests or earlier
blind sets.  Deterministic: stdlib only, random.Random(4040404).

    python3 tools/gen_lookalike_blind4.py > benches/data/lookalike_blind4.tsv
"""
import itertools
import random
import sys
import unicodedata

SEED = 4040404
R = random.Random(SEED)

# brand -> (kind/market, owned registered domains)
BRANDS = {
    "bpost": ("parcel carrier, BE", ["bpost.be", "bpost.cloud"]),
    "telus": ("telecom, CA", ["telus.com", "telus.net"]),
    "lloyds": ("bank, UK", ["lloydsbank.com", "lloydsbankinggroup.com"]),
    "twitch": ("streaming, US", ["twitch.tv", "jtvnw.net", "ttvnw.net"]),
    "intuit": ("cloud/SaaS login (QuickBooks), US", ["intuit.com", "quickbooks.com"]),
    "kucoin": ("crypto exchange, SC", ["kucoin.com", "staticimg.com"]),
    "rakuten": ("e-commerce + travel, JP", ["rakuten.co.jp", "rakuten.com"]),
    "telegram": ("messaging app", ["telegram.org", "t.me", "telegram.me"]),
    "desjardins": ("bank (cooperative), CA", ["desjardins.com", "disnat.com"]),
    "agenciatributaria": ("government tax agency, ES",
                          ["agenciatributaria.gob.es", "agenciatributaria.es"]),
}
BRAND_LIST = list(BRANDS)

# own multilingual bait vocabulary (en fr es de it pt nl pl tr id ja-romaji)
BAIT = """login secure verify account update support billing wallet payment signin
auth help service portal connexion compte securite paiement colis facture
remboursement cuenta acceso pago verificar factura devolucion konto anmelden
sicherheit zahlung paket rechnung accesso verifica pagamento conta entrar
verificacao inloggen betaling pakket logowanie platnosc paczka giris hesap
odeme masuk akun verifikasi kakunin touroku""".split()

TLDS = """com net org info online site xyz top shop live app support co io cc me biz
click link icu vip club store website tech pro cloud services help de fr es it nl
be pl pt com.br ca co.uk com.au co.jp ru in id com.mx ar cl com.tr ch at se no dk
fi cz ro gr hu ie co.nz co.za sg my ph vn kr tw hk ae ma ng ke""".split()
CHEAP_TLDS = """xyz top shop live online site icu click link vip club buzz cfd sbs
store website support help info cc pw ws""".split()
PREFIXES = ["www", "secure", "login", "m", "app"]

# ---------------------------------------------------------------- helpers
def osa(a, b):
    """Optimal-string-alignment edit distance (ins/del/sub/adjacent swap)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            c = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]

def puny_label(label):
    if label.isascii():
        return label
    enc = "xn--" + label.encode("punycode").decode("ascii")
    assert enc[4:].encode("ascii").decode("punycode") == label, label
    return enc

def to_ascii_host(host):
    return ".".join(puny_label(l) for l in host.split("."))

def decode_host(host):
    return ".".join(l[4:].encode("ascii").decode("punycode") if l.startswith("xn--") else l
                    for l in host.split("."))

def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii())

LDH = set("abcdefghijklmnopqrstuvwxyz0123456789-")

def valid_host(h, wildcard_ok=False):
    labels = h.split(".")[1:] if wildcard_ok and h.startswith("*.") else h.split(".")
    return len(labels) >= 2 and all(0 < len(l) <= 63 and l[0] != "-" and l[-1] != "-"
                                    and set(l) <= LDH for l in labels)

def place(v, rng):
    """Put a variant label into a realistic host."""
    w, t, p = rng.choice(BAIT), rng.choice(TLDS), rng.choice(PREFIXES)
    return rng.choice([f"{v}.{t}", f"{v}-{w}.{t}", f"{w}-{v}.{t}", f"{p}.{v}.{t}",
                       f"{p}.{v}-{w}.{t}", f"{p}.{w}-{v}.{t}"])

# ------------------------------------------------------- idn-homoglyph
HOMO = {
    "a": "аàáäâą", "b": "ь", "c": "сç", "d": "ԁď", "e": "еéèëê", "g": "ğġ",
    "h": "һ", "i": "іíìïι", "j": "ј", "k": "κк", "l": "ӏĺļ", "n": "ñńη",
    "o": "оοöóòô", "p": "рρ", "r": "ŕř", "s": "ѕśš", "t": "ţť", "u": "υüúù",
    "w": "ԝŵ", "x": "х", "y": "уý",
}

def idn_variants(b, rng):
    pos = [i for i, c in enumerate(b) if c in HOMO]
    for _ in range(400):
        chosen = rng.sample(pos, rng.choice([1, 1, 2]))
        yield "".join(rng.choice(HOMO[c]) if i in chosen else c for i, c in enumerate(b))

# ------------------------------------------------------ ascii-homoglyph
ASCII_TRICKS = {"o": "0", "l": "1", "i": "1", "e": "3", "s": "5", "m": "rn", "w": "vv"}

def ascii_variants(b):
    pos = [i for i, c in enumerate(b) if c in ASCII_TRICKS]
    combos = [(i,) for i in pos] + list(itertools.combinations(pos, 2))
    return sorted({"".join(ASCII_TRICKS[c] if i in cb else c for i, c in enumerate(b))
                   for cb in combos})

# ---------------------------------------------------------------- typo
ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
OFFS = [0, 0.5, 0.75, 1.25]
KPOS = {c: (r, i + OFFS[r]) for r, row in enumerate(ROWS) for i, c in enumerate(row)}
NEIGH = {c: [d for d, (r2, x2) in KPOS.items() if d != c and
             ((r2 == r and abs(x2 - x) == 1) or (abs(r2 - r) == 1 and abs(x2 - x) <= 0.75))]
         for c, (r, x) in KPOS.items()}
VOWELS = "aeiou"
ALNUM = set("abcdefghijklmnopqrstuvwxyz0123456789")
# real words that typo operations can produce -> dropped (also all benign words below)
DICT = set("""post posts boost boast beast best host most ghost bost bolt poste posta
tells telos tellus telas tulus teles telly telus telux teluk telur tels lotus
lloyd floyd floyds lords clouds loyds boyds inuit input intuir intuits tuit
switch witch stitch glitch itch twist twice titch twitchy rakuen raketen rakete
kucing kuching coin elus telegraf telegraph telegrams ketchup""".split())

def typo_variants(b):
    ops = {"omission": set(), "duplication": set(), "insertion": set(),
           "transposition": set(), "keyboard": set(), "vowel": set(), "bitflip": set()}
    for i, c in enumerate(b):
        ops["omission"].add(b[:i] + b[i + 1:])
        ops["duplication"].add(b[:i] + c + b[i:])
        for n in NEIGH.get(c, []):
            if n.isalpha():
                ops["keyboard"].add(b[:i] + n + b[i + 1:])
                ops["insertion"].add(b[:i] + n + b[i:])
        if i + 1 < len(b) and b[i] != b[i + 1]:
            ops["transposition"].add(b[:i] + b[i + 1] + c + b[i + 2:])
        if c in VOWELS:
            for v in VOWELS:
                if v != c:
                    ops["vowel"].add(b[:i] + v + b[i + 1:])
        for bit in range(7):
            f = chr(ord(c) ^ (1 << bit))
            if f in ALNUM:
                ops["bitflip"].add(b[:i] + f + b[i + 1:])
    words = DICT | {w for _, w, _ in parse_words(NEAR)} | {w for _, w, _ in parse_words(CONTAINING)}
    return {op: sorted(v for v in vs if v != b and v not in words and b not in v and len(v) >= 4
                       and not any(o.split(".")[0] == v for o in BRANDS[b][1]))
            for op, vs in ops.items()}

# --------------------------------------------------------- benign data
# brand:word: hosts ...   (word is 1-2 edits from brand, real word/name)
NEAR = """
bpost: post=www.post.ch,service.post.ch boost=www.boost.org,www.boostjuice.com.au
bpost: boast=boastusa.com ghost=ghost.org,demo.ghost.io host=www.host-europe.de
bpost: most=www.mesto-most.cz beast=beast-gym.de best=www.bestwestern.de bolt=bolt.eu
bpost: poste=www.poste.it posta=www.posta.hu,www.posta.si
telus: telos=www.telos.com tellus=www.tellus.org,tellus-ag.de telas=telas-online.es
telus: tulus=www.tulus.co.id telur=telur-organik.co.id
telus: teluk=telukbintunikab.go.id,www.telukbayur.co.id zeus=zeus-fitness.gr
lloyds: lloyd=www.lloyd.com,lloyd-shoes.de floyd=www.pinkfloyd.com
lloyds: floyds=www.floydsbarbershop.com lords=www.lords.org boyds=boyds-kitchen.co.uk
lloyds: clouds=cafe-clouds.co.uk
desjardins: lesjardins=www.lesjardins-du-lac.fr,lesjardins.be mesjardins=mesjardins.fr
desjardins: vosjardins=www.vosjardins.ch nosjardins=nosjardins.org
telegram: telegraf=www.telegraf.rs telegraaf=www.telegraaf.nl,m.telegraaf.nl
telegram: telegraph=www.telegraph.co.uk,www.belfasttelegraph.co.uk,www.dailytelegraph.com.au
telegram: telegrafo=www.eltelegrafo.com.ec
kucoin: kucing=www.kucing-persia.co.id,rumahkucing.id
kucoin: kuching=visitkuching.com.my,www.kuching-hotel.com.my
rakuten: rakuen=www.rakuen.co.jp,rakuen-spa.jp
rakuten: raketen=raketen-shop.de,www.raketenmodellbau.de rakete=rakete-berlin.de
rakuten: bakuten=bakuten-gym.jp
intuit: intuir=intuir.com.br inuit=www.inuit-art.ca,inuit.org
intuit: input=www.input-design.de,input.com
twitch: switch=www.switch.ch,switch-energy.co.uk witch=good-witch.co.uk
twitch: stitch=www.stitchfix.com,stitch-and-sew.co.uk glitch=glitch.com
twitch: itch=itch.io,static.itch.io twice=twice-consulting.de
"""
# brand:word: hosts ...   (word contains brand as a substring)
CONTAINING = """
bpost: jobpost=jobpost.in,www.jobpost.co.kr jobposting=www.jobposting.ch
bpost: jobpostings=www.jobpostings.ca webpost=webpost.de,mail.webpost.at
bpost: webposter=webposter.fr clubpost=www.clubpost.co.uk
telus: telusur=www.telusur.co.id telusuri=telusuri.id,www.telusuri.com
telus: ditelusuri=jejak-ditelusuri.com telusuran=telusuran.id
bpost: webpost=webpost.nl jobposting=jobposting-schweiz.ch
lloyds: lloydslist=www.lloydslist.com,www.lloydslistintelligence.com
lloyds: lloydspharmacy=www.lloydspharmacy.com,onlinedoctor.lloydspharmacy.com
lloyds: lloyds=www.lloyds.com
desjardins: lecoindesjardins=lecoindesjardins.fr aufildesjardins=www.aufildesjardins.fr
desjardins: fetedesjardins=www.fetedesjardins.fr lemondedesjardins=lemondedesjardins.fr
desjardins: lartdesjardins=www.lartdesjardins.fr laroutedesjardins=laroutedesjardins.fr
desjardins: lamaisondesjardins=www.lamaisondesjardins.fr
desjardins: lesamisdesjardins=lesamisdesjardins.fr
desjardins: lechemindesjardins=www.lechemindesjardins.fr
desjardins: lejournaldesjardins=lejournaldesjardins.fr ledomainedesjardins=ledomainedesjardins.fr
desjardins: leclosdesjardins=leclosdesjardins.fr ruedesjardins=boulangerie-ruedesjardins.be
telegram: letelegramme=www.letelegramme.fr,abonnes.letelegramme.fr
telegram: glueckwunschtelegramm=glueckwunschtelegramm.de danktelegramm=www.danktelegramm.de
telegram: kondolenztelegramm=kondolenztelegramm.de telegrammstil=telegrammstil.de
telegram: telegrama=www.telegrama-online.es telegramma=telegramma-auguri.it
telegram: telegramme=telegramme-anniversaire.fr,www.telegramme-mariage.fr
telegram: telegramas=telegramas.com.ar telegrammi=telegrammi-online.it
telegram: telegram=www.telegram.com,eedition.telegram.com telegrammen=www.telegrammen.nl
intuit: intuitive=www.intuitive.com,intuitive-massage.co.uk
intuit: intuition=intuitionrobotics.com,intuition-yoga.de,www.intuition.com
intuit: intuitiv=intuitiv-coaching.de intuitie=www.intuitie.nl intuitivo=intuitivo.com.br
intuit: intuitiva=intuitiva.es intuitif=intuitif-design.fr intuitio=intuitio.ch
intuit: intuitionmachines=intuitionmachines.com intuitivement=intuitivement.fr
twitch: twitchy=twitchy.com twitcher=twitchers-guide.co.uk,www.birdtwitcher.org
twitch: twitchers=www.twitchers.org.uk twitchell=www.twitchell-law.com twitching=twitching-birders.org
"""
OWN_SUB = """
bpost: www.bpost.be press.bpost.be track.bpost.cloud corporate.bpost.be mail.bpost.be parcel.bpost.be
telus: www.telus.com my.telus.com webmail.telus.net business.telus.com autodiscover.telus.com api.telus.com mail.telus.net
lloyds: www.lloydsbank.com secure.lloydsbank.com business.lloydsbank.com www.lloydsbankinggroup.com careers.lloydsbankinggroup.com api.lloydsbank.com
desjardins: www.desjardins.com accweb.mouv.desjardins.com www.disnat.com mobile.desjardins.com blogues.desjardins.com autodiscover.desjardins.com cdn.desjardins.com
telegram: web.telegram.org core.telegram.org my.telegram.org desktop.telegram.org www.telegram.me www.t.me venus.web.telegram.org
kucoin: www.kucoin.com futures.kucoin.com api.kucoin.com api-futures.kucoin.com news.kucoin.com assets.staticimg.com assets3.staticimg.com
agenciatributaria: sede.agenciatributaria.gob.es www.agenciatributaria.gob.es www1.agenciatributaria.gob.es www2.agenciatributaria.gob.es www.agenciatributaria.es www12.agenciatributaria.gob.es
rakuten: www.rakuten.co.jp books.rakuten.co.jp travel.rakuten.co.jp point.rakuten.co.jp login.account.rakuten.com www.rakuten.com event.rakuten.co.jp search.rakuten.co.jp item.rakuten.co.jp
intuit: accounts.intuit.com quickbooks.intuit.com developer.intuit.com turbotax.intuit.com www.intuit.com qbo.intuit.com www.quickbooks.com app.qbo.intuit.com
twitch: www.twitch.tv id.twitch.tv gql.twitch.tv clips.twitch.tv dev.twitch.tv dashboard.twitch.tv static-cdn.jtvnw.net usher.ttvnw.net m.twitch.tv
"""

def parse_words(block):
    for line in block.strip().splitlines():
        brand, items = line.split(":", 1)
        for item in items.split():
            word, hosts = item.split("=")
            yield brand, word, hosts.split(",")

# ------------------------------------------------------- ordinary data
# tlds | trades | surnames/names | cities      (ASCII-folded real words)
LOCALES = """
com net org us io co|dental law plumbing roofing realty insurance consulting bakery coffee autobody clinic church academy studio design media labs solutions group partners farm winery brewing fitness yoga salon vet pediatrics orthodontics landscaping construction electric hvac storage printing marketing cpa|miller johnson walker harris carter bennett brooks hayes foster reed morgan cooper hughes porter sullivan ramirez nguyen patel oconnor|austin denver tampa boise fresno tulsa omaha dayton akron raleigh spokane madison savannah albany tacoma reno
co.uk uk org.uk ie|solicitors joinery builders garage estates lettings accountants surgery pharmacy nursery florist tearoom butchers scaffolding cleaning removals glazing|smith jones taylor brown wilson evans thomas roberts wright edwards green hall wood clarke murphy byrne|leeds bristol norwich exeter york bath derby cardiff swansea glasgow dundee belfast brighton oxford reading galway cork
com.au net.au org.au co.nz|plumbing electrical physio cafe realestate accountants vets motors surf landscapes tiling|kelly ryan mitchell campbell thompson white martin|perth hobart darwin cairns geelong ballarat wollongong auckland dunedin napier
de at ch|baeckerei autohaus zahnarzt praxis tischlerei steuerberater physiotherapie apotheke elektro sanitaer malerbetrieb dachdecker immobilien kanzlei fahrschule metzgerei gasthof hotel weingut reisen versicherung|mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf schroeder neumann huber gruber|bremen dresden leipzig kassel ulm freiburg augsburg bochum graz linz salzburg bern basel luzern
fr be ch ca|boulangerie pharmacie avocat notaire immobilier garage plomberie menuiserie cabinet dentiste traiteur fromagerie boucherie coiffure architecte camping gite hotel|martin bernard dubois robert richard petit durand leroy moreau simon laurent lefebvre michel fournier girard|lyon nantes rennes lille bordeaux toulouse grenoble dijon angers nancy metz brest tours namur liege quebec
es com.mx com.ar cl com.co pe|clinica abogados inmobiliaria ferreteria taller farmacia panaderia dental asesoria construcciones reformas seguros restaurante academia autoescuela veterinaria fisioterapia|garcia martinez lopez sanchez perez gomez fernandez ruiz diaz moreno alvarez romero navarro torres|sevilla valencia malaga bilbao zaragoza murcia granada cordoba alicante oviedo monterrey puebla rosario valparaiso medellin
it|ristorante pizzeria farmacia studio avvocato commercialista agriturismo hotel autofficina ferramenta gelateria pasticceria dentista assicurazioni immobiliare edilizia|rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti costa|torino bologna firenze genova verona padova bari parma modena trieste perugia lecce
pt com.br|padaria advocacia contabilidade imoveis clinica farmacia oficina restaurante escola construtora seguros odontologia|silva santos oliveira souza pereira rodrigues almeida nascimento lima carvalho ferreira|porto braga coimbra lisboa faro recife curitiba salvador fortaleza campinas goiania belem
nl be|bakkerij tandarts makelaar fietsen huisarts notaris advocaten installatie schilder bouw kapper autobedrijf hoveniers|jansen devries bakker visser smit meijer dejong mulder bos vos peters hendriks|utrecht leiden delft haarlem arnhem zwolle breda tilburg groningen gent brugge
pl com.pl|sklep apteka hurtownia kancelaria stomatologia serwis budownictwo meble piekarnia przychodnia biuro|kowalski nowak wisniewski wojcik kaminski lewandowski zielinski szymanski|krakow gdansk poznan lodz lublin wroclaw szczecin torun rzeszow
cz sk|stavebniny autoservis lekarna pekarna truhlarstvi ucetnictvi advokat restaurace penzion|novak svoboda dvorak cerny prochazka vesely horak|brno ostrava plzen olomouc liberec zlin bratislava kosice
se no dk fi|bygg tandlakare elektriker redovisning fastighet bilverkstad frisor tannlege regnskap revision rakennus|andersson johansson karlsson nilsson hansen olsen larsen jensen nielsen virtanen korhonen|malmo uppsala umea bergen trondheim stavanger aarhus odense aalborg tampere turku oulu
com.tr|insaat eczane ticaret otomotiv mobilya hukuk muhasebe gida tekstil lojistik|yilmaz kaya demir sahin celik yildiz ozturk aydin|izmir bursa antalya konya adana kayseri eskisehir
co.id id com.my my|toko rumah sehat jaya makmur abadi sentosa klinik apotek katering bengkel|santoso wijaya hidayat saputra pratama lestari|bandung surabaya medan semarang yogyakarta malang penang ipoh
jp co.jp ne.jp or.jp|shika clinic kensetsu fudosan kobo seikotsuin ryokan sushi ramen juku hoikuen|tanaka suzuki takahashi watanabe yamamoto nakamura kobayashi sato kato|osaka nagoya sapporo fukuoka kobe sendai kyoto hiroshima nara kanazawa
vn com.vn|nhakhoa xaydung dulich noithat|nguyen tran pham hoang vu|hanoi danang hue cantho haiphong
ro hu gr|constructii farmacie avocat ugyved fogaszat epitoipar taverna|popescu ionescu nagy horvath papadopoulos|cluj iasi timisoara debrecen szeged patra larisa
"""
LOCS = [tuple(part.split() for part in l.split("|")) for l in LOCALES.strip().splitlines()]
SAAS = """myshopify.com zendesk.com freshdesk.com sharepoint.com slack.com wpengine.com
herokuapp.com azurewebsites.net github.io netlify.app vercel.app webflow.io
squarespace.com odoo.com notion.site gitlab.io pages.dev kinsta.cloud
atlassian.net bitrix24.de my.site.com""".split()
SUBS = """www mail webmail cpanel autodiscover api cdn smtp imap vpn remote portal shop
blog dev staging test owa mx ns1 ftp webdisk cpcalendars cpcontacts intranet crm
git grafana status docs support help static assets media files sso auth""".split()
IDN_WORDS = """münchen:de köln:de düsseldorf:de nürnberg:de würzburg:de bäckerei:de
möbel:de grün:de brücke:de zahnärzte:de müller:de schäfer:at café:fr crème:fr
château:fr hôtel:fr pâtisserie:fr école:fr españa:es niño:es peña:es muñoz:es
córdoba:es león:es cádiz:es łódź:pl kraków:pl gdańsk:pl zakład:pl malmö:se
göteborg:se århus:dk ålesund:no tromsø:no jönköping:se växjö:se çiçek:com.tr
güneş:com.tr özel:com.tr pekařství:cz účetnictví:cz čistírna:cz москва:рф
магазин:рф ремонт:рф стоматология:рф київ:укр αθήνα:gr 東京:jp 大阪:jp""".split()

def imitates(host):
    plain = fold(decode_host(host)).lower()
    compact = plain.replace(".", "").replace("-", "")
    toks = set(plain.replace("-", ".").split(".")) | set(plain.split("."))
    for b in BRAND_LIST:
        if b in compact:
            return True
        lim = 1 if len(b) <= 6 else 2
        if any(len(t) >= 3 and osa(t, b) <= lim for t in toks):
            return True
    return False

def biz_name(rng, loc):
    tl, trades, names, cities = loc
    tr, nm, ct = rng.choice(trades), rng.choice(names), rng.choice(cities)
    return rng.choice([f"{nm}-{tr}", f"{tr}-{nm}", f"{tr}{nm}", f"{tr}-{ct}",
                       f"{ct}{tr}", f"{nm}{tr}", f"{tr}-{nm}-{ct}",
                       f"{nm}-{rng.choice(names)}", f"{ct}-{tr}-{rng.randint(1, 99)}",
                       f"{nm}-{tr}-{ct}", f"{tr}{ct}"])

def hexs(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))

def ordinary(rng):
    loc = rng.choice(LOCS)
    tld = rng.choice(loc[0])
    dom = f"{biz_name(rng, loc)}.{tld}"
    r = rng.random()
    if r < 0.30:
        return f"{rng.choice(SUBS)}.{dom}"
    if r < 0.40:
        return dom
    if r < 0.55:
        return f"{biz_name(rng, loc).replace('-', '')[:40]}.{rng.choice(SAAS)}"
    if r < 0.65:
        return f"*.{dom}"
    if r < 0.77:
        pre = rng.choice(["srv", "web", "node", "host", "mx", "vps", "app", "db", "ns"])
        sep = rng.choice(["", "-"])
        return f"{pre}{sep}{rng.randint(1, 120):0{rng.choice([1, 2, 3])}d}.{dom}"
    if r < 0.85:
        k = rng.randrange(4)
        if k == 0:
            return f"{hexs(rng, rng.choice([8, 12, 16]))}.{dom}"
        if k == 1:
            return "d" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                 for _ in range(13)) + ".cloudfront.net"
        if k == 2:
            return f"{biz_name(rng, loc).replace('-', '')[:24]}-{hexs(rng, 8)}.azurewebsites.net"
        return f"{hexs(rng, 8)}-{hexs(rng, 4)}.{rng.choice(['pages.dev', 'ngrok.app', 'vercel.app'])}"
    if r < 0.90:
        w, t0 = rng.choice(IDN_WORDS).split(":")
        t = {"рф": "xn--p1ai", "укр": "xn--j1amh"}.get(t0, t0)
        w2 = [x.split(":")[0] for x in IDN_WORDS if x.endswith(":" + t0) and x != f"{w}:{t0}"]
        pair = [f"{w}-{rng.choice(w2)}"] if w2 else []
        lab = rng.choice([w, f"www.{w}", f"mail.{w}", f"{w}-{rng.randint(1, 99)}"] + pair)
        return to_ascii_host(f"{lab}.{t}")
    sub2 = rng.choice(["eu", "us", "de", "fr", "prod", "int", "office", "b2b", "old"])
    return f"{rng.choice(SUBS)}.{sub2}.{dom}"

# --------------------------------------------------------- lookalikes
def gen_lookalikes(b, seen):
    out = {t: [] for t in ("idn-homoglyph", "ascii-homoglyph", "typo", "split", "contains")}
    owned = set(BRANDS[b][1])
    def add(tech, host):
        host = to_ascii_host(host)
        if host in seen or host in owned or any(host.endswith("." + o) for o in owned):
            return False
        if not valid_host(host):
            return False
        seen.add(host)
        out[tech].append(host)
        return True
    for v in idn_variants(b, R):
        if len(out["idn-homoglyph"]) < 7:
            add("idn-homoglyph", place(v, R))
    av = ascii_variants(b)
    R.shuffle(av)
    i = 0
    while len(out["ascii-homoglyph"]) < 7:
        add("ascii-homoglyph", place(av[i % len(av)], R))
        i += 1
    tv = typo_variants(b)
    ops = [op for op in tv if tv[op]]
    R.shuffle(ops)
    used = set()
    i = 0
    while len(out["typo"]) < 7:
        op = ops[i % len(ops)]
        cands = [v for v in tv[op] if v not in used] or tv[op]
        v = R.choice(cands)
        if add("typo", place(v, R)):
            used.add(v)
        i += 1
    while len(out["split"]) < 7:
        cut = R.randint(2, len(b) - 2)
        x, y = b[:cut], b[cut:]
        w, w2, t, p = R.choice(BAIT), R.choice(BAIT), R.choice(TLDS), R.choice(PREFIXES)
        if R.random() < 0.5:
            host = place(f"{x}-{y}", R)
        else:
            host = R.choice([f"{x}.{y}-{w}.{t}", f"{w}-{x}.{y}.{t}", f"{p}.{x}.{y}-{w}.{t}",
                             f"{x}.{y}.{w}-{w2}.{t}", f"{p}.{x}.{y}.{t}", f"{x}-{w}.{y}.{t}"])
        add("split", host)
    kinds = ["label", "hyphen", "hyphen", "glued", "glued", "subdomain", "subdomain"]
    for kind in kinds:
        while True:
            w, w2 = R.sample(BAIT, 2)
            t, ct, p = R.choice(TLDS), R.choice(CHEAP_TLDS), R.choice(PREFIXES)
            if kind == "label":
                host = R.choice([f"{b}.{ct}", f"{p}.{b}.{ct}"])
            elif kind == "hyphen":
                host = R.choice([f"{b}-{w}.{t}", f"{w}-{b}.{t}", f"{w}-{b}-{w2}.{t}",
                                 f"{b}-{w}-{w2}.{t}", f"{p}.{b}-{w}.{t}"])
            elif kind == "glued":
                host = R.choice([f"{b}{w}.{t}", f"{w}{b}.{t}", f"{p}.{b}{w}.{t}"])
            else:
                host = R.choice([f"{b}.{w}-{w2}.{t}", f"{b}.{w}{R.randint(1, 999)}.{ct}",
                                 f"{p}.{b}.{w}-{w2}.{ct}", f"{b}.{w}.{w2}-{R.randint(10, 99)}.{t}"])
            if add("contains", host):
                break
    return out

# --------------------------------------------------------------- main
def main():
    rows, seen = [], set()
    for b in BRAND_LIST:
        for tech, hosts in gen_lookalikes(b, seen).items():
            rows += [("lookalike", tech, h) for h in hosts]

    benign = []
    for cat, block in (("near-word", NEAR), ("containing", CONTAINING)):
        for b, word, hosts in parse_words(block):
            if cat == "near-word":
                assert b not in word and 1 <= osa(word, b) <= 2, (b, word, osa(word, b))
            else:
                assert b in word, (b, word)
            for h in hosts:
                assert word in h and valid_host(h), h
                benign.append(("benign", cat, h))
    for line in OWN_SUB.strip().splitlines():
        b, hosts = line.split(": ")
        for h in hosts.split():
            assert any(h.endswith("." + o) for o in BRANDS[b][1]), h
            benign.append(("benign", "own-subdomain", h))
    for _, _, h in benign:
        assert h not in seen, h
        seen.add(h)
    rows += benign

    n = 0
    while n < 5000:
        h = ordinary(R)
        if h in seen or imitates(h) or not valid_host(h, wildcard_ok=True):
            continue
        seen.add(h)
        rows.append(("ordinary", "ordinary", h))
        n += 1

    head = [
        "lookalike_blind4.tsv - blind evaluation set #4 for the lookalike-hostname detector",
        f"generated by tools/gen_lookalike_blind4.py, random.Random({SEED}), stdlib only",
        "built blind: without reading the detector, its word lists, tests or earlier sets",
        "brands (kind, market): " + "; ".join(f"{b} ({k})" for b, (k, _) in BRANDS.items()),
        "lookalike: 7 per brand per technique; idn labels are punycode (xn--), checked to decode",
        "ascii-homoglyph tricks: o->0 l->1 i->1 e->3 s->5 m->rn w->vv",
        "typo ops: omission duplication insertion transposition keyboard-neighbour vowel-swap "
        "bit-flip; variants that are real words (list in script) are dropped",
        f"ordinary: synthetic CT-style names from {len(LOCS)} locales, SaaS tenants, wildcards "
        "('*.' first label), numbered and hex hosts, real-word IDN names; names containing a "
        "brand or within 1 edit (2 for brands > 6 letters) of one are rejected",
        "benign near-word / containing: real words, places, other companies; own-subdomain: "
        "subdomains of the owned domains",
        "bait vocabulary: " + " ".join(BAIT),
        "columns: kind<TAB>technique-or-category<TAB>hostname"]
    out = [f"# {l}" for l in head] + ["brands\t" + ",".join(BRAND_LIST),
                                      "owned\t" + ",".join(d for _, ds in BRANDS.values() for d in ds)]
    sys.stdout.write("\n".join(out + ["\t".join(r) for r in rows]) + "\n")


if __name__ == "__main__":
    main()
