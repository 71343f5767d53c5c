/// Closed-class English words (pronouns, determiners, conjunctions, prepositions, auxiliaries) and note
/// section words that are capitalized at a sentence or heading start but are never names on their own.
enum FunctionWords {
    static let words: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "that", "this", "these",
        "those", "there", "here", "he", "she", "it", "they", "we", "you", "i", "me", "him", "her", "them", "us",
        "his", "hers", "its", "their", "our", "your", "my", "mine", "who", "whom", "whose", "which", "what",
        "when", "where", "why", "how", "of", "in", "on", "at", "to", "for", "from", "with", "without", "by",
        "about", "after", "before", "during", "since", "until", "upon", "into", "onto", "over", "under",
        "between", "among", "per", "via", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do",
        "does", "did", "has", "have", "had", "can", "could", "should", "would", "must", "shall", "not", "no",
        "yes", "all", "any", "some", "each", "every", "both", "either", "neither", "other", "another", "such",
        "also", "only", "very", "just", "please", "thank", "thanks", "dear", "hello", "hi", "ok", "okay",
        "patient", "pt", "pts", "history", "assessment", "plan", "impression", "diagnosis", "diagnoses",
        "medications", "medication", "allergies", "allergy", "exam", "examination", "vitals", "labs", "lab",
        "results", "result", "findings", "procedure", "procedures", "subjective", "objective", "review",
        "systems", "chief", "complaint", "present", "illness", "past", "medical", "surgical", "family", "social",
        "physical", "general", "discharge", "admission", "admitted", "instructions", "follow", "followup",
        "note", "notes", "report", "summary", "signed", "dictated", "date", "time", "name", "age", "sex",
        "male", "female", "mr", "mrs", "ms", "dr", "attending", "resident", "nurse", "physician", "provider",
        "department", "hospital", "clinic", "center", "unit", "room", "bed", "floor", "service", "reason",
        "referral", "referring", "consult", "consultation", "progress", "daily", "hpi", "ros", "pmh", "psh",
        "fh", "sh", "a/p", "cc", "re", "subject", "phone", "fax", "email", "address", "city", "state", "zip",
        "dob", "mrn", "ssn", "none", "normal", "negative", "positive", "left", "right", "bilateral", "denies",
        "reports", "states", "continue", "start", "stop", "return", "call", "see", "seen", "per", "daughter",
        "son", "wife", "husband", "mother", "father", "brother", "sister", "friend", "today", "tomorrow",
        "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "am", "pm",
        "sincerely", "regards", "best", "respectfully", "cordially", "signature", "electronically", "by",
        "insurance", "member", "policy", "claim", "denial", "appeal", "approved", "denied", "pending",
        "emergency", "contact", "relationship", "primary", "secondary", "care", "team", "will", "may",
    ]
}
