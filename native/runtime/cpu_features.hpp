// What the CPU can run, and which SIMD level the addon will use (native/dispatch picks the kernel
// table for it); info() reports it so that runtimeInfo() and bug reports say what ran.
#pragma once

#include <string>
#include <vector>

#include "simd_level.hpp"

namespace sparse {

const char* simdName(SimdLevel level);

struct CpuFeatures {
  SimdLevel level = SimdLevel::Scalar;  // chosen: the CPU's best, capped by SPARSE_LINALG_SIMD
  std::vector<SimdLevel> supported;     // every level this CPU runs, scalar first
  unsigned hardwareThreads = 1;
  std::string warning;                  // set when SPARSE_LINALG_SIMD asked for what cannot be used
};

// Reads the CPU and the environment; `requested` is the value of SPARSE_LINALG_SIMD (or null).
CpuFeatures detectCpuFeatures(const char* requested);

}  // namespace sparse
