// STREAM-like memory-bandwidth probe for bench/: `read` (sum of an array) and `triad`
// (a[i] = b[i] + s*c[i]). Not a library operation: the benchmark divides the bytes it moves by
// its time to get the machine's sustainable read and triad bandwidth, the yardstick for the
// memory-bound kernels. Multi-threaded through parallelFor (the current thread setting); the
// array is cut into tasks by its length only, and the read's per-task partial sums are added in
// task order, so the sum is the same for any thread count.
#pragma once

#include <cstdint>

#include "parallel.hpp"
#include "simd_level.hpp"
#include "status.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

// Tasks cover 2^16 elements (large enough that the per-task overhead vanishes, small enough that
// a 2-core or a 64-core machine both get many tasks), at most kStreamMaxTasks of them. No
// std::vector here: a library template instantiated inside a table's target region could be
// shared (COMDAT) with the scalar table.
constexpr int64_t kStreamGrain = int64_t{1} << 16;
constexpr int64_t kStreamMaxTasks = 4096;

// Sum of a[0..n) into *result.
template <SimdLevel L, class T>
Status streamRead(const T* a, int64_t n, double* result) {
  if (n <= 0) {
    *result = 0;
    return Status::okay();
  }
  const int64_t tasks = partsFor(n, kStreamGrain, kStreamMaxTasks);
  double partial[kStreamMaxTasks];
  parallelFor(tasks, [&](int64_t t) {
    const int64_t begin = n * t / tasks;
    const int64_t end = n * (t + 1) / tasks;
    int64_t i = begin;
    double s = 0;
#if defined(__x86_64__) || defined(_M_X64)
    if constexpr (L == SimdLevel::Avx512 && sizeof(T) == 8) {
      __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
      for (; i + 32 <= end; i += 32) {
        s0 = _mm512_add_pd(s0, _mm512_loadu_pd(a + i));
        s1 = _mm512_add_pd(s1, _mm512_loadu_pd(a + i + 8));
        s2 = _mm512_add_pd(s2, _mm512_loadu_pd(a + i + 16));
        s3 = _mm512_add_pd(s3, _mm512_loadu_pd(a + i + 24));
      }
      // Lanes summed by hand: GCC 12's _mm512_reduce_add_pd trips -Wuninitialized.
      alignas(64) double lanes[8];
      _mm512_store_pd(lanes, _mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
      s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    } else if constexpr (L == SimdLevel::Avx2 && sizeof(T) == 8) {
      __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
      for (; i + 16 <= end; i += 16) {
        s0 = _mm256_add_pd(s0, _mm256_loadu_pd(a + i));
        s1 = _mm256_add_pd(s1, _mm256_loadu_pd(a + i + 4));
        s2 = _mm256_add_pd(s2, _mm256_loadu_pd(a + i + 8));
        s3 = _mm256_add_pd(s3, _mm256_loadu_pd(a + i + 12));
      }
      alignas(32) double lanes[4];
      _mm256_store_pd(lanes, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
      s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    }
#endif
    // Generic: eight independent chains, so the adds are not latency-bound below memory speed.
    double c[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (; i + 8 <= end; i += 8) {
      for (int u = 0; u < 8; u++) c[u] += static_cast<double>(a[i + u]);
    }
    for (; i < end; i++) c[0] += static_cast<double>(a[i]);
    s += ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
    partial[t] = s;
  });
  double total = 0;
  for (int64_t t = 0; t < tasks; t++) total += partial[t];
  *result = total;
  return Status::okay();
}

// a[i] = b[i] + s * c[i] for i in [0, n). The arrays must not overlap (the binding checks).
template <SimdLevel L, class T>
Status streamTriad(T* a, const T* b, const T* c, double s, int64_t n) {
  if (n <= 0) return Status::okay();
  const int64_t tasks = partsFor(n, kStreamGrain, kStreamMaxTasks);
  const T st = static_cast<T>(s);
  parallelFor(tasks, [&](int64_t t) {
    const int64_t begin = n * t / tasks;
    const int64_t end = n * (t + 1) / tasks;
    int64_t i = begin;
#if defined(__x86_64__) || defined(_M_X64)
    if constexpr (L == SimdLevel::Avx512 && sizeof(T) == 8) {
      const __m512d sv = _mm512_set1_pd(st);
      for (; i + 8 <= end; i += 8) {
        _mm512_storeu_pd(a + i, _mm512_fmadd_pd(sv, _mm512_loadu_pd(c + i), _mm512_loadu_pd(b + i)));
      }
    } else if constexpr (L == SimdLevel::Avx2 && sizeof(T) == 8) {
      const __m256d sv = _mm256_set1_pd(st);
      for (; i + 4 <= end; i += 4) {
        _mm256_storeu_pd(a + i, _mm256_fmadd_pd(sv, _mm256_loadu_pd(c + i), _mm256_loadu_pd(b + i)));
      }
    }
#endif
    for (; i < end; i++) a[i] = b[i] + st * c[i];
  });
  return Status::okay();
}

}  // namespace sparse
