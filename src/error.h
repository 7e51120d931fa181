#pragma once

#include <stdexcept>
#include <string>

namespace diffctl {

// Base of every error diffctl throws on purpose. Executables map it to exit code 1
// (a runtime failure such as a diverged run), except InputError below.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// The user's input (config, command line, data file) is wrong: exit code 2. The message
// names the input, what was expected and what was found.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(message) {}
};

// A --resume checkpoint that cannot be read: bad input (exit code 2) although it is read
// after the run directory exists, where any other InputError is the run's failure.
class CheckpointError : public InputError {
 public:
  explicit CheckpointError(const std::string& message) : InputError(message) {}
};

}  // namespace diffctl
