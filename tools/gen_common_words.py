#!/usr/bin/env python3
"""Builds assets/common_words.fc, the word list the lookalike engine uses to tell real words
(impot, papal, oranges, pineapple) from typosquats (pyapal, amazn) and to split compounds.

Source: wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), data CC BY-SA 4.0: every word
with a Zipf frequency >= 2.0 (about once per 10 million words) in English, French, Spanish,
German, Italian, Portuguese or Dutch (CORE), or >= 3.0 in the other Latin-script languages
wordfreq has, lower-cased, accents folded (impôt -> impot, straße -> strasse), kept when it
is 3 to 24 ASCII letters.

Format (front coding, so ~1.07 million words take ~5.7 MB instead of 12 MB): entries in
byte order, each `<shared prefix length: one byte> <rest of the word> <Zipf x 10: one byte>
\n`, where the prefix is shared with the previous entry (the Zipf byte is 20..=80, never a
letter or a newline); every 32nd entry starts a block and shares nothing. The Zipf value
is the word's highest over the languages.

Refresh: pip install wordfreq==3.1.1 && python3 tools/gen_common_words.py
"""
import math
import os
import unicodedata

import wordfreq

LANGS = [
    "ca", "cs", "da", "de", "en", "es", "fi", "fil", "fr", "hu", "id", "is", "it", "lt",
    "lv", "ms", "nb", "nl", "pl", "pt", "ro", "sh", "sk", "sl", "sv", "tr", "vi",
]
CORE = ["en", "fr", "es", "de", "it", "pt", "nl"]
MIN_ZIPF = 2.0
MIN_ZIPF_OTHER = 3.0
BLOCK = 32
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "common_words.fc")


def fold(w):
    w = unicodedata.normalize("NFKD", w.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    for a, b in (("ß", "ss"), ("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("ı", "i")):
        w = w.replace(a, b)
    return w


def main():
    words = {}
    for lang in LANGS:
        for w, f in wordfreq.get_frequency_dict(lang, "best").items():
            if f <= 0:
                continue
            zipf = math.log10(f * 1e9)
            if zipf < (MIN_ZIPF if lang in CORE else MIN_ZIPF_OTHER):
                continue
            w = fold(w)
            if 3 <= len(w) <= 24 and w.isascii() and w.isalpha():
                words[w] = max(words.get(w, 0.0), zipf)
    out = bytearray()
    prev = b""
    for i, w in enumerate(sorted(words)):
        w = w.encode()
        p = 0
        if i % BLOCK:
            while p < min(len(w), len(prev)) and w[p] == prev[p]:
                p += 1
        z = words[w.decode()]
        out.append(p)
        out += w[p:]
        out.append(min(80, max(20, int(z * 10))))
        out += b"\n"
        prev = w
    with open(OUT, "wb") as f:
        f.write(out)
    print(f"{len(words)} words, {len(out)} bytes -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
