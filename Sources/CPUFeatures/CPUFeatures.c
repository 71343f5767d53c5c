#include "CPUFeatures.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// XGETBV(0): which register states the OS saves on a context switch. Written as inline assembly so that this
// file needs no -mxsave (the baseline build does not assume it; CPUID's OSXSAVE bit is checked first).
static uint64_t xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

uint32_t vellum_cpu_features(void) {
    unsigned int eax, ebx, ecx, edx;
    uint32_t features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int osxsave = (ecx >> 27) & 1;
    const uint64_t xcr = osxsave ? xcr0() : 0;
    const int ymmState = (xcr & 0x6) == 0x6;      // SSE and AVX state
    const int zmmState = (xcr & 0xE6) == 0xE6;    // plus opmask, ZMM0-15 upper halves, ZMM16-31
    if (ymmState) {
        if ((ecx >> 28) & 1) features |= VELLUM_CPU_AVX;
        if ((ecx >> 12) & 1) features |= VELLUM_CPU_FMA;
        if ((ecx >> 29) & 1) features |= VELLUM_CPU_F16C;
    }
    if ((ecx >> 22) & 1) features |= VELLUM_CPU_MOVBE;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        const unsigned int leaf7Subleaves = eax;
        if ((ebx >> 3) & 1) features |= VELLUM_CPU_BMI1;
        if ((ebx >> 8) & 1) features |= VELLUM_CPU_BMI2;
        if (ymmState && ((ebx >> 5) & 1)) features |= VELLUM_CPU_AVX2;
        if (zmmState) {
            if ((ebx >> 16) & 1) features |= VELLUM_CPU_AVX512F;
            if ((ebx >> 17) & 1) features |= VELLUM_CPU_AVX512DQ;
            if ((ebx >> 28) & 1) features |= VELLUM_CPU_AVX512CD;
            if ((ebx >> 30) & 1) features |= VELLUM_CPU_AVX512BW;
            if ((ebx >> 31) & 1) features |= VELLUM_CPU_AVX512VL;
            if ((ecx >> 11) & 1) features |= VELLUM_CPU_AVX512VNNI;
        }
        if (leaf7Subleaves >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) {
            if (ymmState && ((eax >> 4) & 1)) features |= VELLUM_CPU_AVXVNNI;
        }
    }
    if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) {
        if ((ecx >> 5) & 1) features |= VELLUM_CPU_LZCNT;  // ABM
    }
    return features;
}

#else

uint32_t vellum_cpu_features(void) { return 0; }

#endif
