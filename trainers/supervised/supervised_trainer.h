#pragma once

#include "data/images/corrupted_image_benchmark.h"
#include "modules/image_classifier.h"
#include "src/config/enum_names.h"
#include "src/manifold/riemannian_optimizer.h"
#include "trainers/framework/trainer.h"

#include <memory>
#include <optional>

namespace diffctl {

enum class LearningRateSchedule { constant, cosine };
inline constexpr EnumNames<LearningRateSchedule, 2> kLearningRateScheduleNames{
    {{LearningRateSchedule::constant, "constant"}, {LearningRateSchedule::cosine, "cosine"}}};

// Supervised training of an image classifier (ode-to-ode.md section 5.2): minibatch
// cross-entropy on the clean training images, one step per minibatch, epochs of a shuffle
// drawn from (seed, epoch) alone (so a resumed run sees the same minibatches), a
// Riemannian SGD or Adam step (orthogonal parameters stay orthogonal), and at the end the
// test accuracy under every corruption. Exports model.pt, the TorchScript classifier.
//
// Config keys: model (a hidden flow's name), model_options, width, dropout, dtype
// (float32 | float64), epochs, batch_size, optimizer (sgd | adam), learning_rate,
// learning_rate_schedule (constant | cosine), momentum, weight_decay, threads (0: LibTorch's
// default), the data keys of CorruptedImageBenchmarkOptions, and the Trainer's.
class SupervisedTrainer : public Trainer {
 public:
  // `benchmark`: data a comparison loaded once for all its runs (read from the config's
  // data keys when absent).
  SupervisedTrainer(ConfigReader& config, torch::Device device,
                    std::shared_ptr<const CorruptedImageBenchmark> benchmark = nullptr);

  void prepare() override;
  ImageClassifier& model() { return model_; }

 protected:
  nlohmann::json step(int64_t step) override;
  nlohmann::json evaluate() override;
  nlohmann::json summary() override;
  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;
  std::optional<torch::jit::Module> policy() const override;
  std::string exported_file() const override { return "model.pt"; }
  torch::Tensor replicated_state() const override;

 private:
  double accuracy(const ImageDataset& dataset);
  torch::Tensor pixels(const torch::Tensor& images) const;
  double learning_rate(int64_t step) const;
  // max |WᵀW − I| over the orthogonal and Stiefel parameters (0 without any).
  double orthogonality_error();

  CorruptedImageBenchmarkOptions data_options_;
  std::shared_ptr<const CorruptedImageBenchmark> benchmark_;
  std::string model_name_;
  torch::ScalarType dtype_;
  int64_t epochs_, batch_size_, batches_per_epoch_ = 0, threads_;
  LearningRateSchedule schedule_;
  RiemannianOptimizerOptions optimizer_options_;
  ImageClassifier model_{nullptr};
  std::unique_ptr<RiemannianOptimizer> optimizer_;
  torch::Tensor epoch_order_;  // the shuffle of the current epoch
  int64_t order_epoch_ = -1;
  double train_seconds_ = 0.0;
  int64_t images_trained_ = 0;
  double last_loss_ = 0.0;
};

}  // namespace diffctl
