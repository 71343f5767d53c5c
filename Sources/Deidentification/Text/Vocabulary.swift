// Closed-class words the recognizers use as context: titles, credentials, month names, state names, street
// suffixes and the like. These are grammar, not name data: names, places and safe words come from the
// public lexicons loaded by `LexiconStore`.

/// Honorifics and clinical titles that precede a name. Keys are lowercase, without the period.
enum Titles {
    static let honorifics: Set<String> = [
        "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "doctor", "sr", "sister", "father",
        "rev", "reverend", "mister", "madam", "drs", "messrs", "mmes", "nurse", "judge", "capt", "sgt", "officer", "pastor", "chaplain",
        "rabbi", "imam", "fr", "deacon", "baby", "elder", "coach", "dra", "sra", "srta", "herr", "frau",
    ]
    /// Credentials written after a name ("Jane Roe, MD"); they stay outside the span.
    static let credentials: Set<String> = [
        "md", "do", "rn", "np", "pa", "phd", "lpn", "cna", "msw", "lcsw", "pharmd", "dds", "dmd", "fnp",
        "dpm", "crna", "aprn", "bsn", "msn", "dnp", "mph", "facp", "facs", "od", "pt", "dpt", "ot", "otr",
        "slp", "rd", "ccc", "mba", "ma", "ms", "jr", "sr", "ii", "iii", "iv", "esq", "rph", "cnm", "lmft",
        "psyd", "mbbs", "frcpc", "c", "bc", "agnp", "ansp", "atc", "emt", "paramedic", "scribe", "rpsgt", "rdcs",
        "rdms", "rrt", "crt", "ccs", "rhia", "rhit", "lmt", "mt", "mls", "cpht", "rdh", "ladc", "lpc", "lcpc",
        "lsw", "cns", "ccrn", "cen", "fnp-c", "pa-c", "np-c", "mdiv", "bcc", "cpc", "ocn", "cde", "cdces", "ibclc",
    ]
}

/// Words that, followed by ":" or a name, label the name of a person ("Patient: Jane Roe").
enum PersonLabels {
    static let phrases: [String] = [
        "patient", "patient name", "pt", "pt name", "name", "attending", "attending physician", "physician",
        "provider", "pcp", "primary care physician", "primary care provider", "referring physician",
        "referring provider", "referred by", "signed by", "electronically signed by", "dictated by",
        "transcribed by", "reviewed by", "authenticated by", "cosigned by", "co-signed by", "seen by",
        "cc", "emergency contact", "contact", "contact person", "guardian", "next of kin", "nok", "nurse",
        "rn", "resident", "fellow", "surgeon", "assistant", "anesthesiologist", "anesthesia", "ordering physician",
        "ordering provider", "requested by", "performed by", "interpreted by", "read by", "verified by",
        "called by", "caller", "spoke with", "spoke to", "message from", "from", "to", "dear", "attn",
        "attention", "author", "scribe", "recipient", "mother", "father", "parent", "spouse", "insured",
        "subscriber", "policy holder", "policyholder", "member name", "beneficiary", "technologist", "tech",
        "pharmacist", "case manager", "social worker", "therapist", "caregiver", "witness", "interpreter",
        "translator", "chaplain", "midwife", "consultant", "consulting physician", "admitting physician",
        "ordering", "copy to", "copies to", "taken by", "drawn by", "collected by", "registrar", "user",
        "infant", "child", "newborn", "mother's name", "father's name", "on-coming rn", "off-going rn",
        "charge", "charge nurse", "informant", "decedent", "certifier", "pronounced by", "crew", "driver",
        "given by", "administered by", "entered by", "coder", "counselor", "counsellor", "genetic counselor",
        "navigator", "coordinator", "advocate", "dietitian", "nutritionist", "psychologist", "provider name", "pt name", "patient's name", "rn name",
        "discharging physician", "reported by", "prepared by", "approved by", "completed by", "entered by",
    ]
    /// Closings after which the next line is a signature.
    static let closings: Set<String> = [
        "sincerely", "regards", "thanks", "thank you", "respectfully", "best", "cordially", "yours truly",
        "best regards", "kind regards", "warm regards", "warmly", "cheers",
    ]
}

