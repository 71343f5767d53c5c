// The run-time choice of kernel build. This directory is part of Quants only; the per-ISA builds of the rest of
// `Sources/Quants` leave it out (Package.swift, `kernelBuild`).
internal import CPUFeatures
import GGUF
internal import QuantsAVX2
internal import QuantsAVX512VNNI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One build of the kernel source, for one instruction set. Results are the same on every path: block dots
/// are exact integer sums and the float steps around them are the same source in the same order.
public enum KernelPath: String, CaseIterable, Sendable, CustomStringConvertible {
    /// QuantsAVX512VNNI, compiled for cascadelake: `vpdpbusd`/`vpdpwssd` on zmm registers.
    case avx512VNNI = "avx512-vnni"
    /// QuantsAVX2, compiled for haswell (x86-64-v3): `vpmaddubsw` + `vpmaddwd` on ymm registers.
    case avx2
    /// Quants itself, plain Swift vector arithmetic compiled for the package baseline.
    case generic

    public var description: String { rawValue }

    /// What the path's build was compiled for (its `-target-cpu`), as CPUID names the features. Every build
    /// needs the package baseline (haswell = x86-64-v3), the AVX-512 one also cascadelake's AVX-512 subsets.
    public var requiredFeatures: [CPUFeature] {
        switch self {
        case .avx512VNNI: return CPUFeature.baseline + [.avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl, .avx512vnni]
        case .avx2, .generic: return CPUFeature.baseline
        }
    }

    /// The required features missing from `features`, in `requiredFeatures` order.
    public func missingFeatures(on features: Set<CPUFeature> = CPUFeature.host) -> [CPUFeature] {
        requiredFeatures.filter { !features.contains($0) }
    }
}

/// An x86-64 feature as CPUID reports it (the Linux /proc/cpuinfo spelling).
public enum CPUFeature: String, CaseIterable, Sendable, CustomStringConvertible {
    case avx, avx2, fma, f16c, bmi1, bmi2, lzcnt = "abm", movbe
    case avx512f, avx512dq, avx512cd, avx512bw, avx512vl, avx512vnni = "avx512_vnni"
    /// 256-bit VNNI without AVX-512 (recent Intel desktops); detected and reported, no build uses it yet.
    case avxvnni = "avx_vnni"

    public var description: String { rawValue }

    /// x86-64-v3, the level the package is compiled for (Package.swift `baselineCPU`).
    public static let baseline: [CPUFeature] = [.avx, .avx2, .fma, .f16c, .bmi1, .bmi2, .lzcnt, .movbe]

    /// The features of the CPU this process runs on (CPUID; AVX and AVX-512 only where the OS saves their
    /// registers).
    public static let host: Set<CPUFeature> = {
        let bits = vellum_cpu_features()
        return Set(allCases.filter { bits & $0.bit != 0 })
    }()

    private var bit: UInt32 {
        switch self {
        case .avx: return VELLUM_CPU_AVX
        case .avx2: return VELLUM_CPU_AVX2
        case .fma: return VELLUM_CPU_FMA
        case .f16c: return VELLUM_CPU_F16C
        case .bmi1: return VELLUM_CPU_BMI1
        case .bmi2: return VELLUM_CPU_BMI2
        case .lzcnt: return VELLUM_CPU_LZCNT
        case .movbe: return VELLUM_CPU_MOVBE
        case .avx512f: return VELLUM_CPU_AVX512F
        case .avx512dq: return VELLUM_CPU_AVX512DQ
        case .avx512cd: return VELLUM_CPU_AVX512CD
        case .avx512bw: return VELLUM_CPU_AVX512BW
        case .avx512vl: return VELLUM_CPU_AVX512VL
        case .avx512vnni: return VELLUM_CPU_AVX512VNNI
        case .avxvnni: return VELLUM_CPU_AVXVNNI
        }
    }
}

/// Why a kernel path cannot be used.
public enum KernelPathError: Error, Equatable, CustomStringConvertible {
    /// `VELLUM_KERNELS` holds something that is not a path name.
    case unknownPath(String)
    /// The CPU lacks features the path's build was compiled for.
    case unsupported(KernelPath, missing: [CPUFeature])

    public var description: String {
        switch self {
        case let .unknownPath(name):
            let names = KernelPath.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(QuantKernels.pathVariable)=\(name) is not a kernel path; use one of \(names)"
        case let .unsupported(path, missing):
            let names = missing.map(\.rawValue).joined(separator: ", ")
            return "kernel path \(path) needs CPU features this CPU lacks: \(names)"
        }
    }
}

extension QuantKernels {
    /// The environment variable that forces a kernel path: `avx512-vnni`, `avx2` or `generic`.
    public static let pathVariable = "VELLUM_KERNELS"

    /// The paths this CPU can run, fastest first.
    public static let supportedPaths: [KernelPath] = KernelPath.allCases.filter { $0.missingFeatures().isEmpty }

    /// The path every product takes. Starts as `VELLUM_KERNELS`, or the fastest supported path if it is unset;
    /// `LanguageModel.init` checks the variable first (`pathFromEnvironment`) and reports a bad value as an error.
    public static var path: KernelPath { activePath }

