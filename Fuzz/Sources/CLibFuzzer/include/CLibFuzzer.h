#ifndef VELLUM_CLIBFUZZER_H
#define VELLUM_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver as a function (compiler-rt's FuzzerInterface.h, LLVM 12 and later): parses libFuzzer's
/// command line and fuzzes `callback`. The fuzz targets call it from their own `main`, because SwiftPM links
/// every executable with its module's entry point as `main`, which keeps libFuzzer's own `main` out.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
