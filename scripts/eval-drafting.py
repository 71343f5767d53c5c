#!/usr/bin/env python3
"""Scores `vellum summarize` and `vellum draft note` on the DraftingTests fixtures, by the fixtures' own
matching rules (Tests/DraftingTests/Fixtures/{records,notes}/README.md; the note scorer is check_gold.py's),
and issue 12's paperwork: appeals against their gold criteria, front-desk requests (refused or not), and
patient letters and referrals drafted from the reference notes of the split (reading grade, fact-check findings).

    scripts/eval-drafting.py --split heldout2 [--model M] [--baseline] [--only records|notes] [--out DIR]
    scripts/eval-drafting.py --only appeals|frontdesk|letters [--split dev] [--model M] [--out DIR] [--binary PATH]

--baseline scores the raw-prompt baseline instead: the same model asked plainly (`vellum generate --chat`,
greedy) to summarize the record or write the SOAP note, its free text scored the same way where the rules
allow (a summary's items are looked for anywhere in its text, so the baseline's figures are upper bounds).

Prints per-document and total figures; with --out, keeps every output for inspection.
"""
import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "DraftingTests", "Fixtures")
spec = importlib.util.spec_from_file_location("check_gold", os.path.join(FIXTURES, "check_gold.py"))
gold_rules = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gold_rules)
VELLUM = os.path.join(ROOT, ".build", "release", "vellum")


