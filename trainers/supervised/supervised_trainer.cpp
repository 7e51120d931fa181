#include "trainers/supervised/supervised_trainer.h"

#include "modules/hidden_flow_registry.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "trainers/framework/checkpoint_scalars.h"

#include <torch/nn/functional/loss.h>

#include <chrono>
#include <cmath>

namespace diffctl {

namespace {
// Random streams of a run besides the trainer's generator (dropout): the model's
// initialisation, and the per-epoch shuffles.
constexpr uint64_t kModelStream = 1, kShuffleStream = 2;
constexpr int64_t kEvaluationBatch = 2000;
}  // namespace

SupervisedTrainer::SupervisedTrainer(ConfigReader& config, torch::Device device,
                                     std::shared_ptr<const CorruptedImageBenchmark> benchmark)
    : Trainer(config, device, StepsSetInPrepare{}),
      data_options_(CorruptedImageBenchmarkOptions::from_config(config)),
      benchmark_(std::move(benchmark)),
      model_name_(config.choice("model", "odetoode", hidden_flow_names())),
      dtype_(config.choice("dtype", "float32", {"float32", "float64"}) == "float64" ? torch::kFloat64 : torch::kFloat32),
      epochs_(config.integer("epochs", 5, 1)),
      batch_size_(config.integer("batch_size", 128, 1)),
      threads_(config.integer("threads", 0, 0, 256)),
      schedule_(config.choice("learning_rate_schedule", LearningRateSchedule::cosine, kLearningRateScheduleNames)) {
  optimizer_options_.kind = config.choice("optimizer", RiemannianOptimizerKind::adam, kRiemannianOptimizerKindNames);
  optimizer_options_.learning_rate = config.number("learning_rate", 1e-3, 0.0, true);
  optimizer_options_.momentum = config.number("momentum", optimizer_options_.momentum, 0.0, false, 0.999);
  optimizer_options_.weight_decay = config.number("weight_decay", 0.0, 0.0);
  optimizer_options_.validate();
  ImageClassifierOptions options;
  options.width(config.integer("width", options.width(), 1));
  options.dropout(config.number("dropout", 0.0, 0.0, false, 0.99));
  const nlohmann::json model_options = config.value("model_options", nlohmann::json::object());
  const at::Generator initial = make_generator(derive_seed(seed(), kModelStream));
  auto flow = make_hidden_flow(model_name_, model_options, options.width(), initial, config.path_of("model_options"));
  model_ = ImageClassifier(options, flow, initial);
  model_->to(device, dtype_);
  optimizer_ = std::make_unique<RiemannianOptimizer>(model_->manifold_parameters(), optimizer_options_);
}

void SupervisedTrainer::prepare() {
  if (!benchmark_) benchmark_ = load_corrupted_image_benchmark(data_options_);
  batches_per_epoch_ = (benchmark_->train.size() + batch_size_ - 1) / batch_size_;
  set_steps(epochs_ * batches_per_epoch_);
  if (threads_ > 0) set_compute_threads(threads_);
}

torch::Tensor SupervisedTrainer::pixels(const torch::Tensor& images) const {
  return images.to(device()).to(dtype_) / 255.0;
}

double SupervisedTrainer::learning_rate(int64_t step) const {
  const double base = optimizer_options_.learning_rate;
  if (schedule_ == LearningRateSchedule::constant) return base;
  return 0.5 * base * (1.0 + std::cos(M_PI * static_cast<double>(step - 1) / static_cast<double>(steps())));
}

nlohmann::json SupervisedTrainer::step(int64_t step) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t epoch = (step - 1) / batches_per_epoch_, batch = (step - 1) % batches_per_epoch_;
  const ImageDataset& train = benchmark_->train;
  if (order_epoch_ != epoch) {
    auto shuffle = make_generator(derive_seed(derive_seed(seed(), kShuffleStream), static_cast<uint64_t>(epoch)));
    epoch_order_ = torch::randperm(train.size(), shuffle, torch::kInt64);
    order_epoch_ = epoch;
  }
  const auto indices = epoch_order_.slice(0, batch * batch_size_, std::min(train.size(), (batch + 1) * batch_size_));
  const auto images = pixels(train.images.index_select(0, indices));
  const auto labels = train.labels.index_select(0, indices).to(device());
  optimizer_->zero_grad();
  const auto loss = torch::nn::functional::cross_entropy(model_->train_forward(images, generator()), labels);
  last_loss_ = loss.item<double>();
  if (!std::isfinite(last_loss_)) {
    throw Error("training diverged at step " + std::to_string(step) + " (loss " + std::to_string(last_loss_) +
                "): lower learning_rate");
  }
  loss.backward();
  const double rate = learning_rate(step);
  optimizer_->step(rate);
  train_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  images_trained_ += indices.size(0);
  nlohmann::json metrics{{"images_per_s", images_trained_ / train_seconds_},
                         {"epoch", epoch + 1},
                         {"loss", last_loss_},
                         {"learning_rate", rate}};
  const bool epoch_end = batch + 1 == batches_per_epoch_;
  if (epoch_end && step < steps()) metrics["test_accuracy"] = accuracy(benchmark_->tests.front().second);
  return metrics;
}

