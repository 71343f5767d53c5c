import GGUF
import XCTest
@testable import Quants

/// Block byte sizes pinned as ggml-common.h pins them with static_assert.
final class BlockLayoutTests: XCTestCase {
    func testBlockSizesMatchGGML() {
        let expected: [(GGMLType, elements: Int, bytes: Int, kernelElements: Int, kernelBytes: Int)] = [
            (.q4_0, 32, 18, Q4_0.blockElements, Q4_0.blockBytes),
            (.q4_1, 32, 20, Q4_1.blockElements, Q4_1.blockBytes),
            (.q5_0, 32, 22, Q5_0.blockElements, Q5_0.blockBytes),
            (.q5_1, 32, 24, Q5_1.blockElements, Q5_1.blockBytes),
            (.q8_0, 32, 34, Q8_0.blockElements, Q8_0.blockBytes),
            (.q8_1, 32, 36, Q8_1.blockElements, Q8_1.blockBytes),
            (.q4_K, 256, 144, Q4_K.blockElements, Q4_K.blockBytes),
            (.q5_K, 256, 176, Q5_K.blockElements, Q5_K.blockBytes),
            (.q6_K, 256, 210, Q6_K.blockElements, Q6_K.blockBytes),
            (.q8_K, 256, 292, Q8_K.blockElements, Q8_K.blockBytes),
        ]
        for (type, elements, bytes, kernelElements, kernelBytes) in expected {
            XCTAssertEqual(type.blockElements, elements, "\(type)")
            XCTAssertEqual(type.blockBytes, bytes, "\(type)")
            XCTAssertEqual(kernelElements, elements, "\(type) kernel")
            XCTAssertEqual(kernelBytes, bytes, "\(type) kernel")
        }
        // Field offsets that fix the rest of each layout.
        XCTAssertEqual(Q5_K.qsOffset + 128, Q5_K.blockBytes)
        XCTAssertEqual(Q6_K.dOffset + 2, Q6_K.blockBytes)
        XCTAssertEqual(Q8_K.bsumsOffset + 32, Q8_K.blockBytes)
    }

    func testActivationTypesFollowGGMLVecDotType() {
        XCTAssertEqual(QuantKernels.activationType(for: .q4_0), .q8_0)
        XCTAssertEqual(QuantKernels.activationType(for: .q5_0), .q8_0)
        XCTAssertEqual(QuantKernels.activationType(for: .q8_0), .q8_0)
        XCTAssertEqual(QuantKernels.activationType(for: .q4_1), .q8_1)
        XCTAssertEqual(QuantKernels.activationType(for: .q5_1), .q8_1)
        for type: GGMLType in [.q4_K, .q5_K, .q6_K] { XCTAssertEqual(QuantKernels.activationType(for: type), .q8_K) }
        for type: GGMLType in [.f32, .f16, .bf16] { XCTAssertEqual(QuantKernels.activationType(for: type), .f32) }
    }

    /// The activation buffer starts with plain ggml blocks of the activation type (what the references read).
    func testActivationBufferStartsWithGGMLBlocks() {
        var rng = SeededGenerator(seed: 9)
        for type: GGMLType in [.q4_0, .q4_1, .q8_0, .q4_K, .q6_K] {
            let count = 512
            let x = randomFloats(count, using: &rng)
            let act = AlignedBuffer(bytes: QuantKernels.activationBytes(for: type, count: count))
            QuantKernels.quantizeActivation(x.floats, count: count, for: type, into: act.raw)
            let activation = QuantKernels.activationType(for: type)
            let blocks = AlignedBuffer(bytes: activation.byteCount(elements: count)!)
            switch activation {
            case .q8_0: Q8_0.quantizeReference(x.floats, count: count, into: blocks.raw)
            case .q8_1: Q8_1.quantizeReference(x.floats, count: count, into: blocks.raw)
            default: Q8_K.quantizeReference(x.floats, count: count, into: blocks.raw)
            }
            XCTAssertEqual(memcmp(act.raw, blocks.raw, blocks.count), 0, "\(type)")
            XCTAssertGreaterThanOrEqual(act.count, blocks.count)
        }
    }
}
