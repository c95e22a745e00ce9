#!/usr/bin/env python3
"""Random differential check of the keyword rules (src/detect/rules.rs) against CPython's `re`.

Generates random patterns in Python 3.11 syntax, heavy on what differs between the two
engines (global and scoped flags `(?a) (?i) (?x) (?u) (?-i)`, `\\w \\d \\s \\b \\B` and
their negations, classes, nested groups, greedy and lazy quantifiers, verbose whitespace and
comments) and hosts over an alphabet of tricky characters (Kelvin sign, dotted/dotless i,
sharp s, Arabic-Indic digit, U+0345, NBSP, U+001C, ...). Every pattern CPython compiles is
written with its hosts and `len(set(re.findall(pattern, host)))` as one JSON line:

    [pattern, [host, ...], [score, ...]]

The ignored test `differential_against_cpython` in tests/rules_table.rs reads such a file and
checks that every pattern is either refused by `Rules::new` (with a reason) or scores every
host exactly as CPython did:

    python3 tools/rules_differential.py 1 4000 > /tmp/rules.jsonl
    RULES_DIFFERENTIAL=/tmp/rules.jsonl cargo test --test rules_table -- --ignored --nocapture

Arguments: random seed (default 1), number of patterns to try (default 4000). Pairs where
the pattern uses `\\b`/`\\B` and the host contains `²` or U+0345 are skipped by the test:
those two characters are "word" characters for one engine only (documented in rules.rs).
"""
import json
import random
import re
import sys
import warnings

warnings.simplefilter("ignore")  # FutureWarning for possible set operations in classes

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
rnd = random.Random(SEED)
CH = "aAkKiIz\u212a\u0130\u0131\u00e9\u00c9\u00df\u1e9e_-.1\u00b2\u0661\u0345 \u00a0\x1c"
CATEGORIES = ["\\w", "\\W", "\\d", "\\D", "\\s", "\\S"]
OPENERS = ["(", "(?:", "(?i:", "(?a:", "(?u:", "(?x:", "(?-i:", "(?ai:", "(?-x:", "(?ia:"]
QUANTIFIERS = ["+", "*", "?", "{1,2}", "{2}", "+?", "*?", "??", "{0,2}?", "{2,}", "{0,3}"]
GLOBALS = ["", "", "(?a)", "(?i)", "(?ai)", "(?x)", "(?ax)", "(?aix)", "(?ix)"]


def literal():
    return re.escape(rnd.choice(CH))


def char_class():
    items = []
    for _ in range(rnd.randint(1, 3)):
        r = rnd.random()
        if r < 0.3:
            items.append(rnd.choice(CATEGORIES))
        elif r < 0.6:
            lo, hi = sorted([rnd.choice("aAkKiz0_"), rnd.choice("aAkKiz9_")])
            items.append(lo + "-" + hi)
        else:
            items.append(re.escape(rnd.choice(CH)))
    return "[" + ("^" if rnd.random() < 0.3 else "") + "".join(items) + "]"


def atom(depth, verbose):
    r = rnd.random()
    if r < 0.3:
        return literal()
    if r < 0.45:
        return rnd.choice(CATEGORIES + ["."])
    if r < 0.5 and depth > 0:
        return rnd.choice(["\\b", "\\B"])
    if r < 0.65 or depth > 2:
        return char_class() if r < 0.65 else literal()
    opener = rnd.choice(OPENERS)
    on = opener[2:].split("-")[0] if opener.startswith("(?") else ""
    inner_verbose = (verbose or "x" in on) and not (opener.startswith("(?-") and "x" in opener)
    return opener + alternation(depth + 1, inner_verbose) + ")"


def sequence(depth, verbose):
    out = ""
    for _ in range(rnd.randint(1, 3)):
        a = atom(depth, verbose)
        if a not in ("\\b", "\\B") and rnd.random() < 0.3:
            a += rnd.choice(QUANTIFIERS)
        out += a
        if verbose and rnd.random() < 0.3:
            out += rnd.choice([" ", "\t", "  # c\n", "\n"])
    return out


def alternation(depth, verbose):
    return "|".join(sequence(depth, verbose) for _ in range(rnd.randint(1, 2)))


def host():
    return "".join(rnd.choice(CH) for _ in range(rnd.randint(0, 8)))


written = 0
for _ in range(COUNT):
    flags = rnd.choice(GLOBALS)
    pattern = flags + alternation(0, "x" in flags)
    try:
        compiled = re.compile(pattern)
    except (re.error, ValueError, RecursionError):
        continue
    hosts = [host() for _ in range(6)]
    print(json.dumps([pattern, hosts, [len(set(compiled.findall(h))) for h in hosts]]))
    written += 1
print("%d patterns written" % written, file=sys.stderr)
