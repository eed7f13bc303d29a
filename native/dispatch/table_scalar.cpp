#include "prelude.hpp"
#include "make_table.hpp"

namespace sparse {

const KernelTable* kernelTableScalar() {
  static const KernelTable table = makeKernelTable<SimdLevel::Scalar>();
  return &table;
}

}  // namespace sparse
