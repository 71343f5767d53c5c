import Inference
import Quants
import XCTest

/// Our engine against llama.cpp on the four bundled models: the logits at the last prompt position and the
/// greedy continuation.
///
/// Tolerance: both engines quantize activations to 8 bits for the integer products, but they sum in different
/// orders, run attention differently (llama.cpp's flash attention accumulates in F16) and use different
/// GELU/exp approximations. Changing nothing but llama.cpp's own attention/KV settings moved its top-10 logits
/// by up to 0.43 (reference README), so we allow
/// `logitTolerance` = 0.5 per logit. Greedy text must match token for token up to the first step where
/// llama.cpp's two best candidates are closer than that tolerance (a near-tie either engine may break
/// either way); each such fork is listed in `knownNearTies` with its margin, not allowed in general.
final class ReferenceModelTests: XCTestCase {
    static let logitTolerance: Float = 0.5

    /// (model file, prompt index) -> greedy step at which our choice is allowed to differ from llama.cpp's,
    /// because llama.cpp's top two logits there are within the tolerance (their margin in the comment).
    /// Measured 2026-11-29, again after the vectorized softmax and GELU: 211 of the 288 greedy steps now come
    /// before the first fork, against 201 with libm's expf and tanhf. Where llama.cpp's own alternative
    /// configuration (flash attention off, F32 KV cache) forked at the same step, the comment says so: the fork
    /// is a property of the prompt, not of us.
    static let knownNearTies: [String: [Int: Int]] = [
        "SmolLM2-135M-Instruct.Q4_1.gguf": [
            0: 14,  // margin 0.0048 (llama.cpp's alt config forks earlier, at 5)
            1: 21,  // margin 0.107
            2: 6,   // margin 0.148; llama.cpp's alt config forks here too
        ],
        "gemma-3-270m-q4_k_m.gguf": [
            0: 11,  // margin 0.097 (llama.cpp's alt config forks at 18)
            1: 23,  // margin 0.013
            2: 18,  // margin 0.008; llama.cpp's alt config forks here too
        ],
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf": [
            1: 12,  // margin 0.0014 (llama.cpp's alt config forks at 14)
        ],
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf": [
            2: 10,  // margin 0.033
        ],
    ]

    func testSmolLM2() throws { try check("SmolLM2-135M-Instruct.Q4_1.gguf", reference: "SmolLM2-135M-Instruct.Q4_1.json") }
    func testGemma3() throws { try check("gemma-3-270m-q4_k_m.gguf", reference: "gemma-3-270m-q4_k_m.json") }
    func testQwen2Small() throws {
        try check("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", reference: "qwen2.5-coder-0.5b-instruct-q4_k_m.json")
    }
    func testQwen2Default() throws {
        try check("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", reference: "qwen2.5-coder-1.5b-instruct-q4_k_m.json")
    }

    /// Every kernel path this CPU runs must give the same logits and forks: the block dots are exact integer
    /// sums on every path, and the float steps around them are the same source.
    private func check(_ file: String, reference referenceFile: String) throws {
        let reference = try TestModels.reference(referenceFile)
        let model = try LanguageModel(path: TestModels.path(file))
        let start = QuantKernels.path
        defer { try! QuantKernels.use(start) }
        var firstPathLogits: [[Float]] = []
        for path in QuantKernels.supportedPaths {
            try QuantKernels.use(path)
            let logits = try check(model, file, reference, label: "\(file) [\(path)]")
            if firstPathLogits.isEmpty { firstPathLogits = logits; continue }
            for (index, (ours, first)) in zip(logits, firstPathLogits).enumerated() {
                XCTAssertTrue(ours.map(\.bitPattern) == first.map(\.bitPattern),
                              "\(file) prompt \(index): \(path) logits differ from \(QuantKernels.supportedPaths[0])'s")
            }
        }
    }

    /// Checks every prompt of `reference` on the current kernel path; returns the last prompt position's logits.
    private func check(_ model: LanguageModel, _ file: String, _ reference: LlamaCppReference, label fileLabel: String) throws -> [[Float]] {
        var promptLogits: [[Float]] = []
        for (index, prompt) in reference.prompts.enumerated() {
            let label = "\(fileLabel) prompt \(index)"
            XCTAssertEqual(model.tokenizer.encode(prompt.text, addBOS: nil, parseSpecial: true), prompt.promptIds, label)

            let session = Session(model: model, contextLength: 512, threads: 2)
            let logits = try session.evaluate(prompt: prompt.promptIds)
            checkTop10(Array(logits), reference: prompt.lastPositionTop10, tolerance: Self.logitTolerance, label: label)
            promptLogits.append(Array(logits))

            var ours: [Int32] = []
            var current = Array(logits)
            var forked = false
            for step in 0..<prompt.greedy.ids.count {
                let next = greedyToken(current)
                ours.append(next)
                if next != prompt.greedy.ids[step] {
                    let top = prompt.greedy.stepsTop5[step]
                    let margin = top[0].logit - top[1].logit
                    XCTAssertEqual(Self.knownNearTies[file]?[index], step,
                                   "\(label): greedy differs from llama.cpp at step \(step) (ours \(next), theirs \(top[0].id), their margin \(margin)); ours so far \(ours)")
                    XCTAssertLessThan(margin, Self.logitTolerance, "\(label): a listed near-tie must be one")
                    forked = true
                    break
                }
                if step + 1 < prompt.greedy.ids.count { current = Array(try session.append([next])) }
            }
            // The table stays exact: a listed fork that no longer happens is stale (numerics changed) and must go.
            if !forked, let listed = Self.knownNearTies[file]?[index] {
                XCTFail("\(label): listed near-tie at step \(listed) no longer forks; all \(ours.count) steps match")
            }
        }
        return promptLogits
    }
}
