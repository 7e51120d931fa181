// Must not build: the core layer cannot see modules/policy.h (tests/layers/CMakeLists.txt).
#include "modules/policy.h"