double SupervisedTrainer::accuracy(const ImageDataset& dataset) {
  torch::NoGradGuard no_grad;
  int64_t correct = 0;
  for (int64_t begin = 0; begin < dataset.size(); begin += kEvaluationBatch) {
    const int64_t end = std::min(dataset.size(), begin + kEvaluationBatch);
    const auto predicted = model_->forward(pixels(dataset.images.slice(0, begin, end))).argmax(1).to(torch::kCPU);
    correct += predicted.eq(dataset.labels.slice(0, begin, end)).sum().item<int64_t>();
  }
  return static_cast<double>(correct) / static_cast<double>(dataset.size());
}

nlohmann::json SupervisedTrainer::evaluate() {
  return {{"test_accuracy", accuracy(benchmark_->tests.front().second)}};
}

double SupervisedTrainer::orthogonality_error() {
  torch::NoGradGuard no_grad;
  double error = 0.0;
  for (const auto& parameter : model_->manifold_parameters()) {
    if (parameter.manifold != Manifold::orthogonal && parameter.manifold != Manifold::stiefel) continue;
    const auto& W = parameter.value;
    const auto gram = W.t().matmul(W) - torch::eye(W.size(1), W.options());
    error = std::max(error, gram.abs().max().item<double>());
  }
  return error;
}

nlohmann::json SupervisedTrainer::summary() {
  nlohmann::json result{{"model", model_name_},
                        {"epochs", epochs_},
                        {"final_loss", last_loss_},
                        {"images_per_s", train_seconds_ > 0 ? images_trained_ / train_seconds_ : 0.0},
                        {"orthogonality_error", orthogonality_error()}};
  int64_t parameters = 0;
  for (const auto& parameter : model_->parameters()) parameters += parameter.numel();
  result["parameters"] = parameters;
  for (const auto& [corruption, dataset] : benchmark_->tests) {
    const double value = accuracy(dataset);
    result[corruption == Corruption::identity ? std::string("clean_test_accuracy") : to_string(corruption) + "_accuracy"] =
        value;
  }
  return result;
}

void SupervisedTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive model;
  model_->save(model);
  archive.write("model", model);
  torch::serialize::OutputArchive optimizer;
  optimizer_->save(optimizer);
  archive.write("optimizer", optimizer);
  write_scalars(archive, {{"train_seconds", train_seconds_}, {"images_trained", images_trained_}, {"last_loss", last_loss_}});
}

void SupervisedTrainer::load_state(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive model, optimizer;
  archive.read("model", model);
  model_->load(model);
  archive.read("optimizer", optimizer);
  optimizer_->load(optimizer);
  SavedScalars scalars(archive);
  train_seconds_ = scalars.real("train_seconds");
  images_trained_ = scalars.integer("images_trained");
  last_loss_ = scalars.real("last_loss");
}

std::optional<torch::jit::Module> SupervisedTrainer::policy() const { return model_->export_torchscript(); }

torch::Tensor SupervisedTrainer::replicated_state() const {
  std::vector<torch::Tensor> flat;
  for (const auto& parameter : model_->parameters()) flat.push_back(parameter.detach().flatten());
  return torch::cat(flat);
}

}  // namespace diffctl
