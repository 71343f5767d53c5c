import FuzzSupport

runLibFuzzer(fuzzChatTemplate)
