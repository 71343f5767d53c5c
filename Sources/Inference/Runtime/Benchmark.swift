import Foundation

/// llama-bench's two measurements on a session: prompt processing of `count` tokens in batches (ppN) and
/// generation of `count` tokens one at a time (tgN), each from an empty cache. Token ids are drawn from the
/// vocabulary by a fixed rule, as llama-bench does, so no tokenization or sampling is timed.
public enum BenchmarkTest: Sendable, Equatable, CustomStringConvertible {
    case prompt(Int)
    case generation(Int)

    /// Parses `pp512` / `tg128`.
    public init?(_ text: String) {
        guard text.count > 2, let n = Int(text.dropFirst(2)), n > 0 else { return nil }
        switch text.prefix(2) {
        case "pp": self = .prompt(n)
        case "tg": self = .generation(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case let .prompt(n): return "pp\(n)"
        case let .generation(n): return "tg\(n)"
        }
    }

    public var tokenCount: Int {
        switch self {
        case let .prompt(n), let .generation(n): return n
        }
    }

    /// Runs the test once on `session` and returns its tokens per second.
    public func run(on session: Session) throws -> Double {
        session.rewind(to: 0)
        let vocabulary = session.vocabularySize
        // A deterministic spread of ordinary token ids (not the special ones at either end).
        let ids = (0..<tokenCount).map { Int32(1000 + ($0 * 7919) % max(vocabulary - 2000, 1)) }
        let start = DispatchTime.now()
        switch self {
        case .prompt:
            try session.append(ids)
        case .generation:
            for id in ids { try session.append(token: id) }
        }
        let elapsed = seconds(since: start)
        session.rewind(to: 0)
        return Double(tokenCount) / elapsed
    }
}

/// Peak resident memory of this process so far, in bytes (getrusage's ru_maxrss is in KiB on Linux).
public func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}
