// Must not build: the modules layer cannot see data/envs/env.h (tests/layers/CMakeLists.txt).
#include "data/envs/env.h"
