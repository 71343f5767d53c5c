import Foundation

/// A passage of the input that supports a suggestion: the sentence as written, its 1-based line, and its Unicode
/// scalar offsets in the input (`start..<end`).
public struct NoteEvidence: Codable, Equatable, Sendable {
    public var quote: String
    public var line: Int
    public var start: Int
    public var end: Int
}

/// One element of an MDM column found in the note, with the sentence that documents it. An element that is
/// documented but does not count (and why) is listed too, so the reviewer sees what was weighed.
public struct MDMElement: Codable, Equatable, Sendable {
    public var element: String
    public var counted: Bool
    public var reason: String?
    public var evidence: NoteEvidence
}

public struct MDMColumnResult: Codable, Equatable, Sendable {
    public var column: MDMColumnKind
    /// The column's word for its level: problems/risk minimal|low|moderate|high, data minimal|limited|moderate|extensive.
    public var level: String
    public var mdmLevel: MDMLevel
    public var elements: [MDMElement]

    enum CodingKeys: String, CodingKey { case column, level, mdmLevel = "mdm_level", elements }
}

/// An assessed problem: the sentence that assesses it and the code suggested for it.
struct AssessedProblem {
    let sentence: NoteSentence
    /// The words that name the condition (a suspected diagnosis left out).
    let phrase: String
    let entry: ICD10Entry
    /// The code is in the list's chapter of symptoms and signs: the visit named a complaint, not a diagnosis.
    var isSymptom = false
}

/// Reads the three MDM columns and the documented time from a note. Every rule leans low when the note is
/// unclear: a column is credited only with what a sentence states, because a level the documentation does not
/// support is over-coding, while a level left low is only a reviewer's correction.
struct MDMFinder {
    let note: VisitNoteText
    let locate: (NoteSentence) -> NoteEvidence?

    // MARK: problems

