// The SIMD levels a kernel template is instantiated for (see native/dispatch/).
#pragma once

namespace sparse {

enum class SimdLevel { Scalar, Avx2, Avx512, Neon };

}  // namespace sparse
