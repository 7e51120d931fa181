#include "data/lqr/lqr_instance.h"

#include "data/data_path.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <torch/linalg.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace diffctl {

torch::Tensor json_to_matrix(const nlohmann::json& value, const std::string& path) {
  const std::string expected = ": expected a matrix (non-empty list of equal-length lists of numbers), got ";
  if (!value.is_array() || value.empty() || !value[0].is_array() || value[0].empty()) {
    throw InputError(path + expected + describe_json(value));
  }
  const int64_t rows = value.size(), cols = value[0].size();
  auto matrix = torch::empty({rows, cols}, torch::kFloat64);
  auto entries = matrix.accessor<double, 2>();
  for (int64_t i = 0; i < rows; ++i) {
    if (!value[i].is_array() || static_cast<int64_t>(value[i].size()) != cols) {
      throw InputError(path + expected + describe_json(value));
    }
    for (int64_t j = 0; j < cols; ++j) {
      const auto& entry = value[i][j];
      if (!entry.is_number() || !std::isfinite(entry.get<double>())) {
        throw InputError(path + "[" + std::to_string(i) + "][" + std::to_string(j) +
                         "]: expected a finite number, got " + describe_json(entry));
      }
      entries[i][j] = entry.get<double>();
    }
  }
  return matrix;
}

nlohmann::json matrix_to_json(const torch::Tensor& matrix) {
  const auto cpu = matrix.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  nlohmann::json rows = nlohmann::json::array();
  for (int64_t i = 0; i < cpu.size(0); ++i) {
    const double* row = cpu[i].data_ptr<double>();
    rows.push_back(std::vector<double>(row, row + cpu.size(1)));
  }
  return rows;
}

void require_symmetric_psd(const torch::Tensor& matrix, bool strictly, const std::string& path) {
  const bool symmetric = torch::allclose(matrix, matrix.t(), 1e-12, 1e-12);
  const double min_eig = symmetric ? torch::linalg::eigvalsh(matrix, "L").min().item<double>() : 0;
  if (!symmetric || min_eig < (strictly ? 1e-12 : -1e-12)) {
    throw InputError(path + ": expected a symmetric positive " +
                     (strictly ? std::string("definite") : std::string("semidefinite")) +
                     " matrix" + (symmetric ? ", smallest eigenvalue " + std::to_string(min_eig)
                                            : std::string(", got an asymmetric one")));
  }
}

namespace {

void require_shape(const torch::Tensor& matrix, int64_t rows, int64_t cols, const std::string& path) {
  if (matrix.size(0) != rows || matrix.size(1) != cols) {
    throw InputError(path + ": expected a " + std::to_string(rows) + "x" + std::to_string(cols) +
                     " matrix, got " + std::to_string(matrix.size(0)) + "x" +
                     std::to_string(matrix.size(1)));
  }
}

LqrSystems random_instance(const nlohmann::json& recipe, const std::string& path) {
  ConfigReader reader(recipe, path);
  const int64_t n = reader.integer("n", 8, 1, 64);
  const int64_t m = reader.integer("m", n, 1, 64);
  const int64_t seed = reader.integer("seed", 0, 0);
  reader.finish();
  auto generator = make_generator(static_cast<uint64_t>(seed));
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  auto A = torch::randn({n, n}, generator, opts) + 2.0;
  auto B = torch::randn({n, m}, generator, opts);
  auto weight = [&](int64_t size) {
    auto M = torch::randn({size, size}, generator, opts) + 5.0;
    return M + M.t() + 10.0 * torch::eye(size, opts);
  };
  auto Q = weight(n);
  auto R = weight(m);
  return {A.unsqueeze(0), B.unsqueeze(0), Q.unsqueeze(0), R.unsqueeze(0),
          (torch::eye(n, opts) / static_cast<double>(n)).unsqueeze(0)};
}

}  // namespace

LqrInstance parse_lqr_instance(const nlohmann::json& spec, const std::string& source) {
  ConfigReader reader(spec, source);
  const std::string name = reader.string("name", std::filesystem::path(source).stem().string());
  LqrSystems system;
  torch::Tensor initial_states;
  if (reader.has("random")) {
    system = random_instance(reader.value("random", nullptr), reader.path_of("random"));
    initial_states = torch::eye(system.state_dim(), torch::kFloat64);
  } else {
    const auto A = json_to_matrix(reader.value("A", nullptr), reader.path_of("A"));
    const int64_t n = A.size(0);
    require_shape(A, n, n, reader.path_of("A"));
    const auto B = json_to_matrix(reader.value("B", nullptr), reader.path_of("B"));
    require_shape(B, n, B.size(1), reader.path_of("B"));
    const int64_t m = B.size(1);
    const auto Q = json_to_matrix(reader.value("Q", nullptr), reader.path_of("Q"));
    require_shape(Q, n, n, reader.path_of("Q"));
    const auto R = json_to_matrix(reader.value("R", nullptr), reader.path_of("R"));
    require_shape(R, m, m, reader.path_of("R"));
    torch::Tensor Sigma;
    if (reader.has("initial_states") == reader.has("Sigma")) {
      throw InputError(source + ": expected exactly one of \"initial_states\" or \"Sigma\"");
    }
    if (reader.has("initial_states")) {
      const auto states = json_to_matrix(reader.value("initial_states", nullptr),
                                         reader.path_of("initial_states"));
      require_shape(states, states.size(0), n, reader.path_of("initial_states"));
      Sigma = states.t().matmul(states) / static_cast<double>(states.size(0));
      initial_states = states;
    } else {
      Sigma = json_to_matrix(reader.value("Sigma", nullptr), reader.path_of("Sigma"));
      require_shape(Sigma, n, n, reader.path_of("Sigma"));
    }
    system = {A.unsqueeze(0), B.unsqueeze(0), Q.unsqueeze(0), R.unsqueeze(0), Sigma.unsqueeze(0)};
  }
  reader.finish();
  require_symmetric_psd(system.Q[0], false, reader.path_of("Q"));
  require_symmetric_psd(system.R[0], true, reader.path_of("R"));
  require_symmetric_psd(system.Sigma[0], false, reader.path_of("Sigma"));
  return {name, system, initial_states};
}

LqrInstance load_lqr_instance(const std::string& name_or_path) {
  std::string path = name_or_path;
  if (!std::filesystem::exists(path)) {
    path = find_data_file("lqr_instances/" + name_or_path + ".json");
    if (path.empty()) {
      throw InputError("instance: \"" + name_or_path +
                       "\" is neither a shipped instance (data/lqr_instances/*.json) nor a file");
    }
  }
  std::ifstream file(path);
  if (!file) throw InputError("instance " + path + ": cannot open the file");
  const auto spec = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) throw InputError("instance " + path + ": not valid JSON");
  return parse_lqr_instance(spec, path);
}

}  // namespace diffctl
