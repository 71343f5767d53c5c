#!/usr/bin/env python3
"""Validate the drafting fixtures' gold files against their inputs.

Usage: python3 check_gold.py [FIXTURES_DIR]     (default: this file's directory)

Exit status 0 when every check passes, 1 otherwise. Checks:

records/<split>/NAME.txt + NAME.gold.json      (every split folder present: dev, heldout, heldout2, ...)
  - the gold has exactly the keys medications, allergies, problems, timeline, results, traps,
    each item has exactly its documented fields with the documented types and enum values;
  - every medication / allergy / problem / result name, or one of its aliases, occurs in the record
    (case-insensitive);
  - every medication dose's first number, and every result value, occurs in the record;
  - every timeline and result date (ISO) occurs in the record in at least one written form
    (2024-03-12, 03/12/2024, 3/12/24, March 12, 2024, Mar 12, 12-Mar-2024, Mar 12 '24, 12-03 style, ...);
  - every timeline keyword has at least one '|' alternative occurring in the record;
  - every trap has a known kind and the fields that kind needs; a trap's item (or its first word),
    and a value trap's forbidden value, occur in the record;
  - record sizes: reported, and two records in 20,000-35,000 characters.

notes/<split>/NAME.txt + NAME.gold.json
  - shape of facts / not_documented / traps;
  - every alternative list of every fact's `match` has at least one alternative occurring in the input
    (case-insensitive substring);
  - every trap regex compiles and matches neither the input nor any gold fact text (a faithful
    rendering must not trip a trap);
  - no not_documented term occurs in the input;
  - 3-25 lines per input.

appeals/CASE/ and appeals/<split>/CASE/: the four files, criteria in order, evidence passages.

Also: each split's file counts, and that SPLIT.md lists the current SHA-256 of every file of every heldout*
folder (records, notes, coding, appeals).
"""
import datetime
import hashlib
import json
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
errors = []
warnings = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def warn(where, msg):
    warnings.append(f"{where}: {msg}")


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def date_forms(iso):
    d = datetime.date.fromisoformat(iso)
    m, day, y = d.month, d.day, d.year
    full, abbr = MONTHS[m - 1], MONTHS[m - 1][:3]
    yy = f"{y % 100:02d}"
    forms = {
        iso,
        f"{m:02d}/{day:02d}/{y}", f"{m}/{day}/{y}", f"{m:02d}/{day:02d}/{yy}", f"{m}/{day}/{yy}",
        f"{m:02d}-{day:02d}-{y}", f"{m}-{day}-{y}", f"{m:02d}.{day:02d}.{y}",
        f"{full} {day}, {y}", f"{abbr} {day}, {y}", f"{abbr}. {day}, {y}", f"{full} {day} {y}",
        f"{day} {full} {y}", f"{day} {abbr} {y}", f"{day:02d}-{abbr}-{y}", f"{day}-{abbr}-{y}",
        f"{day:02d} {abbr} {y}", f"{day:02d}{abbr.upper()}{y}",
        f"{abbr} {day} '{yy}", f"{abbr}. {day} '{yy}",
    }
    if m == 9:
        forms |= {f"Sept {day}, {y}", f"Sept. {day}, {y}", f"{day} Sept {y}"}
    return forms


def date_in(text, iso):
    low = norm(text)
    for f in date_forms(iso):
        f = f.lower()
        # the form must not be glued to a digit on either side (3/1/24 inside 3/1/245 or 13/1/24)
        for mt in re.finditer(re.escape(f), low):
            before = low[mt.start() - 1] if mt.start() > 0 else " "
            after = low[mt.end()] if mt.end() < len(low) else " "
            if not before.isdigit() and not after.isdigit():
                return True
    return False


def norm(s):
    return re.sub(r"\s+", " ", s).lower()


def occurs(text, s):
    """Case-insensitive substring test; runs of white space (line breaks too) count as one space."""
    return norm(s) in norm(text)


