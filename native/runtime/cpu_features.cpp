#include "cpu_features.hpp"

#include <cstring>
#include <thread>

namespace sparse {

const char* simdName(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Neon: return "neon";
    case SimdLevel::Scalar: break;
  }
  return "scalar";
}

namespace {

std::vector<SimdLevel> supportedLevels() {
  std::vector<SimdLevel> levels{SimdLevel::Scalar};
#if defined(__x86_64__) || defined(__i386__)
#if defined(__GNUC__)
  __builtin_cpu_init();
  // The AVX2 kernels will use FMA too, and the AVX-512 ones the BW/VL forms for f32 and masks.
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) levels.push_back(SimdLevel::Avx2);
  if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    levels.push_back(SimdLevel::Avx512);
  }
#endif
#elif defined(__aarch64__) || defined(_M_ARM64)
  levels.push_back(SimdLevel::Neon);  // Advanced SIMD is part of the AArch64 baseline
#endif
  return levels;
}

bool parseLevel(const char* text, SimdLevel* out) {
  static const SimdLevel all[] = {SimdLevel::Scalar, SimdLevel::Avx2, SimdLevel::Avx512, SimdLevel::Neon};
  for (SimdLevel level : all) {
    if (std::strcmp(text, simdName(level)) == 0) {
      *out = level;
      return true;
    }
  }
  return false;
}

}  // namespace

CpuFeatures detectCpuFeatures(const char* requested) {
  CpuFeatures f;
  f.supported = supportedLevels();
  f.level = f.supported.back();
  const unsigned n = std::thread::hardware_concurrency();
  f.hardwareThreads = n == 0 ? 1 : n;

  if (requested == nullptr || *requested == '\0' || std::strcmp(requested, "auto") == 0) return f;
  SimdLevel want;
  if (!parseLevel(requested, &want)) {
    f.warning = std::string("SPARSE_LINALG_SIMD=") + requested +
                " is not one of scalar, avx2, avx512, neon, auto; using " + simdName(f.level);
    return f;
  }
  for (SimdLevel level : f.supported) {
    if (level == want) {
      f.level = want;
      return f;
    }
  }
  f.warning = std::string("SPARSE_LINALG_SIMD=") + requested + " is not supported by this CPU; using " +
              simdName(f.level);
  return f;
}

}  // namespace sparse