/// Relations that introduce a person's name: "son John", "her daughter, Mary".
enum RelationWords {
    static let words: Set<String> = [
        "son", "daughter", "wife", "husband", "mother", "father", "mom", "dad", "brother", "sister", "friend",
        "neighbor", "neighbour", "partner", "spouse", "grandson", "granddaughter", "grandmother", "grandfather",
        "grandma", "grandpa", "niece", "nephew", "aunt", "uncle", "cousin", "caregiver", "boyfriend",
        "girlfriend", "fiance", "fiancee", "roommate", "stepson", "stepdaughter", "stepmother", "stepfather",
        "sibling", "child", "guardian", "landlord", "coworker", "colleague", "pastor", "baby", "twin", "parent",
        "parents", "godmother", "godfather",
        "grandchild", "in-law", "sister-in-law", "brother-in-law", "mother-in-law", "father-in-law", "children",
        "sons", "daughters", "named", "called", "goes by", "nicknamed", "aka", "with", "nurse", "spoke",
        "grandsons", "granddaughters", "brothers", "sisters", "grandkids", "nephews", "nieces",
        "interpreter", "translator", "aide", "caseworker", "sitter", "teacher", "coach", "sponsor", "fiancé",
        "wife's", "husband's", "stepbrother", "stepsister", "godmother", "godfather", "housemate", "classmate",
    ]
}

/// Nouns that follow an eponym and show the capitalized word before them is not a person:
/// "Parkinson disease", "Foley catheter", "Epley maneuver", "Bell's palsy".
enum EponymNouns {
    static let words: Set<String> = [
        "disease", "diseases", "syndrome", "syndromes", "sign", "signs", "test", "tests", "maneuver", "manoeuvre",
        "catheter", "score", "scores", "scale", "reflex", "reflexes", "palsy", "procedure", "operation",
        "classification", "criteria", "tube", "fracture", "law", "phenomenon", "triad", "node", "nodes",
        "disorder", "deformity", "contracture", "cyst", "ulcer", "tumor", "tumour", "lymphoma", "sarcoma",
        "anemia", "anaemia", "esophagus", "diverticulum", "hernia", "point", "line", "lines", "bag", "bandage",
        "forceps", "retractor", "clamp", "needle", "stain", "staining", "cell", "cells", "body", "bodies",
        "gland", "glands", "duct", "ligament", "tendon", "nerve", "artery", "vein", "space", "canal", "area",
        "ring", "rings", "position", "method", "technique", "approach", "incision", "repair", "thyroiditis",
        "encephalopathy", "encephalitis", "dementia", "chorea", "ataxia", "dystrophy", "tremor", "protocol",
        "equation", "formula", "index", "rule", "rules", "murmur", "sphincter", "pouch", "shunt", "valve",
        "phenomena", "effect", "respiration", "breathing", "breath", "splint", "cast", "collar", "brace",
        "stockings", "sinus", "agar", "medium", "curve", "angle", "view", "views",
        "projection", "sequence", "blockade", "block", "infusion", "solution", "lens", "lenses", "crutch",
        "crutches", "diet", "exercise", "exercises", "regimen", "therapy", "lesion", "lesions", "spots",
        "nodules", "nodule", "hypothesis", "cycle", "loop", "dressing", "drain", "stent", "pump", "stage",
        "negative", "positive", "grade", "type", "class", "staging", "maneuvers", "testing", "hold", "pattern",
        "tear", "tears", "membrane", "organ", "organs", "bundle", "capsule", "fascia", "cleft", "fossa",
    ]
}

/// Endings of clinical words (conditions, procedures, drug stems) that no person's name has: a word of six letters or
/// more ending this way ("hypothyroidism", "colectomy", "lisinopril") is medicine, whatever its casing.
enum ClinicalWordShapes {
    static let suffixes = [
        "ism", "itis", "osis", "emia", "aemia", "pathy", "ectomy", "otomy", "ostomy", "plasty", "algia", "uria", "penia",
        "plegia", "trophy", "scopy", "graphy", "cillin", "mycin", "olol", "pril", "sartan", "statin", "azole", "tidine",
        "mab", "tinib", "gliptin", "gliflozin", "glutide", "oxetine", "azepam",
    ]

    static func matches(_ key: String) -> Bool { key.count >= 6 && suffixes.contains(where: key.hasSuffix) }
}

