#!/usr/bin/env python3
"""Run Microsoft Presidio on the de-identification gold corpus and score it beside Vellum with one scorer.

    scripts/deid-presidio-compare.py [--corpus DIR] [--vellum PATH] [--threshold 0.0]

Steps:
  1. a virtual environment at <repo>/.cache/presidio-venv with presidio-analyzer==PRESIDIO_VERSION (pip);
     spaCy's small English model is installed from PyPI as the package `en-core-web-sm` when PyPI has it. PyPI
     does not carry it under that name (spaCy publishes it on GitHub), so Presidio then runs **patterns only**:
     its NLP engine is the no-op engine, so there is no PERSON/LOCATION/ORGANIZATION/DATE NER, only its pattern
     recognizers. The output says which mode ran.
  2. Presidio's default English recognizers plus its US healthcare ones (MBI, NPI, medical licence, member id,
     claim, prior authorization, prescription, referral) analyze every document; its entity types are mapped to
     Vellum's kinds (ENTITY_TO_KIND) and written as a predictions file (.cache/deid-eval/presidio-predictions.json)
     with Presidio's own wall time.
  3. `vellum deid-eval --fast --json` scores the built-in rules, and `vellum deid-eval --predictions FILE --json`
     scores Presidio's spans with the same token rules; both are printed side by side.

The corpus is synthetic; the listing of Presidio's misses is saved beside the predictions for inspection.
Exit status 0 when both runs were scored, 1 otherwise (the failing step is named on stderr).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "Tests" / "DeidentificationTests" / "Fixtures" / "corpus"
VENV_DIR = REPO_ROOT / ".cache" / "presidio-venv"
OUTPUT_DIR = REPO_ROOT / ".cache" / "deid-eval"
PRESIDIO_VERSION = "2.2.366"
SPACY_MODEL_PACKAGE = "en-core-web-sm"
SPACY_MODEL = "en_core_web_sm"

# Presidio entity type -> Vellum kind. NRP (nationality, religious or political group) is not an identifier.
ENTITY_TO_KIND = {
    "PERSON": "NAME",
    "LOCATION": "CITY",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "IP_ADDRESS": "IP",
    "US_SSN": "SSN",
    "US_ITIN": "SSN",
    "US_DRIVER_LICENSE": "LICENSE",
    "MEDICAL_LICENSE": "LICENSE",
    "US_NPI": "LICENSE",
    "US_MBI": "HEALTH_PLAN_ID",
    "US_HEALTH_INSURANCE_MEMBER_ID": "HEALTH_PLAN_ID",
    "US_BANK_NUMBER": "ACCOUNT",
    "CREDIT_CARD": "ACCOUNT",
    "IBAN_CODE": "ACCOUNT",
    "ABA_ROUTING_NUMBER": "ACCOUNT",
    "US_PASSPORT": "ID_OTHER",
    "US_CLAIM_NUMBER": "ID_OTHER",
    "US_PRIOR_AUTHORIZATION_NUMBER": "ID_OTHER",
    "US_PRESCRIPTION_NUMBER": "ID_OTHER",
    "US_REFERRAL_NUMBER": "ID_OTHER",
    "US_PROVIDER_TAX_ID": "ID_OTHER",
    "UK_NHS": "ID_OTHER",
    "CRYPTO": "ID_OTHER",
    "UUID": "ID_OTHER",
    "MAC_ADDRESS": "DEVICE",
    "ORGANIZATION": "FACILITY",
}
IGNORED_ENTITIES = {"NRP"}

# Runs inside the venv: analyzes every document and prints the predictions JSON on stdout.
ANALYZER_PROGRAM = r'''
import json, sys, time
from pathlib import Path
corpus, threshold, mapping, ignored = Path(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3]), set(json.loads(sys.argv[4]))
from importlib.metadata import version
# The email recognizer's tldextract would fetch the public suffix list over the network; use its bundled snapshot.
import tldextract, tldextract.tldextract
tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
tldextract.extract = tldextract.tldextract.TLD_EXTRACTOR
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import (
    UsMbiRecognizer, UsNpiRecognizer, MedicalLicenseRecognizer, UsHealthInsuranceMemberIdRecognizer,
    UsClaimNumberRecognizer, UsPriorAuthorizationNumberRecognizer, UsPrescriptionNumberRecognizer,
    UsReferralNumberRecognizer)
try:
    import spacy
    spacy.load("en_core_web_sm")
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    nlp_engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm"}]}).create_engine()
    mode = "spaCy en_core_web_sm NER + patterns"
except Exception as error:
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
    nlp_engine.load()
    mode = "patterns only (no spaCy model: %s)" % type(error).__name__
registry = RecognizerRegistry(supported_languages=["en"])
registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
for recognizer in (UsMbiRecognizer, UsNpiRecognizer, MedicalLicenseRecognizer, UsHealthInsuranceMemberIdRecognizer,
                   UsClaimNumberRecognizer, UsPriorAuthorizationNumberRecognizer, UsPrescriptionNumberRecognizer,
                   UsReferralNumberRecognizer):
    registry.add_recognizer(recognizer())
analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
documents, unmapped, seconds = {}, {}, 0.0
analyzer.analyze("warm up", language="en")
for path in sorted(corpus.glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    results = analyzer.analyze(text=text, language="en", score_threshold=threshold)
    seconds += time.perf_counter() - start
    spans = []
    for r in results:
        if r.entity_type in ignored:
            continue
        kind = mapping.get(r.entity_type)
        if kind is None:
            unmapped[r.entity_type] = unmapped.get(r.entity_type, 0) + 1
            kind = "ID_OTHER"
        spans.append({"start": r.start, "end": r.end, "label": kind})
    documents[path.stem] = spans
print(json.dumps({"tool": "presidio-analyzer %s, %s" % (version("presidio-analyzer"), mode),
                  "seconds": seconds, "documents": documents, "unmapped": unmapped}))
'''


def log(message: str) -> None:
    print(f"deid-presidio-compare: {message}", file=sys.stderr, flush=True)


def venv_python() -> Path:
    return VENV_DIR / "bin" / "python"


def ensure_presidio() -> str:
    """Creates the venv and installs Presidio (and the spaCy model when PyPI has it); returns a mode note."""
    python = venv_python()
    if not python.exists():
        log(f"creating {VENV_DIR}")
        venv.create(VENV_DIR, with_pip=True)
    check = subprocess.run([str(python), "-c", "import presidio_analyzer, importlib.metadata as m; "
                            "print(m.version('presidio-analyzer'))"], capture_output=True, text=True)
    if check.returncode != 0 or check.stdout.strip() != PRESIDIO_VERSION:
        log(f"installing presidio-analyzer=={PRESIDIO_VERSION}")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"presidio-analyzer=={PRESIDIO_VERSION}"], check=True)
    has_model = subprocess.run([str(python), "-c", f"import {SPACY_MODEL}"], capture_output=True).returncode == 0
    marker = VENV_DIR / ".spacy-model-unavailable"
    if not has_model and not marker.exists():
        log(f"trying pip install {SPACY_MODEL_PACKAGE} (spaCy's small English model)")
        attempt = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                  SPACY_MODEL_PACKAGE], capture_output=True, text=True)
        has_model = attempt.returncode == 0
        if not has_model:
            # Remember the refusal so reruns do not ask the registry again.
            marker.write_text(attempt.stderr[-2000:], encoding="utf-8")
    return "with spaCy model" if has_model else f"{SPACY_MODEL_PACKAGE} is not on PyPI: patterns only"


def run_presidio(corpus: Path, threshold: float) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([str(venv_python()), "-c", ANALYZER_PROGRAM, str(corpus), str(threshold),
                             json.dumps(ENTITY_TO_KIND), json.dumps(sorted(IGNORED_ENTITIES))],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"presidio run failed: {result.stderr.strip()[-2000:]}")
    predictions = json.loads(result.stdout)
    if predictions.get("unmapped"):
        log(f"entity types without a mapping, scored as ID_OTHER: {predictions['unmapped']}")
    predictions.pop("unmapped", None)
    path = OUTPUT_DIR / "presidio-predictions.json"
    path.write_text(json.dumps(predictions, indent=1) + "\n", encoding="utf-8")
    return path


def vellum_binary(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    built = REPO_ROOT / ".build" / "release" / "vellum"
    if not built.exists():
        log("building vellum (swift build -c release --product vellum)")
        subprocess.run(["swift", "build", "-c", "release", "--product", "vellum"], cwd=REPO_ROOT, check=True)
    return built


def deid_eval(vellum: Path, corpus: Path, *extra: str) -> dict:
    result = subprocess.run([str(vellum), "deid-eval", "--corpus", str(corpus), "--json", *extra],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"vellum deid-eval {' '.join(extra)} failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def side_by_side(ours: dict, theirs: dict) -> str:
    def pct(value) -> str:
        return "-" if value is None else f"{value * 100:.1f}%"

    def ratio(row: dict, numerator: str, denominator: str):
        return row[numerator] / row[denominator] if row.get(denominator) else None

    rows_ours = {row["kind"]: row for row in ours["report"]["kinds"]}
    rows_theirs = {row["kind"]: row for row in theirs["report"]["kinds"]}
    kinds = [k for k in ENTITY_ORDER if k in rows_ours or k in rows_theirs]
    lines = [f"A = {ours['tool']}", f"B = {theirs['tool']}", "",
             f"{'kind':<15} {'gold':>5}  {'recall A':>9} {'recall B':>9}  {'prec A':>8} {'prec B':>8}"]
    for kind in kinds:
        a, b = rows_ours.get(kind, {}), rows_theirs.get(kind, {})
        gold = a.get("goldTokens") or b.get("goldTokens") or 0
        lines.append(f"{kind + ('' if kind != 'FACILITY' else ' *'):<15} {gold:>5}  "
                     f"{pct(ratio(a, 'recalledTokens', 'goldTokens')):>9} {pct(ratio(b, 'recalledTokens', 'goldTokens')):>9}  "
                     f"{pct(ratio(a, 'correctPredictedTokens', 'predictedTokens')):>8} "
                     f"{pct(ratio(b, 'correctPredictedTokens', 'predictedTokens')):>8}")
    lines.append("-" * 62)
    for label, key in (("recall", "recall"), ("precision", "precision"), ("recall strict", "recall_strict"),
                       ("precision strict", "precision_strict")):
        lines.append(f"{'SAFE HARBOR ' + label:<33} {pct(ours.get(key)):>9} {pct(theirs.get(key)):>9}")
    speed_a, speed_b = ours.get("characters_per_second"), theirs.get("characters_per_second")
    lines.append(f"{'characters/s':<33} {speed_a or 0:>9.0f} {speed_b or 0:>9.0f}")
    lines.append("token-level; recall counts any Safe Harbor label, strict the gold label; * not Safe Harbor")
    return "\n".join(lines)


ENTITY_ORDER = ["NAME", "ADDRESS", "CITY", "ZIP", "DATE", "AGE_OVER_89", "PHONE", "FAX", "EMAIL", "SSN", "MRN",
                "HEALTH_PLAN_ID", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "ID_OTHER", "EMPLOYER",
                "FACILITY"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--vellum", help="path to the vellum binary (default: .build/release/vellum, built if absent)")
    parser.add_argument("--threshold", type=float, default=0.0,
                        help="Presidio score threshold (default 0.0, its own default: every result counts)")
    arguments = parser.parse_args()
    try:
        mode = ensure_presidio()
        log(f"presidio: {mode}")
        predictions = run_presidio(arguments.corpus.resolve(), arguments.threshold)
        vellum = vellum_binary(arguments.vellum)
        ours = deid_eval(vellum, arguments.corpus, "--fast")
        theirs = deid_eval(vellum, arguments.corpus, "--predictions", str(predictions))
    except (RuntimeError, subprocess.CalledProcessError, OSError, ValueError) as error:
        log(f"error: {error}")
        return 1
    listing = OUTPUT_DIR / "presidio-errors.json"
    listing.write_text(json.dumps({"misses": theirs["report"]["misses"],
                                   "falsePositives": theirs["report"]["falsePositives"]}, indent=1) + "\n",
                       encoding="utf-8")
    print(side_by_side(ours, theirs))
    print(f"\nPresidio predictions: {predictions}\nPresidio misses and false positives: {listing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
