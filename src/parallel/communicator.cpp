#include "src/parallel/communicator.h"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace diffctl {

void SingleProcessCommunicator::abort(int exit_code) const { std::_Exit(exit_code); }

namespace {

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator() {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<double> all_gather(const std::vector<double>& local) const override {
    int count = static_cast<int>(local.size());
    std::vector<int> counts(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_), 0);
    MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 1; r < size_; ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
    std::vector<double> all(static_cast<size_t>(offsets.back() + counts.back()));
    MPI_Allgatherv(local.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE,
                   MPI_COMM_WORLD);
    return all;
  }

  std::string broadcast(const std::string& bytes) const override {
    uint64_t length = bytes.size();
    MPI_Bcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    std::string result = rank_ == 0 ? bytes : std::string(length, '\0');
    // MPI counts are int: large payloads (checkpoints) go in chunks.
    constexpr uint64_t kChunk = 1 << 30;
    for (uint64_t offset = 0; offset < length; offset += kChunk) {
      const int chunk = static_cast<int>(std::min(kChunk, length - offset));
      MPI_Bcast(result.data() + offset, chunk, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
    return result;
  }

  [[noreturn]] void abort(int exit_code) const override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);
  }

 private:
  int rank_ = 0, size_ = 1;
};

// Launchers set these in every rank's environment: OpenMPI's mpirun, PMIx (srun, newer
// mpirun) and the Hydra/PMI launchers.
bool launched_by_mpi() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}

}  // namespace

const Communicator& world() {
  static const std::unique_ptr<Communicator> instance =
      launched_by_mpi() ? std::unique_ptr<Communicator>(std::make_unique<MpiCommunicator>())
                        : std::unique_ptr<Communicator>(std::make_unique<SingleProcessCommunicator>());
  return *instance;
}

uint64_t fnv1a_checksum(const void* bytes, size_t size) {
  uint64_t hash = 14695981039346656037ULL;
  const auto* byte = static_cast<const unsigned char*>(bytes);
  for (size_t i = 0; i < size; ++i) hash = (hash ^ byte[i]) * 1099511628211ULL;
  return hash;
}

BlockRange blocks_of_rank(int64_t blocks, int rank, int ranks) {
  return {blocks * rank / ranks, blocks * (rank + 1) / ranks};
}

}  // namespace diffctl
