import Foundation

/// Finds the billable codes whose wording a clinical phrase states, by the words they share.
///
/// Each billable code is indexed under its description and each inclusion term, reduced to their essential
/// words: the tabular list puts nonessential modifiers in parentheses ("Essential (primary) hypertension"),
/// and "unspecified", "other" and "NOS" only say that the note gives no more detail, so none of those has to
/// be in the note. A candidate must have most of a term's essential words in the sentence (weighted by how
/// rare each word is in the list: "hyperglycemia" says more than "disease") and must account for most of the
/// phrase it was found for.
struct ConditionIndex: Sendable {
    struct Term: Sendable {
        let entry: Int
        let words: [String]
        /// What the code says is absent ("without current pathological fracture"): the default state a note
        /// leaves unsaid, so not needed from the sentence; a sentence that states it rules the term out.
        var absent: [String] = []
        let weight: Double
    }

    struct Candidate: Equatable, Sendable {
        let entry: ICD10Entry
        /// Share of the best matching term's essential words that the sentence states (0...1).
        let termCoverage: Double
        /// Share of the phrase's words that the term accounts for (0...1).
        let phraseCoverage: Double
        var score: Double { termCoverage * phraseCoverage }
    }

    let table: ICD10Table
    let terms: [Term]
    let postings: [String: [Int]]
    let idf: [String: Double]
    /// Abbreviations read from the list's own wording, to the essential words they stand for.
    let listAbbreviations: [String: [String]]
    /// Those of `listAbbreviations` the list writes in mixed case ("HFrEF"): no English word, so a note may write
    /// them in lower case too.
    let mixedCaseAbbreviations: Set<String>

    static let minimumTermCoverage = 0.75
    static let minimumPhraseCoverage = 0.5
    /// Candidates offered to the model: those scoring within this share of the best.
    static let candidateShareOfBest = 0.75
    static let maximumCandidates = 6

    static let stopWords: Set<String> = [
        "a", "an", "the", "of", "in", "on", "and", "or", "with", "to", "for", "by", "as", "at", "due", "is", "was", "his",
        "her", "their", "its", "from", "than", "since", "per", "other", "unspecified", "nos", "classified", "elsewhere",
        "site", "sites", "this", "that", "today", "patient", "pt", "continue", "continues", "current",
        // The default state, as "unspecified" is the default detail: a note that says nothing more is uncomplicated.
        "uncomplicated",
    ]

    /// The words of an injury code's 7th character: they complete a condition's code, never name one.
    static let encounterWords: Set<String> = ["initial", "subsequent", "encounter", "sequela"]

