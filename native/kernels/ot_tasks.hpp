// The OT kernels' task splits and column-partial merge: plain functions, not templates over
// SimdLevel, so prelude.hpp includes this header before the tables' target regions and they are
// compiled once, for the baseline ISA. (Defined inside a target region, each level would emit its
// own copy of these inline symbols and the linker would keep one: measured, the scalar table was
// running an AVX copy of otMergeColumnParts.)
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "parallel.hpp"

namespace sparse {

constexpr int64_t kOtMinRowsPerTask = 4;

// Rows [r0, r1) cut into tasks by size; task t covers rows [begin(t), begin(t + 1)).
struct OtRowTasks {
  int64_t r0, count, tasks;
  OtRowTasks(int64_t r0_, int64_t r1, int64_t cols)
      : r0(r0_), count(r1 - r0_),
        tasks(std::max<int64_t>(1, std::min(partsFor(count * std::max<int64_t>(cols, 1)), count / kOtMinRowsPerTask))) {}
  int64_t begin(int64_t t) const { return r0 + count * t / tasks; }
};

// colOut[j] += the sum over the tasks, in task order, of each task's partial column vector.
inline void otMergeColumnParts(const std::vector<double>& parts, int64_t tasks, int64_t cols, double* colOut) {
  const int64_t ctasks = std::max<int64_t>(1, std::min(partsFor(tasks * cols), cols / 64));
  parallelFor(ctasks, [&](int64_t ct) {
    const int64_t c0 = cols * ct / ctasks, c1 = cols * (ct + 1) / ctasks;
    for (int64_t t = 0; t < tasks; t++) {
      const double* part = parts.data() + t * cols;
      for (int64_t j = c0; j < c1; j++) colOut[j] += part[j];
    }
  });
}

// Rows [r0, r1) of a CSR cost cut into tasks of about equal stored entries (by size only).
struct OtCsrTasks {
  std::vector<int64_t> bounds;
  OtCsrTasks(const int32_t* rowPtr, int64_t r0, int64_t r1) {
    const int64_t nnz = std::max<int64_t>(0, static_cast<int64_t>(rowPtr[r1]) - rowPtr[r0]);
    const int64_t tasks = std::max<int64_t>(1, std::min(partsFor(std::max<int64_t>(nnz, r1 - r0)), (r1 - r0) / kOtMinRowsPerTask));
    bounds.push_back(r0);
    int64_t i = r0;
    for (int64_t t = 1; t < tasks; t++) {
      const int64_t target = rowPtr[r0] + nnz * t / tasks;
      while (i < r1 && rowPtr[i] < target) i++;
      if (i > bounds.back()) bounds.push_back(i);
    }
    bounds.push_back(r1);
  }
  int64_t count() const { return static_cast<int64_t>(bounds.size()) - 1; }
};

}  // namespace sparse
