/// Drug classes as payers and clinicians name them, with how to recognise a member drug: a policy asks for "a
/// statin" or "an ACE inhibitor" and a record names atorvastatin or lisinopril. Members are recognised by their
/// USAN stem where the class has one, else by name.
struct DrugClass: Sendable {
    /// Lowercased spellings of the class, one or more words each ("ace inhibitor", "nsaid").
    var names: [String]
    /// Endings of member drug names.
    var stems: [String] = []
    /// Member drugs without a shared ending, brand names included.
    var drugs: Set<String> = []

    /// Whether `lowercased` text names the class itself, in the singular or plural ("statins", "ACE inhibitors").
    func isNamed(in lowercased: String) -> Bool {
        names.contains { name in
            var searchStart = lowercased.startIndex
            while let found = lowercased.range(of: name, range: searchStart..<lowercased.endIndex) {
                var end = found.upperBound
                if end < lowercased.endIndex, lowercased[end] == "s" { end = lowercased.index(after: end) }
                let before = found.lowerBound == lowercased.startIndex ? nil : lowercased[lowercased.index(before: found.lowerBound)]
                let after = end == lowercased.endIndex ? nil : lowercased[end]
                if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) && !(after?.isNumber ?? false) { return true }
                searchStart = found.upperBound
            }
            return false
        }
    }

    /// Drugs that end in a class's stem without belonging to it.
    var notMembers: Set<String> = []

    func hasMember(_ lowercasedWord: String) -> Bool {
        if drugs.contains(lowercasedWord) { return true }
        return !notMembers.contains(lowercasedWord)
            && stems.contains { lowercasedWord.hasSuffix($0) && lowercasedWord.count >= $0.count + 2 }
    }

    static let all: [DrugClass] = [
        DrugClass(names: ["ace inhibitor", "angiotensin-converting enzyme inhibitor", "angiotensin converting enzyme inhibitor", "acei"],
                  stems: ["pril"]),
        DrugClass(names: ["angiotensin receptor blocker", "angiotensin ii receptor blocker", "arb"], stems: ["sartan"]),
        DrugClass(names: ["beta blocker", "beta-blocker"], stems: ["olol", "alol", "ilol"]),
        DrugClass(names: ["calcium channel blocker"], stems: ["dipine"], drugs: ["diltiazem", "verapamil"]),
        DrugClass(names: ["statin", "hmg-coa reductase inhibitor"], stems: ["statin"], drugs: ["lipitor", "crestor", "zocor"],
                  notMembers: ["nystatin", "somatostatin", "ecostatin"]),
        DrugClass(names: ["pcsk9 inhibitor"], drugs: ["evolocumab", "alirocumab", "inclisiran", "repatha", "praluent"]),
        DrugClass(names: ["bisphosphonate"], stems: ["dronate"], drugs: ["fosamax", "boniva", "actonel", "reclast"]),
        DrugClass(names: ["corticosteroid", "steroid", "glucocorticoid"],
                  stems: ["sone", "solone", "olone", "cortisone", "betasol", "metasone", "cinonide", "cinolone"],
                  drugs: ["triamcinolone", "clobetasol", "hydrocortisone", "budesonide", "fluticasone", "mometasone",
                          "beclomethasone", "fluocinonide", "desonide", "halobetasol", "kenalog", "depo-medrol", "medrol"]),
        DrugClass(names: ["nsaid", "non-steroidal anti-inflammatory", "nonsteroidal anti-inflammatory"],
                  stems: ["profen", "fenac", "coxib"],
                  drugs: ["naproxen", "meloxicam", "ketorolac", "indomethacin", "nabumetone", "etodolac", "piroxicam",
                          "aleve", "advil", "motrin", "mobic", "celebrex"]),
        DrugClass(names: ["calcineurin inhibitor"], drugs: ["tacrolimus", "pimecrolimus", "cyclosporine", "protopic", "elidel"]),
        DrugClass(names: ["dmard", "disease-modifying antirheumatic drug"],
                  drugs: ["methotrexate", "leflunomide", "sulfasalazine", "hydroxychloroquine", "plaquenil", "arava"]),
        DrugClass(names: ["tnf inhibitor", "tnf blocker", "tnf-alpha inhibitor", "anti-tnf"],
                  drugs: ["adalimumab", "etanercept", "infliximab", "certolizumab", "golimumab", "humira", "enbrel", "remicade"]),
        DrugClass(names: ["biologic"], stems: ["mab"], drugs: ["etanercept", "abatacept", "rilonacept", "anakinra"]),
        DrugClass(names: ["glp-1 receptor agonist", "glp-1 agonist", "glp-1 ra", "glp-1"], stems: ["glutide", "glutid"],
                  drugs: ["tirzepatide", "exenatide", "ozempic", "wegovy", "trulicity", "victoza", "mounjaro", "zepbound", "saxenda"]),
        DrugClass(names: ["sglt2 inhibitor", "sglt-2 inhibitor"], stems: ["gliflozin"], drugs: ["jardiance", "farxiga", "invokana"]),
        DrugClass(names: ["dpp-4 inhibitor", "dpp4 inhibitor"], stems: ["gliptin"], drugs: ["januvia", "tradjenta"]),
        DrugClass(names: ["sulfonylurea"], drugs: ["glipizide", "glimepiride", "glyburide", "gliclazide"]),
        DrugClass(names: ["insulin"], drugs: ["insulin", "glargine", "detemir", "degludec", "lispro", "aspart", "lantus",
                                              "basaglar", "levemir", "tresiba", "humalog", "novolog"]),
        DrugClass(names: ["proton pump inhibitor", "ppi"], stems: ["prazole"]),
        DrugClass(names: ["ssri", "selective serotonin reuptake inhibitor"],
                  drugs: ["fluoxetine", "sertraline", "citalopram", "escitalopram", "paroxetine", "fluvoxamine"]),
        DrugClass(names: ["snri", "serotonin-norepinephrine reuptake inhibitor"],
                  drugs: ["venlafaxine", "desvenlafaxine", "duloxetine", "levomilnacipran"]),
        DrugClass(names: ["triptan"], stems: ["triptan"]),
        DrugClass(names: ["anticoagulant"], stems: ["xaban", "gatran", "parin"], drugs: ["warfarin", "coumadin", "eliquis", "xarelto"]),
        DrugClass(names: ["antihistamine"], stems: ["tadine"], drugs: ["cetirizine", "levocetirizine", "diphenhydramine", "hydroxyzine"]),
        DrugClass(names: ["long-acting beta agonist", "laba"], stems: ["terol"]),
        DrugClass(names: ["long-acting muscarinic antagonist", "lama"], stems: ["tropium", "clidinium"]),
        DrugClass(names: ["leukotriene receptor antagonist", "leukotriene modifier"], stems: ["lukast"]),
        DrugClass(names: ["antiepileptic", "anticonvulsant", "antiseizure medication"],
                  drugs: ["levetiracetam", "lamotrigine", "valproate", "divalproex", "carbamazepine", "oxcarbazepine",
                          "phenytoin", "topiramate", "lacosamide", "zonisamide", "gabapentin", "pregabalin"]),
    ]
}
