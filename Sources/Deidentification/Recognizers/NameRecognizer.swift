/// Person names: patients, relatives, clinicians, staff and typists.
///
/// Evidence, strongest first:
/// - context: a title ("Dr. Ana Ruiz"), a label ("Patient: ROE, JANE"), a relation ("son John"), a credential
///   after the name ("Jane Roe, MD"), a signature after a closing ("Sincerely,\nJane Roe"), typist initials
///   ("JR/km");
/// - the lexicons: "LAST, FIRST" and runs of known first and last names, ALL CAPS included; a single known
///   name that is not a safe word;
/// - propagation: a word confirmed as a name anywhere in the document is a name everywhere in it.
///
/// Safe words (eponyms, common words) are names only with context, and a word followed by an eponym noun
/// ("Parkinson disease", "Bell's palsy") is not a name. Titles, credentials and a possessive 's stay outside.
/// Names without any of these cues (a first name alone in a phone message, a name that is also a common word
/// in mid-sentence) are left to the model-assisted pass, ``ModelMentionRecognizer``.
public struct NameRecognizer: Recognizer {
    public let name = "name"
    public let supportedKinds: Set<PHIKind> = [.name]
    let lexicons: Lexicons
    static let labels = PhraseSet(PersonLabels.phrases)
    /// Labels that introduce a name only when followed by ":" (they are ordinary words otherwise).
    static let colonOnlyLabels: Set<String> = ["patient", "pt", "name", "to", "from", "cc", "contact", "nurse", "rn",
                                                "mother", "father", "parent", "spouse", "author", "tech", "caregiver",
                                                "witness", "insured", "subscriber", "beneficiary", "recipient",
                                                "resident", "fellow", "surgeon", "assistant", "provider", "physician",
                                                "attending", "therapist", "pharmacist", "interpreter", "anesthesia",
                                                "consultant", "guardian", "attention", "caller", "scribe", "chaplain"]

    /// Nouns for a person in some role that, written as a field label ("Veteran: Terrence Ohl", "Student:
    /// Ana Ruiz"), introduce that person's name. Unlike ``PersonLabels`` they are ordinary words without the colon.
    static let personRoleLabels: Set<String> = [
        "veteran", "student", "client", "member", "employee", "worker", "claimant", "applicant", "enrollee",
        "participant", "donor", "victim", "inmate", "detainee", "athlete", "player", "learner", "pupil",
        "child", "infant", "baby", "minor", "dependent", "resident", "tenant", "customer", "consumer", "visitor",
        "passenger", "pedestrian", "driver", "owner", "sender", "requester", "requestor", "employer contact",
        "supervisor", "manager", "teacher", "coach", "officer", "agent", "adjuster", "reviewer",
        "investigator", "examiner", "examinee", "trainee", "intern", "volunteer", "sponsor", "proxy", "surrogate",
        "representative", "rep", "decedent", "deceased", "survivor", "survivors", "son", "daughter", "wife", "husband",
        "partner", "sibling", "brother", "sister", "grandparent", "grandmother", "grandfather", "aunt", "uncle",
        "foster parent", "case worker", "caseworker", "aide", "doula", "paramedic", "medic", "dentist", "hygienist",
        "optometrist", "audiologist", "physiotherapist", "chiropractor", "podiatrist", "radiologist", "pathologist",
        "sonographer", "phlebotomist", "technician", "clinician", "practitioner", "counselor", "mentor", "clerk",
        "receptionist", "scheduler", "dispatcher", "transcriptionist", "typist", "secretary", "notary",
        "therapist", "pharmacist", "physician", "surgeon", "chaplain", "midwife", "dietitian", "nutritionist",
        "psychologist", "technologist", "navigator", "coordinator", "scribe", "anesthesiologist", "psychiatrist",
    ]
    /// Field labels whose value is a name by definition ("Mother's maiden surname: Tran"). They need no clause
    /// start and no lexicon evidence: the label says what the value is.
    static let nameFieldLabels = PhraseSet(["surname", "last name", "first name", "given name", "given names",
                                            "middle name", "maiden name", "maiden surname", "family name",
                                            "legal name", "full name", "preferred name", "nickname", "alias",
                                            "goes by", "known as"])
    /// Lowercase phrases naming who did a step, before that person's initials or name ("Gross by LMT.").
    static let staffByPhrases = PhraseSet(["gross by", "grossed by", "typed by", "cut by", "dissected by",
                                           "prosected by", "keyed by", "scanned by", "triaged by", "logged by",
                                           "printed by", "consented by", "entered by", "documented by", "recorded by",
                                           "transcribed by", "witnessed by", "verified by", "prepared by",
                                           "charted by", "processed by", "faxed by", "mailed by", "checked by"])
    /// Animals whose names follow "named" in bite and exposure reports.
    static let animals: Set<String> = [
        "dog", "dogs", "cat", "cats", "puppy", "kitten", "pet", "horse", "pony", "bird", "parrot", "rabbit",
        "ferret", "hamster", "boxer", "retriever", "terrier", "shepherd", "poodle", "beagle", "rottweiler", "husky",
        "chihuahua", "bulldog", "pitbull", "pit", "lab", "labrador", "dachshund", "collie", "spaniel", "doberman",
        "mastiff", "heeler", "mix", "stray",
    ]
    /// "a boxer named Duke": "named" or "called" after an animal introduces a pet's name, not a person's.
    func isAnimalNaming(_ t: TokenizedText, _ i: Int) -> Bool {
        ["named", "called", "nicknamed"].contains(t.key(i)) && t.hasContext(before: i, window: 3, in: Self.animals)
    }

    /// Languages, which follow "Interpreter:" as often as a person does.
    static let languages: Set<String> = [
        "spanish", "english", "french", "mandarin", "cantonese", "vietnamese", "arabic", "russian", "portuguese",
        "korean", "haitian", "creole", "somali", "tagalog", "hindi", "urdu", "polish", "italian", "german",
        "japanese", "asl", "farsi", "persian", "dari", "pashto", "punjabi", "bengali", "swahili", "amharic",
        "nepali", "hmong", "karen", "burmese", "ukrainian", "tigrinya", "oromo", "khmer", "lao", "thai",
        "greek", "turkish", "hebrew", "yiddish", "navajo", "marshallese", "chuukese", "samoan", "tongan",
    ]
    /// The same labels as a phrase set, so that two-word labels ("foster parent") match too.
    static let personRoleLabelPhrases = PhraseSet(Array(personRoleLabels))

    /// Clinical roles written before a name like a title: "receiving RN Priyanka", "PCT K. Lo".
    static let roleTitles: Set<String> = ["rn", "lpn", "np", "pa", "cna", "pct", "rt", "ma", "emt", "crna", "md", "do", "dr"]
    /// Lowercase particles inside surnames: "van der Berg", "de la Cruz", "St. John".
    static let particles: Set<String> = ["van", "der", "den", "de", "la", "le", "del", "della", "di", "da", "du", "von",
                                         "dos", "das", "ten", "ter", "bin", "ibn", "al", "el", "st"]