def alt_pattern(alt):
    """The regular expression for one alternative of a `match` element or a timeline keyword.

    Case-insensitive; runs of white space match any white space. Boundaries:
    - an alternative that starts with a letter must not follow a letter; one that starts with a digit must
      not follow a digit or a decimal point ("10" is not found in "100" or "1.10");
    - an alternative that ends with a digit must not be followed by a digit or by a decimal point and digit
      ("4" is not found in "4.2" or "45");
    - an alternative written in capitals (an abbreviation such as ED, PT, K, SI, M, F, R, L, A1C) must also
      not be followed by a letter other than a plural s, so ED is not found in "used" or "edema" but NSAID
      is found in "NSAIDs";
    - any other alternative is a prefix, so "increas" finds "increased" and "neurolog" finds "neurology".
    """
    alt = alt.strip()
    body = r"\s+".join(re.escape(w) for w in alt.split())
    lead = ""
    if alt[0].isalpha():
        lead = r"(?<![A-Za-z])"
    elif alt[0].isdigit():
        lead = r"(?<![0-9.])"
    trail = ""
    if alt[-1].isdigit():
        trail = r"(?![0-9]|\.[0-9])"
    elif alt[-1].isalpha() and alt.upper() == alt and any(c.isalpha() for c in alt):
        trail = r"(?:s)?(?![A-Za-z])"
    return re.compile(lead + body + trail, re.I)


def alt_in(text, alt):
    return alt_pattern(alt).search(text) is not None


def any_alt(text, alts):
    """True when one of the '|'-separated alternatives occurs in text (see alt_pattern)."""
    return any(alt_in(text, a) for a in alts.split("|") if a.strip())


def is_iso(s):
    try:
        datetime.date.fromisoformat(s)
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) is not None
    except (TypeError, ValueError):
        return False


def check_fields(where, obj, spec):
    if not isinstance(obj, dict):
        err(where, "not an object")
        return False
    if set(obj) != set(spec):
        err(where, f"keys {sorted(obj)} != {sorted(spec)}")
        return False
    ok = True
    for k, t in spec.items():
        v = obj[k]
        if t == "str" and not (isinstance(v, str) and v.strip()):
            err(where, f"{k} must be a non-empty string"); ok = False
        elif t == "str?" and not (v is None or (isinstance(v, str) and v.strip())):
            err(where, f"{k} must be a string or null"); ok = False
        elif t == "strlist" and not (isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)):
            err(where, f"{k} must be a list of strings"); ok = False
        elif isinstance(t, set) and v not in t:
            err(where, f"{k}={v!r} not in {sorted(t)}"); ok = False
    return ok


MED = {"name": "str", "aliases": "strlist", "dose": "str?", "frequency": "str?",
       "status": {"current", "stopped", "changed", "planned"}}
ALLERGY = {"substance": "str", "aliases": "strlist", "reaction": "str?"}
PROBLEM = {"name": "str", "aliases": "strlist", "status": {"active", "resolved", "historical"}}
EVENT = {"date": "str", "event": "str", "keywords": "strlist"}
RESULT = {"name": "str", "aliases": "strlist", "value": "str", "unit": "str?", "date": "str?"}
TRAP_KINDS = {
    "status": {"forbidden_status"},
    "dose": {"forbidden_dose"},
    "not_done": set(),
    "value": {"forbidden_value"},
    "not_patient": set(),
    "negated": set(),
    "intolerance_not_allergy": set(),
    "not_allergy": set(),
    "unconfirmed": set(),
}


