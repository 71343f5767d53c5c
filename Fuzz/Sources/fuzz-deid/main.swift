import FuzzSupport

runLibFuzzer(fuzzDeidentification)
