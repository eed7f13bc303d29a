// One log-domain Sinkhorn problem of a batch and what solving it gives (ot_batch.hpp). Plain
// structs, so that the kernel table and the binding can name them without the kernels' intrinsics.
#pragma once

#include <cstdint>
#include <vector>

namespace sparse {

template <class T>
struct OtLogProblem {
  int64_t rows = 0;
  int64_t cols = 0;
  const T* C = nullptr;
  const double* a = nullptr;
  const double* b = nullptr;
  double eps = 1;
  double tol = 0;
  int64_t maxIter = 0;
  int64_t blockRows = 1;  // the row blocks of the JS driver (src/ot/work.ts rowBlocks)
  bool stabilized = false;  // the stored-kernel form (src/ot/stabilized.ts)
  double* f = nullptr;    // in: start potentials; out: final ones
  double* g = nullptr;
};

struct OtLogOutcome {
  int64_t iterations = 0;
  bool converged = false;
  std::vector<double> history;
};

}  // namespace sparse
