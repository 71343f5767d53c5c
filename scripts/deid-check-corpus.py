#!/usr/bin/env python3
"""Validate, author and review the synthetic de-identification gold corpus.

    scripts/deid-check-corpus.py [--corpus DIR] [--strict]      # validate every NNN-<style>.txt / .json pair
    scripts/deid-check-corpus.py --corpus DIR-WITH-dev-AND-heldout --strict   # validate each split of a corpus
    scripts/deid-check-corpus.py --show 007-discharge-summary    # print a document with its gold spans inline
    scripts/deid-check-corpus.py --from-markup SRC... [--corpus DIR]   # author: markup -> .txt + .json

Gold format (Tests/DeidentificationTests/Fixtures/corpus/NNN-<style>.json):
    {"spans": [{"start": 10, "end": 21, "label": "NAME", "text": "Maria Lopez"}, ...]}
Offsets count Unicode scalars (what Python's str indexes), end exclusive; `text` repeats the covered text so that a
checker can prove the offsets.

Validation fails on: a .txt without .json or the reverse, unreadable JSON, a missing field, an unknown label,
offsets out of range, `text` that differs from the document at the offsets, overlapping spans, a span with
leading or trailing whitespace or punctuation that belongs outside (titles such as "Dr.", a possessive "'s").
It warns (and fails with --strict) when a span's text occurs again in the same document outside every gold span:
usually a forgotten mention, occasionally an intended negative such as the eponym in "Graves disease".

Split corpora (Fixtures/corpus-2026): DIR holds dev/, heldout/ (and heldout2/) folders of pairs and no pairs of its own; each split
is validated on its own, and a NAME used in two splits is an error (the splits must not share inventions). In a
split corpus every NAME span carries "role": one of patient, relative, staff, clinician, other; a role on any other
label is an error wherever it occurs.

Markup for authoring: ⟦LABEL:covered text⟧ (or ⟦NAME/role:covered text⟧) around each identifier; the converter strips the brackets, computes
offsets and writes NNN-<style>.txt and .json named after the markup file. The brackets never occur in the corpus.

Standard library only. Exit status 0 when valid, 1 when any error (each named with file, offset and field).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "Tests" / "DeidentificationTests" / "Fixtures" / "corpus"
LABELS = {
    "NAME", "ADDRESS", "CITY", "ZIP", "DATE", "AGE_OVER_89", "PHONE", "FAX", "EMAIL", "SSN", "MRN",
    "HEALTH_PLAN_ID", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "ID_OTHER", "EMPLOYER", "FACILITY",
}
DOCUMENT_NAME = re.compile(r"^\d{3}-[a-z0-9]+(?:-[a-z0-9]+)*$")
MARKUP = re.compile(r"⟦([A-Z_0-9]+)(?:/([a-z]+))?:(.*?)⟧", re.DOTALL)
ROLES = {"patient", "relative", "staff", "clinician", "other"}
SPLITS = ("dev", "heldout", "heldout2")
# Words that must stay outside a span: a title before a name, a possessive after it.
TITLE_PREFIX = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Miss|Prof|Rev)\.?\s", re.IGNORECASE)
POSSESSIVE_SUFFIX = re.compile(r"['’]s$")
EDGE_PUNCTUATION = set(",;:\"'“”‘’")


class CorpusError(Exception):
    pass


def load_gold(json_path: Path, text: str, require_role: bool = False) -> tuple[list[dict], list[str]]:
    """The spans of one gold file and the errors found in them."""
    errors: list[str] = []
    try:
        document = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return [], [f"{json_path.name}: unreadable JSON ({error})"]
    spans = document.get("spans") if isinstance(document, dict) else None
    if not isinstance(spans, list):
        return [], [f"{json_path.name}: expected an object with a 'spans' array"]
    valid: list[dict] = []
    for index, span in enumerate(spans):
        where = f"{json_path.name}: spans[{index}]"
        if not isinstance(span, dict):
            errors.append(f"{where}: not an object")
            continue
        missing = [field for field in ("start", "end", "label", "text") if field not in span]
        if missing:
            errors.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        start, end, label, covered = span["start"], span["end"], span["label"], span["text"]
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
            errors.append(f"{where}: offsets {start}..{end} outside 0..{len(text)} or empty")
            continue
        if label not in LABELS:
            errors.append(f"{where}: unknown label {label!r}")
        if "role" in span and (label != "NAME" or span["role"] not in ROLES):
            errors.append(f"{where}: role {span['role']!r} on {label} (only NAME, one of {', '.join(sorted(ROLES))})")
        elif require_role and label == "NAME" and "role" not in span:
            errors.append(f"{where}: NAME without a role")
        if text[start:end] != covered:
            errors.append(f"{where}: text at {start}..{end} is {text[start:end]!r}, gold says {covered!r}")
            continue
        if covered != covered.strip():
            errors.append(f"{where}: {covered!r} has leading or trailing whitespace")
        if covered[0] in EDGE_PUNCTUATION or (covered[-1] in EDGE_PUNCTUATION and label != "URL"):
            errors.append(f"{where}: {covered!r} starts or ends with punctuation that belongs outside")
        if covered.count("(") != covered.count(")"):
            errors.append(f"{where}: {covered!r} has unbalanced parentheses")
        if label == "NAME" and TITLE_PREFIX.match(covered):
            errors.append(f"{where}: {covered!r} includes a title; titles stay outside the span")
        if label == "NAME" and POSSESSIVE_SUFFIX.search(covered):
            errors.append(f"{where}: {covered!r} includes a possessive 's; it stays outside the span")
        valid.append(span)
    valid.sort(key=lambda s: (s["start"], s["end"]))
    for previous, current in zip(valid, valid[1:]):
        if current["start"] < previous["end"]:
            errors.append(f"{json_path.name}: spans {previous['start']}..{previous['end']} and "
                          f"{current['start']}..{current['end']} overlap")
    return valid, errors


def unannotated_repeats(text: str, spans: list[dict]) -> list[str]:
    """Other occurrences of a span's text, as a whole word, that no gold span covers."""
    covered = [False] * len(text)
    for span in spans:
        for i in range(span["start"], span["end"]):
            covered[i] = True
    warnings = []
    seen: set[str] = set()
    for span in spans:
        needle = span["text"]
        if needle in seen or len(needle) < 3:
            continue
        seen.add(needle)
        for match in re.finditer(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text):
            if not any(covered[match.start():match.end()]):
                warnings.append(f"{match.start()}..{match.end()} {needle!r} ({span['label']} elsewhere) is not gold")
    return warnings


