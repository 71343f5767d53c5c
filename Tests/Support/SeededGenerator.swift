import Inference

/// The generator every random test and benchmark input is drawn from: Inference's SplitMix64, so a seed gives
/// the same bytes on every run and every machine. Not for anything that needs unpredictability.
public typealias SeededGenerator = SplitMix64
