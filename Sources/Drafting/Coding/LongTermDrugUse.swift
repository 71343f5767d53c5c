import Foundation

/// Z79 "long term (current) use" codes, read from the drugs the note shows the patient taking.
///
/// A coder reports a Z79 code for a drug the patient takes on an ongoing basis (insulin, an anticoagulant,
/// methotrexate), whichever part of the note lists it: a medication list, a plan line that continues or adjusts
/// it, "on insulin and metformin" in the assessment. The code is decided by the drug, not by wording a model
/// could misread, so this is done without the model: each drug below maps to the one code the tabular list's
/// title or inclusion terms give it.
///
/// A drug counts only where its own clause shows current use: a clause that stops, holds or declines it, names it
/// as an allergy or intolerance, puts it in the past, a relative's history or a condition ("if", "consider"),
/// gives a single dose or a short course, or starts it today, does not. A new start is left to the coder: whether
/// a drug begun at this visit is long-term use is a judgment the note rarely documents.
///
/// Opioids (Z79.891), antibiotics (Z79.2) and "other" drug therapy (Z79.899) are not suggested: each needs a
/// judgment about intent and duration (chronic pain management, prophylaxis) that a drug's name does not give.
enum LongTermDrugUse {
    struct DrugGroup {
        var code: String
        /// The drugs of the code, by name (brand names included) and by USAN stem.
        var members: DrugClass
        /// Words in the drug's clause that show a route this code does not cover (a steroid cream is not systemic).
        var otherRoutes: [String]
        /// The code instead when the clause says the drug is taken by mouth (semaglutide tablets are an oral
        /// antidiabetic drug).
        var byMouth: String?
        /// Names that are also other things ("ASA class", "NPH" hydrocephalus): they count only beside a dose.
        var ambiguous: Set<String>
        /// The drug is often taken for something else than this code says (an SGLT2 inhibitor for heart failure, a
        /// GLP-1 agonist for weight): it counts only in a note that names diabetes.
        var onlyWithDiabetes: Bool
        /// The drug is mostly taken for days, not for good (an NSAID for a sprain): it counts only where its clause
        /// says the use is ongoing ("daily", "chronic").
        var needsOngoingCue: Bool

        init(code: String, drugs: Set<String>, stems: [String] = [], otherRoutes: [String] = [], byMouth: String? = nil,
             ambiguous: Set<String> = [], onlyWithDiabetes: Bool = false, needsOngoingCue: Bool = false) {
            self.code = code
            members = DrugClass(names: [], stems: stems, drugs: drugs)
            self.otherRoutes = otherRoutes
            self.byMouth = byMouth
            self.ambiguous = ambiguous
            self.onlyWithDiabetes = onlyWithDiabetes
            self.needsOngoingCue = needsOngoingCue
        }
    }

    static let topical = ["cream", "ointment", "topical", "lotion", "gel", "drops", "eye", "ophthalmic", "otic", "%"]

