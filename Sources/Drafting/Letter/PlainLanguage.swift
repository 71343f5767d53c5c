import Foundation

/// Everyday words for a letter to a patient: formal words a model likes are swapped for short ones, and a
/// medical term that stays is explained in brackets the first time it appears. Both lists are general
/// plain-language guidance (the kind in health-literacy style guides), applied the same way to every letter.
enum PlainLanguage {
    /// Formal word or phrase -> the everyday one. Matched whole-word, case-insensitively; the replacement
    /// takes the first letter's case of what it replaces.
    static let simplerWords: [(String, String)] = [
        ("utilize", "use"), ("utilizes", "uses"), ("utilizing", "using"), ("prior to", "before"),
        ("subsequently", "later"), ("approximately", "about"), ("administer", "give"), ("administered", "given"),
        ("discontinue", "stop"), ("discontinued", "stopped"), ("initiate", "start"), ("initiated", "started"),
        ("commence", "start"), ("commenced", "started"), ("sufficient", "enough"), ("additional", "more"),
        ("assist", "help"), ("obtain", "get"), ("obtained", "got"), ("physician", "doctor"), ("medication", "medicine"),
        ("medications", "medicines"), ("demonstrated", "showed"), ("demonstrates", "shows"), ("indicates", "shows"),
        ("in order to", "to"), ("regarding", "about"), ("numerous", "many"), ("frequently", "often"),
        ("however", "but"), ("therefore", "so"), ("consequently", "so"), ("experiencing", "having"),
        ("residence", "home"), ("individuals", "people"), ("adequate", "enough"), ("purchase", "buy"),
    ]

    /// Medical term -> its explanation in everyday words. A term is explained once, after its first use.
    static let explanations: [(term: String, plain: String)] = [
        ("hypertension", "high blood pressure"), ("hyperlipidemia", "high cholesterol"),
        ("hypercholesterolemia", "high cholesterol"), ("hypothyroidism", "an underactive thyroid gland"),
        ("hyperthyroidism", "an overactive thyroid gland"), ("hyperglycemia", "high blood sugar"),
        ("hypoglycemia", "low blood sugar"), ("diabetes mellitus", "diabetes, high blood sugar over time"),
        ("a1c", "a blood test of your average blood sugar over the past few months"),
        ("hemoglobin a1c", "a blood test of your average blood sugar over the past few months"),
        ("ldl", "the \"bad\" cholesterol"), ("hdl", "the \"good\" cholesterol"),
        ("egfr", "a blood test of how well your kidneys filter"), ("creatinine", "a blood test of kidney function"),
        ("chronic kidney disease", "kidneys that work less well over time"), ("anemia", "a low red blood cell count"),
        ("atrial fibrillation", "an irregular heartbeat"), ("tachycardia", "a fast heartbeat"),
        ("bradycardia", "a slow heartbeat"), ("myocardial infarction", "a heart attack"),
        ("heart failure", "a heart that does not pump as well as it should"), ("edema", "swelling from fluid"),
        ("dyspnea", "shortness of breath"), ("copd", "a long-term lung disease that makes breathing hard"),
        ("pneumonia", "an infection in the lungs"), ("bronchitis", "swelling of the airways in the lungs"),
        ("sinusitis", "a sinus infection"), ("otitis media", "a middle ear infection"),
        ("pharyngitis", "a sore throat"), ("gastroesophageal reflux", "stomach acid coming up into the food pipe"),
        ("gerd", "stomach acid coming up into the food pipe"), ("osteoarthritis", "wear-and-tear arthritis in the joints"),
        ("osteoporosis", "thin, weak bones"), ("rheumatoid arthritis", "a disease where the immune system attacks the joints"),
        ("radiculopathy", "a pinched nerve in the spine"), ("neuropathy", "nerve damage, often numbness or tingling"),
        ("migraine", "a type of severe headache"), ("hematuria", "blood in the urine"),
        ("urinary tract infection", "a bladder infection"), ("uti", "a bladder infection"),
        ("dermatitis", "irritated, inflamed skin"), ("psoriasis", "a skin condition with red, scaly patches"),
        ("cellulitis", "a skin infection"), ("benign", "not cancer"), ("malignant", "cancer"),
        ("biopsy", "a small sample of tissue taken for testing"), ("colonoscopy", "a test that looks inside the colon with a camera"),
        ("echocardiogram", "an ultrasound of the heart"), ("electrocardiogram", "a test of the heart's electrical activity"),
        ("ekg", "a test of the heart's electrical activity"), ("ecg", "a test of the heart's electrical activity"),
        ("mri", "a detailed scan using magnets"), ("ct scan", "a detailed x-ray scan"),
        ("ultrasound", "a scan using sound waves"), ("depression", "a medical condition of low mood"),
        ("anxiety", "a medical condition of strong worry"), ("insomnia", "trouble sleeping"),
        ("statin", "a cholesterol-lowering medicine"), ("anticoagulant", "a blood thinner"),
        ("diuretic", "a water pill"), ("antibiotic", "a medicine that fights bacteria"),
    ]

    /// `text` with formal words replaced by everyday ones.
    static func simplify(_ text: String) -> String {
        var result = text
        for (formal, plain) in simplerWords {
            result = replaceWholeWord(formal, in: result) { original in
                original.first?.isUppercase == true ? plain.prefix(1).uppercased() + plain.dropFirst() : plain
            }
        }
        return result
    }

    /// `text` with each medical term of the list explained after its first use, unless a bracket already
    /// follows it (the model explained it itself); returns the terms explained here.
    static func explainTerms(in text: String) -> (text: String, explained: [String]) {
        var result = text
        var explained: [String] = []
        // Longer terms first, so "hemoglobin a1c" is explained rather than its "a1c".
        for (term, plain) in explanations.sorted(by: { $0.term.count > $1.term.count }) {
            guard let range = wholeWordRange(of: term, in: result) else { continue }
            if explained.contains(where: { $0.lowercased().contains(term) }) { continue }
            let after = result[range.upperBound...].prefix(3)
            if after.contains("(") { continue }
            result.insert(contentsOf: " (\(plain))", at: range.upperBound)
            explained.append(String(result[range]))
        }
        return (result, explained)
    }

    /// The first occurrence of `phrase` at or after `from` that is a whole word (or words), ignoring case.
    static func wholeWordRange(of phrase: String, in text: String, from: String.Index? = nil) -> Range<String.Index>? {
        var searchStart = from ?? text.startIndex
        while let range = text.range(of: phrase, options: [.caseInsensitive], range: searchStart..<text.endIndex) {
            let beforeOK = range.lowerBound == text.startIndex || !text[text.index(before: range.lowerBound)].isLetter
            let afterOK = range.upperBound == text.endIndex || !text[range.upperBound].isLetter
            if beforeOK && afterOK { return range }
            searchStart = range.upperBound
        }
        return nil
    }

    static func replaceWholeWord(_ phrase: String, in text: String, with replacement: (Substring) -> String) -> String {
        var result = text
        var searchStart = result.startIndex
        while let range = wholeWordRange(of: phrase, in: result, from: searchStart) {
            let new = replacement(result[range])
            let offset = result.distance(from: result.startIndex, to: range.lowerBound) + new.count
            result.replaceSubrange(range, with: new)
            searchStart = result.index(result.startIndex, offsetBy: offset)
        }
        return result
    }
}