    /// Read once per product. Written only by `use` (start-up and tests), never while a product runs.
    nonisolated(unsafe) private static var activePath: KernelPath = {
        do {
            return try pathFromEnvironment()
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    /// The path `VELLUM_KERNELS` asks for (the fastest supported one if it is unset or empty), or why it cannot run.
    public static func pathFromEnvironment() throws(KernelPathError) -> KernelPath {
        try path(named: environmentValue)
    }

    /// Whether `VELLUM_KERNELS` names a path (rather than leaving the choice to CPUID).
    public static var pathFromEnvironmentIsSet: Bool { environmentValue != nil }

    private static var environmentValue: String? {
        guard let value = getenv(pathVariable).map({ String(cString: $0) }), !value.isEmpty else { return nil }
        return value
    }

    /// The path called `name` (nil: the fastest supported), checked against `features`.
    public static func path(named name: String?, features: Set<CPUFeature> = CPUFeature.host) throws(KernelPathError) -> KernelPath {
        guard let name else {
            return KernelPath.allCases.first { $0.missingFeatures(on: features).isEmpty } ?? .generic
        }
        guard let path = KernelPath(rawValue: name) else { throw .unknownPath(name) }
        let missing = path.missingFeatures(on: features)
        guard missing.isEmpty else { throw .unsupported(path, missing: missing) }
        return path
    }

    /// Makes every following product take `path`. Call it only while no product runs.
    public static func use(_ path: KernelPath) throws(KernelPathError) {
        let missing = path.missingFeatures()
        guard missing.isEmpty else { throw .unsupported(path, missing: missing) }
        activePath = path
    }

    // MARK: The products, one dispatch each

    /// Dot of one weight row (`count` elements of `type`) with a prepared activation.
    public static func dot(type: GGMLType, row: UnsafeRawPointer, count: Int, activation: UnsafeRawPointer) -> Float {
        switch activePath {
        case .avx512VNNI: return QuantsAVX512VNNI.ISAKernels.dot(type: type, row: row, count: count, activation: activation)
        case .avx2: return QuantsAVX2.ISAKernels.dot(type: type, row: row, count: count, activation: activation)
        case .generic: return ISAKernels.dot(type: type, row: row, count: count, activation: activation)
        }
    }

    /// y[r] = dot(row r of W, x) for r in `rows`. W's rows are `cols` elements of `type`, row stride
    /// `type.byteCount(elements: cols)`; `activation` comes from `quantizeActivation(_, count: cols, for: type, ...)`.
    /// Disjoint row ranges may run on different threads.
    public static func matVec(type: GGMLType, weights: UnsafeRawPointer, cols: Int, rows: Range<Int>,
                              activation: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        switch activePath {
        case .avx512VNNI:
            QuantsAVX512VNNI.ISAKernels.matVec(type: type, weights: weights, cols: cols, rows: rows, activation: activation, into: y)
        case .avx2: QuantsAVX2.ISAKernels.matVec(type: type, weights: weights, cols: cols, rows: rows, activation: activation, into: y)
        case .generic: ISAKernels.matVec(type: type, weights: weights, cols: cols, rows: rows, activation: activation, into: y)
        }
    }

    /// Y[t][r] = dot(W row r, activation t) for t in 0..<tokens and r in `rows`: the value `dot` gives for each
    /// pair, up to float summation order (both sum exact integer block dots scaled in f32).
    ///
    /// - weights: rows of `cols` elements of `type`, row stride `type.byteCount(elements: cols)` (GGUF layout).
    /// - activations: `tokens` activations prepared by `quantizeActivation(_, count: cols, for: type, ...)`,
    ///   `activationStride` bytes apart. Only their ggml blocks (the first region) are read.
    /// - output: row t at `output + t * outputStride`; only the columns in `rows` are written.
    /// Disjoint row ranges may run on different threads; each call allocates its own scratch (about
    /// 21 * cols bytes for the weight panel plus 8 bytes per token and 32-element block).
    public static func matMulQuantized(type: GGMLType, weights: UnsafeRawPointer, cols: Int, rows: Range<Int>,
                                       activations: UnsafeRawPointer, activationStride: Int, tokens: Int,
                                       output: UnsafeMutablePointer<Float>, outputStride: Int) {
        switch activePath {
        case .avx512VNNI:
            QuantsAVX512VNNI.ISAKernels.matMulQuantized(
                type: type, weights: weights, cols: cols, rows: rows, activations: activations,
                activationStride: activationStride, tokens: tokens, output: output, outputStride: outputStride)
        case .avx2:
            QuantsAVX2.ISAKernels.matMulQuantized(
                type: type, weights: weights, cols: cols, rows: rows, activations: activations,
                activationStride: activationStride, tokens: tokens, output: output, outputStride: outputStride)
        case .generic:
            ISAKernels.matMulQuantized(
                type: type, weights: weights, cols: cols, rows: rows, activations: activations,
                activationStride: activationStride, tokens: tokens, output: output, outputStride: outputStride)
        }
    }
}
