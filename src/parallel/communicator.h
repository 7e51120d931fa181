#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace diffctl {

// The processes of one run (MPI's ranks) as the zeroth-order engine and the run lifecycle
// see them: every rank runs the same program on the same input, splits the evaluations of
// a batch by a fixed block decomposition, and exchanges only results. Collective calls
// must be made by every rank in the same order.
class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }

  // Every rank's `local` values concatenated in rank order (each rank may send a different
  // number).
  virtual std::vector<double> all_gather(const std::vector<double>& local) const = 0;
  // The root's `bytes` on every rank (the argument is ignored elsewhere).
  virtual std::string broadcast(const std::string& bytes) const = 0;
  // Ends every rank of the run with `exit_code`: a rank that fails must not leave the
  // others waiting in a collective.
  [[noreturn]] virtual void abort(int exit_code) const = 0;
};

// One process: rank 0 of 1.
class SingleProcessCommunicator : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<double> all_gather(const std::vector<double>& local) const override { return local; }
  std::string broadcast(const std::string& bytes) const override { return bytes; }
  [[noreturn]] void abort(int exit_code) const override;
};

// The run's communicator: MPI's world when the process was started by an MPI launcher
// (mpirun, srun), one process otherwise — the executables run unchanged without one.
// MPI is initialised on the first call and finalised at exit.
const Communicator& world();

// FNV-1a of `size` bytes: a checksum of state that every rank must hold alike.
uint64_t fnv1a_checksum(const void* bytes, size_t size);

// The contiguous run of blocks [first, last) of `blocks` that `rank` of `ranks` evaluates:
// the decomposition into blocks is the caller's and never depends on the rank count.
struct BlockRange {
  int64_t first = 0, last = 0;
};
BlockRange blocks_of_rank(int64_t blocks, int rank, int ranks);

}  // namespace diffctl