    /// Street suffix abbreviations that end a street name, never a person's name ("Oak Hill Rd").
    static let streetAbbreviations: Set<String> = ["rd", "st", "ave", "blvd", "ln", "ct", "hwy", "pkwy", "ter", "cir", "pl"]

    /// Context evidence at or above this score makes a name known to the whole document (titles, labels,
    /// relations, credentials, signatures); lexicon guesses stay below it.
    static let knownNameScore = 0.85

    public init(lexicons: Lexicons = .empty) { self.lexicons = lexicons }

    public func analyze(_ t: TokenizedText) -> [Detection] {
        var names: [Detection] = []
        var isName = [Bool](repeating: false, count: t.count)
        var confirmed = Set<String>()
        var known = DocumentNames()

        func add(_ foundFirst: Int, _ foundLast: Int, _ score: Double, confirm: Bool) {
            if foundFirst == foundLast, isStateBeforeZIP(t, foundFirst) { return }
            let (first, last) = widened(t, foundFirst, foundLast)
            names.append(detection(t.range(first, last), .name, score: score))
            // Context found this person: its parts are names wherever else the document mentions them.
            if confirm, score >= Self.knownNameScore {
                let words = (first...last).filter { t.isWord($0) && !isInitial(t, $0) }
                known.record(words.map { t.key($0) }, writtenInLowerCase: words.allSatisfy { t.tokens[$0].shape == .lower })
            }
            for k in first...last where t.isWord(k) {
                isName[k] = true
                // A given name that is also an abbreviation ("Dev") is confirmed when context found it capitalized;
                // so is a surname that is also an eponym ("Dr. Parkinson"): its other mentions are names unless an
                // eponym noun follows ("Parkinson disease"). Safe words (common words) are never propagated.
                if confirm, t.tokens[k].length > 1, !lexicons.safeWords.contains(t.key(k)),
                   !FunctionWords.words.contains(t.key(k)) || t.tokens[k].shape == .capitalized && lexicons.isFirstName(t.key(k)) {
                    confirmed.insert(t.key(k))
                }
            }
        }

        // 1. Context rules.
        var i = 0
        while i < t.count {
            defer { i += 1 }
            guard t.kind(i) == .word else { continue }
            let key = t.key(i)
            if Titles.honorifics.contains(key), t.tokens[i].shape != .lower || ["nurse", "doctor", "pastor", "dr"].contains(key),
               let (f, l) = afterTitle(t, i) {
                add(f, l, 0.95, confirm: true); continue
            }
            if let labelEnd = Self.labels.match(t, at: i), labelEnd > i || labelStartsClause(t, i),
               let (f, l) = afterLabel(t, i, labelEnd) {
                add(f, l, 0.9, confirm: true); i = l; continue
            }
            // "Veteran: Terrence "Terry" Mbeki-Halloran": a person-role noun used as a field label.
            if let labelEnd = Self.personRoleLabelPhrases.match(t, at: i) ?? (Self.isSpecialistNoun(key) ? i : nil),
               let c = t.next(labelEnd), t.isSymbol(c, ":"),
               labelStartsClause(t, i), let (f, l) = afterLabel(t, i, labelEnd),
               // These labels also head ordinary fields ("Employee: Full Time"): one word must be a known name.
               hasNameEvidence(t, f, l) {
                add(f, l, 0.9, confirm: true); i = l; continue
            }
            // "MD: Olu Bakare": a credential used as a field label names the clinician after it.
            if isCredential(t, i), labelStartsClause(t, i), let c = t.next(i), t.isSymbol(c, ":"),
               let (f, l) = afterLabel(t, i, i), hasNameEvidence(t, f, l) || t.tokens[f].shape == .capitalized && f < l {
                add(f, l, 0.9, confirm: true); i = l; continue
            }
            // "Mother's maiden surname: Tran", "Legal name: Thuy Tran": the label says the value is a name.
            if let labelEnd = Self.nameFieldLabels.match(t, at: i), let c = t.next(labelEnd), t.isSymbol(c, ":"),
               let n = t.next(c), t.isWord(n), t.tokens[n].shape != .lower, !lexicons.safeWords.contains(t.key(n)) || lexicons.isName(t.key(n)),
               let (f, l) = sequence(t, from: n, allowFunctionWords: false) {
                add(f, l, 0.9, confirm: true); i = l; continue
            }
            // "Gross by LMT.", "typed by dfh": staff initials or a name after a step done by someone.
            if let phraseEnd = Self.staffByPhrases.match(t, at: i), var n = t.next(phraseEnd) {
                if t.isSymbol(n, ":"), let m = t.next(n) { n = m }      // "Typed by: dfh"
                if t.isWord(n), (2...4).contains(t.tokens[n].length), t.tokens[n].shape == .allCaps || t.tokens[n].shape == .lower,
                   !FunctionWords.words.contains(t.key(n)), !Self.messageEndAbbreviations.contains(t.key(n)),
                   !Self.bedsideRoles.contains(t.key(n)),
                   !(n + 1 < t.count && (t.isWord(n + 1) || t.isNumber(n + 1))),
                   !t.isSymbol(n + 1, "-") {
                    add(n, n, 0.8, confirm: false); i = n; continue
                }
                if let (f, l) = afterLabel(t, i, phraseEnd) { add(f, l, 0.85, confirm: true); i = l; continue }
            }
            // "therapist Yusra will call": a role noun before a listed given name, even a rare one.
            if Self.personRoleLabels.contains(key), t.tokens[i].shape == .lower, !RelationWords.words.contains(key),
               let n = t.next(i), n == i + 2, t.isSpace(i + 1), t.tokens[i + 1].length == 1, t.isWord(n),
               t.tokens[n].shape == .capitalized, lexicons.isFirstName(t.key(n)), !lexicons.isSafe(t.key(n)),
               !lexicons.cities.contains(t.key(n)), !USStates.names.contains(t.key(n)),
               let (f, l) = sequence(t, from: n, allowFunctionWords: false) {
                add(f, l, 0.8, confirm: true); i = l; continue
            }
            if RelationWords.words.contains(key), let (f, l) = afterRelation(t, i) {
                add(f, l, 0.85, confirm: true)
                i = l
                // "daughters Faith and Patience": more given names joined by "and" or commas.
                while let a = t.next(i), t.key(a) == "and" || t.isSymbol(a, ","), let m = t.next(a), t.isWord(m),
                      t.tokens[m].shape == .capitalized, lexicons.isFirstName(t.key(m)),
                      let (f2, l2) = sequence(t, from: m, allowFunctionWords: true) {
                    add(f2, l2, 0.8, confirm: true)
                    i = l2
                }
                continue
            }
            if Self.roleTitles.contains(key), t.tokens[i].shape == .allCaps, let n = t.next(i), t.isWord(n),
               t.tokens[n].shape == .capitalized || isInitial(t, n),
               // "PCT K. Lo" (an initial, a period, a surname) or "RN Priyanka" (a given name); not "MD   D: 03/09".
               isInitial(t, n) ? (t.isSymbol(n + 1, ".") && t.isSpace(n + 2) && t.isWord(n + 3) && t.tokens[n + 3].shape == .capitalized)
                               : (lexicons.isFirstName(t.key(n)) && !lexicons.safeWords.contains(t.key(n))),
               let (f, l) = sequence(t, from: n, allowFunctionWords: true) {
                add(f, l, 0.85, confirm: true); i = l; continue
            }
            if PersonLabels.closings.contains(key), let (f, l) = signature(t, i) {
                add(f, l, 0.85, confirm: true); i = l; continue
            }
        }
        for (f, l) in typistInitials(t) { add(f, l, 0.8, confirm: false) }
        for k in dashSignatureInitials(t) where !isName[k] { add(k, k, 0.75, confirm: false) }
        for k in slashInitials(t) where !isName[k] { add(k, k, 0.75, confirm: false) }
        for (f, l) in delimitedNames(t) where !isName[f] { add(f, l, 0.85, confirm: true) }
        for (f, l) in beforeBirthDate(t) where !isName[f] { add(f, l, 0.85, confirm: true) }
        var confirmedInitials = Set<String>()
        for k in initialsKey(t) where !isName[k] { add(k, k, 0.85, confirm: false); confirmedInitials.insert(t.key(k)) }
        for k in 0..<t.count where t.isWord(k) && !isName[k] && t.tokens[k].shape == .lower {
            if confirmedInitials.contains(t.key(k)) || isUserName(t, k) { add(k, k, 0.7, confirm: false) }
        }
        for (f, l) in beforeCredential(t) where !isName[f] { add(f, l, 0.9, confirm: true) }

        // 2. Lexicon rules over runs of name-shaped words.
        i = 0
        while i < t.count {
            guard t.isWord(i), !isName[i], let run = nameRun(t, from: i) else { i += 1; continue }
            defer { i = run.last + 1 }
            if let (f, l, score) = lexiconDecision(t, run) {
                add(f, l, score, confirm: score >= 0.8)
            }
        }

        // 3. Propagation of confirmed names to their other mentions.
        if !confirmed.isEmpty {
            for k in 0..<t.count where t.isWord(k) && !isName[k] && confirmed.contains(t.key(k)) {
                let shape = t.tokens[k].shape
                guard shape == .capitalized || shape == .allCaps, !followedByEponymNoun(t, k) else { continue }
                // An eponym surname ("Graves ophthalmopathy") or abbreviation ("Dev") is a name again only where no
                // noun can follow it: before punctuation, a line end or a function word ("with Dev and her").
                if lexicons.eponyms.contains(t.key(k)) || FunctionWords.words.contains(t.key(k)),
                   let n = t.next(k), t.isWord(n), !FunctionWords.words.contains(t.key(n)) { continue }
                add(k, k, 0.8, confirm: false)
            }
        }
        // 4. Every other mention of a person found by context, in any casing (see DocumentNames).
        for (f, l) in known.mentions(in: t, lexicons: lexicons, taken: isName, followedByMedicalNoun: { followedByEponymNoun(t, $0) }) {
            add(f, l, 0.8, confirm: false)
        }
        return names
    }

