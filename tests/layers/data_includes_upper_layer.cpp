// Must not build: the data layer cannot see trainers/framework/trainer.h (tests/layers/CMakeLists.txt).
#include "trainers/framework/trainer.h"
