/// General clinical vocabulary the fact check normalizes with: how clinicians abbreviate frequencies, sides,
/// negations and common findings, and the word stems that mark a drug name. These are the conventions of
/// clinical writing (USAN stems, Joint Commission-era abbreviations), not words taken from any test input.
enum ClinicalVocabulary {
    /// Frequency spellings -> a canonical code. Multi-word forms are matched on normalized word sequences.
    static let frequencies: [String: String] = [
        "qd": "1/d", "daily": "1/d", "once daily": "1/d", "once a day": "1/d", "every day": "1/d", "od": "1/d",
        "q24h": "1/d", "qday": "1/d", "once per day": "1/d", "each day": "1/d", "a day": "1/d", "per day": "1/d",
        "bid": "2/d", "b.i.d": "2/d", "twice daily": "2/d", "twice a day": "2/d", "two times daily": "2/d",
        "two times a day": "2/d", "2 times daily": "2/d", "2 times a day": "2/d", "q12h": "2/d", "twice per day": "2/d",
        "tid": "3/d", "t.i.d": "3/d", "three times daily": "3/d", "three times a day": "3/d", "3 times daily": "3/d",
        "3 times a day": "3/d", "q8h": "3/d", "three times per day": "3/d",
        "qid": "4/d", "q.i.d": "4/d", "four times daily": "4/d", "four times a day": "4/d", "4 times daily": "4/d",
        "4 times a day": "4/d", "q6h": "4/d",
        "qhs": "hs", "hs": "hs", "at bedtime": "hs", "nightly": "hs", "at night": "hs", "every night": "hs",
        "qam": "am", "every morning": "am", "in the morning": "am", "qpm": "pm", "every evening": "pm",
        "prn": "prn", "as needed": "prn", "as necessary": "prn",
        "weekly": "1/wk", "once weekly": "1/wk", "once a week": "1/wk", "every week": "1/wk", "qweek": "1/wk", "qwk": "1/wk",
        "biweekly": "2/wk-or-q2wk", "monthly": "1/mo", "once a month": "1/mo", "every month": "1/mo",
        "q4h": "q4h", "q3h": "q3h", "q2h": "q2h", "every 4 hours": "q4h", "every 6 hours": "4/d", "every 8 hours": "3/d",
        "every 12 hours": "2/d", "every 3 hours": "q3h", "every 2 hours": "q2h",
    ]

    /// Dose units; a number followed by one is a dose.
    static let doseUnits: Set<String> = [
        "mg", "mcg", "µg", "ug", "g", "gm", "ml", "l", "units", "unit", "u", "iu", "meq", "mmol", "tab", "tabs", "tablet",
        "tablets", "cap", "caps", "capsule", "capsules", "puff", "puffs", "drop", "drops", "patch", "spray", "sprays",
        "mg/kg", "mg/day", "mcg/hr", "units/kg", "milligram", "milligrams", "microgram", "micrograms", "gram", "grams",
        "milliliter", "milliliters", "millilitre", "millilitres",
    ]

    /// Units of mass and volume in one spelling each: a dose in milligrams is never the same dose in micrograms.
    static let massUnits: [String: String] = [
        "mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "ug": "mcg", "microgram": "mcg",
        "micrograms": "mcg", "g": "g", "gm": "g", "gram": "g", "grams": "g", "ml": "ml", "milliliter": "ml",
        "milliliters": "ml", "millilitre": "ml", "millilitres": "ml", "units": "unit", "unit": "unit", "u": "unit", "iu": "unit",
    ]

