#!/usr/bin/env python3
"""Generate tests/data/phone_corpus.jsonl, the phone-number differential corpus.

The corpus pins `rlibphonenumber` (used by src/phone.rs) to the reference behaviour of Google's
libphonenumber, through its official Python port `phonenumbers`. The two must use the same
metadata version, so this script refuses to run with any `phonenumbers` other than 9.0.42
(rlibphonenumber 2.2.15 embeds libphonenumber metadata v9.0.42).

Run from the repository root:

    pip install phonenumbers==9.0.42
    python3 tools/phone_corpus.py            # writes tests/data/phone_corpus.jsonl
    python3 tools/phone_corpus.py --stats    # same, and prints the breakdown by kind to stderr

The output is deterministic (random.Random with a fixed seed, regions in sorted order): running it
twice gives byte-identical files. Then check it with `cargo test --lib phone::`.

Each line is one JSON object:

    {"input": str, "default_region": str|null, "parsed": bool, "valid": bool,
     "e164": str|null, "number_region": str|null, "kind": str}

- input: the text handed to parse().
- default_region: the region passed to parse() (a code from SUPPORTED_REGIONS), or null for none.
- parsed: parse() returned a number rather than raising NumberParseException.
- valid: parsed and is_valid_number().
- e164: format_number(number, E164) when valid, else null.
- number_region: region_code_for_number() when parsed, null when it has none, for non-geographic
  numbers ("001", e.g. +800) and when not parsed.
- kind: which generator produced the line (informational; the Rust test ignores it).

Inputs cover every region in SUPPORTED_REGIONS and every non-geographic calling code: example
numbers of each type the region has (fixed line, mobile, toll free, premium rate, shared cost,
VoIP, personal, pager, UAN, voicemail) written as E164, INTERNATIONAL, NATIONAL, RFC3966 and messy
variants (dots, dashes, parentheses, extra and surrounding whitespace, "00" and IDD prefixes,
extensions, full-width digits), read with their own region, another region or none; mutations that
usually make them invalid (a digit dropped, added or changed); and inputs that do not parse.
"""

import argparse
import collections
import json
import random
import re
import sys
from pathlib import Path

import phonenumbers as pn
from phonenumbers import NumberParseException
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

REQUIRED_VERSION = "9.0.42"
SEED = 0x5EED_E164
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "phone_corpus.jsonl"

TYPES = [
    T.FIXED_LINE,
    T.MOBILE,
    T.TOLL_FREE,
    T.PREMIUM_RATE,
    T.SHARED_COST,
    T.VOIP,
    T.PERSONAL_NUMBER,
    T.PAGER,
    T.UAN,
    T.VOICEMAIL,
]

FULLWIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


def record(inp, region, kind):
    """Parse `inp` with `region` the way libphonenumber does and describe the outcome."""
    out = {"input": inp, "default_region": region, "parsed": False, "valid": False,
           "e164": None, "number_region": None, "kind": kind}
    try:
        number = pn.parse(inp, region)
    except NumberParseException:
        return out
    out["parsed"] = True
    out["valid"] = pn.is_valid_number(number)
    if out["valid"]:
        out["e164"] = pn.format_number(number, F.E164)
    rc = pn.region_code_for_number(number)
    out["number_region"] = None if rc in (None, "ZZ", pn.REGION_CODE_FOR_NON_GEO_ENTITY) else rc
    return out