    static let groups: [DrugGroup] = [
        DrugGroup(code: "Z79.01", drugs: ["warfarin", "coumadin", "jantoven", "apixaban", "eliquis", "rivaroxaban",
                                          "xarelto", "dabigatran", "pradaxa", "edoxaban", "savaysa"],
                  stems: ["xaban", "gatran"]),
        DrugGroup(code: "Z79.02", drugs: ["clopidogrel", "plavix", "prasugrel", "effient", "ticagrelor", "brilinta",
                                          "cilostazol", "dipyridamole"]),
        DrugGroup(code: "Z79.82", drugs: ["aspirin", "asa", "ecotrin"], ambiguous: ["asa"]),
        DrugGroup(code: "Z79.4", drugs: ["insulin", "glargine", "lispro", "aspart", "detemir", "degludec", "lantus",
                                         "basaglar", "toujeo", "semglee", "humalog", "novolog", "fiasp", "admelog",
                                         "levemir", "tresiba", "humulin", "novolin", "nph"],
                  ambiguous: ["nph"]),
        // Semaglutide also comes as a tablet (Rybelsus), which is an oral antidiabetic drug.
        DrugGroup(code: "Z79.84", drugs: ["metformin", "glucophage", "glipizide", "glucotrol", "glyburide", "glimepiride",
                                          "amaryl", "pioglitazone", "actos", "januvia", "janumet", "tradjenta",
                                          "rybelsus", "repaglinide", "nateglinide", "acarbose"],
                  stems: ["gliptin"]),
        DrugGroup(code: "Z79.84", drugs: ["jardiance", "farxiga", "invokana", "steglatro"], stems: ["gliflozin"],
                  onlyWithDiabetes: true),
        DrugGroup(code: "Z79.85", drugs: ["semaglutide", "ozempic", "liraglutide", "victoza", "dulaglutide", "trulicity",
                                          "exenatide", "byetta", "bydureon", "tirzepatide", "mounjaro", "pramlintide",
                                          "symlin"],
                  byMouth: "Z79.84", onlyWithDiabetes: true),
        DrugGroup(code: "Z79.52", drugs: ["prednisone", "prednisolone", "methylprednisolone", "medrol", "dexamethasone",
                                          "hydrocortisone", "cortef", "fludrocortisone"],
                  otherRoutes: topical + ["inhaled", "inhaler", "injection", "injected", "intra-articular", "enema", "rectal"]),
        DrugGroup(code: "Z79.51", drugs: ["fluticasone", "budesonide", "beclomethasone", "mometasone", "ciclesonide",
                                          "flovent", "pulmicort", "qvar", "asmanex", "alvesco", "arnuity", "symbicort",
                                          "advair", "wixela", "breo", "dulera", "trelegy", "airsupra"],
                  otherRoutes: topical + ["nasal", "nose", "nostril", "flonase", "nasonex", "rhinocort", "oral", "po",
                                          "capsule", "entocort", "uceris"]),
        DrugGroup(code: "Z79.83", drugs: ["fosamax", "boniva", "actonel", "atelvia", "reclast"], stems: ["dronate"]),
        DrugGroup(code: "Z79.1", drugs: ["naproxen", "meloxicam", "celecoxib", "ibuprofen", "diclofenac", "nabumetone",
                                         "etodolac", "indomethacin", "piroxicam", "mobic", "celebrex", "aleve", "advil",
                                         "motrin"],
                  otherRoutes: topical + ["prn", "needed", "voltaren"], needsOngoingCue: true),
        DrugGroup(code: "Z79.810", drugs: ["tamoxifen", "nolvadex", "raloxifene", "evista", "toremifene", "fareston"]),
        DrugGroup(code: "Z79.811", drugs: ["anastrozole", "arimidex", "letrozole", "femara", "exemestane", "aromasin"]),
        DrugGroup(code: "Z79.818", drugs: ["fulvestrant", "faslodex", "goserelin", "zoladex", "leuprolide", "lupron",
                                           "megestrol", "megace"]),
        DrugGroup(code: "Z79.61", drugs: ["apremilast", "otezla", "lenalidomide", "revlimid", "pomalidomide", "thalidomide"]),
        DrugGroup(code: "Z79.620", drugs: ["adalimumab", "humira", "etanercept", "enbrel", "infliximab", "remicade",
                                           "certolizumab", "cimzia", "golimumab", "simponi", "abatacept", "orencia",
                                           "tocilizumab", "actemra", "rituximab", "ustekinumab", "stelara",
                                           "vedolizumab", "entyvio", "secukinumab", "cosentyx"]),
        DrugGroup(code: "Z79.621", drugs: ["tacrolimus", "prograf", "envarsus", "cyclosporine", "neoral", "sandimmune"],
                  otherRoutes: topical + ["protopic", "restasis"]),
        DrugGroup(code: "Z79.622", drugs: ["xeljanz", "olumiant", "rinvoq", "jakafi"], stems: ["citinib"]),
        DrugGroup(code: "Z79.623", drugs: ["sirolimus", "rapamune", "everolimus", "zortress", "afinitor"]),
        DrugGroup(code: "Z79.624", drugs: ["azathioprine", "imuran", "mycophenolate", "cellcept", "myfortic"]),
        DrugGroup(code: "Z79.631", drugs: ["methotrexate", "trexall", "otrexup", "mercaptopurine", "6-mp", "capecitabine",
                                           "xeloda", "fluorouracil"]),
        DrugGroup(code: "Z79.64", drugs: ["hydroxyurea", "hydrea", "droxia"]),
        // Hormonal contraceptives by mouth, patch or ring; an intrauterine device is a device's presence (Z97.5).
        DrugGroup(code: "Z79.3", drugs: ["levonorgestrel", "norethindrone", "norgestimate", "desogestrel", "drospirenone",
                                         "norgestrel", "ethynodiol", "etonogestrel", "yaz", "yasmin", "sprintec", "loestrin",
                                         "junel", "nuvaring", "xulane", "twirla", "slynd", "ocp", "ocps"],
                  otherRoutes: ["iud", "intrauterine", "mirena", "kyleena", "liletta", "skyla", "implant", "nexplanon",
                                "emergency", "plan b"]),
    ]