def check_record(path_txt, path_gold):
    name = os.path.relpath(path_gold, ROOT)
    text = open(path_txt, encoding="utf-8").read()
    try:
        gold = json.load(open(path_gold, encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        err(name, f"invalid JSON: {e}")
        return 0
    keys = ["medications", "allergies", "problems", "timeline", "results", "traps"]
    if set(gold) != set(keys):
        err(name, f"top-level keys {sorted(gold)} != {sorted(keys)}")
        return len(text)
    for i, m in enumerate(gold["medications"]):
        w = f"{name} medications[{i}]"
        if not check_fields(w, m, MED):
            continue
        if not any(occurs(text, n) for n in [m["name"]] + m["aliases"]):
            err(w, f"neither {m['name']!r} nor an alias occurs in the record")
        if m["dose"]:
            num = re.search(r"\d+(\.\d+)?", m["dose"])
            if num and not occurs(text, num.group(0)):
                err(w, f"dose number {num.group(0)} not in record")
    for i, a in enumerate(gold["allergies"]):
        w = f"{name} allergies[{i}]"
        if not check_fields(w, a, ALLERGY):
            continue
        if not any(occurs(text, n) for n in [a["substance"]] + a["aliases"]):
            err(w, f"{a['substance']!r} not in record")
        if a["reaction"] and not occurs(text, a["reaction"]):
            warn(w, f"reaction {a['reaction']!r} not verbatim in record")
    for i, p in enumerate(gold["problems"]):
        w = f"{name} problems[{i}]"
        if not check_fields(w, p, PROBLEM):
            continue
        if not any(occurs(text, n) for n in [p["name"]] + p["aliases"]):
            err(w, f"neither {p['name']!r} nor an alias occurs in the record")
    for i, e in enumerate(gold["timeline"]):
        w = f"{name} timeline[{i}]"
        if not check_fields(w, e, EVENT):
            continue
        if not is_iso(e["date"]):
            err(w, f"date {e['date']!r} not ISO")
        elif not date_in(text, e["date"]):
            err(w, f"date {e['date']} not found in any written form")
        if not 1 <= len(e["keywords"]) <= 3:
            err(w, "keywords must have 1-3 entries")
        for k in e["keywords"]:
            if not any_alt(text, k):
                err(w, f"keyword {k!r}: no alternative occurs in the record")
            if not any_alt(e["event"], k):
                warn(w, f"keyword {k!r} not in its own event text")
    for i, r in enumerate(gold["results"]):
        w = f"{name} results[{i}]"
        if not check_fields(w, r, RESULT):
            continue
        if not any(occurs(text, n) for n in [r["name"]] + r["aliases"]):
            err(w, f"neither {r['name']!r} nor an alias occurs")
        if not occurs(text, r["value"]):
            err(w, f"value {r['value']} not in record")
        if r["date"] is not None:
            if not is_iso(r["date"]):
                err(w, f"date {r['date']!r} not ISO")
            elif not date_in(text, r["date"]):
                err(w, f"date {r['date']} not found in any written form")
    for i, t in enumerate(gold["traps"]):
        w = f"{name} traps[{i}]"
        if not isinstance(t, dict) or t.get("kind") not in TRAP_KINDS:
            err(w, f"unknown trap kind {t.get('kind') if isinstance(t, dict) else t!r}")
            continue
        need = {"kind", "item", "why"} | TRAP_KINDS[t["kind"]]
        if set(t) != need:
            err(w, f"keys {sorted(t)} != {sorted(need)}")
            continue
        known = [n for sec in ("medications", "problems", "results", "allergies")
                 for g in gold[sec] if isinstance(g, dict)
                 for n in ([g.get("name") or g.get("substance")] + list(g.get("aliases", [])))
                 if (g.get("name") or g.get("substance", "")).lower() == t["item"].lower()]
        if not occurs(text, t["item"]) and not any(occurs(text, n) for n in known if n):
            err(w, f"trap item {t['item']!r} (or the aliases of the gold item of that name) not in record")
        if t["kind"] == "value" and not occurs(text, t["forbidden_value"]):
            err(w, f"forbidden value {t['forbidden_value']} not in record (a value trap must be a real distractor)")
        if t["kind"] == "status" and t["forbidden_status"] not in {"current", "active", "stopped", "resolved", "planned", "changed", "historical"}:
            err(w, f"forbidden_status {t['forbidden_status']!r}")
    kinds = {t.get("kind") for t in gold["traps"] if isinstance(t, dict)}
    for k in ("status", "not_done", "value", "not_patient", "negated", "intolerance_not_allergy"):
        if k not in kinds:
            warn(name, f"no {k} trap")
    return len(text)


FACT = {"drug", "dose", "frequency", "number", "vital", "lab", "score", "date", "laterality",
        "negation", "finding", "plan", "history", "allergy", "demographic", "duration"}


def check_note(path_txt, path_gold):
    name = os.path.relpath(path_gold, ROOT)
    text = open(path_txt, encoding="utf-8").read()
    lines = [l for l in text.splitlines() if l.strip()]
    if not 3 <= len(lines) <= 25:
        err(name, f"input has {len(lines)} non-empty lines (want 3-25)")
    try:
        gold = json.load(open(path_gold, encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        err(name, f"invalid JSON: {e}")
        return
    if set(gold) != {"facts", "not_documented", "traps"}:
        err(name, f"top-level keys {sorted(gold)}")
        return
    fact_texts = []
    for i, f in enumerate(gold["facts"]):
        w = f"{name} facts[{i}]"
        allowed = {"kind", "text", "match", "negated"}
        if not isinstance(f, dict) or not {"kind", "text", "match"} <= set(f) or not set(f) <= allowed:
            err(w, f"bad fact keys {sorted(f) if isinstance(f, dict) else f}")
            continue
        if f["kind"] not in FACT:
            err(w, f"kind {f['kind']!r} not in {sorted(FACT)}")
        if "negated" in f and not isinstance(f["negated"], bool):
            err(w, "negated must be a boolean")
        if not (isinstance(f["match"], list) and f["match"] and all(isinstance(m, str) for m in f["match"])):
            err(w, "match must be a non-empty list of strings")
            continue
        fact_texts.append(f["text"])
        for m in f["match"]:
            if not any_alt(text, m):
                err(w, f"match element {m!r}: no alternative occurs in the input")
            if not any_alt(f["text"], m):
                err(w, f"match element {m!r}: no alternative occurs in the fact's own text {f['text']!r}")
    if not (isinstance(gold["not_documented"], list) and all(isinstance(x, str) for x in gold["not_documented"])):
        err(name, "not_documented must be a list of strings")
    else:
        for nd in gold["not_documented"]:
            if re.search(r"\b" + re.escape(nd.lower()), text.lower()):
                err(name, f"not_documented {nd!r} occurs in the input")
    for i, t in enumerate(gold["traps"]):
        w = f"{name} traps[{i}]"
        if not isinstance(t, dict) or set(t) != {"kind", "forbidden", "why"}:
            err(w, f"bad trap keys {sorted(t) if isinstance(t, dict) else t}")
            continue
        for rx in t["forbidden"]:
            try:
                c = re.compile(rx, re.I)
            except re.error as e:
                err(w, f"regex {rx!r}: {e}")
                continue
            if c.search(text):
                err(w, f"regex {rx!r} matches the input itself")
            for ft in fact_texts:
                if c.search(ft):
                    err(w, f"regex {rx!r} matches gold fact text {ft!r}")
    if not gold["traps"]:
        warn(name, "no traps")


SENT_END = re.compile(r"(?<=[.!?;])\s+")
NEG_CUE = re.compile(r"\b(no|not|denies|denied|negative|neg|without|absent|none|nor|free of|ruled out|normal|intact)\b|w/o", re.I)
ND_SYNONYMS = {
    "smoking": ["smok", "tobacco", "cigarette"], "smoke": ["smok", "tobacco"], "alcohol": ["alcohol", "EtOH", "drink"],
    "allergies": ["allerg", "NKDA"], "pregnancy": ["pregnan", "hCG"], "pregnancy test": ["pregnancy test", "hCG"],
    "daycare": ["daycare", "day care"], "pets": ["pets"], "lead": ["lead level", "lead exposure"],
    "substance": ["substance", "drug use"], "sexual": ["sexual"], "sick contacts": ["sick contact"],
    "NSAID": ["NSAID"], "immunosuppress": ["immunosuppress"], "diabetes": ["diabetes"],
}
FILL_CUE = re.compile(r"\b(denies|denied|no|none|never|negative|NKDA)\b|\bnon-?\w", re.I)
EXEMPT_CUE = re.compile(r"not documented|not recorded|unknown|not assessed|not discussed|not stated", re.I)


def units(text):
    """A draft's units: lines, split again at sentence ends (., !, ?, ; followed by white space)."""
    out = []
    for line in text.splitlines():
        out += [u for u in SENT_END.split(line) if u.strip()]
    return out


def covered(us, fact):
    for u in us:
        if all(any_alt(u, el) for el in fact["match"]):
            if not fact.get("negated") or NEG_CUE.search(u):
                return True
    return False


def score_draft(draft, gold):
    """(uncovered facts, asserted traps, filled not_documented terms) of a draft under the README's rules."""
    us = units(draft)
    missing = [f["text"] for f in gold["facts"] if not covered(us, f)]
    traps = [rx for t in gold["traps"] for rx in t["forbidden"] if re.search(rx, draft, re.I)]
    filled = []
    for nd in gold["not_documented"]:
        terms = [nd] + ND_SYNONYMS.get(nd, [])
        for u in us:
            if any(alt_in(u, t) for t in terms) and FILL_CUE.search(u) and not EXEMPT_CUE.search(u):
                filled.append(f"{nd}: {u.strip()}")
    return missing, traps, filled


def check_reference(path_ref, path_gold):
    """A hand-written faithful draft must cover every fact, trip no trap and fill no undocumented status."""
    name = os.path.relpath(path_ref, ROOT)
    gold = json.load(open(path_gold, encoding="utf-8"))
    missing, traps, filled = score_draft(open(path_ref, encoding="utf-8").read(), gold)
    for m in missing:
        err(name, f"reference draft does not cover fact {m!r}")
    for rx in traps:
        err(name, f"reference draft trips trap {rx!r}")
    for f in filled:
        err(name, f"reference draft fills not_documented {f!r}")


def check_trap_examples(folder):
    """notes/<split>/trap_examples.json: one unfaithful sentence per trap, in trap order, that must trip it.

    This is the negative control for the trap regexes (a regex that can never match would pass every draft)."""
    path = os.path.join(folder, "trap_examples.json")
    if not os.path.exists(path):
        warn(os.path.relpath(folder, ROOT), "no trap_examples.json")
        return
    ex = json.load(open(path, encoding="utf-8"))
    for name, examples in ex.items():
        g = os.path.join(folder, name + ".gold.json")
        if not os.path.exists(g):
            err(os.path.relpath(path, ROOT), f"{name}: no such gold")
            continue
        traps = json.load(open(g, encoding="utf-8"))["traps"]
        if len(examples) != len(traps):
            err(os.path.relpath(path, ROOT), f"{name}: {len(examples)} examples for {len(traps)} traps")
            continue
        for i, (e, t) in enumerate(zip(examples, traps)):
            if not any(re.search(rx, e, re.I) for rx in t["forbidden"]):
                err(os.path.relpath(path, ROOT), f"{name}: example {e!r} does not trip trap {i} ({t['kind']})")
    for fn in os.listdir(folder):
        if fn.endswith(".gold.json") and fn[:-10] not in ex:
            err(os.path.relpath(path, ROOT), f"no examples for {fn[:-10]}")


EM_NEW = ["99202", "99203", "99204", "99205"]
EM_EST = ["99212", "99213", "99214", "99215"]
# column value -> MDM level 0..3 (straightforward, low, moderate, high)
MDM_PROBLEMS = {"minimal": 0, "low": 1, "moderate": 2, "high": 3}
MDM_DATA = {"minimal": 0, "limited": 1, "moderate": 2, "extensive": 3}
MDM_RISK = {"minimal": 0, "low": 1, "moderate": 2, "high": 3}
# 2021+ office visit total-time thresholds (minutes, met or exceeded), AMA CPT 2024 wording
TIME_NEW = [(60, 3), (45, 2), (30, 1), (15, 0)]
TIME_EST = [(40, 3), (30, 2), (20, 1), (10, 0)]
ICD_TOKEN = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


def icd_module():
    try:
        import simple_icd_10_cm as cm  # pip install simple-icd-10-cm (carries the April 2026 tabular list)
        return cm
    except ImportError:
        return None


def check_coding(path_txt, path_gold, cm):
    name = os.path.relpath(path_gold, ROOT)
    text = open(path_txt, encoding="utf-8").read()
    try:
        g = json.load(open(path_gold, encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        err(name, f"invalid JSON: {e}")
        return
    keys = {"icd10", "em_level", "mdm", "time_minutes", "more_specific_needs", "must_not"}
    if set(g) != keys:
        err(name, f"keys {sorted(g)} != {sorted(keys)}")
        return
    for i, c in enumerate(g["icd10"]):
        w = f"{name} icd10[{i}]"
        if not isinstance(c, dict) or set(c) != {"code", "evidence"}:
            err(w, "must be {code, evidence}")
            continue
        if not occurs(text, c["evidence"]):
            err(w, f"evidence {c['evidence']!r} is not a passage of the note")
        if cm is not None:
            if not cm.is_valid_item(c["code"]):
                err(w, f"{c['code']} is not in the ICD-10-CM table")
            elif not cm.is_leaf(c["code"]):
                err(w, f"{c['code']} is not billable (not a leaf of the tabular list)")
    new = re.search(r"\bnew patient\b", text, re.I) is not None
    allowed = EM_NEW if new else EM_EST
    if g["em_level"] not in allowed:
        err(name, f"em_level {g['em_level']} not a {'new' if new else 'established'} patient office code {allowed}")
        return
    m = g["mdm"]
    if not isinstance(m, dict) or set(m) != {"problems", "data", "risk"} or m["problems"] not in MDM_PROBLEMS \
            or m["data"] not in MDM_DATA or m["risk"] not in MDM_RISK:
        err(name, f"mdm {m} must be problems {list(MDM_PROBLEMS)}, data {list(MDM_DATA)}, risk {list(MDM_RISK)}")
        return
    cols = sorted([MDM_PROBLEMS[m["problems"]], MDM_DATA[m["data"]], MDM_RISK[m["risk"]]], reverse=True)
    mdm_level = cols[1]  # two of three columns must meet or exceed the level
    level = mdm_level
    t = g["time_minutes"]
    if t is not None:
        if not isinstance(t, int) or not re.search(rf"\b{t} minutes\b", text):
            err(name, f"time_minutes {t!r} must be an integer the note documents as 'N minutes'")
        else:
            tl = next((lv for th, lv in (TIME_NEW if new else TIME_EST) if t >= th), None)
            if tl is not None:
                level = max(level, tl)
    if allowed[level] != g["em_level"]:
        err(name, f"em_level {g['em_level']} != {allowed[level]} implied by MDM {m} (two of three)"
                  + (f" and time {t} min" if t is not None else ""))
    for k in ("more_specific_needs", "must_not"):
        if not (isinstance(g[k], list) and all(isinstance(x, str) and x.strip() for x in g[k])):
            err(name, f"{k} must be a list of strings")
            continue
        if cm is not None:
            for x in g[k]:
                for tok in ICD_TOKEN.findall(x):
                    if not cm.is_valid_item(tok):
                        err(name, f"{k}: {tok} (in {x[:40]!r}) is not in the ICD-10-CM table")


def check_appeal(folder):
    name = os.path.relpath(folder, ROOT)
    need = ["rationale.txt", "denial.txt", "criteria.txt", "gold.json"]
    for f in need:
        if not os.path.exists(os.path.join(folder, f)):
            err(name, f"missing {f}")
            return
    rationale = open(os.path.join(folder, "rationale.txt"), encoding="utf-8").read()
    criteria = re.findall(r"^(\d+)\.\s+(.*)$", open(os.path.join(folder, "criteria.txt"), encoding="utf-8").read(), re.M)
    g = json.load(open(os.path.join(folder, "gold.json"), encoding="utf-8"))
    if not {"criteria", "denial_reason", "must_not"} <= set(g):
        err(name, "gold.json needs criteria, denial_reason, must_not")
        return
    items = g["criteria"]
    if [(c.get("number"), c.get("criterion")) for c in items] != [(int(n), t) for n, t in criteria]:
        err(name, "gold criteria do not list the numbered criteria of criteria.txt in order")
    for c in items:
        if c.get("status") not in ("met", "missing"):
            err(name, f"criterion {c.get('number')}: status {c.get('status')!r}")
        elif c["status"] == "met" and not (isinstance(c.get("evidence"), str) and occurs(rationale, c["evidence"])):
            err(name, f"criterion {c['number']}: evidence not a passage of rationale.txt")
        elif c["status"] == "missing" and c.get("evidence") is not None:
            err(name, f"criterion {c['number']}: missing criterion with evidence")
    if not any(c.get("status") == "missing" for c in items):
        warn(name, "no missing criterion")


def phi_kinds():
    swift = os.path.join(ROOT, "..", "..", "..", "Sources", "Deidentification", "Core", "PHIKind.swift")
    if os.path.exists(swift):
        return re.findall(r'case\s+\w+\s*=\s*"([A-Z_0-9]+)"', open(swift, encoding="utf-8").read())
    return None


def check_frontdesk(path_txt, path_gold, kinds_known):
    name = os.path.relpath(path_gold, ROOT)
    text = open(path_txt, encoding="utf-8").read()
    g = json.load(open(path_gold, encoding="utf-8"))
    if not {"has_phi", "kinds"} <= set(g) or not set(g) <= {"has_phi", "kinds", "request_kind", "spans"}:
        err(name, f"keys {sorted(g)}")
        return
    spans = g.get("spans", [])
    for sp in spans:
        if text[sp["start"]:sp["end"]] != sp["text"]:
            err(name, f"span {sp} does not select its text")
        if kinds_known is not None and sp["label"] not in kinds_known:
            err(name, f"label {sp['label']} is not a PHIKind raw value")
    if g["has_phi"] != bool(spans):
        err(name, "has_phi disagrees with spans")
    if set(g["kinds"]) != {sp["label"] for sp in spans}:
        err(name, "kinds is not the set of span labels")
    if kinds_known is not None and g["kinds"] != [k for k in kinds_known if k in g["kinds"]]:
        err(name, "kinds not in PHIKind declaration order")


def split_dirs(kind):
    """The split folders present under records/, notes/ or coding/ (dev, heldout, heldout2, ...)."""
    d = os.path.join(ROOT, kind)
    return sorted(s for s in os.listdir(d) if os.path.isdir(os.path.join(d, s))) if os.path.isdir(d) else []


def appeal_cases(ad):
    """(split label, case folder) of appeals/CASE (label "appeals") and appeals/<split>/CASE."""
    out = []
    for d in sorted(os.listdir(ad)):
        p = os.path.join(ad, d)
        if not os.path.isdir(p):
            continue
        subs = sorted(x for x in os.listdir(p) if os.path.isdir(os.path.join(p, x)))
        if os.path.exists(os.path.join(p, "gold.json")) or not subs:
            out.append(("appeals", p))
        else:
            out += [(f"appeals/{d}", os.path.join(p, x)) for x in subs]
    return out


def pairs(folder):
    out = []
    if not os.path.isdir(folder):
        return out
    for fn in sorted(os.listdir(folder)):
        if fn.endswith(".txt") and not fn.endswith(".ref.txt"):
            g = os.path.join(folder, fn[:-4] + ".gold.json")
            if not os.path.exists(g):
                err(os.path.relpath(os.path.join(folder, fn), ROOT), "no gold file")
            else:
                out.append((os.path.join(folder, fn), g))
        elif fn.endswith(".ref.txt"):
            continue
        elif fn.endswith(".gold.json") and not os.path.exists(os.path.join(folder, fn[:-10] + ".txt")):
            err(os.path.relpath(os.path.join(folder, fn), ROOT), "gold without input")
    return out


def main():
    sizes = {}
    counts = {}
    for split in sorted(set(split_dirs("records")) | set(split_dirs("notes"))):
        ps = pairs(os.path.join(ROOT, "records", split))
        counts[f"records/{split}"] = len(ps)
        for t, g in ps:
            sizes[os.path.relpath(t, ROOT)] = check_record(t, g)
        ps = pairs(os.path.join(ROOT, "notes", split))
        counts[f"notes/{split}"] = len(ps)
        if os.path.isdir(os.path.join(ROOT, "notes", split)):
            check_trap_examples(os.path.join(ROOT, "notes", split))
        for t, g in ps:
            check_note(t, g)
            ref = t[:-4] + ".ref.txt"
            if os.path.exists(ref):
                check_reference(ref, g)
                counts[f"notes/{split} reference drafts"] = counts.get(f"notes/{split} reference drafts", 0) + 1
    cm = icd_module()
    if cm is None and os.path.isdir(os.path.join(ROOT, "coding")):
        warn("coding", "simple_icd_10_cm not installed: codes not validated (pip install simple-icd-10-cm)")
    for split in split_dirs("coding"):
        ps = pairs(os.path.join(ROOT, "coding", split))
        if ps:
            counts[f"coding/{split}"] = len(ps)
        for t, g in ps:
            check_coding(t, g, cm)
    ad = os.path.join(ROOT, "appeals")
    if os.path.isdir(ad):
        for label, d in appeal_cases(ad):
            counts[label] = counts.get(label, 0) + 1
            check_appeal(d)
    fd = os.path.join(ROOT, "frontdesk")
    if os.path.isdir(fd):
        ps = pairs(fd)
        counts["frontdesk"] = len(ps)
        kk = phi_kinds()
        for t, g in ps:
            check_frontdesk(t, g, kk)
        n_phi = sum(json.load(open(g))["has_phi"] for _, g in ps)
        counts["frontdesk with PHI"] = n_phi
    long_ = [k for k, v in sizes.items() if 20000 <= v <= 35000]
    if len(long_) < 2:
        err("records", f"only {len(long_)} records in 20,000-35,000 characters")
    for k, v in sizes.items():
        if k not in long_ and not 6000 <= v <= 15000:
            warn(k, f"{v} characters, outside 6,000-15,000")
    split_md = os.path.join(ROOT, "SPLIT.md")
    if os.path.exists(split_md):
        s = open(split_md, encoding="utf-8").read()
        for kind in ("records", "notes", "coding", "appeals"):
            for split in split_dirs(kind):
                if not split.startswith("heldout"):
                    continue
                for top, _, files in sorted(os.walk(os.path.join(ROOT, kind, split))):
                    for fn in sorted(files):
                        f = os.path.join(top, fn)
                        h = hashlib.sha256(open(f, "rb").read()).hexdigest()
                        if h not in s:
                            err("SPLIT.md", f"{os.path.relpath(f, ROOT)}: sha256 {h} not listed (file changed or not frozen)")
    else:
        warn("SPLIT.md", "missing")
    for k, v in sorted(counts.items()):
        print(f"{k}: {v}")
    for k, v in sorted(sizes.items()):
        print(f"  {k}: {v} chars")
    for w in warnings:
        print("WARN ", w)
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