    /// A capitalized function word that ends a name as its surname ("Rose Will.", "Ana May,"): a listed surname
    /// that no lower-case word follows, since a modal or a month continuing the sentence would be followed by one.
    func isClosingSurname(_ t: TokenizedText, _ j: Int) -> Bool {
        guard t.tokens[j].shape == .capitalized, lexicons.isLastName(t.key(j)) else { return false }
        guard let n = t.next(j) else { return true }
        return !(t.isWord(n) && t.tokens[n].shape == .lower)
    }

    /// Widens a found name over the parts that belong to it but that the rules stop before: a first initial
    /// ("C. Nakamura"), a trailing middle initial ("Yolanda P."), a lower-case syllable after a hyphen (Korean
    /// given names are written "Hyun-woo"), and an unknown capitalized word right before it in mid-sentence
    /// (given names are open-ended: a word that is in no word list and stands before a name is part of it).
    func widened(_ t: TokenizedText, _ first: Int, _ last: Int) -> (Int, Int) {
        var first = first, last = last
        while first >= 3, t.isSpace(first - 1), t.tokens[first - 1].length == 1, t.isSymbol(first - 2, "."),
              isInitial(t, first - 3), !t.isWord(first - 4) {
            first -= 3
        }
        if first >= 2, t.isSpace(first - 1), t.tokens[first - 1].length == 1, t.isWord(first - 2),
           t.tokens[first - 2].shape == .capitalized, t.tokens[first - 2].length > 2, !t.startsSentence(first - 2) {
            let key = t.key(first - 2)
            if !lexicons.firstNames.isEmpty, !lexicons.isName(key), !lexicons.isSafe(key), !lexicons.cities.contains(key),
               !FunctionWords.words.contains(key), !Titles.honorifics.contains(key), !Titles.credentials.contains(key),
               !Self.personRoleLabels.contains(key), !RelationWords.words.contains(key), !isCredential(t, first - 2) {
                first -= 2
            }
        }
        if isLowercaseSyllable(t, after: last) { last += 2 }
        if t.isSpace(last + 1), t.tokens[last + 1].length == 1, isInitial(t, last + 2), t.isSymbol(last + 3, ".") {
            last += 2
        }
        return (first, last)
    }

    /// A short lower-case part after a hyphen that ends the word: the second syllable of a given name
    /// ("Hyun-woo", "Soo-ah"), never a separate word.
    func isLowercaseSyllable(_ t: TokenizedText, after last: Int) -> Bool {
        t.tokens[last].shape == .capitalized && t.isSymbol(last + 1, "-") && t.isWord(last + 2) && t.tokens[last + 2].shape == .lower
            && t.tokens[last + 2].length <= 4 && !FunctionWords.words.contains(t.key(last + 2)) && !t.isWord(last + 3)
            && !t.isSymbol(last + 3, "-")
    }

    /// Up to three lower-case words from `i`, each a listed given name or surname and no function word, with at
    /// least one that is no common word: a name typed in lower case after a title, label or relation.
    func lowercaseNameRun(_ t: TokenizedText, from i: Int) -> (Int, Int)? {
        var last = -1
        var k = i
        var uncommon = false
        while t.isWord(k), t.tokens[k].shape == .lower, k - i < 6 {
            let key = t.key(k)
            guard key.count > 1, lexicons.isName(key), !FunctionWords.words.contains(key), !RelationWords.words.contains(key) else { break }
            if !lexicons.isSafe(key) { uncommon = true }
            last = k
            guard t.isSpace(k + 1), t.tokens[k + 1].length == 1 else { break }
            k += 2
        }
        guard last >= i, uncommon else { return nil }
        return (i, last)
    }