/// Clinical scores and scales named after people, written before their value ("Wells 4", "Gleason 7",
/// "Clark level II"): followed by a number or a roman numeral they are scores, not people.
enum ScoreEponyms {
    static let words: Set<String> = [
        "wells", "caprini", "ranson", "glasgow", "bishop", "gleason", "breslow", "clark", "apgar", "braden", "morse",
        "berg", "tinetti", "barthel", "karnofsky", "hunt", "hess", "fisher", "spetzler", "kellgren", "lawrence",
        "mallampati", "child", "pugh", "centor", "alvarado", "duke", "hoehn", "yahr", "killip", "forrester",
        "rockall", "blatchford", "marshall", "rankin", "norton", "waterlow", "cormack", "lehane", "tanner",
        "salter", "harris", "garden", "weber", "schatzker", "gustilo", "neer", "mason", "gartland", "lauge",
        "hansen", "ottawa", "curb", "padua", "geneva", "caprini", "khorana", "nyha", "ecog", "zubrod", "stanford",
    ]
}

/// Month names and abbreviations keyed by lowercase, valued by month number.
enum MonthNames {
    static let numbers: [String: Int] = [
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
        "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
        "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ]
    static let full = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December"]
    static let abbreviated = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// US states, used as anchors for "City, ST 12345"; a state alone is not PHI.
enum USStates {
    static let abbreviations: Set<String> = [
        "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks", "ky",
        "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny", "nc", "nd",
        "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy", "dc",
        "pr", "gu", "vi",
    ]
    /// Full names, as lowercase token sequences joined by a space.
    static let names: Set<String> = [
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
        "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
        "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri",
        "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york",
        "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island",
        "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
        "west virginia", "wisconsin", "wyoming", "puerto rico",
    ]
}

/// USPS street suffixes (Publication 28, common forms) and unit designators.
enum StreetWords {
    static let suffixes: Set<String> = [
        "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr",
        "court", "ct", "way", "place", "pl", "terrace", "ter", "circle", "cir", "parkway", "pkwy", "highway",
        "hwy", "trail", "trl", "square", "sq", "plaza", "plz", "alley", "aly", "crossing", "xing", "loop",
        "path", "pike", "run", "row", "walk", "point", "pt", "ridge", "rdg", "hill", "hl", "heights", "hts",
        "grove", "grv", "park", "pk", "view", "vw", "commons", "cmns", "crescent", "cres", "close", "bend",
        "cove", "cv", "creek", "crk", "expressway", "expy", "freeway", "fwy", "turnpike", "tpke", "route", "rte",
        "center", "ctr", "estates", "est", "glen", "gln", "harbor", "hbr", "hollow", "holw", "isle", "junction",
        "jct", "landing", "lndg", "meadow", "meadows", "mdws", "mill", "mills", "orchard", "pass", "pines",
        "ranch", "shore", "shores", "spring", "springs", "station", "sta", "summit", "smt", "valley", "vly",
        "village", "vlg", "vista", "vis", "woods", "wds", "causeway", "cswy", "green", "gardens", "gdns",
    ]
    static let directions: Set<String> = [
        "n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west", "northeast", "northwest",
        "southeast", "southwest",
    ]
    static let units: Set<String> = [
        "apt", "apartment", "unit", "suite", "ste", "room", "rm", "floor", "fl", "bldg", "building", "lot",
        "space", "spc", "trlr", "dept",
    ]
}

/// Words ending (or starting) a facility or organization name.
enum FacilityWords {
    /// Final words of a facility name: "Mercy General Hospital", "Lakeside Family Clinic".
    static let heads: Set<String> = [
        "hospital", "hospitals", "clinic", "clinics", "infirmary", "hospice", "sanatorium", "sanitarium",
        "pharmacy", "laboratory", "laboratories", "labs", "healthcare", "health", "center", "centre",
        "medical", "institute", "practice", "associates", "partners", "group", "home", "manor", "rehab",
        "rehabilitation", "care", "system", "network", "university", "college", "school", "ymca", "va",
        "pediatrics", "therapy", "pathology", "plan", "insurance", "mutual", "casualty", "dental", "drug", "drugs",
        "bank", "ambulance", "ems", "house", "alliance", "cooperative", "supply", "supplies", "orthopedics",
        "cardiology", "dermatology", "oncology", "radiology", "imaging", "gastroenterology", "neurology", "urology",
        "surgical", "pharmaceuticals", "nursing", "ophthalmology", "optometry", "chiropractic", "podiatry",
        "dialysis", "diagnostics", "obgyn",
    ]
    /// A capitalized run ending in one of these is a facility without further evidence.
    static let strongHeads: Set<String> = [
        "hospital", "hospitals", "clinic", "clinics", "infirmary", "hospice", "sanatorium", "sanitarium",
        "pharmacy", "healthcare", "laboratories", "rehab", "rehabilitation", "pediatrics", "medicine", "therapy",
        "pathology", "insurance", "mutual", "casualty", "dental", "drug", "drugs", "ambulance", "ems", "alliance",
        "cooperative", "supply", "supplies", "orthopedics", "cardiology", "dermatology", "oncology", "radiology",
        "imaging", "gastroenterology", "neurology", "urology", "surgical", "pharmaceuticals", "nursing", "obgyn",
        "ophthalmology", "optometry", "chiropractic", "podiatry", "dialysis", "diagnostics", "medical",
    ]
    /// Two-word heads: "Medical Center", "Health System", "Nursing Home", "Urgent Care".
    static let compoundHeads: Set<String> = [
        "medical center", "medical centre", "health center", "health system", "health services",
        "nursing home", "urgent care", "surgery center", "surgical center", "cancer center", "care center",
        "rehabilitation center", "rehab center", "medical group", "health partners", "family practice",
        "family medicine", "health network", "medical associates", "imaging center", "dialysis center",
        "assisted living", "nursing facility", "memory care", "skilled nursing", "senior living",
        "health clinic", "medical clinic", "walk-in clinic", "treatment center", "recovery center",
        "behavioral health", "mental health", "birth center", "eye center", "heart institute", "specialty hospital",
        "children's hospital", "health alliance", "primary care", "community health",
    ]
    /// Generic capitalized words that alone do not make a facility name ("Emergency Department").
    static let genericModifiers: Set<String> = [
        "the", "emergency", "department", "our", "your", "this", "that", "a", "an", "local", "outside",
        "same", "other", "new", "general", "regional", "community", "county", "state", "city", "university",
        "memorial", "medical", "family", "primary", "urgent", "main", "north", "south", "east", "west",
        "internal", "physical", "occupational", "speech", "pediatric", "adult", "sleep", "skilled", "behavioral",
        "mental", "health", "plan", "durable", "equipment", "certificate", "letter", "necessity", "patient", "note",
        "report", "clinic", "hospital", "orthopedic", "cardiac", "surgical", "dental", "nursing", "home", "medicine",
        "pathology", "radiology", "oncology", "neurology", "dermatology", "cardiology", "urology", "imaging",
        "department", "division", "service", "services", "unit", "office", "center", "spiritual", "care",
        "advice", "line", "call", "record", "summary", "consult", "consultation", "progress", "follow", "up",
    ]
}

/// Words that signal the organization after them is an employer: "works at", "employed by".
enum EmployerWords {
    static let phrases: [String] = [
        "works at", "works for", "working at", "working for", "worked at", "worked for", "employed at",
        "employed by", "employee of", "employer", "employer is", "job at", "jobs at", "retired from",
        "works as a", "works in", "works with", "working with", "employment at", "employment with",
        "occupation", "works part-time at", "works full-time at", "works nights at", "works days at",
        "is a driver for", "drives for", "teaches at", "teacher at", "nurse at", "cashier at", "manager at",
        "mechanic at", "engineer at", "laid off from", "fired from", "left his job at", "left her job at",
        "started at", "intern at", "volunteers at", "volunteer at", "contractor for", "owns",
    ]
    /// Jobs named before the organization they are done for ("a welder for Narragansett Shipyard", "a paramedic with
    /// the fire district"): the organization is the person's employer.
    static let occupations: Set<String> = [
        "lineman", "linemen", "driver", "paramedic", "emt", "firefighter", "electrician", "plumber", "carpenter",
        "machinist", "welder", "mechanic", "technician", "clerk", "cashier", "teller", "accountant", "bookkeeper",
        "engineer", "analyst", "attorney", "paralegal", "chef", "cook", "bartender", "waiter", "waitress", "janitor",
        "custodian", "laborer", "landscaper", "roofer", "painter", "trucker", "courier", "dispatcher", "foreman",
        "supervisor", "receptionist", "secretary", "salesman", "saleswoman", "stocker", "warehouseman", "guard",
        "officer", "deputy", "trooper", "soldier", "sailor", "airman", "teacher", "professor", "librarian", "aide",
    ]
    /// Final words of a company name.
    static let companySuffixes: Set<String> = [
        "inc", "llc", "llp", "corp", "corporation", "company", "co", "ltd", "group", "industries", "foods",
        "motors", "systems", "solutions", "services", "bank", "insurance", "logistics", "manufacturing",
        "construction", "enterprises", "holdings", "partners", "associates", "technologies", "labs",
        "restaurant", "market", "markets", "store", "stores", "depot", "mart", "airlines", "railroad",
        "school", "schools", "district", "university", "college", "department", "agency", "firm",
    ]
}