    /// Clinical abbreviations, spelled out the way the tabular list words them.
    static let abbreviations: [String: String] = [
        "copd": "chronic obstructive pulmonary disease", "ckd": "chronic kidney disease", "htn": "hypertension",
        "dm": "diabetes mellitus", "t2dm": "type 2 diabetes mellitus", "dm2": "type 2 diabetes mellitus",
        "t1dm": "type 1 diabetes mellitus", "uri": "upper respiratory infection", "uti": "urinary tract infection",
        "mcl": "medial collateral ligament", "acl": "anterior cruciate ligament", "lcl": "lateral collateral ligament",
        "pcl": "posterior cruciate ligament", "gerd": "gastro esophageal reflux disease", "chf": "heart failure",
        "hf": "heart failure", "cad": "coronary artery disease", "afib": "atrial fibrillation", "af": "atrial fibrillation",
        "hld": "hyperlipidemia", "oa": "osteoarthritis", "mdd": "major depressive disorder", "bph": "benign prostatic hyperplasia",
        "osa": "obstructive sleep apnea", "esrd": "end stage renal disease", "mi": "myocardial infarction",
        "acs": "acute coronary syndrome", "dvt": "deep vein thrombosis", "bp": "blood pressure",
        "hx": "history", "h/o": "history",
        // Shorthand for the same conditions that clinicians write and the list spells out.
        "t2d": "type 2 diabetes mellitus", "t1d": "type 1 diabetes mellitus", "dm1": "type 1 diabetes mellitus",
        "niddm": "type 2 diabetes mellitus", "iddm": "type 1 diabetes mellitus", "paf": "paroxysmal atrial fibrillation",
        "aflutter": "atrial flutter", "nstemi": "non st elevation myocardial infarction", "stemi": "st elevation myocardial infarction",
        "aki": "acute kidney injury", "tia": "transient ischemic attack", "ptsd": "post traumatic stress disorder",
        "gad": "generalized anxiety disorder", "adhd": "attention deficit hyperactivity disorder", "ocd": "obsessive compulsive disorder",
        "aom": "acute otitis media", "om": "otitis media", "lbp": "low back pain", "sob": "shortness of breath", "ibs": "irritable bowel syndrome",
        "pud": "peptic ulcer disease", "pvd": "peripheral vascular disease", "lvh": "left ventricular hypertrophy",
        "svt": "supraventricular tachycardia", "lbbb": "left bundle branch block", "rbbb": "right bundle branch block",
        "hlp": "hyperlipidemia", "hypothyroid": "hypothyroidism", "hyperthyroid": "hyperthyroidism", "cp": "chest pain",
        "gdm": "gestational diabetes mellitus", "tb": "tuberculosis", "ltbi": "latent tuberculosis infection",
        "hcv": "hepatitis c", "hbv": "hepatitis b", "hep": "hepatitis", "jme": "juvenile myoclonic epilepsy",
        "icd": "implantable cardioverter defibrillator", "aicd": "automatic implantable cardioverter defibrillator",
        "w/o": "without", "s/p": "status", "npdr": "nonproliferative diabetic retinopathy",
        "pdr": "proliferative diabetic retinopathy", "dme": "diabetic macular edema", "ou": "bilateral", "cancer": "malignant neoplasm", "cancers": "malignant neoplasms",
        // Cigarettes are smoked nicotine: the list files their dependence under nicotine.
        "cigarette": "nicotine cigarette", "cigarettes": "nicotine cigarettes",
        // Parts of one organ only, named by the organ as the list does.
        "turbinate": "nasal turbinate", "turbinates": "nasal turbinates", "toenail": "toe nail", "toenails": "toe nails",
        "fingernail": "finger nail", "fingernails": "finger nails",
        // A gestational condition is one of pregnancy: the list's obstetric codes say "in pregnancy".
        "gestational": "gestational pregnancy",
    ]

    /// Words the list uses for what notes say otherwise.
    static let synonyms: [String: String] = [
        "tobacco": "nicotine", "renal": "kidney", "drugs": "drug", "medications": "drug",
        "medication": "drug", "therapy": "drug", "longterm": "long",
        // An adjective and its noun name one condition: "diabetic kidney disease" is diabetes with kidney disease.
        "diabetic": "diabetes", "hypertensive": "hypertension", "obese": "obesity", "anemic": "anemia", "asthmatic": "asthma",
        "cardiac": "heart", "depressive": "depression", "pregnant": "pregnancy", "vein": "venous", "veins": "venous",
        "hypoxemic": "hypoxia", "hypoxemia": "hypoxia", "hypercapnic": "hypercapnia",
        // Laterality as notes abbreviate it; the list writes right, left and bilateral.
        "r": "right", "rt": "right", "l": "left", "lt": "left", "bilat": "bilateral", "bilaterally": "bilateral",
        // Roman numerals for types, stages and grades.
        "ii": "2", "iii": "3", "iv": "4",
    ]