    // MARK: - Word shapes

    /// A name-shaped word at `i`: capitalized or ALL CAPS, joined across "'" and "-" ("O'Brien",
    /// "Smith-Jones"), or an initial ("J." / "J"). Returns its last token.
    func nameWord(_ t: TokenizedText, _ i: Int) -> Int? {
        guard t.isWord(i) else { return nil }
        let shape = t.tokens[i].shape
        guard shape == .capitalized || shape == .allCaps else { return nil }
        var last = i
        while last + 2 < t.count, t.isSymbol(last + 1, "'") || t.isSymbol(last + 1, "-") || t.isSymbol(last + 1, "’"),
              t.isWord(last + 2), t.tokens[last + 2].shape == .capitalized || t.tokens[last + 2].shape == .allCaps,
              t.tokens[last + 2].length > 1 {
            last += 2
        }
        if isLowercaseSyllable(t, after: last) { last += 2 }
        return last
    }

    /// Lexicon key of a name word: its letters without apostrophes ("O'Shaughnessy" -> "oshaughnessy");
    /// hyphenated names keep their first part ("Smith-Jones" -> "smith").
    func wordKey(_ t: TokenizedText, _ first: Int, _ last: Int) -> String {
        guard last > first else { return t.key(first) }
        if t.isSymbol(first + 1, "-") { return t.key(first) }
        return stride(from: first, through: last, by: 2).map { t.key($0) }.joined()
    }

    func isInitial(_ t: TokenizedText, _ i: Int) -> Bool {
        t.isWord(i) && t.tokens[i].length == 1 && t.tokens[i].shape == .allCaps
    }

    func isCredential(_ t: TokenizedText, _ i: Int) -> Bool {
        guard t.isWord(i) else { return false }
        let shape = t.tokens[i].shape
        guard Titles.credentials.contains(t.key(i)), shape != .lower else { return false }
        // "Ma", "Ms", "Do", "Pt" capitalized are words or titles; credentials are written in capitals.
        return shape == .allCaps || t.tokens[i].length > 3 || ["jr", "sr", "rph", "phd"].contains(t.key(i))
    }

    /// A sequence of up to four name words starting at `i` ("Mary A. Smith-Jones"). Stops before credentials,
    /// titles, eponym nouns and line breaks. Returns first and last token.
    func sequence(_ t: TokenizedText, from i: Int, allowFunctionWords: Bool = false) -> (Int, Int)? {
        // A word glued to digits ("2F", "5TH") is part of a code or an address, not a name.
        guard let firstEnd = nameWord(t, i), !isCredential(t, i), !Titles.honorifics.contains(t.key(i)),
              !(i > 0 && t.isNumber(i - 1)) else { return nil }
        if !allowFunctionWords, FunctionWords.words.contains(t.key(i)) { return nil }
        var last = firstEnd
        var words = 1
        var cursor = firstEnd
        while words < 5 {
            var j = cursor + 1
            if isInitial(t, cursor) || t.key(cursor) == "st", t.isSymbol(j, ".") { j += 1 }
            if t.isSpace(j), t.tokens[j].length <= 2 { j += 1 } else if j == cursor + 1 { break }
            // Particles ("van der Berg", "de la Cruz") and a quoted nickname ("Mateo "Teo" Villalobos").
            var particle = j
            while particle < t.count, t.isWord(particle), Self.particles.contains(t.key(particle)),
                  t.tokens[particle].shape != .allCaps, t.isSpace(particle + 1) || t.isSymbol(particle + 1, "."), particle - j < 6 {
                particle = t.isSymbol(particle + 1, ".") ? particle + 3 : particle + 2
            }
            if particle != j, particle < t.count, let end = nameWord(t, particle), t.tokens[particle].shape == .capitalized {
                last = end; cursor = end; words += 1; continue
            }
            if isOpeningQuote(t, j), t.isWord(j + 1), isClosingQuote(t, j + 2), t.tokens[j + 1].shape == .capitalized,
               t.isSpace(j + 3), let end = nameWord(t, j + 4) {
                last = end; cursor = end; words += 2; continue
            }
            guard j < t.count, let end = nameWord(t, j), !isCredential(t, j), !Titles.honorifics.contains(t.key(j)),
                  !FunctionWords.words.contains(t.key(j)) || isInitial(t, j) || isClosingSurname(t, j), !EponymNouns.words.contains(t.key(j)),
                  !(Self.streetAbbreviations.contains(t.key(j)) && t.tokens[j].shape == .capitalized), !isStateBeforeZIP(t, j),
                  MonthNames.numbers[t.key(j)] == nil || isInitial(t, j) == false && lexicons.isName(t.key(j)) else { break }
            // "Ford F-150", "Roe RX8": a word glued to digits is a model code, not part of a name.
            if t.isNumber(end + 1) || t.isSymbol(end + 1, "-") && t.isNumber(end + 2) { break }
            // Do not run into the next sentence: "Smith. Patient" was split above by the period.
            last = end
            cursor = end
            words += 1
        }
        if followedByEponymNoun(t, last) { return nil }
        return (i, last)
    }

    /// Quotes around a nickname: straight, curly or single ("Mateo “Teo” Villalobos", "Mateo 'Teo' Villalobos").
    func isOpeningQuote(_ t: TokenizedText, _ i: Int) -> Bool {
        t.isSymbol(i, "\"") || t.isSymbol(i, "“") || t.isSymbol(i, "'") || t.isSymbol(i, "‘")
    }

    func isClosingQuote(_ t: TokenizedText, _ i: Int) -> Bool {
        t.isSymbol(i, "\"") || t.isSymbol(i, "”") || t.isSymbol(i, "'") || t.isSymbol(i, "’")
    }

    func followedByEponymNoun(_ t: TokenizedText, _ last: Int) -> Bool {
        var j = last
        if t.isSymbol(j + 1, "'") || t.isSymbol(j + 1, "’") {
            j += 1
            if j + 1 < t.count, t.isWord(j + 1), t.key(j + 1) == "s" { j += 1 }
        }
        // Only the word right after counts: a column gap ("Stanisław   Chart #") separates fields.
        guard let n = t.nextSkippingLines(j), t.isWord(n), !(t.isSpace(j + 1) && t.tokens[j + 1].length > 1) else { return false }
        if EponymNouns.words.contains(t.key(n)) { return true }
        // "Hoehn and Yahr stage", "Dix-Hallpike negative" (the hyphen pair is one name word already).
        if t.key(n) == "and", let m = t.next(n), let e = nameWord(t, m), let o = t.nextSkippingLines(e), t.isWord(o) {
            return EponymNouns.words.contains(t.key(o))
        }
        return false
    }

