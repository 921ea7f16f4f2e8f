// Kernel set x86-64-v4, compiled with -march=x86-64-v4 (CMakeLists.txt). Its only
// external symbol is the function below; the dispatcher calls it only on processors that run it.
#include "lanes_x86_v4.hpp"
#include "set_table.hpp"

namespace logreg::kernel_sets {

const KernelSet& x86_64_v4() { return kSet; }

}  // namespace logreg::kernel_sets
