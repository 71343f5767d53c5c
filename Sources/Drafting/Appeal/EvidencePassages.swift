import Foundation

/// A record cut into the passages an appeal may quote: each sentence of each line (a list item or a short
/// labelled line is one passage), with its 1-based line number and whether it belongs to the plan.
struct EvidencePassage: Equatable {
    var line: Int
    var text: String
    /// On a line labelled "Plan:" (or "Orders:", ...), or a list item under such a heading.
    var inPlanSection = false
}

enum EvidencePassages {
    /// Words after which a period does not end a sentence.
    static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "st", "no", "pt", "etc", "fig"]

    static func split(_ text: String) -> [EvidencePassage] {
        var passages: [EvidencePassage] = []
        var inPlan = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // A labelled line starts a section; list items and continuation lines stay in the one above.
            if let colon = trimmed.firstIndex(of: ":"), trimmed[..<colon].count <= 30, trimmed.first?.isLetter == true,
               trimmed[..<colon].allSatisfy({ $0.isLetter || " /&-".contains($0) }) {
                inPlan = planLabels.contains(trimmed[..<colon].lowercased())
                // A heading alone ("Plan:") documents nothing.
                if trimmed[trimmed.index(after: colon)...].allSatisfy(\.isWhitespace) { continue }
            }
            for sentence in sentences(String(line)) where sentence.contains(where: \.isLetter) {
                passages.append(EvidencePassage(line: index + 1, text: sentence, inPlanSection: inPlan))
            }
        }
        return passages
    }

    /// Words most of a policy's criteria share (the service itself, "bed" in a hospital-bed policy): sharing one of
    /// them does not make a passage about a particular criterion. Those in at least half of the criteria, when there
    /// are three or more.
    static func policyWords(_ criteria: [String]) -> Set<String> {
        guard criteria.count >= 3 else { return [] }
        var counts: [String: Int] = [:]
        for criterion in criteria {
            for word in Set(ItemVerifier.significantWords(criterion).map(singular)) { counts[word, default: 0] += 1 }
        }
        return Set(counts.filter { $0.value * 2 >= criteria.count }.keys)
    }

    /// Section labels under which a note says what is to be done.
    static let planLabels: Set<String> = ["plan", "p", "orders", "recommendations", "recommendation", "next steps", "disposition"]

    /// Splits after ". ", "? " or "! ", except after an abbreviation or a single letter (an initial).
    static func sentences(_ line: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(line)
        for (i, c) in characters.enumerated() {
            current.append(c)
            guard ".?!".contains(c), i + 1 == characters.count || characters[i + 1] == " " else { continue }
            let lastWord = current.dropLast().split(separator: " ").last.map { $0.lowercased() } ?? ""
            if c == ".", abbreviations.contains(lastWord) || (lastWord.count == 1 && lastWord.first!.isLetter) { continue }
            result.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { result.append(rest) }
        return result
    }

    /// The passages most likely to document `criterion`, best first: those sharing its significant words,
    /// weighted so that a word found in few passages counts more than one found everywhere, and those naming one
    /// of its therapies (a drug of a class the criterion names shares no word with it). Words match by their first
    /// five letters, so "active" meets "activity" and "screening" meets "screened".
    static func candidates(for criterion: String, in passages: [EvidencePassage], limit: Int) -> [Int] {
        let criterionStems = Set(ItemVerifier.significantWords(criterion).map(stem))
        let subject = CriterionSubject(criterion)
        guard !criterionStems.isEmpty else { return [] }
        let passageStems = passages.map { Set(ItemVerifier.significantWords($0.text).map(stem)) }
        var scored: [(index: Int, score: Double)] = []
        for (index, stems) in passageStems.enumerated() {
            var score = subject.namesTherapy(passages[index].text) ? 1.0 : 0.0
            for s in stems.intersection(criterionStems) {
                let frequency = passageStems.filter { $0.contains(s) }.count
                score += 1.0 / Double(frequency)
            }
            if score > 0 { scored.append((index, score)) }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }.prefix(limit).map(\.index)
    }

    /// Whether `passage` may be offered as evidence for `criterion` at all: it names the criterion's subject, does
    /// not negate it, and, when the criterion asks for an absence, states one. The model chooses only among these.
    static func isEvidence(_ passage: String, criterion: String, inPlanSection: Bool = false, policyWords: Set<String> = []) -> Bool {
        let subject = CriterionSubject(criterion, policyWords: policyWords)
        // A relative's condition ("father had a foot ulcer") documents nothing about the patient, unless the
        // criterion asks about the family.
        if ItemVerifier.isAboutRelative(passage), !ItemVerifier.isAboutRelative(criterion) { return false }
        guard subject.isNamed(in: passage), !negatesShared(passage, criterion: criterion),
              !EvidenceThresholds.contradicts(passage, thresholds: EvidenceThresholds.parse(criterion)),
              meetsTimeLimits(passage, criterion: criterion, visit: nil) else { return false }
        if !subject.concernsTheRequest && (statesIntent(passage) || (inPlanSection && !statesCurrentState(passage))) { return false }
        if asksForCurrent(criterion), describesEarlierState(passage) { return false }
        return !subject.asksForAbsence || subject.isNegated(in: passage)
    }

    /// The time limits of `criterion` checked on the clinician's copy of a passage (the model's copy holds date
    /// placeholders): no span shorter than a minimum duration, counting one it has lasted "since" a date up to the
    /// visit, and no sample later in the day than allowed.
    static func meetsTimeLimits(_ restoredPassage: String, criterion: String, visit: Date?) -> Bool {
        !EvidenceThresholds.shorterThanRequired(restoredPassage, minimums: EvidenceThresholds.minimumDurations(criterion), reference: visit)
            && !EvidenceThresholds.laterThanAllowed(restoredPassage, latest: EvidenceThresholds.latestTimeOfDay(criterion))
    }

    /// The side (left or right) the request is for: the one named in the record's request line ("Requested procedure:
    /// right shoulder arthroscopy", "... request authorization of left knee ..."), else nil.
    static func requestSide(of rationale: String) -> String? {
        for line in rationale.lowercased().split(separator: "\n") where line.contains("request") || line.hasPrefix("re:") {
            let named = sides(in: String(line))
            if named.count == 1 { return named.first }
        }
        return nil
    }

    /// The sides ("left", "right") `text` names.
    static func sides(in text: String) -> Set<String> {
        Set(FactExtractor(text).words.map(\.lower).filter { $0 == "left" || $0 == "right" })
    }

    /// A passage about the other side only ("the left shoulder's range is full" for a right shoulder request)
    /// documents nothing about the side requested, unless the criterion asks about the other or both sides.
    static func isAboutOtherSide(_ passage: String, requestSide: String?, criterion: String) -> Bool {
        guard let requestSide else { return false }
        let criterionWords = Set(FactExtractor(criterion).words.map(\.lower))
        guard criterionWords.isDisjoint(with: ["contralateral", "other", "opposite", "both", "bilateral", "either"]) else { return false }
        let named = sides(in: passage)
        return !named.isEmpty && !named.contains(requestSide)
    }

    /// A heading or a label without a statement ("PHONE NOTE / SUPPLY ORDER", "Physician ......") shares a
    /// word with a criterion but documents nothing: a passage with fewer than two words, or all in capitals with no
    /// number in a record that is not written in capitals throughout.
    static func isLabelOnly(_ passage: String, recordIsUpperCase: Bool) -> Bool {
        let words = FactExtractor(passage).words.filter { $0.lower.contains(where: \.isLetter) }
        if words.count < 2 && !passage.contains(where: \.isNumber) { return true }
        return !recordIsUpperCase && !passage.contains(where: \.isLowercase) && !passage.contains(where: \.isNumber)
    }

    /// A criterion about the present ("a current Karnofsky status", "currently taking") is not shown by a passage that
    /// says what held before (a pre-operative figure, a baseline, a former state).
    static func asksForCurrent(_ criterion: String) -> Bool {
        let lowered = " " + criterion.lowercased()
        return [" current ", " currently ", " at present", " most recent "].contains { lowered.contains($0) }
    }

    static let earlierStateCues = ["pre-operative", "preoperative", "pre-op ", "before surgery", "before the operation", "prior to surgery",
                                   "baseline", "at diagnosis", "previously", "formerly", "used to ", "in the past"]

    static func describesEarlierState(_ passage: String) -> Bool {
        let lowered = " " + passage.lowercased()
        return earlierStateCues.contains { lowered.contains($0) }
    }

    /// The parts the criterion requires (see `CriterionSubject.requiredParts`) that none of the chosen `passages`
    /// names, in the criterion's words: a sentence documenting one exclusion of three shows only a third of it.
    static func undocumentedParts(of criterion: String, passages: [String]) -> [String] {
        CriterionSubject.requiredParts(of: criterion).filter { part in !passages.contains(where: part.subject.isNamed) }.map { part in
            // The parts are read lowercased; the letter quotes the criterion as the payer wrote it.
            criterion.range(of: part.text, options: .caseInsensitive).map { String(criterion[$0]) } ?? part.text
        }
    }

    /// Words that make a passage an intention, an order or a referral rather than something done or found.
    static let intentCues = ["will ", "to be ", "consider", "plan to", "planned", "scheduled", "referred", "referral",
                             "pending", "recommend", "ordered", "requested", "would ", "should ", "to start", "to begin",
                             "handed out", "given today", "to return", "if ", "booked", "awaiting", "cancelled", "canceled",
                             "not yet", "to take place", "is set for", " refer "]

    static func statesIntent(_ passage: String) -> Bool {
        let lowered = " " + passage.lowercased()
        return intentCues.contains { lowered.contains($0) }
    }

    /// A sentence of a plan that states how things are ("Continue atorvastatin 40 mg", "He is on no other
    /// anticoagulant") documents the present; one without a verb of state ("Physical therapy twice weekly") is intent.
    static func statesCurrentState(_ passage: String) -> Bool {
        FactExtractor(passage).words.contains { stateWords.contains($0.lower) }
    }

    static let stateWords: Set<String> = ["continue", "continues", "continuing", "remain", "remains", "currently", "is",
                                          "are", "has", "have", "was", "were", "had"]

    static func stem(_ word: String) -> String { String(word.prefix(5)) }

    static func singular(_ word: String) -> String {
        word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") ? String(word.dropLast()) : word
    }

    /// A passage that negates a word it shares with the criterion ("no radiographs on file", "declined
    /// physiotherapy") is evidence that the criterion is *not* met, whatever a model makes of it.
    static func negatesShared(_ passage: String, criterion: String) -> Bool {
        // A criterion that is itself a negative ("no prior surgery") is met by a negated passage.
        if CriterionSubject(criterion).asksForAbsence { return false }
        let criterionStems = Set(ItemVerifier.significantWords(criterion).map(stem))
        let words = FactExtractor(passage).words.map(\.lower)
        for (k, word) in words.enumerated() where criterionStems.contains(stem(word)) {
            for j in max(0, k - 3)..<k where refusalCues.contains(words[j]) {
                // "negative" is a result ("HCV antibody negative") unless it says what was absent ("negative for").
                if !resultWords.contains(words[j]) || words[j + 1] == "for" { return true }
            }
        }
        return false
    }

    static let resultWords: Set<String> = ["negative", "neg"]

    /// Negations, plus a patient's refusal: a treatment declined was not given.
    static let refusalCues = ClinicalVocabulary.negationCues.union(["declined", "declines", "refused", "refuses"])

    /// Words saying a habit or exposure was given up ("former smoker", "abstinent for five years"). A plan to stop
    /// ("will quit next month") is not an absence, so "quit" is not one.
    static let absenceCues: Set<String> = ["former", "formerly", "abstinent", "abstinence", "ex-smoker", "nonsmoker", "non-smoker"]
}