    /// True when a word of `first...last` is a known given name or surname, or an initial.
    func hasNameEvidence(_ t: TokenizedText, _ first: Int, _ last: Int) -> Bool {
        // "Clerk: dfh": lowercase initials alone after the label.
        if first == last, t.tokens[first].shape == .lower, (2...4).contains(t.tokens[first].length) { return true }
        if lexicons.firstNames.isEmpty { return true }
        let words = (first...last).filter { t.isWord($0) }
        // "Rose Hill": safe words count when every word of a multiword run is a known name.
        if words.count >= 2, words.allSatisfy({ lexicons.isName(t.key($0)) }) { return true }
        return words.contains { k in isInitial(t, k) || lexicons.isName(t.key(k)) && !lexicons.safeWords.contains(t.key(k)) }
    }

    /// A label word naming a clinician by specialty ("Oncologist:", "Pediatrician:", "Psychiatrist:").
    static func isSpecialistNoun(_ key: String) -> Bool {
        key.count > 6 && (key.hasSuffix("ologist") || key.hasSuffix("iatrist") || key.hasSuffix("ician") || key.hasSuffix("pist"))
    }

    /// "Patient: ..." style labels count only at a clause start (line start or after punctuation).
    private func labelStartsClause(_ t: TokenizedText, _ i: Int) -> Bool {
        guard let p = t.previous(i) else { return true }
        if t.kind(p) == .newline || t.kind(p) == .symbol { return true }
        // In a form laid out in columns ("IP-000448812    Patient: Fenwick"), a wide gap starts a field.
        return i > 0 && t.isSpace(i - 1) && t.tokens[i - 1].length >= 2
    }

    /// A two-letter state code followed by a five-digit ZIP ("IL 62704").
    func isStateBeforeZIP(_ t: TokenizedText, _ i: Int) -> Bool {
        guard t.tokens[i].length == 2, USStates.abbreviations.contains(t.key(i)), let z = t.next(i) else { return false }
        return t.isNumber(z) && t.tokens[z].length == 5
    }

    // MARK: - Context rules

    private func afterTitle(_ t: TokenizedText, _ i: Int) -> (Int, Int)? {
        var j = i
        if t.isSymbol(j + 1, ".") { j += 1 }
        guard var n = t.next(j), t.kind(n) == .word else { return nil }
        // Notes typed in lower case write the name after a lower-case title the same way.
        if t.tokens[i].shape == .lower, t.tokens[n].shape == .lower { return lowercaseNameRun(t, from: n) }
        // "NURSE ADVICE LINE": a title in a capitalized heading needs a known name after it.
        if t.tokens[i].shape == .allCaps, t.tokens[n].shape == .allCaps, !lexicons.firstNames.isEmpty,
           !lexicons.isName(t.key(n)) { return nil }
        // "Baby Girl Roe": the newborn's surname follows.
        if t.key(i) == "baby", ["girl", "boy"].contains(t.key(n)), let m = t.next(n) { n = m }
        // "MR. She meets ...": a pronoun or article after a title-like abbreviation is not a name.
        if FunctionWords.words.contains(t.key(n)) && !lexicons.commonFirstNames.contains(t.key(n)) { return nil }
        // "Dr. Parkinson" is a person even though "Parkinson" is a safe word: the title is the context.
        guard let (f, l) = sequence(t, from: n, allowFunctionWords: true) else {
            return nameWord(t, n).map { (n, $0) }
        }
        return (f, l)
    }

    private func afterLabel(_ t: TokenizedText, _ i: Int, _ labelEnd: Int) -> (Int, Int)? {
        var j = labelEnd
        var colon = false
        if let c = t.next(j), t.isSymbol(c, ":") || t.isSymbol(c, "-") { colon = t.isSymbol(c, ":"); j = c }
        let firstKey = t.key(i)
        if labelEnd == i, Self.colonOnlyLabels.contains(firstKey), !colon { return nil }
        if !colon, labelEnd == i, !["dear", "attn"].contains(firstKey) { return nil }
        guard var n = t.next(j) else { return nil }
        if t.kind(n) == .newline, colon, let m = t.nextSkippingLines(n) { n = m }
        if t.isWord(n), Titles.honorifics.contains(t.key(n)) {
            return afterTitle(t, n)
        }
        // "caller: june ellery": a name typed in lower case after a person label.
        if colon, t.isWord(n), t.tokens[n].shape == .lower, let run = lowercaseNameRun(t, from: n), run.1 > run.0 {
            return run
        }
        // Lowercase initials or a user name after "Taken by:", "Registrar:" ("jmc", "tgarza").
        if t.isWord(n), t.tokens[n].shape == .lower, (2...8).contains(t.tokens[n].length),
           !lexicons.isSafe(t.key(n)) || t.tokens[n].length <= 3,
           !FunctionWords.words.contains(t.key(n)), !(n + 1 < t.count && (t.isWord(n + 1) || t.isNumber(n + 1))) {
            return (n, n)
        }
        guard let (f, l) = sequence(t, from: n, allowFunctionWords: true) else { return nil }
        // "Attn: Appeals and Grievances", "ANESTHESIA: General": a safe word that is no given name, unless a
        // given name follows after a comma ("Patient: Price, Mark").
        if let withGiven = commaFirst(t, f, l) { return withGiven }
        let leading = t.key(f)
        // "Interpreter: Spanish, by phone": a language, not a person.
        if Self.languages.contains(leading) { return nil }
        if (lexicons.safeWords.contains(leading) || FunctionWords.words.contains(leading)) && !lexicons.commonFirstNames.contains(leading) && !isInitial(t, f) {
            return nil
        }
        return (f, l)
    }

    /// Extends "ROE" to "ROE, JANE A" when a given name follows the comma.
    private func commaFirst(_ t: TokenizedText, _ f: Int, _ l: Int) -> (Int, Int)? {
        // Only a lone surname takes a given name after a comma; "Colette Ambrose, Privacy Officer" does not.
        guard nameWord(t, f) == l, t.isSymbol(l + 1, ","), let n = t.next(l + 1), t.isWord(n), !isCredential(t, n),
              let (_, l2) = sequence(t, from: n) else { return nil }
        return (f, l2)
    }

