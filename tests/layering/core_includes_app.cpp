// Must not compile: core sits below app (tests/CMakeLists.txt, layering_*).
#include "logreg/app/config.hpp"