    /// Duration units -> canonical (for "2w", "2 wks", "two weeks").
    static let durationUnits: [String: String] = [
        "d": "day", "day": "day", "days": "day", "dy": "day",
        "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
        "mo": "month", "mos": "month", "month": "month", "months": "month", "m": "month",
        "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
        "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
        "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    ]

    static let numberWords: [String: String] = [
        "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
        "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fourteen": "14", "twenty": "20", "thirty": "30",
    ]

    static let laterality: [String: String] = [
        "left": "left", "l": "left", "lt": "left", "right": "right", "r": "right", "rt": "right",
        "bilateral": "bilateral", "bilat": "bilateral", "b/l": "bilateral", "both": "bilateral", "bilaterally": "bilateral",
    ]

    /// Words that negate what follows them.
    static let negationCues: Set<String> = [
        "no", "denies", "denied", "deny", "negative", "neg", "without", "w/o", "not", "none", "absent", "nkda", "nka",
        "never",
    ]

    /// Status subjects a note must not fill in when the input never mentions them.
    static let undocumentedStatusSubjects: [String: [String]] = [
        "smoking": ["smok", "tobacco", "cigarette", "vape", "vaping", "nicotine", "pack-year", "pack year"],
        "alcohol": ["alcohol", "etoh", "drink", "drinks"],
        "drug use": ["drug use", "illicit", "recreational", "substance"],
        "allergies": ["allerg", "nkda", "nka"],
        "pregnancy": ["pregnan", "lmp", "hcg"],
    ]

    /// Common clinical abbreviations and their expansions, both ways, so a draft that spells out what the
    /// shorthand abbreviated is recognized as the same finding.
    static let abbreviations: [String: [String]] = [
        "cp": ["chest pain"], "sob": ["shortness of breath", "dyspnea"], "doe": ["dyspnea on exertion"],
        "n/v": ["nausea", "vomiting"], "nv": ["nausea", "vomiting"], "ha": ["headache"], "abd": ["abdominal", "abdomen"],
        "htn": ["hypertension"], "dm": ["diabetes"], "dm2": ["diabetes"], "t2dm": ["diabetes"], "hld": ["hyperlipidemia"],
        "cad": ["coronary artery disease"], "chf": ["heart failure"], "hf": ["heart failure"], "afib": ["atrial fibrillation"],
        "af": ["atrial fibrillation"], "copd": ["chronic obstructive"], "uti": ["urinary tract infection"],
        "uri": ["upper respiratory"], "gerd": ["reflux"], "ckd": ["chronic kidney disease"], "mi": ["myocardial infarction"],
        "dvt": ["deep vein thrombosis", "deep venous thrombosis"], "pe": ["pulmonary embolism"], "f/u": ["follow up", "follow-up"],
        "fu": ["follow up", "follow-up"], "r/o": ["rule out"], "s/p": ["status post"], "h/o": ["history of"],
        "c/o": ["complains of", "complaining of"], "bp": ["blood pressure"], "hr": ["heart rate", "pulse"],
        "rr": ["respiratory rate"], "wt": ["weight"], "temp": ["temperature"], "bmp": ["basic metabolic panel"],
        "cmp": ["comprehensive metabolic panel"], "cbc": ["complete blood count"], "a1c": ["hemoglobin a1c", "hba1c"],
        "tsh": ["thyroid"], "ua": ["urinalysis"], "ekg": ["electrocardiogram", "ecg"], "ecg": ["electrocardiogram", "ekg"],
        "cxr": ["chest x-ray", "chest xray", "chest radiograph"], "le": ["lower extremity", "leg"], "ue": ["upper extremity", "arm"],
        "uti's": ["urinary tract infection"], "fx": ["fracture"], "sx": ["symptoms"], "hx": ["history"], "dx": ["diagnosis"],
        "tx": ["treatment"], "rx": ["prescription"], "pt": ["patient"], "yo": ["year old", "year-old"], "f": ["female"],
        "m": ["male"], "loc": ["loss of consciousness"], "rom": ["range of motion"], "ttp": ["tender", "tenderness"],
        "nad": ["no acute distress"], "wnl": ["within normal limits"], "ble": ["bilateral lower extremit"],
        "pmh": ["past medical history"], "fhx": ["family history"], "shx": ["social history"], "etoh": ["alcohol"],
        "ed": ["emergency"], "er": ["emergency"], "pcp": ["primary care"], "ot": ["occupational therapy"],
        "pt/ot": ["physical therapy"], "mri": ["magnetic resonance"], "ct": ["computed tomography", "cat scan"],
        "us": ["ultrasound"], "echo": ["echocardiogram"], "dc": ["discontinue", "stop"], "d/c": ["discontinue", "stop"],
        "incr": ["increase"], "decr": ["decrease"], "cont": ["continue"], "w/": ["with"], "w/o": ["without"],
        "pos": ["positive"], "neg": ["negative", "denies", "no"], "fever": ["febrile"], "afebrile": ["no fever"],
        "uc": ["urgent care"], "ob": ["obstetric"], "gyn": ["gynecolog"], "lmp": ["last menstrual period"],
        "ivf": ["iv fluids"], "abx": ["antibiotic"], "bm": ["bowel movement"], "otc": ["over the counter"],
        "phq-9": ["phq9", "patient health questionnaire"], "gad-7": ["gad7"], "si": ["suicidal ideation"],
        "hi": ["homicidal ideation"], "avh": ["hallucination"], "ssri": ["antidepressant"],
    ]

    /// Words too general to tie a number or a negation to a finding on their own.
    static let genericWords: Set<String> = [
        "pain", "blood", "level", "test", "score", "history", "exam", "reading", "previous", "last", "prior", "value",
        "normal", "complaints", "symptoms", "signs", "changes", "total", "left", "right", "daily", "dose", "rate",
    ]

    /// Terms whose number is part of a name ("type 2 diabetes", "stage 3 CKD"), checked against the source's
    /// spelling of the same term.
    static let numberedTerms: Set<String> = ["type", "stage", "grade", "class", "phase", "tier", "level", "gravida", "para"]

    /// Word endings that mark a drug name (USAN stems and common drug-name endings).
    static let drugStems: [String] = [
        "pril", "sartan", "olol", "alol", "dipine", "statin", "formin", "gliptin", "gliflozin", "glutide", "glinide",
        "prazole", "tidine", "cillin", "mycin", "micin", "floxacin", "cycline", "conazole", "azole", "vir", "mab", "nib",
        "parin", "xaban", "gatran", "semide", "thiazide", "lukast", "terol", "sone", "solone", "olone", "azepam",
        "zolam", "oxetine", "triptan", "apine", "idone", "codone", "morphone", "profen", "coxib", "setron", "caine",
        "dronate", "pentin", "gabalin", "traline", "opram", "faxine", "zodone", "tadine", "mazine", "grel", "afil",
        "osin", "tropium", "fenac", "penem", "navir",
        "phylline", "thyroxine", "amide", "ilol", "barbital", "glipizide", "gliclazide", "glyburide",
    ]

    /// Drugs whose names follow no stem but are everyday in primary care.
    static let commonDrugs: Set<String> = [
        "aspirin", "warfarin", "insulin", "acetaminophen", "tylenol", "ibuprofen", "naproxen", "levothyroxine",
        "digoxin", "tramadol", "morphine", "oxycodone", "hydrocodone", "prednisone", "amiodarone", "spironolactone",
        "allopurinol", "colchicine", "nitroglycerin", "clonidine", "hydralazine", "lithium", "bupropion", "trazodone",
        "mirtazapine", "buspirone", "melatonin", "ondansetron", "metoclopramide", "loratadine", "cetirizine",
        "diphenhydramine", "benadryl", "zyrtec", "claritin", "eliquis", "xarelto", "coumadin", "lasix", "zoloft",
        "prozac", "lexapro", "synthroid", "lipitor", "crestor", "zocor", "norvasc", "glucophage", "ozempic",
        "jardiance", "farxiga", "trulicity", "januvia", "plavix", "keflex", "augmentin", "zithromax", "cipro",
        "flagyl", "metronidazole", "nitrofurantoin", "macrobid", "bactrim", "doxycycline", "sulfamethoxazole",
        "trimethoprim", "epinephrine", "epipen", "albuterol", "ventolin", "symbicort", "advair", "flovent",
        "methotrexate", "hydroxychloroquine", "potassium", "magnesium", "iron", "ferrous", "vitamin", "folic",
        "calcium", "cholecalciferol", "cyanocobalamin", "guaifenesin", "dextromethorphan", "pseudoephedrine",
        "loperamide", "docusate", "senna", "polyethylene", "miralax", "famotidine", "pepcid", "omeprazole",
        "sumatriptan", "topiramate", "lamotrigine", "levetiracetam", "valproate", "carbamazepine", "phenytoin",
        "haloperidol", "quetiapine", "olanzapine", "risperidone", "aripiprazole", "methylphenidate", "adderall",
        "amphetamine", "atomoxetine", "finasteride", "tamsulosin", "oxybutynin", "estradiol", "progesterone",
        "medroxyprogesterone", "norethindrone", "levonorgestrel", "testosterone", "semaglutide", "tirzepatide",
        "heparin", "enoxaparin", "lovenox", "apixaban", "rivaroxaban", "dabigatran", "clopidogrel", "ticagrelor",
        "nicotine", "varenicline", "naloxone", "buprenorphine", "methadone", "cyclobenzaprine", "baclofen",
        "tizanidine", "meloxicam", "celecoxib", "ketorolac", "triamcinolone", "hydrocortisone", "mupirocin",
        "clotrimazole", "nystatin", "tretinoin", "benzoyl", "isotretinoin", "valacyclovir", "acyclovir",
        "oseltamivir", "tamiflu", "amoxicillin", "penicillin", "cephalexin", "azithromycin", "ceftriaxone",
        "vancomycin", "clindamycin", "ciprofloxacin", "levofloxacin", "fluconazole", "terbinafine", "mometasone",
        "fluticasone", "budesonide", "montelukast", "cromolyn", "ipratropium", "tiotropium", "salmeterol",
    ]

    /// Words that begin the names of many different drugs ("insulin glargine", "insulin lispro", "vitamin D").
    static let drugFamilies: Set<String> = ["insulin", "vitamin", "calcium", "potassium", "magnesium", "iron", "ferrous",
                                            "sodium", "folic", "normal", "zinc"]

    static func isDrugName(_ lowercased: String) -> Bool {
        guard lowercased.count >= 5, lowercased.allSatisfy({ $0.isLetter || $0 == "-" }) else { return false }
        if commonDrugs.contains(lowercased) { return true }
        return drugStems.contains { lowercased.hasSuffix($0) && lowercased.count >= $0.count + 3 }
    }
}
