import FuzzSupport

runLibFuzzer(fuzzSentencePiece)