    init(table: ICD10Table) {
        self.table = table
        var terms: [Term] = []
        var documentFrequency: [String: Int] = [:]
        func add(_ allWords: [String], to target: Int) {
            let words = allWords.filter { !$0.hasPrefix(Self.absentMark) }
            guard !words.isEmpty else { return }
            let absent = allWords.filter { $0.hasPrefix(Self.absentMark) }.map { String($0.dropFirst()) }
            terms.append(Term(entry: target, words: words, absent: absent, weight: 0))
            for word in Set(words) { documentFrequency[word, default: 0] += 1 }
        }
        var ancestorTerms: [String: (description: [String], inclusion: [[String]], includes: [[String]])] = [:]
        for (i, entry) in table.entries.enumerated() {
            var texts: [String] = []
            var target = i
            if entry.billable {
                texts = [entry.description] + entry.inclusionTerms + entry.includes
            } else if !entry.includes.isEmpty, let fallback = table.defaultCode(of: entry.code), let f = table.index[fallback.code] {
                texts = entry.includes
                target = f
            }
            for text in texts { add(Self.termWords(text), to: target) }
            guard entry.billable else { continue }
            // A category's or subcategory's inclusion terms and "Includes" notes stand for every code under it
            // ("Heart failure with reduced ejection fraction" under systolic heart failure): each code below is
            // also indexed under them, with the words its own description adds to the ancestor's ("chronic").
            let own = Set(Self.termWords(entry.description))
            var seen = Set<[String]>()
            var ancestor = table[entry.parent]
            var below = entry.code
            // Up to the category: a block's code has a range ("E08-E13"), and a block of one category may share its code.
            while let a = ancestor, !a.code.contains("-"), a.code != below {
                below = a.code
                if !a.inclusionTerms.isEmpty || !a.includes.isEmpty {
                    let known = ancestorTerms[a.code] ?? (Self.termWords(a.description), a.inclusionTerms.map(Self.termWords),
                                                           a.includes.map(Self.termWords))
                    ancestorTerms[a.code] = known
                    let added = own.subtracting(known.description).sorted()
                    // An "Includes" note without a word of the code's own stands for the default code only (above).
                    for words in known.inclusion + (added.isEmpty ? [] : known.includes) where !words.isEmpty {
                        let combined = words + added.filter { !words.contains($0) }
                        if seen.insert(combined).inserted { add(combined, to: i) }
                    }
                }
                ancestor = table[a.parent]
            }
        }
        // Abbreviations the list itself gives after a term ("... ejection fraction [HFrEF]", "... disease (CKD)"):
        // a note writing one in capitals means the words of the term around it.
        var harvested: [String: [String]] = [:]
        var mixedCase = Set<String>()
        for entry in table.entries {
            for text in [entry.description] + entry.inclusionTerms + entry.includes {
                for segment in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                    for abbreviation in Self.bracketedAbbreviations(in: String(segment)) {
                        let key = abbreviation.lowercased()
                        guard Self.abbreviations[key] == nil, !Self.stopWords.contains(key),
                              let open = segment.range(of: "(" + abbreviation) ?? segment.range(of: "[" + abbreviation) else { continue }
                        // The words written before it; the shortest such wording in the list is the abbreviation's.
                        let expansion = Self.essentialWords(String(segment[..<open.lowerBound]))
                        guard let first = expansion.first, first.first == key.first, expansion.count >= 2 else { continue }
                        if let known = harvested[key], known.count <= expansion.count { continue }
                        harvested[key] = expansion
                        if abbreviation.dropFirst().contains(where: \.isLowercase) { mixedCase.insert(key) }
                    }
                }
            }
        }
        self.listAbbreviations = harvested
        self.mixedCaseAbbreviations = mixedCase
        let total = Double(terms.count)
        var idf: [String: Double] = [:]
        for (word, count) in documentFrequency { idf[word] = log(total / Double(count)) + 1 }
        var postings: [String: [Int]] = [:]
        var weighted: [Term] = []
        for (t, term) in terms.enumerated() {
            let weight = Set(term.words).reduce(0) { $0 + (idf[$1] ?? 1) }
            weighted.append(Term(entry: term.entry, words: term.words, absent: term.absent, weight: weight))
            for word in Set(term.words) { postings[word, default: []].append(t) }
        }
        self.terms = weighted
        self.postings = postings
        self.idf = idf
    }

    /// Lowercased words, abbreviations spelled out, synonyms mapped, plurals folded, stop words and
    /// placeholders (`[NAME_1]`) left out.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var withoutPlaceholders = ""
        var depth = 0
        for c in text.lowercased() {
            if c == "[" { depth += 1; continue }
            if c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { withoutPlaceholders.append(c) }
        }
        let pieces = withoutPlaceholders.split { !($0.isLetter || $0.isNumber || $0 == "/") }
        for piece in pieces {
            // "h/o" is one abbreviation; "albumin/creatinine" is two words.
            let parts = abbreviations[String(piece)] != nil ? [String(piece)] : piece.split(separator: "/").map(String.init)
            for part in parts {
                // A kidney disease stage as KDIGO writes it ("G3b") or glued to its abbreviation ("CKD3b").
                if let stage = Self.stageSuffix(part) {
                    if let expansion = abbreviations[stage.prefix] { result += expansion.split(separator: " ").map { fold(String($0)) } }
                    result += ["stage", stage.number]
                } else if let expansion = abbreviations[part] {
                    // Spelled out, an abbreviation's words are the list's like any other ("vein" is "venous").
                    result += expansion.split(separator: " ").map { fold(String($0)) }
                } else if !stopWords.contains(part) {
                    result.append(fold(part))
                }
            }
        }
        return result
    }

    /// "g3b" -> ("", "3b"); "ckd4" -> ("ckd", "4"): letters that are "g" or a known abbreviation, then a stage.
    static func stageSuffix(_ word: String) -> (prefix: String, number: String)? {
        guard let digit = word.firstIndex(where: \.isNumber), digit > word.startIndex else { return nil }
        let prefix = String(word[..<digit])
        let number = String(word[digit...])
        guard prefix.allSatisfy(\.isLetter), number.count <= 2, number.first.map({ ("1"..."5").contains($0) }) == true,
              number.count == 1 || number.last == "a" || number.last == "b" else { return nil }
        if prefix == "g" { return ("", number) }
        return abbreviations[prefix] != nil && prefix.count >= 3 ? (prefix, number) : nil
    }

    static func fold(_ original: String) -> String {
        let word = synonyms[original] ?? original
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 4, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("is"), !word.hasSuffix("us") {
            return String(word.dropLast())
        }
        return word
    }

    /// Tokens in parentheses or brackets written with at least two capitals and no space ("HFrEF", "CKD").
    static func bracketedAbbreviations(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inside = false
        for c in text {
            if c == "(" || c == "[" { inside = true; current = ""; continue }
            if c == ")" || c == "]" {
                if inside, current.count >= 2, current.count <= 8, current.allSatisfy({ $0.isLetter || $0.isNumber }),
                   current.filter(\.isUppercase).count >= 2 {
                    result.append(current)
                }
                inside = false
                continue
            }
            if inside { current.append(c) }
        }
        return result
    }

    /// A note's words: ``words(_:)``, and an abbreviation that the list gives for a term, when the note writes it
    /// in capitals (or, for a mixed-case one, in any case), spelled out as that term.
    func noteWords(_ text: String) -> [String] {
        var expanded = ""
        for token in Self.withoutDurations(text).split(separator: " ", omittingEmptySubsequences: false) {
            let bare = token.trimmingCharacters(in: .punctuationCharacters)
            let key = bare.lowercased()
            if bare.filter(\.isUppercase).count >= 2 || mixedCaseAbbreviations.contains(key), let words = listAbbreviations[key] {
                expanded += " " + token.replacingOccurrences(of: bare, with: words.joined(separator: " "))
            } else {
                expanded += " " + token
            }
        }
        // A device "in place" is the list's "presence of" it; oxygen used at home is the list's dependence on it.
        let present = expanded.replacingOccurrences(of: #"(?i)\bin place\b"#, with: " presence ", options: .regularExpression)
            .replacingOccurrences(of: #"(?i)\bhome (?:oxygen|o2)\b"#, with: " dependence on supplemental oxygen ", options: .regularExpression)
            // Both of a paired organ is the list's "bilateral".
            .replacingOccurrences(of: #"(?i)\bboth (?:eyes|ears|sides|legs|arms|knees|hips|feet|hands|lungs|kidneys|breasts)\b"#,
                                  with: " bilateral ", options: .regularExpression)
        return Self.words(present.replacingOccurrences(of: "-", with: " "))
    }

    /// How long a complaint has lasted ("x 4 days", "for 2 weeks") describes the course, never the condition.
    static func withoutDurations(_ text: String) -> String {
        let pattern = #"(?i)\b(x|for|over|past|times)?\s*\d+(\.\d+)?(\s*(-|to)\s*\d+)?\s*(days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y|hours?|hrs?|h)\b(\s+ago)?"#
        return text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
    }

    /// A term's words without its parenthesized (nonessential) modifiers.
    static func essentialWords(_ text: String) -> [String] {
        var kept = ""
        var depth = 0
        for c in text {
            if c == "(" || c == "[" { depth += 1; continue }
            if c == ")" || c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { kept.append(c) }
        }
        return words(kept.replacingOccurrences(of: "-", with: " "))
    }

    static let absentMark = "!"

    /// A term's essential words, those of what it says is absent marked with `absentMark`: a "without" phrase up to
    /// the next comma, "in" or "with", which start a qualifier of their own ("without complications in remission",
    /// "without macular edema, right eye").
    static func termWords(_ text: String) -> [String] {
        guard let without = text.range(of: "without ", options: .caseInsensitive) else { return essentialWords(text) }
        let rest = text[without.upperBound...]
        let end = [",", " in ", " with "].compactMap { rest.range(of: $0)?.lowerBound }.min() ?? rest.endIndex
        return essentialWords(String(text[..<without.lowerBound])) + essentialWords(String(rest[..<end])).map { absentMark + $0 }
            + termWords(String(rest[end...]))
    }

    /// The codes that `phrase` (a clause of `sentence`) states, best first. `requiredWord`, when given, must
    /// be among a term's words (a "history of" phrase looks only at history codes).
    func candidates(phrase: String, sentence: String, requiredWord: String? = nil) -> [Candidate] {
        let phraseWords = Set(noteWords(phrase)).subtracting(Self.encounterWords)
        var sentenceWords = Set(noteWords(sentence)).union(phraseWords)
        // A note's "history of X" is the patient's own: the list's "personal history of X" (a relative's is "family
        // history", which the phrase would say).
        if requiredWord == "history", !sentenceWords.contains("family") { sentenceWords.insert("personal") }
        guard !phraseWords.isEmpty else { return [] }
        let sentenceSequence = noteWords(sentence)
        // Words the sentence says are absent ("without esophagitis", "no retinopathy"): a code worded with them
        // present does not fit.
        let denied = Set(sentenceSequence.indices.filter { Self.absenceWords.contains(sentenceSequence[$0]) }
            .flatMap { sentenceSequence[($0 + 1)..<min($0 + 3, sentenceSequence.count)] })
            .subtracting(Self.absenceWords)
        let phraseWeight = phraseWords.reduce(0) { $0 + weight($1) }
        var bestByEntry: [Int: Candidate] = [:]
        var seen = Set<Int>()
        for word in phraseWords {
            for t in postings[word] ?? [] where !seen.contains(t) {
                seen.insert(t)
                let term = terms[t]
                var termWords = Set(term.words)
                if let requiredWord, !termWords.contains(requiredWord) { continue }
                // The patient's own history is never a relative's.
                if requiredWord == "history", termWords.contains("family"), !sentenceWords.contains("family") { continue }
                // A number in a term (a type, a stage) must be the phrase's own: "2" from "type 2 diabetes"
                // elsewhere in the sentence is not a kidney disease stage.
                if termWords.contains(where: { $0.contains(where: \.isNumber) && !phraseWords.contains($0) }) { continue }
                // A term worded with the same negation ("not intractable") states what the sentence denies.
                let ownNegations = Set(term.words.indices.dropFirst().filter { term.words[$0 - 1] == "not" }.map { term.words[$0] })
                if !termWords.subtracting(ownNegations).isDisjoint(with: denied) { continue }
                // What the code says is absent: ruled out when the sentence states it present, and counted as
                // stated (a "without aura" code is worded as the note is) when the sentence states it absent.
                var termWeight = term.weight
                if !term.absent.isEmpty, sentenceWords.isSuperset(of: term.absent) {
                    guard let absence = Self.absenceWords.first(where: sentenceWords.contains) else { continue }
                    let added = Set(term.absent + [absence]).subtracting(termWords)
                    termWords.formUnion(added)
                    termWeight += added.reduce(0) { $0 + weight($1) }
                }
                var stated = termWords.intersection(sentenceWords).reduce(0) { $0 + weight($1) }
                if stated / termWeight < Self.minimumTermCoverage, !phraseWords.isDisjoint(with: Self.sideWords) {
                    let implied = impliedSite(of: term.entry, statedSides: sentenceWords).intersection(termWords).subtracting(sentenceWords)
                    stated += implied.reduce(0) { $0 + weight($1) }
                }
                let termCoverage = stated / termWeight
                guard termCoverage >= Self.minimumTermCoverage else { continue }
                let accounted = termWords.intersection(phraseWords).reduce(0) { $0 + weight($1) }
                let phraseCoverage = accounted / phraseWeight
                guard phraseCoverage >= Self.minimumPhraseCoverage else { continue }
                if conflictsInNumber(table.entries[term.entry], sentenceSequence) { continue }
                let candidate = Candidate(entry: table.entries[term.entry], termCoverage: termCoverage, phraseCoverage: phraseCoverage)
                if let current = bestByEntry[term.entry], current.score >= candidate.score { continue }
                bestByEntry[term.entry] = candidate
            }
        }
        let stated = bestByEntry.mapValues { statedWords($0.entry, in: sentenceWords) }
        let ranked = bestByEntry.map { ($0.key, $0.value) }.sorted { pair, other in
            let (a, b) = (pair.1, other.1)
            if abs(a.score - b.score) > 1e-9 { return a.score > b.score }
            // Equal scores: the code whose own words the sentence states more of (its severity, its side) first.
            let (sa, sb) = (stated[pair.0]!.count, stated[other.0]!.count)
            if sa != sb { return sa > sb }
            // Equal wording: the code whose description says more (is more specific) first, then list order.
            if a.entry.description.count != b.entry.description.count { return a.entry.description.count > b.entry.description.count }
            return a.entry.code < b.entry.code
        }
        guard let best = ranked.first?.1 else { return [] }
        let closePairs = ranked.prefix { $0.1.score >= best.score * Self.candidateShareOfBest }
        // "X, unspecified" is for a note that says no more; when the sentence states every word of another close
        // code that says more (a severity, a side, an episode, a site), the unspecified code is not the most
        // specific one supported. Only within a chapter: a combination code of another chapter ("diabetes with
        // diabetic CKD") is coded beside the condition's own code, not instead of it.
        let specified = closePairs.filter { pair in
            guard pair.1.entry.description.lowercased().contains("unspecified") else { return true }
            let mine = stated[pair.0]!
            return !closePairs.contains { other in
                other.0 != pair.0 && table.chapter(of: other.1.entry.code)?.code == table.chapter(of: pair.1.entry.code)?.code
                    && other.1.termCoverage >= 1 - 1e-9
                    && other.1.score >= pair.1.score - 1e-9 && stated[other.0]!.isStrictSuperset(of: mine)
            }
        }
        let close = specified.map(\.1)
        // "Other X" codes a kind of X the note specifies; "X, unspecified" codes X said no more precisely. When
        // both match the same words, the note specified nothing more, so only the unspecified code is supported.
        let supported = close.filter { candidate in
            guard candidate.entry.description.hasPrefix("Other ") else { return true }
            return !close.contains { $0.score == candidate.score && $0.entry.description.lowercased().contains("unspecified") }
        }
        return Array(supported.prefix(Self.maximumCandidates))
    }

    func weight(_ word: String) -> Double { idf[word] ?? 1 }

    /// A code whose description numbers a word ("type 1", "stage 4") that the sentence numbers otherwise
    /// ("type 2") and never this way.
    func conflictsInNumber(_ entry: ICD10Entry, _ sentence: [String]) -> Bool {
        let own = Self.essentialWords(entry.description)
        for i in own.indices.dropFirst() where own[i].contains(where: \.isNumber) {
            let key = own[i - 1]
            var other = false
            var same = false
            for j in sentence.indices.dropLast() where sentence[j] == key && sentence[j + 1].contains(where: \.isNumber) {
                if sentence[j + 1] == own[i] { same = true } else { other = true }
            }
            if other && !same { return true }
        }
        return false
    }

    static let sideWords: Set<String> = ["right", "left", "bilateral"]
    /// In order of preference when a sentence has several: the one a "without" term is worded with first.
    static let absenceWords = ["without", "no", "not", "denies", "negative"]

    /// The site a code's side names ("left ear") when its block or chapter names it too ("diseases of middle ear"):
    /// it goes without saying, as a note writes "left otitis media".
    func impliedSite(of entryIndex: Int, statedSides: Set<String>) -> Set<String> {
        let entry = table.entries[entryIndex]
        let words = Self.essentialWords(entry.description)
        let sides = Self.sideWords.intersection(statedSides)
        let afterSide = Set(words.indices.dropLast().filter { sides.contains(words[$0]) }.map { words[$0 + 1] })
        guard !afterSide.isEmpty else { return [] }
        var section = Set<String>()
        var current = table[entry.parent]
        var steps = 0
        while let a = current, steps < 12 {
            if a.code.contains("-") || a.parent.isEmpty { section.formUnion(Self.essentialWords(a.description)) }
            if a.parent.isEmpty || a.parent == a.code { break }
            current = table[a.parent]
            steps += 1
        }
        return afterSide.intersection(section)
    }

    /// The words of a code's own description that the sentence states.
    func statedWords(_ entry: ICD10Entry, in sentenceWords: Set<String>) -> Set<String> {
        Set(Self.essentialWords(entry.description)).intersection(sentenceWords)
    }
}
