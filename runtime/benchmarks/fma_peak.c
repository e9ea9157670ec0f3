/*
 * The CPU's float32 peak: independent fused multiply-adds on every core, nothing else (no memory traffic), so the
 * figure is what the cores' FMA units can do at the clock they hold under this load. A matrix product's GFLOP/s
 * divided by this is its efficiency. Built and run by fma-peak.sh (-O2 -march=native: 512-bit registers where the CPU
 * has AVX-512, else 256-bit AVX2 with FMA; x86-64 only).
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ISA "AVX-512"
#define CHAINS 16 /* independent accumulators: more than the FMA latency times the FMA units (32 registers) */
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ISA "AVX2"
#define CHAINS 12 /* 16 registers: the chains and the two operands stay in them */
#endif

static long iterations;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run(void *out) {
    vec acc[CHAINS];
    vec x = SET1(0.9999999f), y = SET1(0.0000001f); /* each chain tends to 1: no overflow */
    for (int i = 0; i < CHAINS; i++) acc[i] = SET1((float) i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 16
        for (int i = 0; i < CHAINS; i++) acc[i] = FMA(acc[i], x, y);
    }
    float lanes[LANES], sum = 0;
    for (int i = 0; i < CHAINS; i++) {
        memcpy(lanes, &acc[i], sizeof lanes); /* the sum keeps the compiler from dropping the chains */
        for (int l = 0; l < LANES; l++) sum += lanes[l];
    }
    *(float *) out = sum;
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    if (threads < 1 || threads > 4096 || !(seconds > 0 && seconds <= 3600)) {
        fprintf(stderr, "usage: fma_peak THREADS [SECONDS] (1 to 4096 threads, 0 < SECONDS <= 3600)\n");
        return 2;
    }
    pthread_t *t = calloc(threads, sizeof *t);
    float *out = calloc(threads + 1, sizeof *out);
    if (!t || !out) {
        fprintf(stderr, "fma_peak: out of memory\n");
        return 1;
    }
    iterations = 1000000; /* calibrate on one thread, then run about SECONDS on all */
    double t0 = now();
    run(out);
    double once = now() - t0;
    iterations = (long) (iterations * seconds / (once > 1e-6 ? once : 1e-6));
    t0 = now();
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&t[i], NULL, run, &out[i]) != 0) {
            fprintf(stderr, "fma_peak: cannot start thread %d\n", i + 1);
            return 1;
        }
    }
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    double elapsed = now() - t0;
    double flops = 2.0 * LANES * CHAINS * (double) iterations * threads;
    printf("%s FMA peak, %d thread(s): %.1f GFLOP/s (%.2f s; checksum %g)\n", ISA, threads, flops / elapsed / 1e9, elapsed,
           out[0]);
    return 0;
}
