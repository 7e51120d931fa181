#pragma once

#include "src/error.h"

namespace diffctl::testing {

// True when `call` breaks a programmer's contract: it throws an Error that is not an
// InputError (a runtime failure, exit 1, rather than the user's bad input, exit 2).
template <typename Call>
bool throws_contract_error(Call&& call) {
  try {
    call();
  } catch (const InputError&) {
    return false;
  } catch (const Error&) {
    return true;
  }
  return false;
}

}  // namespace diffctl::testing