    private func afterRelation(_ t: TokenizedText, _ i: Int) -> (Int, Int)? {
        var j = i
        if let c = t.next(j), t.isSymbol(c, ",") || t.isSymbol(c, ":") || t.isSymbol(c, "(") { j = c }
        guard let n = t.nextSkippingLines(j), t.kind(n) == .word else { return nil }
        if t.tokens[n].shape == .lower {
            // "her dad walt": a lower-case note names relatives in lower case too (weak relations excepted).
            guard t.tokens[i].shape == .lower, !["with", "spoke", "friend"].contains(t.key(i)), t.isSpace(j + 1),
                  t.tokens[j + 1].length == 1 else { return nil }
            return lowercaseNameRun(t, from: n)
        }
        guard t.tokens[n].shape == .capitalized || t.tokens[n].shape == .allCaps else { return nil }
        // "Informant: mother     Clerk: dfh": a column gap or a label after the relation starts another field.
        if t.isSpace(j + 1), t.tokens[j + 1].length >= 3 { return nil }
        if let c = t.next(n), t.isSymbol(c, ":") { return nil }
        if FacilityWords.heads.contains(t.key(n)) || MonthNames.numbers[t.key(n)] != nil && !lexicons.isName(t.key(n)) { return nil }
        if USStates.names.contains(t.key(n)) || Self.languages.contains(t.key(n)) { return nil }
        if isAnimalNaming(t, i) { return nil }
        // "with" and "spoke" are weak relations: the word after must be a known given name.
        if ["with", "spoke"].contains(t.key(i)), !lexicons.commonFirstNames.contains(t.key(n)) { return nil }
        if t.tokens[n].shape == .allCaps, !lexicons.isName(t.key(n)) { return nil }
        // "partner, Dev Raman": a given name that is also an abbreviation still follows a strong relation.
        let givenName = t.tokens[n].shape == .capitalized && lexicons.isFirstName(t.key(n)) && !["with", "spoke"].contains(t.key(i))
        return sequence(t, from: n, allowFunctionWords: givenName)
    }

    /// "Sincerely,\n\nJane Roe, MD": the first name-shaped line after a closing.
    private func signature(_ t: TokenizedText, _ i: Int) -> (Int, Int)? {
        var j = i
        if let n = t.next(j), t.isWord(n), PersonLabels.closings.contains(t.key(i) + " " + t.key(n)) { j = n }
        guard let c = t.next(j), t.isSymbol(c, ",") || t.kind(c) == .newline else { return nil }
        guard let n = t.nextSkippingLines(c), t.tokens[n].start > t.tokens[c].start,
              t.scalars[t.tokens[c].end..<t.tokens[n].start].contains("\n") || t.kind(c) == .newline else { return nil }
        var start = n
        if t.isWord(n), Titles.honorifics.contains(t.key(n)) { return afterTitle(t, n) }
        if t.isSymbol(n, "/") || t.isSymbol(n, "-") { guard let m = t.next(n + (t.isSymbol(n + 2, "/") ? 2 : 0)) else { return nil }; start = m }
        return sequence(t, from: start, allowFunctionWords: true)
    }

    /// "Left a message with the daughter.   /kq": lowercase initials after a slash that stands apart (not "and/or") and ends the line.
    private func slashInitials(_ t: TokenizedText) -> [Int] {
        var found: [Int] = []
        for k in 2..<max(2, t.count) where t.isWord(k) && t.tokens[k].shape == .lower && (2...3).contains(t.tokens[k].length) {
            guard t.isSymbol(k - 1, "/"), t.isSpace(k - 2), t.next(k).map({ t.kind($0) == .newline }) ?? true,
                  Self.hasNoVowel(t.key(k)) || !lexicons.isSafe(t.key(k)) else { continue }
            found.append(k)
        }
        return found
    }

