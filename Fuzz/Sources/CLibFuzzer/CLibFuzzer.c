// Only the declaration in include/CLibFuzzer.h is needed; SwiftPM requires a C target to have a source file.
#include "CLibFuzzer.h"
