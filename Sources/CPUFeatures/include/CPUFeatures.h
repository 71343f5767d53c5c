// The x86-64 instruction-set features the kernel dispatch (Quants' KernelPath) needs, read with CPUID and
// XGETBV. Swift has neither instruction, hence this C target. On other architectures every bit is 0.
#ifndef VELLUM_CPU_FEATURES_H
#define VELLUM_CPU_FEATURES_H

#include <stdint.h>

// One bit per feature. A feature whose registers need operating-system support (AVX's ymm, AVX-512's zmm and
// mask registers) is reported only if XCR0 says the OS saves that state, as llama.cpp's and the kernel's checks do.
static const uint32_t VELLUM_CPU_AVX = 1u << 0;
static const uint32_t VELLUM_CPU_AVX2 = 1u << 1;
static const uint32_t VELLUM_CPU_FMA = 1u << 2;
static const uint32_t VELLUM_CPU_F16C = 1u << 3;
static const uint32_t VELLUM_CPU_BMI1 = 1u << 4;
static const uint32_t VELLUM_CPU_BMI2 = 1u << 5;
static const uint32_t VELLUM_CPU_LZCNT = 1u << 6;
static const uint32_t VELLUM_CPU_MOVBE = 1u << 7;
static const uint32_t VELLUM_CPU_AVX512F = 1u << 8;
static const uint32_t VELLUM_CPU_AVX512DQ = 1u << 9;
static const uint32_t VELLUM_CPU_AVX512CD = 1u << 10;
static const uint32_t VELLUM_CPU_AVX512BW = 1u << 11;
static const uint32_t VELLUM_CPU_AVX512VL = 1u << 12;
static const uint32_t VELLUM_CPU_AVX512VNNI = 1u << 13;
static const uint32_t VELLUM_CPU_AVXVNNI = 1u << 14;

/// The features of the CPU this runs on (a bit set of the values above).
uint32_t vellum_cpu_features(void);

#endif
