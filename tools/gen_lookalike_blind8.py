#!/usr/bin/env python3
"""Generate benches/data/lookalike_blind8.tsv: the RESERVE blind set for the hostname lookalike
detector (issue #16, point 5). Same recipe as tools/gen_lookalike_blind7.py (whose functions
it imports), with other brands and another seed; measure it only after tuning on set 7.

Built without reading the detector, its word lists or any other eval data.

Needs dnstwist, pinned version 20250130 (PyPI), as for set 7. Re-run (deterministic):
    python3 -m venv /tmp/dtvenv && /tmp/dtvenv/bin/pip install dnstwist==20250130
    /tmp/dtvenv/bin/python tools/gen_lookalike_blind8.py      # writes benches/data/lookalike_blind8.tsv
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_lookalike_blind7 import BRANDS7, Gen, OWN_SUBS  # noqa: E402

BRANDS8 = [
    dict(name="agenciatributaria", owned=["agenciatributaria.gob.es", "agenciatributaria.es"],
         sector="government tax agency (AEAT, tax filing and refunds)", country="ES",
         langs=["es"], cc=["es", "com.es", "eu"]),
    dict(name="lydia", owned=["lydia-app.com"], sector="payment app / neobank", country="FR",
         langs=["fr"], cc=["fr", "be", "eu"]),
    dict(name="boursorama", owned=["boursorama.com", "boursorama-banque.com", "boursobank.com"],
         sector="online bank / finance portal", country="FR", langs=["fr"], cc=["fr", "be", "re"]),
    dict(name="postbank", owned=["postbank.de"], sector="retail bank", country="DE",
         langs=["de"], cc=["de", "com.de", "eu"]),
    dict(name="fineco", owned=["finecobank.com", "fineco.it"], sector="online bank / broker", country="IT",
         langs=["it"], cc=["it", "eu", "com"]),
    dict(name="picpay", owned=["picpay.com"], sector="payments / digital wallet", country="BR",
         langs=["pt"], cc=["com.br", "net.br", "br.com"]),
    dict(name="bancolombia", owned=["bancolombia.com", "grupobancolombia.com"], sector="bank",
         country="CO (Latin America)", langs=["es"], cc=["com.co", "co", "net.co"]),
    dict(name="paytm", owned=["paytm.com", "paytm.in", "paytmbank.com", "paytmmall.com", "paytmmoney.com"],
         sector="payments / UPI wallet", country="IN", langs=["hi", "en"], cc=["in", "co.in", "net.in"]),
    dict(name="klarna", owned=["klarna.com"], sector="buy-now-pay-later payments", country="SE (EU-wide)",
         langs=["sv", "de", "en"], cc=["se", "de", "nu"]),
    dict(name="lazada", owned=["lazada.com", "lazada.sg", "lazada.com.my", "lazada.co.id", "lazada.com.ph",
                               "lazada.co.th", "lazada.vn"],
         sector="e-commerce", country="SG (SE Asia)", langs=["id", "en"], cc=["sg", "com.my", "co.id", "com.ph"]),
]

HAND8 = [
    # dictionary words / names one or two edits from a brand (legitimate sites)
    ("near-word", "asesoriatributaria.es gestoriatributaria.com agenciainmobiliaria.es agenciadeviajes.es "
                  "consultoriatributaria.com.mx agenciaturistica.com.ar "
                  "lidia.es lydian.com "
                  "boursier.com panorama.fr "
                  "postbox.de postbus.nl postbag.com www.postbote.de "
                  "fineart.it "
                  "picpaint.com "
                  "colombia.co "
                  "paytime.com paytime.de "
                  "klara.ch klarinette.de "
                  "lazos.es lazadas.es lazaro.com.mx plazas.es lazarus.com.au lazaro.es "
                  "agenciamaritima.es agenciapublicitaria.com oficinatributaria.es"),
    # real businesses / brands of other countries near a brand
    ("other-brand", "sat.gob.mx afip.gob.ar dian.gov.co portaldasfinancas.gov.pt sii.cl atc.gencat.cat atib.es hacienda.gob.es "
                    "procolombia.co colombia.travel "
                    "lidl.fr lydie.fr "
                    "boursedirect.fr bourse.lesechos.fr "
                    "postbank.co.za postbank.co.ke postbank.bg www.postbank.co.ug "
                    "fineos.com "
                    "paypay.ne.jp picpic.com.br "
                    "bancodebogota.com bancodeoccidente.com.co bancamia.com.co bancoagrario.gov.co "
                    "paytrail.com paytomorrow.com paytabs.com "
                    "klarmobil.de "
                    "lazard.com"),
    # places, surnames and words that contain a (short) brand
    ("containing", "lydiamartin.fr www.lydia-dupont.fr lydiasmith.com lydiabakery.co.uk "
                   "finecooking.com www.finecoffee.de finecoat.de finecountry.co.uk "
                   "epicpayroll.com epicpay.com www.epicpayments.co.uk "
                   "klarnamenpflicht.de klarname.de klarnamen.de "
                   "hotel-lydia.gr villa-lydia.it lydiaschool.org finecotton.com finecoats.co.uk finecorner.de"),
    # brand word used legitimately in a longer name, without bait
    ("company-name", "lydia-coiffure.fr lydia-fleurs.fr institut-lydia.fr atelier-lydia.be lydia-bijoux.fr "
                     "fineco-impianti.it fineco-serramenti.it"),
    # further real-looking subdomains of the brands' own domains
    ("own-subdomain", "sede.agenciatributaria.gob.es www2.agenciatributaria.gob.es clients.boursorama.com "
                      "banking.postbank.de app.lydia-app.com www.finecobank.com "
                      "sucursalpersonas.bancolombia.com business.paytm.com"),
]


def main(argv=None):
    seed = 8311
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "benches", "data", "lookalike_blind8.tsv")
    g = Gen(BRANDS8, seed, [b["name"] for b in BRANDS7], HAND8)
    g.lookalikes(8)
    g.ordinary(5000)
    g.benign(HAND8, OWN_SUBS)
    g.write(out, 8, "own-domain: the brands' own registered domains (also in the owned row); own-subdomain: those domains with www/login/m/api/...; "
                    "near-word: dictionary words or names one or two edits from a brand; other-brand: real businesses or same-sector services of other countries near a brand; "
                    "containing: names/words that contain a short brand; company-name: brand word used legitimately in a longer name without bait")
    print(out, len(g.rows), file=sys.stderr)


if __name__ == "__main__":
    main()