def check(corpus: Path, strict: bool) -> int:
    splits = [corpus / split for split in SPLITS if (corpus / split).is_dir()]
    if splits and not any(corpus.glob("*.txt")):
        names: dict[str, set[str]] = {}
        status = 0
        for split in splits:
            print(f"== {split.name}")
            status |= check_split(split, strict, require_role=True, names=names.setdefault(split.name, set()))
        present = [split for split in SPLITS if split in names]
        shared_any = False
        for i, first in enumerate(present):
            for second in present[i + 1:]:
                for name in sorted(names[first] & names[second]):
                    print(f"error: NAME {name!r} occurs in both {first}/ and {second}/", file=sys.stderr)
                    shared_any = True
        if shared_any:
            print("FAILED")
            status = 1
        return status
    return check_split(corpus, strict, require_role=corpus.name in SPLITS, names=set())


def check_split(corpus: Path, strict: bool, require_role: bool, names: set[str]) -> int:
    texts = {p.stem: p for p in corpus.glob("*.txt")}
    golds = {p.stem: p for p in corpus.glob("*.json")}
    errors: list[str] = []
    warnings: list[str] = []
    for stem in sorted(set(texts) ^ set(golds)):
        errors.append(f"{stem}: has {'text' if stem in texts else 'gold'} but no {'gold' if stem in texts else 'text'}")
    label_counts: dict[str, int] = {}
    role_counts: dict[str, int] = {}
    documents = characters = 0
    for stem in sorted(set(texts) & set(golds)):
        if not DOCUMENT_NAME.match(stem):
            errors.append(f"{stem}: file name is not NNN-<style>")
        try:
            text = texts[stem].read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            errors.append(f"{stem}.txt: invalid UTF-8 at byte {error.start}")
            continue
        if "⟦" in text or "⟧" in text:
            errors.append(f"{stem}.txt: leftover authoring markup at {text.find('⟦' if '⟦' in text else '⟧')}")
        spans, span_errors = load_gold(golds[stem], text, require_role)
        errors.extend(span_errors)
        characters += len(text)
        warnings.extend(f"{stem}: {w}" for w in unannotated_repeats(text, spans))
        for span in spans:
            label_counts[span["label"]] = label_counts.get(span["label"], 0) + 1
            if span["label"] == "NAME":
                names.add(span["text"])
                if "role" in span:
                    role_counts[span["role"]] = role_counts.get(span["role"], 0) + 1
        documents += 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"{documents} documents, {characters} characters, {sum(label_counts.values())} gold spans")
    for label in sorted(LABELS):
        print(f"  {label:<15} {label_counts.get(label, 0):>5}")
    if role_counts:
        print("NAME spans by role: " + ", ".join(f"{role} {role_counts.get(role, 0)}" for role in sorted(ROLES)))
    unused = sorted(LABELS - set(label_counts))
    if unused:
        print(f"labels with no gold span: {', '.join(unused)}")
    failed = bool(errors) or (strict and bool(warnings))
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


