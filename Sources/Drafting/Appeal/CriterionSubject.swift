import Foundation

/// What one of a payer's criteria is about, so that a passage sharing only a word *around* the subject is not
/// taken as evidence for it.
///
/// The subject is read from the criterion's head: the criterion without the clauses that give a condition or a
/// companion ("..., unless contraindicated", "... in combination with a diuretic"), which name something other than
/// what must be shown. In the head:
/// - its therapies: drug names, and drug classes whose members a record names instead ("a statin": atorvastatin);
/// - its subject words: the significant words left once process words ("weeks", "documented"), qualifiers
///   ("topical", "inadequate") and body sites ("knee") are set aside, since those describe how, how long or where,
///   and a passage about another treatment of the same site shares them.
///
/// A passage names the subject when it names one of the therapies or shares a subject word.
struct CriterionSubject {
    enum Therapy {
        case drug(String)
        case drugClass(DrugClass)
    }

    let therapies: [Therapy]
    let words: Set<String>
    /// The criterion asks that something be absent ("does not use tobacco", "no prior surgery").
    let asksForAbsence: Bool
    /// The criterion is about the request itself (its dose, its order, its regimen), which the plan states.
    let concernsTheRequest: Bool

    /// `policyWords`: words most of the policy's criteria share (`EvidencePassages.policyWords`), left out of the
    /// subject words unless nothing else names it.
    init(_ criterion: String, policyWords: Set<String> = []) {
        let full = criterion.lowercased()
        var head = Self.withoutContextClauses(full)
        // "X confirmed by A or by B": what must be shown is A or B; a passage naming X alone does not confirm it.
        if let means = Self.confirmationMeans(head), !Self.subjectParts(of: means).words.isEmpty { head = means }
        var parts = Self.subjectParts(of: head)
        // A criterion that is all context ("Not given together with another anticoagulant") is about that context.
        if parts.therapies.isEmpty && parts.words.isEmpty {
            head = full
            parts = Self.subjectParts(of: full)
        }
        let distinctive = parts.words.subtracting(policyWords)
        if !distinctive.isEmpty || !parts.therapies.isEmpty { parts.words = distinctive }
        (therapies, words) = parts
        asksForAbsence = Self.absencePhrases.contains { Self.containsPhrase(head, $0) }
        // Criteria name their subject first ("The prescription states ...", "Dosing of 40 mg ..."); a request word
        // further on is a time anchor ("... within 30 days before the order").
        concernsTheRequest = FactExtractor(full).words.prefix(5).contains { Self.requestWords.contains($0.lower) }
    }

    func isNamed(in passage: String) -> Bool {
        if namesTherapy(passage) { return true }
        return !words.isDisjoint(with: FactExtractor(passage).words.map { EvidencePassages.singular($0.lower) })
    }

    /// Whether `passage` states the subject absent or given up: a negation, a refusal or an abstinence word
    /// ("denies", "former", "abstinent") within four words before a subject word or therapy, in the same clause. A
    /// negation elsewhere ("sister had a stroke, cause not known"; "no fever; cough persists") is about
    /// something else.
    func isNegated(in passage: String) -> Bool {
        let scalars = Array(passage.unicodeScalars)
        let words = FactExtractor(passage).words
        for (k, word) in words.enumerated() where isSubject(word.lower) {
            for cue in words[max(0, k - 4)..<k]
            where EvidencePassages.refusalCues.contains(cue.lower) || EvidencePassages.absenceCues.contains(cue.lower) {
                if !scalars[cue.end..<word.start].contains(where: { ",;:(".unicodeScalars.contains($0) }) { return true }
            }
        }
        return false
    }

    private func isSubject(_ word: String) -> Bool {
        let singular = EvidencePassages.singular(word)
        if words.contains(singular) { return true }
        return therapies.contains { therapy in
            switch therapy {
            case .drug(let name): return singular == name
            case .drugClass(let drugClass): return drugClass.hasMember(word) || drugClass.names.contains(singular)
            }
        }
    }

    func namesTherapy(_ passage: String) -> Bool {
        guard !therapies.isEmpty else { return false }
        let lowered = passage.lowercased()
        // A combination product ("fluticasone-salmeterol") names each of its drugs.
        let passageWords = FactExtractor(passage).words.flatMap { word in
            [word.lower] + (word.lower.contains("-") ? word.lower.split(separator: "-").map(String.init) : [])
        }
        return therapies.contains { therapy in
            switch therapy {
            case .drug(let name): return passageWords.contains { EvidencePassages.singular($0) == name }
            case .drugClass(let drugClass): return drugClass.isNamed(in: lowered) || passageWords.contains(where: drugClass.hasMember)
            }
        }
    }

    // MARK: Reading the criterion

    static let confirmationMarkers = [" confirmed by ", " proven by ", " demonstrated by ", " established by ", " evidenced by ",
                                      " verified by "]

