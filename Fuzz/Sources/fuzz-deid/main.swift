import FuzzSupport

// Loaded before libFuzzer starts: a missing data file is a setup error, not a finding.
_ = (deidentifier, surrogates)
runLibFuzzer(fuzzDeidentification)