    static let stableCues = ["stable", "at goal", "well controlled", "controlled", "doing ok", "doing well", "unchanged", "in remission"]
    static let exacerbationCues = [
        "worsening", "worse", "exacerbation", "uncontrolled", "poorly controlled", "not controlled", "above goal",
        "not at goal", "progression", "progressing", "flare", "flaring", "flared", "inadequately controlled", "side effect",
        // Not at the treatment goal is progression in the AMA's definition.
        "partially responding", "partial response", "not at treatment goal",
    ]
    /// A goal missed in any wording ("above the trimester-specific goal", "below target") is not being at the
    /// treatment goal.
    static let offGoal = try! NSRegularExpression(pattern: #"\b(?:above|below|off|not at|short of)(?:\s+[\w-]+){0,2}\s+(?:goal|target)\b"#)

    /// A worsening the sentence denies ("no flares since the last visit", "without progression") is none.
    static let deniedWorsening = try! NSRegularExpression(
        pattern: #"\b(?:no|not|without|denies|nor)\s+(?:[\w-]+\s+)?(?:flares?|flaring|flared|worsening|worse|exacerbations?|progression|progressing|side effects?)\b"#)

    static func statesExacerbation(_ lower: String) -> Bool {
        let stated = deniedWorsening.stringByReplacingMatches(in: lower, range: NSRange(lower.startIndex..., in: lower), withTemplate: " ")
        return exacerbationCues.contains { stated.contains($0) } || offGoal.firstMatch(in: stated, range: NSRange(stated.startIndex..., in: stated)) != nil
    }

    static let severeCues = ["severe exacerbation", "life-threatening", "threat to life"]
    /// Words of illnesses that last (the tabular list's own "chronic", and the common chronic conditions).
    static let chronicWords = [
        "chronic", "diabetes", "hypertension", "hypertensive", "hyperlipidemia", "dyslipidemia", "asthma", "depress",
        "hypothyroid", "hyperthyroid", "heart failure", "atrial fibrillation", "osteoarthritis", "arthritis", "copd",
        "kidney disease", "ckd", "anemia in chronic", "obesity", "gout", "migraine", "epilepsy", "parkinson", "dementia",
        "anxiety", "bipolar", "schizophrenia", "hiv", "hepatitis", "cirrhosis", "coronary artery disease", "osteoporosis", "glaucoma",
        "eczema", "atopic dermatitis", "psoriasis", "lupus", "crohn", "ulcerative colitis", "multiple sclerosis", "sleep apnea",
        "neuropathy", "barrett", "sickle", "thalassemia", "polycythemia", "myelodysplastic", "sarcoidosis", "cystic fibrosis",
    ]

    /// Neoplasms (the list's chapter C00-D49) last, however the note words them.
    static func isNeoplasm(_ code: String) -> Bool {
        guard let letter = code.first, let number = Int(code.dropFirst().prefix(2)) else { return false }
        return letter == "C" || (letter == "D" && number <= 49)
    }
    /// A status code (the list's Z codes: long-term drug use, history, status after) records context, not a problem
    /// managed today. The cues catch the few history codes outside Z; "status" alone would also catch a condition
    /// worded with what it lacks ("without status migrainosus").
    static let statusDescriptionCues = ["long term (current) use", "personal history", "family history"]

    func problems(_ assessed: [AssessedProblem], hospitalization: Bool) -> MDMColumnResult {
        var elements: [MDMElement] = []
        var level = MDMLevel.straightforward
        var stableChronic = 0
        var seenSentences = Set<Int>()
        for problem in assessed {
            let description = problem.entry.description.lowercased()
            if problem.entry.code.hasPrefix("Z") || Self.statusDescriptionCues.contains(where: { description.contains($0) }) { continue }
            guard let evidence = locate(problem.sentence) else { continue }
            let lower = problem.phrase.lowercased() + " " + description
            let chronic = Self.chronicWords.contains { lower.contains($0) } || Self.isNeoplasm(problem.entry.code)
            let label = "\(problem.entry.code) \(problem.entry.description)"
            var element: String
            var reached: MDMLevel
            if Self.severeCues.contains(where: { lower.contains($0) }) {
                element = "illness with severe exacerbation or threat to life or bodily function: \(label)"
                reached = .high
            } else if !chronic && hospitalization {
                element = "acute illness that poses a threat to life or bodily function (hospital care decided): \(label)"
                reached = .high
            } else if problem.isSymptom && !chronic {
                // A complaint without a diagnosis is credited as the least it can be: a self-limited or minor
                // problem (leaning low; the reviewer raises it when the course is uncertain).
                element = "self-limited or minor problem (a symptom, no diagnosis made): \(label)"
                reached = .straightforward
            } else if chronic && Self.statesExacerbation(problem.sentence.lower) {
                element = "chronic illness with exacerbation, progression or side effects of treatment: \(label)"
                reached = .moderate
            } else if chronic {
                // Two problems assessed in one sentence are still two problems; one sentence that yields two
                // codes for one problem (a condition and its stage) counts once.
                let key = problem.sentence.start
                if seenSentences.contains(key) && !Self.isSeparateProblem(problem, in: assessed) { continue }
                seenSentences.insert(key)
                stableChronic += 1
                element = "stable chronic illness: \(label)"
                reached = stableChronic >= 2 ? .moderate : .low
            } else {
                element = "acute, uncomplicated illness or injury: \(label)"
                reached = .low
            }
            elements.append(MDMElement(element: element, counted: true, reason: nil, evidence: evidence))
            level = max(level, reached)
        }
        return MDMColumnResult(column: .problems, level: MDMColumnKind.problems.label(level), mdmLevel: level, elements: elements)
    }

    /// Two codes from one sentence are two problems when their categories differ ("hypertension and
    /// hyperlipidemia"), one when they share a category.
    static func isSeparateProblem(_ problem: AssessedProblem, in assessed: [AssessedProblem]) -> Bool {
        let category = problem.entry.code.prefix(3)
        return !assessed.contains { $0.sentence.start == problem.sentence.start && $0.entry.code != problem.entry.code && $0.entry.code.prefix(3) == category }
    }

    // MARK: data

    /// Tests by the names notes give them. Each distinct test counts once, however often it is named.
    static let tests: [(name: String, spellings: [String])] = [
        ("hemoglobin A1c", ["a1c", "hba1c", "hemoglobin a1c"]), ("basic metabolic panel", ["bmp", "basic metabolic"]),
        ("comprehensive metabolic panel", ["cmp", "comprehensive metabolic"]), ("complete blood count", ["cbc", "complete blood count"]),
        ("lipid panel", ["lipid panel", "lipids", "cholesterol panel"]), ("TSH", ["tsh", "thyroid stimulating"]),
        ("free T4", ["free t4"]), ("urinalysis", ["urinalysis", " ua "]), ("urine culture", ["urine culture"]),
        ("urine albumin/creatinine ratio", ["albumin/creatinine", "uacr", "microalbumin"]), ("iron studies", ["iron studies", "ferritin"]),
        ("vitamin B12", ["b12"]), ("vitamin D", ["vitamin d"]), ("PSA", ["psa"]), ("INR", ["inr"]), ("troponin", ["troponin"]),
        ("D-dimer", ["d-dimer"]), ("BNP", ["bnp"]), ("hepatic panel", ["hepatic panel", "liver function", "lfts"]),
        ("x-ray", ["x-ray", "xray", "radiograph"]), ("CT", [" ct ", "ct scan"]), ("MRI", ["mri"]), ("ultrasound", ["ultrasound"]),
        ("echocardiogram", ["echocardiogram"]), ("ECG", ["ecg", "ekg", "electrocardiogram"]), ("spirometry", ["spirometry"]),
        ("strep test", ["strep test", "rapid strep"]), ("throat culture", ["throat culture"]), ("blood culture", ["blood culture"]), ("wound culture", ["wound culture"]), ("influenza test", ["influenza test", "flu test"]),
        ("COVID-19 test", ["covid test", "covid-19 test", "sars-cov-2"]), ("ESR", ["esr", "sed rate"]), ("CRP", ["crp"]),
        ("EEG", ["eeg", "electroencephalogram"]), ("EMG and nerve conduction study", ["emg", "nerve conduction"]),
        ("pulmonary function tests", ["pft", "pulmonary function"]), ("alpha-1 antitrypsin", ["alpha-1 antitrypsin", "alpha 1 antitrypsin"]),
        ("uric acid", ["uric acid"]), ("Holter monitor", ["holter"]), ("stress test", ["stress test"]),
        ("sleep study", ["sleep study", "polysomnogra"]), ("bone density scan", ["dxa", "dexa", "bone density"]),
        ("mammogram", ["mammogra"]), ("lipase", ["lipase"]), ("pregnancy test", ["pregnancy test", " hcg "]),
        ("urine drug screen", ["urine drug screen", "urine toxicology"]), ("rheumatoid factor", ["rheumatoid factor"]),
        ("antinuclear antibody", [" ana ", "antinuclear"]), ("creatine kinase", ["creatine kinase", " ck "]), ("Doppler study", ["doppler"]),
    ]
    static let orderCues = ["order", "obtain", "draw", "send", "today", "check "]
    static let reviewCues = ["reviewed", "review of"]
    /// What makes a test a plan for another day, not an order of this visit.
    static let laterCues = ["next visit", "follow up in", "follow-up in", "return in", "recheck in", "next time", "at the next",
                            "before the next", "at follow-up"]
    static let laterPattern = try! NSRegularExpression(pattern: #"\bin (\d+|one|two|three|four|six) (days?|weeks?|months?|years?)\b"#)

    static func isLater(_ lower: String) -> Bool {
        laterCues.contains { lower.contains($0) }
            || laterPattern.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil
    }
    static let externalNoteCues = ["note from", "notes from", "records reviewed", "outside records", "outside notes",
                                   "records from", "letter from", "discharge summary", "outside note", "external note",
                                   "outside consult", "clinic letter", "referral note", "referral letter", "consult note",
                                   "consultation note", "prior records", "previous records", "old records"]
    /// A test the practice reports on its own ("ECG today, billed separately") is paid with its interpretation and
    /// does not count again toward the visit's data.
    static let billedSeparatelyCues = ["billed separately", "separately billed", "reported separately", "separately reported"]
    /// "Outside dermatology note", "external cardiology records": an adjective of origin, a specialty, then the document.
    static let externalNotePattern = try! NSRegularExpression(pattern: #"\b(?:outside|external)\s+(?:\w+\s+){0,2}(?:note|notes|records|letter|report|consult)\b"#)
    static let historianCues = ["history obtained from", "history from his", "history from her", "history from the",
                                "per his", "per her", "per the mother", "per the father", "provided by his", "provided by her",
                                "independent historian", "hx obtained from", "hx from", "per mother", "per father", "per parent",
                                "per caregiver", "per wife", "per husband", "per daughter", "per son", "per guardian"]
    static let interpretationCues = ["my interpretation", "my read", "independent interpretation", "personally reviewed the images",
                                     "independently interpreted", "my review of the images"]
    static let separatelyReportedCues = ["office ecg", "office ekg", "in-office", "in office", "performed today", "office x-ray"]
    static let discussionCues = ["discussed with", "spoke with", "called dr", "conferred with", "discussed management with", "by phone"]
    static let externalPhysicianCues = ["dr.", "dr ", "physician", "doctor", "surgeon", "cardiolog", "nephrolog", "endocrinolog",
                                        "specialist", "oncolog", "consultant", "pharmacist", "case manager", "[name"]

    func data() -> MDMColumnResult {
        var elements: [MDMElement] = []
        var ordered: [String] = []
        var reviewed: [String] = []
        var category1 = 0
        var interpretation = false
        var discussion = false
        var historian = false
        // The sentence documenting total time lists the same work again ("including review of the records").
        for sentence in note.sentences where !sentence.lower.contains("total time") {
            let lower = " " + sentence.lower + " "
            guard let evidence = locate(sentence) else { continue }
            let named = Self.tests.filter { test in test.spellings.contains { lower.contains($0) } }.map(\.name)
            let later = Self.isLater(lower)
            let interpreted = Self.interpretationCues.contains { lower.contains($0) }
            if interpreted {
                if Self.separatelyReportedCues.contains(where: { lower.contains($0) }) {
                    elements.append(MDMElement(element: "independent interpretation of a test", counted: false,
                                               reason: "a test performed in the office is usually reported separately (with its interpretation), and then its interpretation does not count toward MDM",
                                               evidence: evidence))
                } else {
                    interpretation = true
                    elements.append(MDMElement(element: "independent interpretation of a test", counted: true, reason: nil, evidence: evidence))
                }
            } else if !named.isEmpty, Self.billedSeparatelyCues.contains(where: { lower.contains($0) }) {
                for test in named {
                    elements.append(MDMElement(element: "test: \(test)", counted: false,
                                               reason: "billed separately: a test reported on its own is not counted again in the visit's data",
                                               evidence: evidence))
                }
            } else if !named.isEmpty {
                let isOrder = Self.orderCues.contains { lower.contains($0) } && !later
                let isReview = Self.reviewCues.contains { lower.contains($0) }
                for test in named where !ordered.contains(test) && !reviewed.contains(test) {
                    if isOrder {
                        ordered.append(test)
                        category1 += 1
                        elements.append(MDMElement(element: "unique test ordered: \(test)", counted: true, reason: nil, evidence: evidence))
                    } else if isReview {
                        reviewed.append(test)
                        category1 += 1
                        elements.append(MDMElement(element: "result of unique test reviewed: \(test)", counted: true, reason: nil, evidence: evidence))
                    } else if later {
                        elements.append(MDMElement(element: "test planned for a later visit: \(test)", counted: false,
                                                   reason: "not ordered at this visit", evidence: evidence))
                    }
                }
            }
            let external = Self.externalNoteCues.contains { lower.contains($0) }
                || Self.externalNotePattern.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil
            if external && lower.contains("review") {
                category1 += 1
                elements.append(MDMElement(element: "prior external notes reviewed (one unique source)", counted: true, reason: nil, evidence: evidence))
            }
            if !historian, Self.historianCues.contains(where: { lower.contains($0) }) {
                historian = true
                category1 += 1
                elements.append(MDMElement(element: "assessment requiring an independent historian", counted: true, reason: nil, evidence: evidence))
            }
            if Self.discussionCues.contains(where: { lower.contains($0) }) && Self.externalPhysicianCues.contains(where: { lower.contains($0) }) {
                discussion = true
                elements.append(MDMElement(element: "discussion of management with an external physician or appropriate source", counted: true,
                                           reason: nil, evidence: evidence))
            }
        }
        let categories = (category1 >= 3 ? 1 : 0) + (interpretation ? 1 : 0) + (discussion ? 1 : 0)
        var level = MDMLevel.straightforward
        // Limited: two category 1 items, or an independent historian on its own (limited data's category 2).
        if categories >= 2 { level = .high } else if categories == 1 { level = .moderate } else if category1 >= 2 || historian { level = .low }
        return MDMColumnResult(column: .data, level: MDMColumnKind.data.label(level), mdmLevel: level, elements: elements)
    }

    // MARK: risk

    static let hospitalCues = ["admit", "admission", "hospitaliz", "emergency department", "emergency room", " ed ", " ed.", "911",
                               "transfer to"]
    /// "ER" is the emergency room where a place is meant ("sent to the ER", "ER visit"); after a drug's name it is the
    /// extended-release form.
    static let emergencyRoom = try! NSRegularExpression(pattern: #"\b(?:to|the|in|from|via|an)\s+er\b|\ber\s+(?:visit|evaluation|now)\b"#)
    /// Hospital or emergency care the sentence denies ("no hospitalizations") or dates to the past ("was admitted in
    /// May", "since discharge"): a history, not a decision of this visit.
    static let deniedOrPastCare = try! NSRegularExpression(pattern: #"\b(?:no|denies|without|never|not)\s+(?:[\w-]+\s+){0,2}(?:hospitaliz\w*|admissions?|admitted|ed|er|emergency (?:department|room)) ?(?:visits?)?|\b(?:was|were|been|had been)\s+(?:\w+\s+)?(?:admitted|hospitalized)\b|\b(?:admitted|hospitalized|discharged)\s+(?:in|on|last|from|to)\b|\b(?:recent|prior|previous|last)\s+(?:\w+\s+)?(?:admissions?|hospitalizations?|ed visits?|er visits?)|\bsince (?:discharge|the admission|hospitalization)\b"#)

    /// Whether `lower` (a sentence, lowercased and padded with spaces) speaks of hospital or emergency care that
    /// is not denied or past.
    static func mentionsHospitalCare(_ lower: String) -> Bool {
        let current = deniedOrPastCare.stringByReplacingMatches(in: lower, range: NSRange(lower.startIndex..., in: lower), withTemplate: " ")
        return hospitalCues.contains(where: current.contains)
            || emergencyRoom.firstMatch(in: current, range: NSRange(current.startIndex..., in: current)) != nil
    }
    static let conditionalCues = [" if ", "should", "precaution", "as needed for", "would "]
    static let overTheCounterCues = ["over the counter", "otc", "nonprescription"]
    /// Drugs sold over the counter at the doses notes usually give.
    static let overTheCounterDrugs: Set<String> = [
        "acetaminophen", "tylenol", "ibuprofen", "naproxen", "aspirin", "loratadine", "cetirizine", "diphenhydramine",
        "guaifenesin", "dextromethorphan", "pseudoephedrine", "loperamide", "docusate", "senna", "polyethylene",
        "miralax", "melatonin", "calcium", "vitamin", "cholecalciferol", "ferrous", "claritin", "zyrtec", "benadryl",
    ]
    static let managementVerbs = ["continue", "start", "increase", "decrease", "stop", "refill", "change", "switch", "taper",
                                  "prescri", "add ", "resume", "hold", "reduce", "discontinue", "mg", "units", "mcg"]

    /// Words for monitoring a drug's toxicity by tests, the AMA's example of high risk ("drug therapy requiring
    /// intensive monitoring for toxicity").
    static func monitorsToxicity(_ lower: String) -> Bool {
        (lower.contains("monitor") && lower.contains("toxicity")) || ["drug level", "trough level"].contains(where: lower.contains)
    }

    /// Words the note gives a dose to ("Zelvoran 2 tab", "increase tarvexine to 20 mg"): drugs, whether or not the
    /// vocabulary knows their names. The word right before the dose names what is given.
    var dosedWords: Set<String> {
        var words: Set<String> = []
        for sentence in note.sentences {
            for fact in FactExtractor(sentence.lower).facts() where fact.kind == .dose {
                if let name = fact.labels.first, name.count >= 4, name.allSatisfy({ $0.isLetter || $0 == "-" }) { words.insert(name) }
            }
        }
        return words
    }

    func risk() -> (MDMColumnResult, hospitalization: Bool) {
        var elements: [MDMElement] = []
        var level = MDMLevel.straightforward
        var hospitalization = false
        let noteDrugs = dosedWords
        for sentence in note.sentences where sentence.inAssessment {
            let lower = " " + sentence.lower + " "
            guard let evidence = locate(sentence) else { continue }
            if Self.mentionsHospitalCare(lower) {
                if Self.conditionalCues.contains(where: { lower.contains($0) }) {
                    elements.append(MDMElement(element: "hospital or emergency care mentioned", counted: false,
                                               reason: "conditional (a return precaution), not a decision made at this visit", evidence: evidence))
                } else {
                    hospitalization = true
                    level = .high
                    elements.append(MDMElement(element: "decision regarding hospitalization or emergency care", counted: true, reason: nil, evidence: evidence))
                }
            }
            let words = lower.split { !$0.isLetter && $0 != "-" }.map(String.init)
            // Tests ordered to watch a drug's toxicity ("CBC in 4 weeks to monitor for toxicity") may not name the drug.
            if Self.monitorsToxicity(lower) {
                level = .high
                elements.append(MDMElement(element: "drug therapy requiring intensive monitoring for toxicity", counted: true, reason: nil,
                                           evidence: evidence))
                continue
            }
            let drugs = words.filter { ClinicalVocabulary.isDrugName($0) || noteDrugs.contains($0) }
            guard !drugs.isEmpty else { continue }
            let saysOverTheCounter = Self.overTheCounterCues.contains { lower.contains($0) }
            let prescription = drugs.filter { !saysOverTheCounter && !Self.overTheCounterDrugs.contains($0) }
            let managed = Self.managementVerbs.contains { lower.contains($0) }
            if !prescription.isEmpty && managed {
                level = max(level, .moderate)
                elements.append(MDMElement(element: "prescription drug management: \(prescription.joined(separator: ", "))", counted: true,
                                           reason: nil, evidence: evidence))
            } else if prescription.isEmpty {
                level = max(level, .low)
                elements.append(MDMElement(element: "over-the-counter drug: \(drugs.joined(separator: ", "))", counted: true, reason: nil, evidence: evidence))
            }
        }
        return (MDMColumnResult(column: .risk, level: MDMColumnKind.risk.label(level), mdmLevel: level, elements: elements), hospitalization)
    }

    // MARK: time and patient status

    /// Total time on the date of the encounter, when a sentence documents it ("Total time ...: 65 minutes").
    func totalTime() -> (minutes: Int, evidence: NoteEvidence)? {
        for sentence in note.sentences {
            let lower = sentence.lower
            guard lower.contains("time"), lower.contains("total") || lower.contains("spent") else { continue }
            let words = lower.split { !$0.isLetter && !$0.isNumber }.map(String.init)
            for (i, word) in words.enumerated() where i + 1 < words.count && ["minutes", "minute", "min", "mins"].contains(words[i + 1]) {
                if let minutes = Int(word), let evidence = locate(sentence) { return (minutes, evidence) }
            }
        }
        return nil
    }

    func patientStatus() -> (PatientStatus, NoteEvidence?) {
        for sentence in note.sentences {
            let lower = sentence.lower
            if lower.contains("new patient"), let evidence = locate(sentence) { return (.new, evidence) }
            if lower.contains("established"), let evidence = locate(sentence) { return (.established, evidence) }
        }
        return (.established, nil)
    }
}