def run(args, stdin=None, allow_failure=False):
    start = time.time()
    p = subprocess.run([VELLUM] + args, capture_output=True, text=True, input=stdin)
    if allow_failure:
        return p, time.time() - start
    if p.returncode != 0:
        sys.exit(f"vellum {' '.join(args[:2])} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p.stdout, time.time() - start


def names(item):
    return [item.get("name") or item.get("substance")] + item.get("aliases", [])


def found_in(text, gold_item):
    return any(gold_rules.alt_in(text, n) for n in names(gold_item) if n)


def numbers(s):
    """The numbers written in s; a thousands separator is part of its number ("1,240" is 1240, not 1 and 240)."""
    return [n.replace(",", "") for n in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", s or "")]


def score_summary(summary, gold, record_lines):
    meds = summary["medications"]
    r = {}
    hit = 0
    for g in gold["medications"]:
        for m in meds:
            if found_in(m["name"], g) or found_in(m["text"], g):
                ok = m["status"] == g["status"]
                if g["status"] == "changed" and m["status"] == "current" and g.get("dose"):
                    ok = ok or (numbers(g["dose"])[:1] and numbers(g["dose"])[0] in numbers(m.get("dose")))
                if ok:
                    hit += 1
                    break
    r["medications"] = (hit, len(gold["medications"]))
    r["allergies"] = (sum(any(found_in(a["substance"], g) for a in summary["allergies"] if a["type"] == "allergy")
                          for g in gold["allergies"]), len(gold["allergies"]))
    active = lambda s: "active" if s == "active" else "inactive"
    r["problems"] = (sum(any(found_in(p["name"], g) and active(p["status"]) == active(g["status"]) for p in summary["problems"])
                         for g in gold["problems"]), len(gold["problems"]))
    hit = 0
    for g in gold["timeline"]:
        if any(e["date"] == g["date"] and all(gold_rules.any_alt(e["event"], k) for k in g["keywords"]) for e in summary["timeline"]):
            hit += 1
    r["timeline"] = (hit, len(gold["timeline"]))
    r["results"] = (sum(any(found_in(x["name"], g) and numbers(x["value"])[:1] == numbers(g["value"])[:1]
                            and (g["date"] is None or x.get("date") == g["date"]) for x in summary["results"])
                        for g in gold["results"]), len(gold["results"]))
    traps = []
    for t in gold["traps"]:
        item = {"name": t["item"], "aliases": []}
        for section in ("medications", "problems", "results", "allergies"):
            for g in gold[section]:
                if (g.get("name") or g.get("substance")) == t["item"]:
                    item["aliases"] = g.get("aliases", [])
        k = t["kind"]
        if k == "status":
            bad = [t["forbidden_status"]] + (["changed"] if t["forbidden_status"] == "current" else [])
            if any(found_in(m["name"], item) and m["status"] in bad for m in summary["medications"]) or \
               any(found_in(p["name"], item) and p["status"] == t["forbidden_status"] for p in summary["problems"]):
                traps.append(t)
        elif k == "dose":
            if any(found_in(m["name"], item) and m["status"] in ("current", "changed") and
                   set(numbers(t["forbidden_dose"])) & set(numbers(m.get("dose"))) for m in summary["medications"]):
                traps.append(t)
        elif k == "not_done":
            # The fixtures' README: mentioning it as referred, scheduled, cancelled, declined or not done is correct.
            not_done_words = (r"cancel|postpon|declin|not done|never done|did not|defer|scheduled|booked|referr|pending|planned"
                              r"|not performed|not yet|never|consider|discuss|offer|recommend|await|ordered|follow-up")
            if any(found_in(e["event"], item) and not re.search(not_done_words, e["event"], re.I) for e in summary["timeline"]) \
                    or any(found_in(x["name"], item) for x in summary["results"]):
                traps.append(t)
        elif k == "value":
            if any(found_in(x["name"], item) and numbers(t["forbidden_value"])[:1] == numbers(x["value"])[:1] for x in summary["results"]):
                traps.append(t)
        elif k in ("not_patient", "negated", "unconfirmed"):
            if any(found_in(p["name"], item) and p["status"] == "active" for p in summary["problems"]):
                traps.append(t)
        elif k in ("intolerance_not_allergy", "not_allergy"):
            if any(found_in(a["substance"], item) and (a["type"] == "allergy" or k == "not_allergy") for a in summary["allergies"]):
                traps.append(t)
    # Citations: each cited line exists and holds the item's key word.
    cites = resolved = 0
    for section in ("medications", "problems", "allergies", "results", "timeline"):
        for item in summary[section]:
            key = item.get("name") or item.get("substance") or item.get("event")
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]{2,}", key or "")][:1]
            for c in item["citations"]:
                cites += 1
                text = "\n".join(record_lines[c["line_start"] - 1:c["line_end"]]) if 1 <= c["line_start"] <= c["line_end"] <= len(record_lines) else None
                if text is not None and (not words or any(w.lower() in text.lower() for w in words)):
                    resolved += 1
    return r, traps, (resolved, cites)


def baseline_summary(text):
    """A raw answer read leniently: every line counts as an item of every section (so an item named anywhere
    is found), with a medication's or problem's status read from words on its line, and dates in ISO or any
    form the gold's date_in accepts."""
    lines = text.splitlines()
    meds = []
    for l in lines:
        low = l.lower()
        status = "stopped" if re.search(r"stop|discontinu|no longer|former", low) else "planned" if "plan" in low else "current"
        meds.append({"name": l, "text": l, "status": status, "dose": l})
    return {"medications": meds,
            "allergies": [{"substance": l, "type": "allergy"} for l in lines],
            "problems": [{"name": l, "status": "resolved" if re.search(r"resolved|history|past", l.lower()) else "active"} for l in lines],
            "timeline": [{"date": d, "event": l} for l in lines for d in dates_in(l)],
            "results": [{"name": l, "value": l, "date": None} for l in lines]}


def dates_in(line):
    """ISO dates of every date the line writes, in the forms the fixtures use."""
    found = set(re.findall(r"\d{4}-\d{2}-\d{2}", line))
    for m in re.finditer(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b", line):
        y = int(m.group(3)); y = y + 2000 if y < 100 else y
        try:
            found.add(f"{y:04d}-{int(m.group(1)):02d}-{int(m.group(2)):02d}")
        except ValueError:
            pass
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="heldout", choices=["dev"] + [f"heldout{n}" for n in ["", *range(2, 20)]])
    ap.add_argument("--model", default=None)
    ap.add_argument("--only", choices=["records", "notes", "appeals", "frontdesk", "letters"])
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--binary", help="the vellum to run (default .build/release/vellum)")
    ap.add_argument("--rescore", metavar="DIR", help="records: score the summaries saved in DIR by an earlier --out instead of running vellum")
    args = ap.parse_args()
    if args.binary:
        global VELLUM
        VELLUM = os.path.abspath(args.binary)
    model = ["--model", args.model] if args.model else []
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    if args.only in ("appeals", "frontdesk", "letters"):
        return {"appeals": eval_appeals, "frontdesk": eval_frontdesk, "letters": eval_letters}[args.only](args, model)
    if args.only in (None, "records"):
        folder = os.path.join(FIXTURES, "records", args.split)
        sections = ["medications", "allergies", "problems", "timeline", "results"]
        agg = {s: [0, 0] for s in sections}
        trap_total = trap_hit = cite_ok = cite_all = 0
        seconds = chars = 0
        for name in sorted(f for f in os.listdir(folder) if f.endswith(".txt")):
            path = os.path.join(folder, name)
            gold = json.load(open(path[:-4] + ".gold.json"))
            text = open(path).read()
            if args.baseline:
                prompt = "Summarize this patient record for a clinician: a dated timeline, the problem list (active or resolved), medications with dose, frequency and status (current, stopped, changed, planned), allergies with reaction, and key results with value and date.\n\n" + text
                out, secs = run(["generate", "--chat", "--temperature", "0", "--max-tokens", "1024", "--context", "16384", "--prompt", prompt] + model)
                summary = baseline_summary(out)
                r, traps, cites = score_summary(summary, gold, text.splitlines())
                cites = (0, 0)
            else:
                if args.rescore:
                    out, secs = open(os.path.join(args.rescore, name[:-4] + ".summary.json")).read(), 0.0
                else:
                    out, secs = run(["summarize", "--json", path] + model)
                summary = json.loads(out)
                r, traps, cites = score_summary(summary, gold, text.splitlines())
            if args.out:
                open(os.path.join(args.out, name[:-4] + (".baseline.txt" if args.baseline else ".summary.json")), "w").write(out)
            seconds += secs
            chars += len(text)
            for s in sections:
                agg[s][0] += r[s][0]; agg[s][1] += r[s][1]
            trap_total += len(gold["traps"]); trap_hit += len(traps)
            cite_ok += cites[0]; cite_all += cites[1]
            print(f"{name}: " + ", ".join(f"{s} {r[s][0]}/{r[s][1]}" for s in sections) +
                  f", traps asserted {len(traps)}/{len(gold['traps'])}, citations {cites[0]}/{cites[1]}, {secs:.0f} s")
            for t in traps:
                print(f"    trap asserted: {t['kind']} {t['item']}")
        goal = [agg[s][0] / agg[s][1] for s in ["medications", "allergies", "problems", "timeline"] if agg[s][1]]
        print(f"records ({args.split}{', baseline' if args.baseline else ''}): " +
              ", ".join(f"{s} {agg[s][0]}/{agg[s][1]} = {agg[s][0] / max(agg[s][1], 1):.2f}" for s in sections))
        print(f"  summary recall (mean of medications, allergies, problems, timeline) {sum(goal) / len(goal):.2f}; "
              f"traps asserted {trap_hit}/{trap_total}; citations resolving {cite_ok}/{cite_all}; "
              f"{seconds:.0f} s for {chars} characters ({seconds / max(chars, 1) * 10000:.0f} s per 10k)")
    if args.only in (None, "notes"):
        folder = os.path.join(FIXTURES, "notes", args.split)
        facts = covered = traps = filled = findings = 0
        seconds = 0
        for name in sorted(f for f in os.listdir(folder) if f.endswith(".txt") and not f.endswith(".ref.txt")):
            path = os.path.join(folder, name)
            gold = json.load(open(path[:-4] + ".gold.json"))
            if args.baseline:
                prompt = "Write a SOAP note (Subjective, Objective, Assessment, Plan) from this clinician's shorthand:\n\n" + open(path).read()
                draft, secs = run(["generate", "--chat", "--temperature", "0", "--max-tokens", "700", "--prompt", prompt] + model)
                n_findings = 0
            else:
                out, secs = run(["draft", "note", "--json", path] + model)
                note = json.loads(out)
                draft = note["text"]
                n_findings = len(note["findings"])
            if args.out:
                open(os.path.join(args.out, name[:-4] + (".baseline.txt" if args.baseline else ".note.txt")), "w").write(draft)
            missing, asserted, filled_terms = gold_rules.score_draft(draft, gold)
            n = len(gold["facts"])
            facts += n; covered += n - len(missing); traps += len(asserted); filled += len(filled_terms)
            findings += n_findings; seconds += secs
            print(f"{name}: facts {n - len(missing)}/{n}, traps asserted {len(asserted)}, undocumented filled {len(filled_terms)}, "
                  f"findings {n_findings}, {secs:.0f} s")
            for m in missing:
                print(f"    missing: {m}")
            for a in asserted:
                print(f"    trap: {a}")
            for f in filled_terms:
                print(f"    filled: {f}")
        print(f"notes ({args.split}{', baseline' if args.baseline else ''}): fact recall {covered}/{facts} = {covered / max(facts, 1):.2f}, "
              f"traps asserted {traps}, undocumented statuses filled {filled}, fact-check findings {findings}, {seconds:.0f} s")


def eval_appeals(args, model):
    """Each criterion's status against the gold (met / missing); a gold-missing criterion called met is the
    error that matters (the appeal would claim what the record does not show)."""
    # The first appeal cases sit at the top of appeals/ (the dev split); every later split has its own folder.
    folder = os.path.join(FIXTURES, "appeals", *([] if args.split in ("dev", "heldout") else [args.split]))
    agree = total = false_met = evidence_hit = gold_met = 0
    seconds = 0
    cases = sorted(d for d in os.listdir(folder) if os.path.exists(os.path.join(folder, d, "gold.json")))
    for case in cases:
        d = os.path.join(folder, case)
        gold = json.load(open(os.path.join(d, "gold.json")))
        out, secs = run(["draft", "appeal", "--json", "--denial", os.path.join(d, "denial.txt"),
                         "--criteria", os.path.join(d, "criteria.txt"), os.path.join(d, "rationale.txt")] + model)
        seconds += secs
        appeal = json.loads(out)
        if args.out:
            open(os.path.join(args.out, case + ".appeal.txt"), "w").write(appeal["text"])
        got = {c["number"]: c for c in appeal["criteria"]}
        line = []
        for g in gold["criteria"]:
            c = got.get(g["number"])
            total += 1
            # "partial" claims only the parts it quotes: as a claim the criterion is met, it is not one.
            status = ("missing" if c["status"] == "partial" else c["status"]) if c else "absent"
            agree += status == g["status"]
            if g["status"] == "missing" and status == "met":
                false_met += 1
            if g["status"] == "met":
                gold_met += 1
                if c and any(g["evidence"] in e["quote"] or e["quote"] in g["evidence"] for e in c["evidence"]):
                    evidence_hit += 1
            line.append(f"{g['number']}:{status}{'' if status == g['status'] else '(gold ' + g['status'] + ')'}")
        print(f"{case}: {' '.join(line)}, {secs:.0f} s")
    print(f"appeals: criteria status agreeing with gold {agree}/{total}; gold-missing criteria claimed met {false_met}; "
          f"gold evidence passage quoted {evidence_hit}/{gold_met}; {seconds / max(len(cases), 1):.0f} s per appeal")


def eval_frontdesk(args, model):
    """A request with PHI must be refused (exit 1) naming the gold kinds; a generic one must give a template."""
    folder = os.path.join(FIXTURES, "frontdesk")
    right = total = 0
    seconds = []
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".txt")):
        gold = json.load(open(os.path.join(folder, name[:-4] + ".gold.json")))
        p, secs = run(["draft", "frontdesk", "--json", "--kind", gold["request_kind"], os.path.join(folder, name)] + model,
                      allow_failure=True)
        total += 1
        if gold["has_phi"]:
            ok = p.returncode != 0 and all(k in p.stderr for k in gold["kinds"]) and not any(sp["text"] in p.stderr for sp in gold["spans"])
            print(f"{name}: {'refused' if p.returncode else 'NOT refused'}{'' if ok else ' (wrong)'}")
        else:
            ok = p.returncode == 0
            template = json.loads(p.stdout)["text"] if ok else p.stderr[-300:]
            seconds.append(secs)
            print(f"{name}: {'template' if ok else 'FAILED'}, {secs:.0f} s\n    " + template.replace("\n", "\n    "))
        right += ok
    print(f"frontdesk: {right}/{total} handled as the gold says; {sum(seconds) / max(len(seconds), 1):.0f} s per template")


