#pragma once

#include "src/error.h"

#include <string>

namespace diffctl::testing {

// The message of the InputError `call` throws, or "(no error)": for asserting the one line
// a user would read.
template <typename Call>
std::string input_error_of(Call&& call) {
  try {
    call();
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace diffctl::testing