def from_markup(sources: list[Path], corpus: Path) -> int:
    for source in sources:
        marked = source.read_text(encoding="utf-8")
        # NFC so that offsets mean the same in every tool; a corpus file may still carry a deliberate combining
        # mark written as an escape-free decomposed sequence, which NFC would fold, so only warn.
        if unicodedata.normalize("NFC", marked) != marked:
            print(f"note: {source.name} is not NFC; offsets follow the scalars as written", file=sys.stderr)
        plain: list[str] = []
        spans: list[dict] = []
        cursor = 0
        length = 0
        for match in MARKUP.finditer(marked):
            before = marked[cursor:match.start()]
            plain.append(before)
            length += len(before)
            label, role, covered = match.group(1), match.group(2), match.group(3)
            if label not in LABELS or (role is not None and (label != "NAME" or role not in ROLES)):
                print(f"error: {source.name}: unknown label or role {match.group(0)[:40]!r} at markup offset "
                      f"{match.start()}", file=sys.stderr)
                return 1
            span = {"start": length, "end": length + len(covered), "label": label, "text": covered}
            if role is not None:
                span["role"] = role
            spans.append(span)
            plain.append(covered)
            length += len(covered)
            cursor = match.end()
        plain.append(marked[cursor:])
        text = "".join(plain)
        if "⟦" in text or "⟧" in text:
            print(f"error: {source.name}: unbalanced markup near {text.find('⟦')}", file=sys.stderr)
            return 1
        stem = source.stem
        (corpus / f"{stem}.txt").write_text(text, encoding="utf-8")
        gold = {"spans": spans}
        (corpus / f"{stem}.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def show(corpus: Path, stem: str) -> int:
    text = (corpus / f"{stem}.txt").read_text(encoding="utf-8")
    spans, errors = load_gold(corpus / f"{stem}.json", text)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    pieces, cursor = [], 0
    for span in spans:
        pieces.append(text[cursor:span["start"]])
        role = f"/{span['role']}" if "role" in span else ""
        pieces.append(f"⟦{span['label']}{role}:{text[span['start']:span['end']]}⟧")
        cursor = span["end"]
    pieces.append(text[cursor:])
    print("".join(pieces), end="")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--show", metavar="DOCUMENT", help="print one document with its gold spans inline")
    parser.add_argument("--from-markup", nargs="+", type=Path, metavar="SRC", help="convert markup files")
    arguments = parser.parse_args()
    if arguments.from_markup:
        arguments.corpus.mkdir(parents=True, exist_ok=True)
        status = from_markup(arguments.from_markup, arguments.corpus)
        return status or check(arguments.corpus, arguments.strict)
    if arguments.show:
        return show(arguments.corpus, arguments.show)
    return check(arguments.corpus, arguments.strict)


if __name__ == "__main__":
    sys.exit(main())
