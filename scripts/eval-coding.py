#!/usr/bin/env python3
"""Scores `vellum code` on the coding fixtures (Tests/DraftingTests/Fixtures/coding/README.md says what gold means).

    scripts/eval-coding.py --split dev|heldout|heldoutN [--model M] [--binary PATH] [--out DIR]

For each note: the suggested ICD-10-CM codes against gold `icd10` (exact code: precision, recall), any
`must_not` code suggested, the E/M level against `em_level` (exact match; over-coding = a suggested level above
the gold one, or a new-patient code for an established patient or the reverse), that every evidence quote sits
at its offsets in the note, and the wall time of the whole command (model load included). Drafts go to a
throw-away store. Run the release build (`swift build -c release --product vellum`).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "DraftingTests", "Fixtures", "coding")


def level_digit(code):
    return int(code[-1])


CODE = re.compile(r"\b[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=sorted(d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d))), required=True)
    parser.add_argument("--model", default=None)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "vellum"))
    parser.add_argument("--out", default=None, help="keep each note's JSON output here")
    args = parser.parse_args()

    folder = os.path.join(FIXTURES, args.split)
    notes = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".txt"))
    store = tempfile.TemporaryDirectory(prefix="vellum-eval-coding-")
    env = dict(os.environ, VELLUM_DATA_DIR=store.name)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    totals = {"tp": 0, "fp": 0, "fn": 0, "must_not": 0, "em_exact": 0, "over": 0, "bad_evidence": 0, "seconds": 0.0}
    for name in notes:
        path = os.path.join(folder, name + ".txt")
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        with open(os.path.join(folder, name + ".gold.json"), encoding="utf-8") as handle:
            gold = json.load(handle)
        command = [args.binary, "code", "--json", path]
        if args.model:
            command[2:2] = ["--model", args.model]
        start = time.time()
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        seconds = time.time() - start
        if done.returncode != 0:
            sys.exit(f"{name}: vellum code failed ({done.returncode}): {done.stderr[-1500:]}")
        result = json.loads(done.stdout)
        if args.out:
            with open(os.path.join(args.out, name + ".json"), "w", encoding="utf-8") as handle:
                handle.write(done.stdout)
        # A code the gold calls optional ("Z79.899 ... is optional, not scored") counts neither way.
        optional = {c for entry in gold["must_not"] + gold.get("more_specific_needs", []) if "optional" in entry.lower()
                    for c in CODE.findall(entry)}
        suggested = {d["code"] for d in result["diagnoses"]} - optional
        wanted = {d["code"] for d in gold["icd10"]}
        forbidden = set()
        for entry in gold["must_not"]:
            head = entry.split(":")[0]
            forbidden.update(c.strip() for c in re.split(r"[/,]", head) if CODE.fullmatch(c.strip()))
        forbidden -= optional
        tp, fp, fn = len(suggested & wanted), len(suggested - wanted), len(wanted - suggested)
        must_not = sorted(suggested & forbidden)
        level, gold_level = result["visit"]["code"], gold["em_level"]
        over = level[:4] != gold_level[:4] or level_digit(level) > level_digit(gold_level)
        evidence = [d["evidence"] for d in result["diagnoses"]]
        for column in result["visit"]["columns"]:
            evidence += [e["evidence"] for e in column["elements"]]
        bad = [e for e in evidence if text[e["start"]:e["end"]] != e["quote"]]
        totals["tp"] += tp
        totals["fp"] += fp
        totals["fn"] += fn
        totals["must_not"] += len(must_not)
        totals["em_exact"] += level == gold_level
        totals["over"] += over
        totals["bad_evidence"] += len(bad)
        totals["seconds"] += seconds
        columns = " ".join(f"{c['column']}={c['level']}" for c in result["visit"]["columns"])
        print(f"{name}: codes {sorted(suggested)} gold {sorted(wanted)} (tp {tp} fp {fp} fn {fn}; must_not {must_not}); "
              f"E/M {level} gold {gold_level}{' OVER' if over else ''} [{columns}; gold {gold['mdm']}]; "
              f"bad evidence {len(bad)}; {seconds:.1f} s")
    precision = totals["tp"] / max(1, totals["tp"] + totals["fp"])
    recall = totals["tp"] / max(1, totals["tp"] + totals["fn"])
    print(f"{args.split}: {len(notes)} notes; code precision {precision:.2f} ({totals['tp']}/{totals['tp'] + totals['fp']}), "
          f"recall {recall:.2f} ({totals['tp']}/{totals['tp'] + totals['fn']}); must_not codes suggested {totals['must_not']}; "
          f"E/M exact {totals['em_exact']}/{len(notes)}, over-coded {totals['over']}; evidence off its offsets {totals['bad_evidence']}; "
          f"{totals['seconds'] / max(1, len(notes)):.1f} s per note (wall, model load included)")


if __name__ == "__main__":
    main()