def eval_letters(args, model):
    """Patient letters and referrals from the split's reference notes: reading grade and fact-check findings."""
    folder = os.path.join(FIXTURES, "notes", args.split)
    grades, findings, ref_findings, seconds = [], 0, 0, 0
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".ref.txt")):
        path = os.path.join(folder, name)
        out, secs = run(["draft", "letter", "--json", path] + model)
        letter = json.loads(out)
        ref, secs2 = run(["draft", "referral", "--json", path] + model)
        referral = json.loads(ref)
        seconds += secs + secs2
        grades.append(letter["reading_grade"]["grade"])
        findings += len(letter["findings"])
        ref_findings += len(referral["findings"])
        if args.out:
            open(os.path.join(args.out, name[:-8] + ".letter.txt"), "w").write(letter["text"])
            open(os.path.join(args.out, name[:-8] + ".referral.txt"), "w").write(referral["text"])
        print(f"{name}: letter grade {letter['reading_grade']['grade']}, {len(letter['findings'])} finding(s), "
              f"rewritten {letter['rewritten']}; referral {len(referral['findings'])} finding(s); {secs:.0f} + {secs2:.0f} s")
    n = max(len(grades), 1)
    print(f"letters ({args.split}): mean reading grade {sum(grades) / n:.1f}, at or below 8: {sum(g <= 8 for g in grades)}/{len(grades)}, "
          f"letter findings {findings}, referral findings {ref_findings}, {seconds / n:.0f} s per letter + referral")


if __name__ == "__main__":
    main()
