#include "logreg/version.hpp"

namespace logreg {

const char* version() { return LOGREG_VERSION; }

}  // namespace logreg
