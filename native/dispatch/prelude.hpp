// Included first by every table_<level>.cpp, BEFORE its target region: everything shared by all
// levels (standard headers, status, checks) is then compiled for the baseline ISA. Anything
// defined after the target pragma must be a template over SimdLevel, so that two levels never
// emit the same symbol (the linker would keep one of them, and the scalar path could end up
// running AVX-512 code).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>
#endif

#include "csr_check.hpp"
#include "csr_view.hpp"
#include "kernel_table.hpp"
#include "simd_level.hpp"
#include "status.hpp"
#include "parallel.hpp"
#include "ot_tasks.hpp"
#include "ot_hessian_bins.hpp"
#include "workspace.hpp"
