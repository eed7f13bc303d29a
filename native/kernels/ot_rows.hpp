// Row-parallel passes over a dense row-major matrix that also produce column sums: rows are cut
// into tasks by the input size only, each task adds its rows into its own partial column vector
// (streaming whole rows, the fast direction), and the partials are added in task order, so the
// bits do not depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ot_tasks.hpp"
#include "parallel.hpp"

namespace sparse {

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
