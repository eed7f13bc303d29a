// Row-parallel passes over a dense row-major matrix that also produce column sums: rows are cut
// into tasks by the input size only, each task adds its rows into its own partial column vector
// (streaming whole rows, the fast direction), and the partials are added in task order, so the
// bits do not depend on the thread count.
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

// For each task: rowFn(i, part) for its rows in order, part = the task's zeroed column vector;
// then the parts are merged into colOut.
template <class RowFn>
void otRowsIntoColumns(int64_t r0, int64_t r1, int64_t cols, double* colOut, RowFn&& rowFn) {
  if (r1 <= r0 || cols <= 0) return;
  const OtRowTasks rt(r0, r1, cols);
  std::vector<double> parts(static_cast<size_t>(rt.tasks * cols), 0.0);
  parallelFor(rt.tasks, [&](int64_t t) {
    double* part = parts.data() + t * cols;
    for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) rowFn(i, part);
  });
  otMergeColumnParts(parts, rt.tasks, cols, colOut);
}

}  // namespace sparse