    /// The means of confirmation a criterion names after one of `confirmationMarkers`, or nil.
    static func confirmationMeans(_ text: String) -> String? {
        let found = confirmationMarkers.compactMap { text.range(of: $0) }.min { $0.lowerBound < $1.lowerBound }
        return found.map { String(text[$0.upperBound...]) }
    }

    private static func subjectParts(of text: String) -> (therapies: [Therapy], words: Set<String>) {
        // A class narrowed by the drugs in parentheses after it ("an SSRI (sertraline or citalopram)")
        // admits only those drugs, which are read as drugs below.
        let head = withoutTestedDrugs(withoutNarrowedMentions(text))
        let classes = DrugClass.all.filter { $0.isNamed(in: head) }
        let classWords = Set(classes.flatMap { $0.names.flatMap { $0.split(separator: " ").map(String.init) } })
        var therapies = classes.map(Therapy.drugClass)
        var words: Set<String> = []
        for word in ItemVerifier.significantWords(head).map(EvidencePassages.singular) {
            if ClinicalVocabulary.isDrugName(word) {
                therapies.append(.drug(word))
            } else if word.count >= 3, !classWords.contains(word), !processWords.contains(word), !qualifiers.contains(word),
                      !bodySites.contains(word) {
                words.insert(word)
            }
        }
        return (therapies, words)
    }

    /// `text` without each class mention followed by a parenthesis that names a drug.
    private static func withoutNarrowedMentions(_ text: String) -> String {
        var result = text
        for regex in classMentionsWithParenthesis {
            for match in regex.matches(in: result, range: NSRange(result.startIndex..., in: result)).reversed() {
                guard let inside = Range(match.range(at: 1), in: result), let whole = Range(match.range, in: result),
                      FactExtractor(String(result[inside])).words.contains(where: { ClinicalVocabulary.isDrugName($0.lower) })
                else { continue }
                result.replaceSubrange(whole, with: "(" + result[inside] + ")")
            }
        }
        return result
    }

    /// Each class name, singular or plural, followed by a parenthesis (its content captured).
    private static let classMentionsWithParenthesis: [NSRegularExpression] = DrugClass.all.flatMap(\.names).map { name in
        try! NSRegularExpression(pattern: "\\b" + NSRegularExpression.escapedPattern(for: name) + "s?\\s*\\(([^)]*)\\)")
    }

    /// The parts a criterion requires together ("normal potassium and a magnesium of 1.8 mg/dL or more", "no A, no B
    /// and no C", "X, with a screen within 90 days", "an ACE inhibitor in combination with a diuretic"), each read as
    /// a subject of its own words: those it shares with another part do not tell the parts apart. Empty when the
    /// criterion is one part, or offers alternatives (", or ..."), of which any one would do.
    static func requiredParts(of criterion: String) -> [(text: String, subject: CriterionSubject)] {
        var text = criterion.lowercased()
        for marker in ["unless", "except"] { text = removingClauses(from: text, marker: marker) }
        let topLevel = outsideParentheses(text)
        guard !topLevel.contains(", or "), !topLevel.contains("; or ") else { return [] }
        var pieces = [text]
        for separator in [", and ", " and ", ", with ", " in combination with ", " together with ", " along with ", " in addition to "] {
            pieces = pieces.flatMap { splitOutsideParentheses($0, separator) }
        }
        let parts = pieces.map { (text: $0, subject: subjectParts(of: $0)) }
            .filter { !$0.subject.therapies.isEmpty || !$0.subject.words.isEmpty }
        guard parts.count > 1 else { return [] }
        return parts.enumerated().map { index, part in
            let others = parts.enumerated().filter { $0.offset != index }.flatMap(\.element.subject.words)
            let text = part.text.trimmingCharacters(in: CharacterSet(charactersIn: " ,;.").union(.whitespaces))
            return (text, CriterionSubject(therapies: part.subject.therapies, words: part.subject.words.subtracting(others)))
        }.filter { !$0.subject.therapies.isEmpty || !$0.subject.words.isEmpty }
    }

    private init(therapies: [Therapy], words: Set<String>) {
        self.therapies = therapies
        self.words = words
        asksForAbsence = false
        concernsTheRequest = false
    }

    /// The text with everything inside parentheses blanked, same length.
    private static func outsideParentheses(_ text: String) -> String {
        var depth = 0
        return String(text.map { character -> Character in
            if character == "(" { depth += 1 }
            defer { if character == ")" { depth = max(0, depth - 1) } }
            return depth > 0 || character == ")" ? " " : character
        })
    }

    private static func splitOutsideParentheses(_ text: String, _ separator: String) -> [String] {
        let blanked = outsideParentheses(text)
        var pieces: [String] = []
        var start = text.startIndex
        var searchStart = blanked.startIndex
        while let found = blanked.range(of: separator, range: searchStart..<blanked.endIndex) {
            let lower = text.index(text.startIndex, offsetBy: blanked.distance(from: blanked.startIndex, to: found.lowerBound))
            let upper = text.index(text.startIndex, offsetBy: blanked.distance(from: blanked.startIndex, to: found.upperBound))
            pieces.append(String(text[start..<lower]))
            start = upper
            searchStart = found.upperBound
        }
        pieces.append(String(text[start...]))
        return pieces
    }

