#!/usr/bin/env python3
"""Expected values for tests/alert_title.rs, produced by the real Python (3.11 is the reference).

Run from the repository root:  python3 tools/gen_alert_title.py
It rewrites the block between `// BEGIN GENERATED` and `// END GENERATED` in tests/alert_title.rs.

* alert JSON:   json.dump(d, f, indent=4) into a StringIO (exactly what scanhost.py writes);
* Python repr:  str(d) (the `Creating <path> : <dict>` line);
* notification: str(d).replace(", '", "\\n'") with every { and } removed, rstrip() (apprise);
* Alerts_dir:   the original's generate_alert_dir (successive str.replace of %H %M %d %m %Y with
                time.strftime values);
* titles:       the body decoded with the codec our decoder must pick (errors='replace', as
                requests does), then re.search('<title>(.*?)</title>', text.strip(), re.IGNORECASE);
* decode:       bytes 0..255 through Python's latin-1 / cp1252 / iso8859-15 codecs.
"""
import io
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "tests", "alert_title.rs")


def rs(s):
    """A Rust string literal for s."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append("\\u{%x}" % c)
    out.append('"')
    return "".join(out)


def rs_bytes(b):
    return 'b"' + "".join(chr(x) if 0x20 <= x < 0x7F and chr(x) not in '"\\' else "\\x%02x" % x for x in b) + '"'


def alert(title="Log in", sbs="No API key in config file", host="login-paypal.example.com", **kw):
    d = {
        "hostname": host,
        "http_code": kw.get("http_code", 200),
        "cert_serial_number": kw.get("fp", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B"),
        "webpage_title": title,
        "ip_addr": kw.get("ip", "198.49.23.145"),
        "asn": kw.get("asn", "53831"),
        "asn_cidr": kw.get("cidr", "198.49.23.0/24"),
        "asn_country_code": kw.get("cc", "US"),
        "asn_description": kw.get("desc", "SQUARESPACE, US"),
        "asn_abuse_email": kw.get("abuse", "abuse-network@squarespace.com"),
        "safe_browsing_status": sbs,
    }
    return d


MATCHES = {
    "matches": [
        {
            "threatType": "SOCIAL_ENGINEERING",
            "platformType": "ANY_PLATFORM",
            "threat": {"url": "https://login-paypal.example.com"},
            "cacheDuration": "300s",
            "threatEntryType": "URL",
            "threatEntryMetadata": {"entries": []},
        },
        {"threatType": "MALWARE", "platformType": "WINDOWS", "threat": {"url": "http://x/{a}, 'b'"}},
    ]
}

ALERTS = [
    ("ascii", alert()),
    ("latin1_e_acute", alert("Caf\u00e9 login")),
    ("cjk", alert("\u30ed\u30b0\u30a4\u30f3 - \u652f\u4ed8\u5b9d")),
    ("emoji_astral", alert("Caf\u00e9 \U0001F600 win")),
    ("control_chars", alert("a\x00b\x01c\x1fd\x7fe\x80f\x9f g\tTab\nNL\rCR\bBS\fFF")),
    ("quotes_backslashes", alert("it's \"quoted\" \\ back/slash")),
    ("single_quote_only", alert("it's")),
    ("double_quote_only", alert('say "hi"')),
    ("both_quotes", alert("it's \"x\"")),
    ("nbsp_zwsp", alert("a\xa0b\u200bc\u2028d\u3000e\ufeff")),
    ("private_use_unassigned", alert("\ue000\U000F0000\U0001FAF9\u0378")),
    ("repr_specials", alert("\x0b\x1b\x85\xad\u00ff\u0100\U0010FFFF")),
    ("braces_and_comma_quote", alert("{x}, 'y', z", host="www.a-b.example")),
    ("empty_fields", alert("", ip="", asn="", cidr="", cc="", desc="", abuse="")),
    ("sbs_empty_object", alert(sbs={})),
    ("sbs_matches", alert(sbs=MATCHES)),
    ("sbs_error_string", alert(sbs="Safe Browsing error: HTTP 400 \u00ab bad \u00bb")),
    (
        "sbs_scalars",
        alert(
            sbs={
                "n": None,
                "t": True,
                "f": False,
                "i": 42,
                "neg": -7,
                "big": 18446744073709551615,
                "fl": 1.5,
                "one": 1.0,
                "tiny": 1e-05,
                "huge": 1e16,
                "arr": [[], {}, [1, [2, {"k": "v\u00e9"}]]],
                "k\u00e9y'": "v",
            }
        ),
    ),
    ("http_503_other_host", alert("Service Unavailable", http_code=503, host="xn--pypal-4ve.com")),
]

REPR_TITLES = [
    "it's",
    'say "hi"',
    "it's \"both\"",
    "line\nbreak",
    "tab\there",
    "del\x7f",
    "nb\xa0sp",
    "zw\u200bsp",
    "Caf\u00e9 \U0001F600",
    "back\\slash",
    "cr\rlf\n",
    "\U000E0001 tag",
]

ALERTS_DIR = [
    "./alerts/%Y/%m/%d",
    "./alerts/%Y%m%d-%H%M",
    "/var/alerts/%H:%M/%x/%S/%y/%p",
    "./alerts/%%Y",
    "no placeholders",
    "%Y%Y-%m%m",
]
TIMES = [(2024, 5, 1, 7, 3, 9), (1999, 12, 31, 23, 59, 59), (2026, 1, 2, 0, 0, 0)]


def alerts_dir(tpl, t):
    st = time.struct_time((t[0], t[1], t[2], t[3], t[4], t[5], 0, 1, -1))
    for tok in ("%H", "%M", "%d", "%m", "%Y"):
        tpl = tpl.replace(tok, time.strftime(tok, st))
    return tpl


def title_re(text):
    m = re.search("<title>(.*?)</title>", text.strip(), re.IGNORECASE)
    return m.group(1) if m else ""


# (name, body bytes, Content-Type or None, codec our decoder must pick)
TITLES = [
    ("utf8_header", "<html><title>Caf\u00e9 \u2013 Login \U0001F512</title>".encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
    ("latin1_header", "<title>Caf\u00e9 cr\u00e8me</title>".encode("latin-1"), "text/html; charset=ISO-8859-1", "latin-1"),
    ("latin1_header_quoted", "<title>Caf\u00e9</title>".encode("latin-1"), 'text/html;charset="latin1"', "latin-1"),
    (
        "latin1_meta_http_equiv",
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        + "<title>Se connecter \u00e0 votre espace</title>".encode("latin-1"),
        "text/html",
        "latin-1",
    ),
    ("latin1_meta_charset", b"<meta charset='latin1'><title>\xc9t\xe9</title>", None, "latin-1"),
    ("cp1252_smart_quotes", b"<meta charset=windows-1252><title>\x93Bank\x94 \x96 it\x92s \x80 5 \x81</title>", "text/html", "cp1252"),
    ("latin9_euro", b"<title>Prix \xa4 \xbd</title>", "text/html; charset=ISO-8859-15", "iso8859-15"),
    ("header_beats_meta", "<meta charset=latin1><title>\u00c9t\u00e9</title>".encode("utf-8"), "text/html; charset=UTF-8", "utf-8"),
    ("unknown_header_charset_falls_to_meta", b"<meta charset=latin1><title>\xe9</title>", "text/html; charset=x-bogus", "latin-1"),
    ("no_charset_utf8", "<title>\u041f\u0440\u0438\u0432\u0435\u0442 \u00e9</title>".encode("utf-8"), "text/html", "utf-8"),
    ("no_content_type_utf8", "<title>Caf\u00e9</title>".encode("utf-8"), None, "utf-8"),
    ("no_charset_invalid_utf8", b"<title>a\xe9b\xc3(c\xf0\x9f\x98d\xed\xa0\x80e\xff</title>", "text/html", "utf-8"),
    ("utf8_bom", b"\xef\xbb\xbf<title>\xc3\xa9</title>", "text/html; charset=iso-8859-1", "utf-8-sig"),
    ("split_over_lines_skipped", b"<title>Log\nin</title><p>x</p>", "text/html", "utf-8"),
    (
        "split_then_svg_title",
        b"<head><title>\n  Real title\n</title></head><body><svg><title>icon-search</title></svg>",
        "text/html",
        "utf-8",
    ),
    ("lang_attr_never_matches", b'<title lang="en">Hello</title>', "text/html", "utf-8"),
    ("lang_attr_then_plain", b'<title lang="en">Hello</title><svg><title>Close</title></svg>', "text/html", "utf-8"),
    ("missing_title", b"<html><head></head><body>no title</body></html>", "text/html", "utf-8"),
    ("empty_body", b"", None, "utf-8"),
    ("uppercase_tags", b"<HTML><TITLE>Upper Case</TITLE>", "text/html", "utf-8"),
    ("mixed_case_tags", b"<Title>Mixed</tItLe>", "text/html", "utf-8"),
    ("dotless_i_tag", "<t\u0131tle>Dotless</T\u0130TLE>".encode("utf-8"), "text/html", "utf-8"),
    ("whitespace_kept", b"<title>  \t Spaced  out \r </title>", "text/html", "utf-8"),
    ("entities_not_decoded", b"<title>A &amp; B &#233;</title>", "text/html", "utf-8"),
    ("first_of_two", b"<title>One</title><title>Two</title>", "text/html", "utf-8"),
    ("lazy_match", b"<title></title><title>Second</title>", "text/html", "utf-8"),
    ("unclosed_then_closed", b"<title>a<title>b</title>", "text/html", "utf-8"),
    ("cr_inside_kept", b"<title>a\rb</title>", "text/html", "utf-8"),
    ("nested_tags_kept", b"<title><b>bold</b></title>", "text/html", "utf-8"),
]


def main():
    out = []
    w = out.append
    w("// Generated by tools/gen_alert_title.py with Python %s; do not edit by hand." % sys.version.split()[0])
    w("")
    w("/// (name, alert fields, safe_browsing_status as JSON, json.dump, str(d), notification body)")
    w("type AlertCase = (&'static str, [&'static str; 9], u16, &'static str, &'static str, &'static str, &'static str);")
    w("const ALERTS: &[AlertCase] = &[")
    for name, d in ALERTS:
        f = io.StringIO()
        json.dump(d, f, indent=4)
        body = str(d).replace(", '", "\n'").replace("{", "").replace("}", "").rstrip()
        strs = [d[k] for k in ("hostname", "cert_serial_number", "webpage_title", "ip_addr", "asn",
                               "asn_cidr", "asn_country_code", "asn_description", "asn_abuse_email")]
        w("    (")
        w("        %s," % rs(name))
        w("        [%s]," % ", ".join(rs(s) for s in strs))
        w("        %d," % d["http_code"])
        w("        %s," % rs(json.dumps(d["safe_browsing_status"])))
        w("        %s," % rs(f.getvalue()))
        w("        %s," % rs(str(d)))
        w("        %s," % rs(body))
        w("    ),")
    w("];")
    w("")
    w("/// (webpage_title, str(alert) with that title and the defaults of alert())")
    w("const REPR_TITLES: &[(&str, &str)] = &[")
    for t in REPR_TITLES:
        w("    (%s, %s)," % (rs(t), rs(str(alert(t)))))
    w("];")
    w("")
    w("/// (template, (Y, m, d, H, M, S), generate_alert_dir result)")
    w("type DirCase = (&'static str, (i64, u32, u32, u32, u32, u32), &'static str);")
    w("const ALERTS_DIR: &[DirCase] = &[")
    for tpl in ALERTS_DIR:
        for t in TIMES:
            w("    (%s, %r, %s)," % (rs(tpl), t, rs(alerts_dir(tpl, t))))
    w("];")
    w("")
    w("/// (name, body, Content-Type, expected title)")
    w("const TITLES: &[(&str, &[u8], Option<&str>, &str)] = &[")
    for name, body, ct, codec in TITLES:
        text = body.decode(codec, "replace")
        ctl = "None" if ct is None else "Some(%s)" % rs(ct)
        w("    (%s, %s, %s, %s)," % (rs(name), rs_bytes(body), ctl, rs(title_re(text))))
    w("];")
    w("")
    w("/// (charset label, bytes 0..=255 decoded by Python with errors='replace')")
    w("const DECODE_ALL_BYTES: &[(&str, &str)] = &[")
    allb = bytes(range(256))
    for label, codec in (("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252"), ("iso-8859-15", "iso8859-15"),
                         ("utf-8", "utf-8")):
        w("    (%s, %s)," % (rs(label), rs(allb.decode(codec, "replace"))))
    w("];")
    w("")
    w("/// Invalid UTF-8 (bytes, Python's decode('utf-8', 'replace'))")
    w("const INVALID_UTF8: &[(&[u8], &str)] = &[")
    for b in (b"\xc3", b"\xc3(", b"\xe2\x82", b"\xe2\x82(", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xc0\xaf",
              b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x80\xbf", b"a\xffb", b"\xef\xbf\xbe"):
        w("    (%s, %s)," % (rs_bytes(b), rs(b.decode("utf-8", "replace"))))
    w("];")

    w("")
    w("/// Python's str.isprintable() over all code points: (count of non-printable, sum, sum of squares mod 2^64)")
    nonp = [c for c in range(0x110000) if not chr(c).isprintable()]
    w("const NON_PRINTABLE_DIGEST: (u64, u64, u64) = (%d, %d, %d);"
      % (len(nonp), sum(nonp), sum(c * c for c in nonp) % 2**64))

    generated = "\n".join(out) + "\n"
    src = open(TARGET, encoding="utf-8").read()
    begin = src.index("// BEGIN GENERATED\n") + len("// BEGIN GENERATED\n")
    end = src.index("// END GENERATED")
    open(TARGET, "w", encoding="utf-8").write(src[:begin] + generated + src[end:])


if __name__ == "__main__":
    main()
