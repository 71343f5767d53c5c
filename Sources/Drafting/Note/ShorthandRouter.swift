/// Sorts a clinician's shorthand into the parts of a note before any model sees it, so that each section is
/// written from its own clauses only: the model rewrites a few lines into sentences instead of choosing what
/// goes where from the whole input (where a small model mixes labs into history, and invents what a section
/// seems to lack). Every clause lands in some part, so nothing of the input is dropped by the routing.
public enum NotePart: String, Codable, Sendable, CaseIterable {
    case subjective, objective, assessment, plan

    /// The part a template heading stands for, by the usual names of note sections; nil for a heading that
    /// names none (such a section is written from the whole shorthand).
    public static func parts(forHeading title: String) -> Set<NotePart> {
        let t = title.lowercased()
        var parts: Set<NotePart> = []
        if ["subjective", "hpi", "history", "complaint", "cc", "ros", "interval", "reason"].contains(where: t.contains) { parts.insert(.subjective) }
        if ["objective", "exam", "vital", "physical", "result", "lab", "data", "finding"].contains(where: t.contains) { parts.insert(.objective) }
        if ["assessment", "impression", "diagnos", "a/p", "problem"].contains(where: t.contains) { parts.insert(.assessment) }
        if ["plan", "order", "follow", "disposition", "recommend", "a/p", "instruction"].contains(where: t.contains) { parts.insert(.plan) }
        return parts
    }
}

struct ShorthandRouter {
    /// Words that open a plan item when they start a clause.
    static let planStarts: [String] = [
        "plan", "p:", "start", "add", "incr", "increase", "decr", "decrease", "cont", "continue", "d/c", "dc ", "stop",
        "f/u", "fu ", "follow", "rtc", "return", "refer", "ref ", "order", "recheck", "repeat", "check", "schedule",
        "counsel", "educat", "rx", "prescri", "will ", "consider", "trial", "titrat", "taper", "hold", "monitor",
        "obtain", "get ", "send", "avoid", "encourag", "advise", "discuss", "d/w", "call", "if ", "rto", "switch", "change",
        "begin", "initiate", "give", "apply", "use ", "ice", "rest", "elevat", "pt/ot", "physical therapy", "labs ", "lab ",
    ]
    /// Words that open an examination, vital sign or result when they start a clause.
    static let objectiveStarts: [String] = [
        "bp", "hr", "pulse", "temp", "t ", "rr", "spo2", "sat", "o2", "wt", "weight", "bmi", "ht ", "height", "vitals", "vs",
        "exam", "pe:", "pe ", "on exam", "gen", "heent", "lungs", "chest clear", "cv", "heart", "rrr", "abd", "ext", "neuro",
        "skin", "msk", "psych", "a1c", "hba1c", "ldl", "tsh", "cr ", "egfr", "k ", "na ", "hgb", "hb ", "wbc", "plt", "inr",
        "ua", "xr", "x-ray", "ct ", "mri", "us ", "ultrasound", "ekg", "ecg", "echo", "rapid", "strep", "flu ", "covid",
        "tender", "ttp", "rom", "monofilament", "pulses", "reflex", "murmur", "lesion", "rash", "swelling", "edema",
        "phq", "gad", "fhr", "fundal", "labs:", "results", "imaging", "bmp", "cmp", "cbc", "lipid", "glucose", "peak flow",
    ]
    /// Words that open history: only used to cut a line at a comma ("BP 148/92, on lisinopril").
    static let subjectiveStarts: [String] = ["on ", "c/o", "h/o", "pt ", "reports", "denies", "neg ", "no ", "hx", "pmh", "meds", "taking", "s/p", "sx"]
    /// Words that open an assessment.
    static let assessmentStarts: [String] = ["a:", "a/p", "assessment", "dx", "impression", "imp:", "imp ", "likely", "probable", "?", "r/o", "ddx", "suspect", "c/w", "consistent with"]

    /// The clauses of each part, in input order.
    static func route(_ shorthand: String) -> [NotePart: [String]] {
        var routed: [NotePart: [String]] = [:]
        var inPlan = false
        var opening = true
        for line in shorthand.split(separator: "\n") {
            for var segment in segments(String(line)) {
                // Shorthand opens with who the patient is; only there is "61F" an age and a sex.
                if opening { segment = AgeSexShorthand.expand(segment); opening = false }
                let lower = segment.lowercased()
                if lower.hasPrefix("plan") || lower.hasPrefix("p:") || lower.hasPrefix("a/p") || lower.hasPrefix("a&p") { inPlan = true }
                let part: NotePart
                if inPlan || planStarts.contains(where: lower.hasPrefix) { part = .plan }
                else if assessmentStarts.contains(where: lower.hasPrefix) { part = .assessment }
                else if objectiveStarts.contains(where: lower.hasPrefix) { part = .objective }
                else { part = .subjective }
                routed[part, default: []].append(segment)
            }
        }
        // A visit's reason names the problems an assessment is about; without an assessment line of its own the
        // opening clause stands for it.
        if routed[.assessment] == nil, let opening = routed[.subjective]?.first { routed[.assessment] = [opening] }
        return routed
    }

    /// A line cut at sentence ends and semicolons, and at commas where the next clause opens another part
    /// ("BP 148/92, on lisinopril" is two clauses; "neg CP, SOB" stays one).
    static func segments(_ line: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next = i + 1 < chars.count ? chars[i + 1] : " "
            if (c == "." || c == ";") && next == " " {
                if c == "." { current.append(c) }
                pieces.append(current)
                current = ""
            } else if c == ",", next == " " {
                let rest = String(chars[(i + 1)...]).trimmingCharacters(in: .whitespaces).lowercased()
                if (planStarts + objectiveStarts + assessmentStarts + subjectiveStarts).contains(where: rest.hasPrefix) {
                    pieces.append(current)
                    current = ""
                } else {
                    current.append(c)
                }
            } else {
                current.append(c)
            }
            i += 1
        }
        pieces.append(current)
        return pieces.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "." }
    }
}

import Foundation