    /// Cues in a drug's clause that it is not current, ongoing use.
    static let notCurrent = try! NSRegularExpression(pattern: #"""
        \b(?:stop|stopp?ed|stopping|discontinu\w*|d/c'?d?|dc'?d|hold|held|holding|off|no longer|quit|ceased|declin\w*|\
        refus\w*|allerg\w*|intoleran\w*|reaction|avoid\w*|contraindicat\w*|never|not on|not taking|previously|\
        formerly|prior|past|was on|were on|until|completed|finished|failed|tried|history of|h/o|\
        mother|father|sister|brother|son|daughter|family|fhx|fh|\
        if|consider\w*|discuss\w*|may|might|could|would|should|option|candidate|\
        start|starting|begin|beginning|initiat\w*|trial|new rx|today|single dose|one dose|one time|x\s*1|\
        (?:x|for)\s*\d+\s*(?:d|days?|wks?|weeks?|mos?|months?)|taper|burst|course|was given|were given|given (?:in|im|iv|today)|\
        administered|chewed|loading dose|stat|in (?:the )?(?:office|clinic|ed|er)|sample|samples)\b
        """#.replacingOccurrences(of: "\\\n", with: ""), options: [.caseInsensitive])

    /// A sentence that lists allergies, intolerances or a family's history names no drug the patient takes; a
    /// problem list or past history records conditions, and a drug it mentions beside one ("mitral valve
    /// replacement on warfarin") may be stale: the medication list and the plan are where current use is documented.
    static let notTakenSentence = try! NSRegularExpression(
        pattern: #"^\W*(?:allerg|adverse|intoleran|nkda|family|fhx?\b|problem list|problems\s*:|pmh|past medical|past history)|\ballergies\s*:"#,
        options: [.caseInsensitive])

    static let diabetes = try! NSRegularExpression(pattern: #"\b(?:diabet\w*|t[12]dm|dm\s*(?:type\s*)?[12]|iddm|niddm)\b"#,
                                                   options: [.caseInsensitive])
    static let ongoingWords: Set<String> = ["daily", "chronic", "chronically", "long-term", "long", "nightly", "bid", "tid",
                                            "continue", "continues", "maintenance", "scheduled"]

    /// A word right before a drug that says the patient does not take it ("no insulin", "without aspirin").
    static let negations: Set<String> = ["no", "not", "without", "denies", "nor", "non"]

    static let byMouthWords: Set<String> = ["oral", "orally", "po", "tablet", "tablets", "tab", "tabs"]

    /// Clause boundaries within a sentence: a list line names many drugs, and a cue belongs to its own drug.
    static let clauseBreaks: Set<Character> = [",", ";", "(", ")"]

    /// The Z79 codes a note supports, each with the first sentence showing current use of one of its drugs.
    static func uses(in sentences: [NoteSentence]) -> [(code: String, sentence: NoteSentence, drug: String)] {
        var found: [(code: String, sentence: NoteSentence, drug: String)] = []
        let namesDiabetes = sentences.contains { diabetes.firstMatch(in: $0.lower, range: NSRange($0.lower.startIndex..., in: $0.lower)) != nil }
        for sentence in sentences {
            let whole = NSRange(sentence.lower.startIndex..., in: sentence.lower)
            guard notTakenSentence.firstMatch(in: sentence.lower, range: whole) == nil else { continue }
            for clause in clauses(sentence.lower) {
                let words = clause.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init)
                let wordSet = Set(words)
                for (position, written) in words.enumerated() {
                    // A combination product ("norgestimate-ethinyl") is named by each of its drugs.
                    let parts = [written] + written.split(separator: "-").map(String.init)
                    guard let word = parts.first(where: { part in groups.contains { $0.members.hasMember(part) } }),
                          let group = groups.first(where: { $0.members.hasMember(word) }), !group.onlyWithDiabetes || namesDiabetes,
                          !group.needsOngoingCue || !wordSet.isDisjoint(with: ongoingWords) else { continue }
                    let code = group.byMouth.flatMap { wordSet.isDisjoint(with: byMouthWords) ? nil : $0 } ?? group.code
                    guard !found.contains(where: { $0.code == code }),
                          !group.ambiguous.contains(word) || clause.contains(where: \.isNumber),
                          position == 0 || !negations.contains(words[position - 1]),
                          isCurrentUse(clause, words: wordSet, group: group) else { continue }
                    found.append((code, sentence, word))
                }
            }
        }
        return found
    }

    static func clauses(_ lower: String) -> [String] {
        lower.split(whereSeparator: { clauseBreaks.contains($0) }).map(String.init)
    }

    static func isCurrentUse(_ clause: String, words: Set<String>, group: DrugGroup) -> Bool {
        let range = NSRange(clause.startIndex..., in: clause)
        if notCurrent.firstMatch(in: clause, range: range) != nil { return false }
        return !group.otherRoutes.contains { route in route == "%" ? clause.contains("%") : words.contains(route) }
    }

    /// Z79 codes that a diagnosis code already states: a gestational diabetes code says how it is controlled
    /// (O24.41- "insulin controlled", "controlled by oral hypoglycemic drugs"), and the guidelines say not to add
    /// the long-term insulin or oral hypoglycemic code beside it.
    static func statedBy(_ codes: [String]) -> Set<String> {
        codes.contains { $0.hasPrefix("O24.4") } ? ["Z79.4", "Z79.84", "Z79.85"] : []
    }
}
