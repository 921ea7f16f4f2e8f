// The version of logreg_dist, logreg_data and the library, set in one place (CMakeLists.txt).
#pragma once

namespace logreg {

const char* version();

}  // namespace logreg