def digit_idd(region):
    """The region's international (IDD) prefix as plain digits, or None if it is only a pattern."""
    md = pn.PhoneMetadata.metadata_for_region(region)
    for p in (md.preferred_international_prefix, md.international_prefix):
        if p and re.fullmatch(r"[0-9]+", p):
            return p
    return None


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.regions = sorted(pn.SUPPORTED_REGIONS)
        self.rows = []
        self.seen = set()

    def add(self, inp, region, kind):
        key = (inp, region)
        if key in self.seen:
            return
        self.seen.add(key)
        self.rows.append(record(inp, region, kind))

    def other_region(self, own):
        r = self.rng.choice(self.regions)
        return r if r != own else self.rng.choice(self.regions)

    def some_region(self, own):
        """Own region, another region or none, with probabilities 0.4 / 0.3 / 0.3."""
        x = self.rng.random()
        if x < 0.4:
            return own
        if x < 0.7:
            return self.other_region(own)
        return None

    # ----- variants of a known-good number -----

    def messy(self, n, own):
        """One randomly chosen messy spelling of `n`, with the region it should be read in."""
        rng = self.rng
        intl = pn.format_number(n, F.INTERNATIONAL)
        natl = pn.format_number(n, F.NATIONAL)
        cc = str(n.country_code)
        nsn = pn.national_significant_number(n)
        choice = rng.randrange(14)
        if choice == 0:
            return intl.replace(" ", ".").replace("-", "."), self.some_region(own), "messy_dots"
        if choice == 1:
            return intl.replace(" ", "-"), self.some_region(own), "messy_dashes"
        if choice == 2:
            # parentheses around the first group of the national form
            parts = re.split(r"[ \-]", natl, maxsplit=1)
            s = f"({parts[0]}) {parts[1]}" if len(parts) == 2 else f"({natl})"
            return s, own, "messy_parens_national"
        if choice == 3:
            # "+cc (ndc) rest"
            parts = intl.split(" ", 2)
            s = f"{parts[0]} ({parts[1]}) {parts[2]}" if len(parts) == 3 else intl
            return s, self.some_region(own), "messy_parens_international"
        if choice == 4:
            # extra spaces between random digits
            s = "".join(ch + (" " * rng.randrange(1, 3) if ch.isdigit() and rng.random() < 0.3 else "")
                        for ch in intl).strip()
            return s, self.some_region(own), "messy_spaces"
        if choice == 5:
            ws = ["  ", "\t", " \t ", "   "]
            base = rng.choice([intl, natl, pn.format_number(n, F.E164)])
            region = own if base == natl else self.some_region(own)
            return rng.choice(ws) + base + rng.choice(ws), region, "messy_surrounding_whitespace"
        if choice == 6:
            # "00" prefix, read in own region, another region or none (none cannot strip it)
            return "00 " + cc + " " + nsn, self.some_region(own), "idd_00"
        if choice == 7:
            # the IDD prefix of some region, read in that region
            r = rng.choice(self.regions)
            idd = digit_idd(r)
            if idd is None:
                r, idd = "US", "011"
            return f"{idd} {cc} {nsn}", r, "idd_region"
        if choice == 8:
            return "+" + cc + nsn, self.some_region(own), "e164_some_region"
        if choice == 9:
            return nsn, own, "nsn_only_own_region"
        if choice == 10:
            ext = str(rng.randrange(1, 99999))
            s = rng.choice([f"{intl} ext. {ext}", f"{intl} x{ext}", f"{intl} #{ext}",
                            f"{pn.format_number(n, F.RFC3966)};ext={ext}"])
            return s, self.some_region(own), "extension"
        if choice == 11:
            return intl.translate(FULLWIDTH), self.some_region(own), "fullwidth_digits"
        if choice == 12:
            return "+ " + cc + " " + nsn, self.some_region(own), "messy_plus_space"
        # national form, read in another region or in none
        return natl, rng.choice([self.other_region(own), None]), "national_wrong_or_no_region"

    def mutate(self, n, own):
        rng = self.rng
        cc = str(n.country_code)
        nsn = pn.national_significant_number(n)
        op = rng.randrange(3)
        i = rng.randrange(len(nsn))
        if op == 0 and len(nsn) > 1:
            m, kind = nsn[:i] + nsn[i + 1:], "mutation_drop_digit"
        elif op == 1:
            m, kind = nsn[:i] + str(rng.randrange(10)) + nsn[i:], "mutation_add_digit"
        else:
            d = str((int(nsn[i]) + rng.randrange(1, 10)) % 10)
            m, kind = nsn[:i] + d + nsn[i + 1:], "mutation_change_digit"
        if rng.random() < 0.6:
            self.add("+" + cc + m, self.some_region(own) if own != "001" else None, kind)
        else:
            # national spelling: national prefix (if any) + mutated number, in the own region
            md = pn.PhoneMetadata.metadata_for_region(own) if own != "001" else None
            prefix = (md.national_prefix or "") if md else ""
            if own == "001":
                self.add("+" + cc + " " + m, None, kind)
            else:
                self.add(prefix + m, own, kind)

    def number(self, n, own, kind):
        """All variants of one example number `n` of region `own` ("001" for non-geographic)."""
        rng = self.rng
        geo = own != "001"
        self.add(pn.format_number(n, F.E164), None, f"{kind}_e164")
        self.add(pn.format_number(n, F.INTERNATIONAL), self.some_region(own) if geo else None,
                 f"{kind}_international")
        if geo:
            self.add(pn.format_number(n, F.NATIONAL), own, f"{kind}_national")
        else:
            self.add(pn.format_number(n, F.NATIONAL), rng.choice(self.regions),
                     f"{kind}_national_nongeo")
        if rng.random() < 0.5:
            self.add(pn.format_number(n, F.RFC3966), self.some_region(own) if geo else None,
                     f"{kind}_rfc3966")
        for _ in range(2):
            s, r, k = self.messy(n, own if geo else "US")
            if not geo and r == "US" and k in ("messy_parens_national", "nsn_only_own_region"):
                r = None
            self.add(s, r, k)
        if rng.random() < 0.7:
            self.mutate(n, own)

    # ----- fixed and generated failures -----

    def unparseable(self):
        rng = self.rng
        fixed = [
            ("", None), (" ", None), ("\t", "US"), ("+", None), ("++1", None), ("-", "US"),
            ("()", "GB"), ("1", "US"), ("12", "US"), ("+1", None), ("+44", None), ("123", None),
            ("call me maybe", None), ("call me maybe", "US"), ("abc", "GB"), ("phone", "FR"),
            ("+999 123 4567", None), ("+999123456789", "US"), ("+000 1234567", None),
            ("+0 650 253 0000", None), ("+80 1234 5678", None), ("+1 650", None),
            ("6502530000", None), ("020 7946 0018", None), ("07700 900123", None),
            ("0044 20 7946 0018", None), ("011 44 20 7946 0018", None),
            ("1" * 251, "US"), ("+" + "4" * 260, None), ("+1 650 253 0000 " + "x" * 300, None),
            ("tel:+1-650-253-0000;phone-context=+1", None), ("tel:253-0000;phone-context=+1-650", None),
            ("tel:253-0000;phone-context=+1-650", "US"), ("tel:;phone-context=+1", None),
            ("mailto:someone@example.com", None), ("+1 (650) 2ab-cdef", None),
            ("1-800-FLOWERS", "US"), ("1-800-FLOWERS", None), ("+1 800 FLOWERS", None),
            ("0800 FLOWERS", "GB"), ("+44 (0) 20 7946 0018", None), ("+44 (0) 7700 900123", "US"),
            ("(0) 20 7946 0018", "GB"), ("+55 11 96123-4567", "US"), ("+55 11 96123-4567", None),
            ("11 96123-4567", "BR"), ("011 55 11 96123 4567", "US"), ("+1 201 555 0123", "CA"),
            ("+1 416 555 0123", "US"), ("+7 912 345 67 89", "KZ"), ("+7 701 123 45 67", "RU"),
            ("+39 06 1234 5678", None), ("06 1234 5678", "IT"), ("+39 312 345 6789", "VA"),
            ("+800 1234 5678", None), ("+800 1234 5678", "US"), ("+882 1234 5678", None),
            ("+979 1 2345 6789", None), ("+1 242 359 1234", None), ("+1 876 555 1234", "US"),
            ("+44 7700 900123", "GG"), ("+44 1481 256789", "GB"), ("+262 269 61 23 45", None),
            ("+590 590 27 12 34", None), ("+61 8 9162 1234", None), ("+61 8 9164 1234", "CX"),
            ("+47 79 12 34 56", None), ("+358 18 123456", None), ("+212 5288 12345", "EH"),
            ("＋１ ６５０ ２５３ ００００", None), ("+١ ٦٥٠ ٢٥٣ ٠٠٠٠", None),
            ("+1\u00a0650\u00a0253\u00a00000", None), ("+1–650–253–0000", None),
            ("+1/650/253/0000", None), ("+1 650 253 0000.", None), ("+1 650 253 0000 )", None),
            ("[+1] 650 253 0000", None), ("+(1) 650 253 0000", None), ("+1 650 253 00000", None),
            ("+1 650 253 000", None), ("+1 000 253 0000", None), ("+1 650 053 0000", None),
            ("+49 30 123456", None), ("+49 30 1", None), ("+49 1234567890123456789", None),
            ("1 650 253 0000", "US"), ("1 650 253 0000", "GB"), ("650 253 0000", "CA"),
            ("+1 650 253 0000", "ZW"), ("00 1 650 253 0000", "GB"), ("001 650 253 0000", "GB"),
            ("8 10 1 650 253 0000", "RU"), ("810 1 650 253 0000", "RU"), ("0011 1 650 253 0000", "AU"),
        ]
        for inp, region in fixed:
            self.add(inp, region, "fixed")
        letters = "abcdefghijklmnopqrstuvwxyz"
        for _ in range(60):
            s = "".join(rng.choice(letters + " ") for _ in range(rng.randrange(1, 20))).strip() or "x"
            self.add(s, rng.choice(self.regions + [None]), "random_letters")
        for _ in range(60):
            s = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 4)))
            self.add(s, rng.choice(self.regions + [None]), "too_short")
        for _ in range(60):
            s = "+999" + "".join(rng.choice("0123456789") for _ in range(rng.randrange(4, 12)))
            self.add(s, rng.choice(self.regions + [None]), "unknown_country_code")
        for _ in range(80):
            # a national number of some region with no region to read it in
            r = rng.choice(self.regions)
            n = pn.example_number_for_type(r, rng.choice([T.FIXED_LINE, T.MOBILE]))
            if n is not None:
                self.add(pn.format_number(n, F.NATIONAL), None, "national_no_region")
        for _ in range(200):
            # random digit strings: mostly parse, mostly invalid, in a random region or as +digits
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(4, 16)))
            if rng.random() < 0.5:
                self.add("+" + digits, None, "random_digits_plus")
            else:
                self.add(digits, rng.choice(self.regions), "random_digits_region")

    def run(self):
        for region in self.regions:
            for t in TYPES:
                n = pn.example_number_for_type(region, t)
                if n is not None:
                    self.number(n, region, "example")
        for cc in sorted(pn.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
            n = pn.example_number_for_non_geo_entity(cc)
            if n is not None:
                self.number(n, "001", "nongeo")
        self.unparseable()
        return self.rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stats", action="store_true", help="print the breakdown to stderr")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    args = ap.parse_args()
    if pn.__version__ != REQUIRED_VERSION:
        sys.exit(f"phonenumbers {pn.__version__} found; this corpus needs exactly {REQUIRED_VERSION} "
                 f"(pip install phonenumbers=={REQUIRED_VERSION}), the metadata of rlibphonenumber 2.2.15")
    rows = Gen().run()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    if args.stats:
        kinds = collections.Counter(re.sub(r"^(example|nongeo)_", r"\1:", r["kind"]) for r in rows)
        print(f"{len(rows)} lines -> {args.out}", file=sys.stderr)
        print(f"parsed {sum(r['parsed'] for r in rows)}, valid {sum(r['valid'] for r in rows)}, "
              f"not parsed {sum(not r['parsed'] for r in rows)}, "
              f"default_region null {sum(r['default_region'] is None for r in rows)}, "
              f"number regions {len({r['number_region'] for r in rows if r['number_region']})}",
              file=sys.stderr)
        for k, c in sorted(kinds.items()):
            print(f"  {k:40} {c}", file=sys.stderr)


if __name__ == "__main__":
    main()