    /// "JR/km", "JR:km" (dictator/typist) and "jr/km" alone on their line.
    private func typistInitials(_ t: TokenizedText) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        for i in 0..<t.count where t.isWord(i) && (2...4).contains(t.tokens[i].length) {
            guard i + 2 < t.count, t.isSymbol(i + 1, "/") || t.isSymbol(i + 1, ":"), t.isWord(i + 2),
                  (2...4).contains(t.tokens[i + 2].length),
                  !(i > 0 && (t.isWord(i - 1) || t.isSymbol(i - 1, "/"))),
                  !(i + 3 < t.count && (t.isWord(i + 3) || t.isSymbol(i + 3, "/") || t.isNumber(i + 3))) else { continue }
            let left = t.tokens[i].shape, right = t.tokens[i + 2].shape
            let typist = left == .allCaps && right == .lower
            // Alone on its line, or ending the line after the note's last sentence ("OK to leave a voicemail.    dw/pn").
            let aloneOnLine = (t.previous(i).map { t.kind($0) == .newline || [".", "!", "?"].contains(t.key($0)) } ?? true) &&
                (t.next(i + 2).map { t.kind($0) == .newline } ?? true)
            guard typist || (aloneOnLine && (left == right) && left != .capitalized) else { continue }
            // Two words ("and/or", "in/out") are no initials; two runs of consonants are, words or not.
            let consonantsOnly = [i, i + 2].allSatisfy { Self.hasNoVowel(t.key($0)) }
            if lexicons.isSafe(t.key(i)) && lexicons.isSafe(t.key(i + 2)) && !typist && !consonantsOnly { continue }
            found.append((i, i))
            found.append((i + 2, i + 2))
        }
        return found
    }

    /// A word without a vowel ("ts", "rmb"): the shape of initials, not of a word.
    static func hasNoVowel(_ key: String) -> Bool { !key.contains(where: "aeiouy".contains) }

    /// Credentials that name who did a step by role ("checked by RN"), not by initials.
    static let bedsideRoles: Set<String> = ["rn", "md", "np", "pa", "do", "lpn", "cna", "ma", "pt", "ot", "rt", "emt"]

    /// Capitals after a dash that end a message are the writer's initials, not an abbreviation.
    static let messageEndAbbreviations: Set<String> = ["ok", "na", "nb", "ps", "tbd", "asap", "fyi", "eod", "eom",
                                                       "er", "ed", "icu", "or", "pt", "rx", "nkda", "prn", "stat"]

    /// "... and I'll write it up. - SR": two or three capitals after a dash at the end of a message line,
    /// after a finished sentence.
    private func dashSignatureInitials(_ t: TokenizedText) -> [Int] {
        var found: [Int] = []
        for k in 2..<max(2, t.count) where t.isWord(k) && t.tokens[k].shape == .allCaps && (2...3).contains(t.tokens[k].length) {
            guard t.isSpace(k - 1), t.isSymbol(k - 2, "-") || t.isSymbol(k - 2, "—") || t.isSymbol(k - 2, "–"),
                  let dash = Optional(k - 2), let before = t.previous(dash), t.isSpace(dash - 1),
                  [".", "!", "?"].contains(t.key(before)),
                  t.next(k).map({ t.kind($0) == .newline }) ?? true,
                  // "SR" and "JR" are initials here, not generational suffixes; "MD" and "RN" stay credentials.
                  // Capitals that spell a word or a state ("ME", "OH") are initials here too: a message does not end
                  // with a lone pronoun or state after its last sentence.
                  !isCredential(t, k) || ["sr", "jr"].contains(t.key(k)), !Self.messageEndAbbreviations.contains(t.key(k)) else { continue }
            found.append(k)
        }
        return found
    }

    /// "Jane Roe, MD", "Jane Roe MD", "J. Roe, RN": a name run directly followed by a credential.
    private func beforeCredential(_ t: TokenizedText) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        for c in 0..<t.count where isCredential(t, c) {
            // "Triage RN: K. Yazzie": a credential before ":" labels the name after it.
            if let n = t.next(c), t.isSymbol(n, ":") { continue }
            // "Boston, MA 02115": a state code before a ZIP code, not a Master of Arts.
            if isStateBeforeZIP(t, c) { continue }
            guard var p = t.previous(c) else { continue }
            if t.isSymbol(p, ","), let q = t.previous(p) { p = q }
            guard t.isWord(p) else { continue }
            let (first, words) = nameRunBackward(t, endingAt: p)
            // "EpiPen Jr": with lexicons at hand, one word of the run must be a known name or an initial.
            // "Home PT": a lone safe word that is also a surname is no evidence; "Rose Hill, MD" (two names) is.
            let evidence = lexicons.firstNames.isEmpty || (first...p).contains {
                t.isWord($0) && (lexicons.isName(t.key($0)) && (words > 1 || !lexicons.safeWords.contains(t.key($0))) || isInitial(t, $0))
            }
            // "Part II", "EpiPen Jr": a generational suffix after a single word is no evidence of a person.
            if words == 1 && ["ii", "iii", "iv", "jr", "sr"].contains(t.key(c)) { continue }
            if words > 0 && evidence { found.append((first, p)) }
        }
        return found
    }

    /// The run of up to four name words ending at word `p`, walked back to its start: hyphenated and apostrophized
    /// parts join, a credential, an honorific or a function word (but an initial) ends it, and so does any word
    /// `alsoEnds` names. Returns the run's first token (`p` itself when no word qualifies) and its word count.
    private func nameRunBackward(_ t: TokenizedText, endingAt p: Int, alsoEnds: (String) -> Bool = { _ in false }) -> (first: Int, words: Int) {
        var first = p
        var words = 0
        var j = p
        while words < 4 {
            var start = j
            // The same joiners as `nameWord` reads forward.
            while start >= 2, t.isSymbol(start - 1, "'") || t.isSymbol(start - 1, "-") || t.isSymbol(start - 1, "’"),
                  t.isWord(start - 2) { start -= 2 }
            guard nameWord(t, start) != nil, !isCredential(t, start), !Titles.honorifics.contains(t.key(start)),
                  !FunctionWords.words.contains(t.key(start)) || isInitial(t, start), !alsoEnds(t.key(start)) else { break }
            first = start
            words += 1
            guard var q = t.previous(start) else { break }
            if t.isSymbol(q, "."), let r = t.previous(q), isInitial(t, r) { q = r }
            guard t.isWord(q), t.kind(q + 1) == .space || t.isSymbol(q + 1, ".") else { break }
            if Titles.honorifics.contains(t.key(q)) { break }
            j = q
        }
        return (first, words)
    }

    /// HL7 and other delimited records: "QUINTERO^ALEJANDRA^M", "FENWICK^COLIN^^^DR" (surname, given name).
    private func delimitedNames(_ t: TokenizedText) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        for i in 0..<t.count where t.isWord(i) && t.isSymbol(i + 1, "^") {
            guard t.isWord(i + 2), t.tokens[i].length >= 2, t.tokens[i + 2].length >= 2,
                  lexicons.isLastName(t.key(i)) || lexicons.isLastName(t.key(i).replacingOccurrences(of: "-", with: "")),
                  lexicons.isFirstName(t.key(i + 2)), !(i > 0 && t.isWord(i - 1)) else { continue }
            var last = i + 2
            if t.isSymbol(last + 1, "^"), isInitial(t, last + 2) { last += 2 }     // middle initial
            found.append((i, i)); found.append((i + 2, i + 2))
            if last != i + 2 { found.append((last, last)) }
        }
        return found
    }

    /// "RE: Rafael Wróblewski-Nunes, DOB 4/9/1961": the capitalized words just before ", DOB" or "(DOB" identify a
    /// patient by name and birth date, the way letters, faxes and labels head a record. Titles, role and relation
    /// words end the run; one word of it must be a known name.
    private func beforeBirthDate(_ t: TokenizedText) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        for k in 0..<t.count where t.isWord(k) && t.key(k) == "dob" {
            guard let comma = t.previous(k), t.isSymbol(comma, ",") || t.isSymbol(comma, "("),
                  let last = t.previous(comma), t.isWord(last) else { continue }
            let (first, words) = nameRunBackward(t, endingAt: last) {
                RelationWords.words.contains($0) || Self.personRoleLabels.contains($0)
            }
            if words > 0, (first...last).contains(where: { t.isWord($0) && lexicons.isName(t.key($0)) }) { found.append((first, last)) }
        }
        return found
    }

    /// "kpw = Kathleen P. Wojcik, RN": a key that defines lowercase initials.
    private func initialsKey(_ t: TokenizedText) -> [Int] {
        var found: [Int] = []
        for i in 0..<t.count where t.isWord(i) && t.tokens[i].shape == .lower && (2...4).contains(t.tokens[i].length) {
            guard let eq = t.next(i), t.isSymbol(eq, "="), let n = t.next(eq), nameWord(t, n) != nil,
                  lexicons.isFirstName(t.key(n)) else { continue }
            found.append(i)
        }
        return found
    }

    /// A login name built from an initial and a known surname ("jdoyle", "mfinch"), written in lowercase.
    private func isUserName(_ t: TokenizedText, _ k: Int) -> Bool {
        // Cheapest tests first: this runs for every lowercase word of the document.
        guard (5...12).contains(t.tokens[k].length),
              !(k > 0 && (t.isSymbol(k - 1, "@") || t.isSymbol(k - 1, ".") || t.isSymbol(k - 1, "/"))),
              !(k + 1 < t.count && (t.isSymbol(k + 1, "@") || t.isSymbol(k + 1, ".") && t.isWord(k + 2))) else { return false }
        let key = t.key(k)
        let surname = String(key.dropFirst())
        guard lexicons.commonLastNames.contains(surname), !lexicons.safeWords.contains(surname) else { return false }
        return !lexicons.isSafe(key) && !lexicons.isName(key) && !FunctionWords.words.contains(key)
    }

    // MARK: - Lexicon rules

    struct Run { var first: Int; var last: Int; var words: [(Int, Int)]; var isCommaForm = false }

    /// A maximal run of name words starting at `i`, with an optional "LAST, FIRST" comma form.
    private func nameRun(_ t: TokenizedText, from i: Int) -> Run? {
        guard let (f, l) = sequence(t, from: i) else { return nil }
        var words: [(Int, Int)] = []
        var k = f
        while k <= l {
            // Particles ("van", "de", "St.") join a name but are not name words of their own.
            guard let e = nameWord(t, k), k == f || !Self.particles.contains(t.key(k)) else { k += 1; continue }
            words.append((k, e))
            k = e + 1
        }
        var run = Run(first: f, last: l, words: words)
        // "ROE, JANE" / "Roe, Jane A.": a comma and a given name after a surname.
        if words.count == 1, t.isSymbol(l + 1, ","), let n = t.next(l + 1), t.isWord(n), let (f2, l2) = sequence(t, from: n) {
            let surname = t.key(f).replacingOccurrences(of: "-", with: ""), given = t.key(f2)
            let caps = t.tokens[f].shape == .allCaps && t.tokens[f2].shape == .allCaps
            // "ZHOU, MINGYU" in a table row: in capitals, a known surname vouches for a given name the lists lack.
            let unlistedGiven = caps && lexicons.isLastName(surname) && !lexicons.isSafe(surname) && t.tokens[f2].length >= 3 &&
                !lexicons.isSafe(given) && !FunctionWords.words.contains(given) && MonthNames.numbers[given] == nil
            if (lexicons.isLastName(surname) || caps) && (lexicons.isFirstName(given) || unlistedGiven) && !lexicons.isSafe(given),
               !USStates.names.contains(given), !USStates.abbreviations.contains(given) || t.tokens[f2].length > 2 {
                var k2 = f2
                while k2 <= l2 { if let e = nameWord(t, k2) { run.words.append((k2, e)); k2 = e + 1 } else { k2 += 1 } }
                run.last = l2
                run.isCommaForm = true
            }
        }
        return run
    }

    /// Decides a run from the lexicons; returns the span and score when it is a name.
    private func lexiconDecision(_ t: TokenizedText, _ run: Run) -> (Int, Int, Double)? {
        // A run between a house number and a street suffix is a street name ("12 Oak Hill Rd"); a run before
        // ":" is a label.
        if let p = t.previous(run.first), t.isNumber(p), let n = t.next(run.last), t.isWord(n),
           StreetWords.suffixes.contains(t.key(n)) || StreetWords.suffixes.contains(t.key(run.words.last!.0)) { return nil }
        if let n = t.next(run.last), t.isSymbol(n, ":") { return nil }
        if run.isCommaForm { return (run.first, run.last, 0.85) }
        if run.words.count == 1 { return singleWordDecision(t, run) }
        let keys = run.words.map { wordKey(t, $0.0, $0.1) }
        let shapes = run.words.map { t.tokens[$0.0].shape }
        let initials = run.words.map { $0.0 == $0.1 && isInitial(t, $0.0) }
        let safe = keys.map { lexicons.isSafe($0) || FunctionWords.words.contains($0) || MonthNames.numbers[$0] != nil ||
            USStates.names.contains($0) || StreetWords.directions.contains($0) }
        let allCaps = shapes.allSatisfy { $0 == .allCaps }
        // ALL CAPS words of two or three letters are abbreviations (DEA, CPT, ICD) far more often than names.
        let usable = zip(keys, initials).map { key, initial in initial || !(allCaps && key.count <= 2) }
        guard usable.allSatisfy({ $0 }) else { return nil }
        let words = run.words.indices.filter { !initials[$0] }
        let common = words.filter { lexicons.isCommonName(keys[$0]) && !safe[$0] }
        let known = words.filter { lexicons.isName(keys[$0]) }

        // A line holding only "ZHANG WEI": two known names in capitals, either order.
        if allCaps, words.count == 2, known.count == 2, !common.isEmpty, safe.allSatisfy({ !$0 }),
           t.previous(run.first).map({ t.kind($0) == .newline }) ?? true, t.next(run.last).map({ t.kind($0) == .newline }) ?? true {
            return (run.first, run.last, 0.75)
        }
        if words.count >= 2 {
            let firstIsGiven = lexicons.isFirstName(keys[words[0]])
            let lastIsSurname = lexicons.isLastName(keys[words[words.count - 1]])
            // "Jane Roe", "JANE ROE", "Mary Anne Smith": all words known, given name first, a frequent non-safe one.
            if known.count == words.count && firstIsGiven && lastIsSurname && !common.isEmpty {
                return (run.first, run.last, allCaps ? 0.8 : 0.85)
            }
            // "Jane Xyzzy": a frequent given name, then an unknown capitalized word (surnames are open-ended).
            if !allCaps, words.count == 2, lexicons.commonFirstNames.contains(keys[words[0]]), !safe[words[0]],
               !safe[words[1]], !lexicons.cities.contains(keys[words[1]]) {
                return (run.first, run.last, 0.7)
            }
        }
        // "J. Smith", "J.R. Smith": initials before a known surname.
        if initials.first == true, words.count == 1, lexicons.isLastName(keys[words[0]]), !safe[words[0]] {
            return (run.first, run.last, 0.8)
        }
        // A single frequent name that is no safe word; ALL CAPS single words are headings more often than not.
        // "Privacy Officer", "Part II": a title or numeral after the word makes it a job or a heading.
        if let n = t.next(run.last), t.isWord(n), Titles.honorifics.contains(t.key(n)) || ["ii", "iii", "iv"].contains(t.key(n)) {
            return nil
        }
        if words.count == 1, common.count == 1, !allCaps {
            let w = run.words[common[0]]
            return (w.0, w.1, t.startsSentence(run.first) ? 0.5 : 0.6)
        }
        return nil
    }

    /// The common case, one capitalized word, decided without building arrays: a frequent name that is no
    /// safe word, in mixed case ("Smith", not "SMITH": ALL CAPS single words are headings more often than not).
    private func singleWordDecision(_ t: TokenizedText, _ run: Run) -> (Int, Int, Double)? {
        let (first, last) = run.words[0]
        guard t.tokens[first].shape == .capitalized, !(first == last && isInitial(t, first)) else { return nil }
        let key = wordKey(t, first, last)
        guard lexicons.isCommonName(key), !lexicons.isSafe(key), !FunctionWords.words.contains(key),
              MonthNames.numbers[key] == nil, !USStates.names.contains(key), !StreetWords.directions.contains(key) else { return nil }
        // "Privacy Officer", "Part II": a title or numeral after the word makes it a job or a heading.
        if let n = t.next(run.last), t.isWord(n), Titles.honorifics.contains(t.key(n)) || ["ii", "iii", "iv"].contains(t.key(n)) {
            return nil
        }
        if let p = t.previous(run.first), isAnimalNaming(t, p) { return nil }
        // "a gray Ford F-150": a make before a model code is a product, not a person.
        if let n = t.next(run.last), t.isWord(n), t.tokens[n].shape == .allCaps, t.tokens[n].length <= 3,
           t.isNumber(n + 1) || t.isSymbol(n + 1, "-") && t.isNumber(n + 2) {
            return nil
        }
        // "Wells 4", "Gleason 7", "Clark level II": a scale named after a person, then its value.
        if ScoreEponyms.words.contains(key), let n = t.next(run.last),
           t.isNumber(n) || (t.isWord(n) && ["level", "grade", "class", "stage", "score", "type"].contains(t.key(n))) {
            return nil
        }
        // "in Dayton", "from Houston": a city after a place preposition is left to the location recognizer.
        if lexicons.cities.contains(key), let p = t.previous(run.first), t.isWord(p),
           ["in", "from", "to", "near", "outside", "at"].contains(t.key(p)) {
            return nil
        }
        return (first, last, t.startsSentence(run.first) ? 0.5 : 0.6)
    }
}
