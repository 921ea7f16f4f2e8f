// Kernel set generic: portable C++, compiled with the build's baseline flags (CMakeLists.txt);
// it runs on any processor. Its only external symbol is the function below.
#include "lanes_generic.hpp"
#include "set_table.hpp"

namespace logreg::kernel_sets {

const KernelSet& generic() { return kSet; }

}  // namespace logreg::kernel_sets
