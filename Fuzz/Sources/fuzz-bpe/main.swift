import FuzzSupport

runLibFuzzer(fuzzBPE)
