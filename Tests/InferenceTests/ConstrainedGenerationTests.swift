import Foundation
import XCTest
@testable import Inference

/// Constrained generation on real bundled models (their real vocabularies: SmolLM2's and Qwen's byte-level BPE),
/// judged by `JSONSerialization` and a check written from the schema's meaning, and loop detection on text
/// and on a model that repeats itself.
final class ConstrainedGenerationTests: XCTestCase {
    /// A structured extraction the drafting layer will ask for: bounded strings and lists, nullable fields,
    /// enums, required and optional members.
    static let schema = #"""
        {"type": "object",
         "properties": {
           "medications": {"type": "array", "maxItems": 4, "items": {
             "type": "object",
             "properties": {
               "name": {"type": "string", "maxLength": 40},
               "dose": {"type": ["string", "null"], "maxLength": 20},
               "frequency": {"enum": ["daily", "bid", "tid", "prn", null]},
               "status": {"enum": ["current", "stopped", "planned"]}},
             "required": ["name", "dose", "frequency", "status"],
             "additionalProperties": false}},
           "allergies": {"type": "array", "maxItems": 3, "items": {"type": "string", "minLength": 1, "maxLength": 30}},
           "follow_up_weeks": {"type": ["integer", "null"]}},
         "required": ["medications", "allergies"],
         "additionalProperties": false}
        """#

    static let notes = [
        "Pt on metformin 500 mg bid and lisinopril 10 mg daily. Atorvastatin stopped (myalgia). Allergy: penicillin (rash). F/u 4w.",
        "Started apixaban 5 mg bid for new AF. Continue levothyroxine 75 mcg daily. NKDA. Plan: add metoprolol next visit.",
        "Ibuprofen prn for knee pain. Sulfa allergy -> hives. No other meds. Return in 2 weeks.",
    ]

    func testSchemaConstrainedOutputAlwaysParsesAndSatisfiesTheSchema() throws {
        let grammar = try Grammar(jsonSchema: Self.schema)
        // Greedy and sampled runs over the notes; the last samples the full distribution (no top-k/p cut).
        let runs: [(note: Int, sampling: SamplingParameters)] = [
            (0, .greedy), (1, .greedy), (2, SamplingParameters(temperature: 0.8, seed: 1)),
            (0, SamplingParameters(temperature: 1.0, topK: 0, topP: 1, minP: 0, seed: 2)),
        ]
        for file in ["SmolLM2-135M-Instruct.Q4_1.gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"] {
            let model = try LanguageModel(path: TestModels.path(file))
            let session = Session(model: model, contextLength: 1536, threads: 2)
            for (n, sampling) in runs {
                let prompt = try chatPrompt(model, "Extract the medications and allergies from this note as JSON.\n\n" + Self.notes[n])
                // Loops are covered on their own below; here every run must end with the grammar complete.
                let options = GenerationOptions(maxTokens: 900, sampling: sampling, grammar: grammar, loopDetection: nil)
                let result = try session.generate(prompt: prompt, options: options)
                let context = "\(file), note \(n), temperature \(sampling.temperature): \(result.text)"
                XCTAssertEqual(result.stopReason, .endOfGeneration, context)
                guard let value = try? JSONSerialization.jsonObject(with: Data(result.text.utf8)) else {
                    XCTFail("not JSON: \(context)")
                    continue
                }
                XCTAssertEqual(Self.schemaViolations(value), [], context)
            }
        }
    }

    func testGreedyConstrainedOutputIsTheUnconstrainedOneWhenThatAlreadyFits() throws {
        // A grammar that allows everything but special tokens changes nothing for greedy text: the fast path
        // takes the model's own best token every time.
        let model = try LanguageModel(path: TestModels.path("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let prompt = try chatPrompt(model, "Name two vitamins.")
        let free = try Session(model: model, contextLength: 512, threads: 2)
            .generate(prompt: prompt, options: GenerationOptions(maxTokens: 40))
        var options = GenerationOptions(maxTokens: 40)
        options.grammar = try Grammar(gbnf: "root ::= .*")
        let constrained = try Session(model: model, contextLength: 512, threads: 2).generate(prompt: prompt, options: options)
        XCTAssertEqual(constrained.ids, free.ids)
        XCTAssertEqual(constrained.stopReason, free.stopReason)
    }

    func testGrammarEndsGenerationWhenNothingMoreMayFollow() throws {
        let model = try LanguageModel(path: TestModels.path("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"))
        let prompt = try chatPrompt(model, "Is aspirin an antiplatelet drug? Answer in a full sentence.")
        let options = GenerationOptions(maxTokens: 50, grammar: try Grammar(gbnf: #"root ::= ("Yes" | "No") "."?"#))
        let result = try Session(model: model, contextLength: 512, threads: 2).generate(prompt: prompt, options: options)
        XCTAssertTrue(["Yes.", "No.", "Yes", "No"].contains(result.text), result.text)
        XCTAssertEqual(result.stopReason, .endOfGeneration)
    }

    // MARK: Loops

    func testARepeatingModelStopsWithTheRepetitionReason() throws {
        // Plain completion of a text that already repeats: a small model keeps copying the line.
        let model = try LanguageModel(path: TestModels.path("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let prompt = model.tokenizer.encode("Patient instructions (repeat as printed):\n"
            + String(repeating: "Take one tablet by mouth daily.\n", count: 8))
        let result = try Session(model: model, contextLength: 1024, threads: 2)
            .generate(prompt: prompt, options: GenerationOptions(maxTokens: 400))
        XCTAssertEqual(result.stopReason, .repetition, result.text)
        XCTAssertFalse(result.removedRepetition.isEmpty)
        XCTAssertLessThan(Self.longestRunOfIdenticalLines(result.text), LoopDetection.default.repeatedLines, result.text)
    }

    func testLineLoopKeepsTheFirstCopy() {
        var detector = LoopDetector(.default)
        let pieces = ["Plan", ":\n", "- continue", " aspirin\n"] + Array(repeating: ["- recheck", " BP\n"], count: 4).flatMap { $0 }
        var keep: Int?
        for (i, piece) in pieces.enumerated() {
            keep = detector.append(Int32(i), piece: Array(piece.utf8))
            if keep != nil { break }
        }
        XCTAssertEqual(keep, 6, "Plan:, the aspirin line and one copy of the BP line")
    }

    func testTokenLoopKeepsTheFirstCopy() {
        var detector = LoopDetector(LoopDetection(repeatedLines: 0, maximumPeriod: 8, minimumCopies: 4, minimumTokens: 12))
        let tokens: [Int32] = [9, 8] + Array(repeating: [1, 2, 3], count: 5).flatMap { $0 }
        var stoppedAt: Int?
        for (i, token) in tokens.enumerated() where stoppedAt == nil {
            if let keep = detector.append(token, piece: []) {
                stoppedAt = i + 1
                XCTAssertEqual(keep, 5, "the two leading tokens and one copy of 1 2 3")
            }
        }
        XCTAssertEqual(stoppedAt, 14, "four copies of a 3-token run are 12 tokens: the 14th token completes them")
    }

    func testClinicalListsDoNotTripTheDefaults() throws {
        // A medication list and a review of systems, with repeated words, bullets and values, tokenized by a
        // real vocabulary and fed token by token.
        let model = try LanguageModel(path: TestModels.path("SmolLM2-135M-Instruct.Q4_1.gguf"))
        var note = "Medications:\n"
        for drug in ["metformin 500 mg", "lisinopril 10 mg", "atorvastatin 40 mg", "aspirin 81 mg", "metoprolol 25 mg",
                     "levothyroxine 75 mcg", "omeprazole 20 mg", "sertraline 50 mg"] {
            note += "- \(drug) by mouth daily\n- \(drug) by mouth daily (hold if unwell)\n"
        }
        note += "\nROS:\n" + ["Constitutional", "Eyes", "ENT", "Cardiovascular", "Respiratory", "GI", "GU", "Skin"]
            .map { "- \($0): negative\n- \($0): negative\n\n- \($0): negative\n" }.joined()
        note += "\nVitals: BP 120/80, 120/80, 118/80. HR 72, 72, 72.\n" + String(repeating: "-", count: 40) + "\n"
        var detector = LoopDetector(.default)
        for id in model.tokenizer.encode(note, addBOS: false) {
            XCTAssertNil(detector.append(id, piece: model.tokenizer.tokenPiece(id)), "tripped on a legitimate note")
        }
    }

    // MARK: Helpers

    private func chatPrompt(_ model: LanguageModel, _ text: String) throws -> [Int32] {
        let (format, system) = try XCTUnwrap(ChatFormat.detect(in: model.file))
        return model.tokenizer.encode(format.render([ChatMessage(role: .user, content: text)], defaultSystem: system),
                                      addBOS: nil, parseSpecial: true)
    }

    private static func longestRunOfIdenticalLines(_ text: String) -> Int {
        var longest = 0, run = 0
        var previous: Substring?
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            run = line == previous ? run + 1 : 1
            previous = line
            longest = max(longest, run)
        }
        return longest
    }

    /// What `schema` requires, checked directly on the parsed value; each violation as a path and a reason.
    static func schemaViolations(_ value: Any) -> [String] {
        var problems: [String] = []
        func string(_ value: Any?, _ path: String, maxLength: Int, minLength: Int = 0) {
            guard let text = value as? String else { return problems.append("\(path): not a string") }
            if text.unicodeScalars.count > maxLength || text.unicodeScalars.count < minLength {
                problems.append("\(path): length \(text.unicodeScalars.count)")
            }
        }
        func isNull(_ value: Any?) -> Bool { value is NSNull }
        guard let object = value as? [String: Any] else { return ["/: not an object"] }
        for key in object.keys where !["medications", "allergies", "follow_up_weeks"].contains(key) {
            problems.append("/\(key): not allowed")
        }
        if let weeks = object["follow_up_weeks"], !isNull(weeks) {
            let number = weeks as? NSNumber
            if number == nil || number!.doubleValue.rounded() != number!.doubleValue { problems.append("/follow_up_weeks: not an integer") }
        }
        if let allergies = object["allergies"] as? [Any] {
            if allergies.count > 3 { problems.append("/allergies: \(allergies.count) items") }
            for (i, allergy) in allergies.enumerated() { string(allergy, "/allergies/\(i)", maxLength: 30, minLength: 1) }
        } else {
            problems.append("/allergies: missing or not an array")
        }
        guard let medications = object["medications"] as? [Any] else {
            return problems + ["/medications: missing or not an array"]
        }
        if medications.count > 4 { problems.append("/medications: \(medications.count) items") }
        for (i, item) in medications.enumerated() {
            let path = "/medications/\(i)"
            guard let medication = item as? [String: Any] else { problems.append("\(path): not an object"); continue }
            if Set(medication.keys) != ["name", "dose", "frequency", "status"] { problems.append("\(path): keys \(medication.keys.sorted())") }
            string(medication["name"], path + "/name", maxLength: 40)
            if !isNull(medication["dose"]) { string(medication["dose"], path + "/dose", maxLength: 20) }
            if !isNull(medication["frequency"]), !["daily", "bid", "tid", "prn"].contains(medication["frequency"] as? String ?? "") {
                problems.append("\(path)/frequency: \(String(describing: medication["frequency"]))")
            }
            if !["current", "stopped", "planned"].contains(medication["status"] as? String ?? "") {
                problems.append("\(path)/status: \(String(describing: medication["status"]))")
            }
        }
        return problems
    }
}