    /// Clauses that name a condition or a companion of the subject, not the subject: each runs from its marker to
    /// the next comma, semicolon, full stop or closing parenthesis.
    static let contextMarkers = ["in combination with", "together with", "along with", "added to", "in addition to",
                                 "unless", "except"]

    static func withoutContextClauses(_ text: String) -> String {
        contextMarkers.reduce(text, removingClauses)
    }

    private static func removingClauses(from text: String, marker: String) -> String {
        var result = text
        while let found = result.range(of: marker), isWordStart(found.lowerBound, in: result) {
            let rest = result[found.upperBound...]
            let end = rest.firstIndex(where: { ",;.)".contains($0) }) ?? result.endIndex
            result.removeSubrange(found.lowerBound..<end)
        }
        return result
    }

    private static func isWordStart(_ index: String.Index, in text: String) -> Bool {
        index == text.startIndex || !text[text.index(before: index)].isLetter
    }

    private static func containsPhrase(_ text: String, _ phrase: String) -> Bool {
        var searchStart = text.startIndex
        while let found = text.range(of: phrase, range: searchStart..<text.endIndex) {
            if isWordStart(found.lowerBound, in: text) { return true }
            searchStart = found.upperBound
        }
        return false
    }

    /// Words of a criterion about what is being asked for or expected rather than what was done.
    static let requestWords: Set<String> = ["order", "ordered", "request", "requested", "dosing", "dosage", "regimen",
                                            "prescription", "quantity", "frequency", "settings", "expected", "anticipated",
                                            "intended", "candidacy"]

    /// How criteria ask for an absence. "with or without" is not one: it allows either.
    static let absencePhrases = ["does not", "do not", "did not", "has not", "have not", "is not", "not used", "not use",
                                 "no history", "no prior", "no current", "no active", "no evidence", "never", "free of",
                                 "absence of", "abstinen", "non-smoker", "nonsmoker", "excluded", "ruled out", "no smoking",
                                 "no personal", "no family"]

    /// Words that say how or when a criterion is met rather than what it is about: sharing only these (or a
    /// five-letter prefix, "anti-" of two different antibodies) does not make a passage about the criterion.
    static let processWords: Set<String> = [
        "therapy", "treatment", "completed", "complete", "documented", "documentation", "starting", "start", "before",
        "after", "within", "least", "month", "week", "year", "history", "patient", "diagnosis", "result", "test",
        "prior", "current", "following", "including", "required", "evidence", "must", "medical", "clinical", "record",
        "date", "dose", "prescribed", "consultation", "expected", "change", "management", "last", "past", "plan",
        "trial", "use", "used", "member", "consecutive", "failure", "failed", "inadequate", "response", "intolerance",
        "contraindication", "contraindicated", "adequate", "maximum", "tolerated", "maximally",
        // When, relative to the request: a passage from the same time of care is not about the same thing.
        "pre-operative", "preoperative", "post-operative", "postoperative", "pre-treatment", "pretreatment", "pre-procedure",
        "supportive", "recent", "initial", "request", "requested",
        // Comparisons and needs say how much or why, not what: "no more than", "needs a heavy-duty bed".
        "more", "less", "than", "most", "need", "needs", "needed",
    ]

    /// A drug's name before a test's word ("heparin antibody", "digoxin level") names a test, which its own word
    /// names: the drug is left out, so that a passage about the drug taken is not taken for one about the test.
    nonisolated(unsafe) static let testedDrug = try! Regex(#"\b([a-z][a-z0-9-]*)\s+(?=(?:auto)?antibod|levels?\b|resistance\b|allergy\b|challenge\b)"#)

    static func withoutTestedDrugs(_ text: String) -> String {
        text.replacing(testedDrug) { match in
            let word = String(match.output[1].substring ?? "")
            let isDrug = ClinicalVocabulary.isDrugName(word) || DrugClass.all.contains { $0.names.contains(word) }
            return isDrug ? "" : String(match.output[0].substring ?? "")
        }
    }

    /// How a therapy is given or how strong it is: a passage about another therapy given the same way shares them.
    static let qualifiers: Set<String> = [
        "topical", "oral", "inhaled", "intravenous", "subcutaneous", "injectable", "intra-articular", "intramuscular",
        "high-intensity", "moderate-intensity", "low-dose", "high-dose", "potency", "high-potency", "medium",
        "super-high-potency", "low-potency", "affected", "daily", "weekly",
    ]

    /// Where: a passage examining the same site is not about what was done there.
    static let bodySites: Set<String> = [
        "knee", "hip", "shoulder", "spine", "lumbar", "cervical", "thoracic", "back", "neck", "joint", "skin", "elbow",
        "wrist", "ankle", "foot", "feet", "hand", "left", "right", "bilateral", "leg", "arm", "body", "surface",
    ]
}
