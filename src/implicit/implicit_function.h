#pragma once

#include <ATen/core/ivalue.h>
#include <torch/autograd.h>
#include <torch/custom_class.h>
#include <torch/types.h>

#include <type_traits>
#include <utility>
#include <vector>

namespace diffctl {

// What an implicit layer's forward solve hands to the shared machinery.
struct ImplicitSolution {
  torch::Tensor solution;               // y with h(y, p) = 0
  std::vector<torch::Tensor> saved;     // what the adjoint solve reuses (e.g. a factorisation)
  std::vector<torch::Tensor> aux;       // extra non-differentiable outputs (masks, residuals)
};

// Differentiates y(p) defined by h(y, p) = 0 through the implicit function theorem:
// forward solves without recording a graph; backward solves (∂h/∂y)ᵀ v = ∂L/∂y once
// and returns -vᵀ ∂h/∂p for every input, the vector-Jacobian product of the residual
// evaluated by autograd at the solution (one residual evaluation, no solver iterations).
//
// A Layer supplies only its pieces: a typed `Options` (solver settings, and where the
// layer reports how its solves went; it travels in the autograd context, never packed
// into tensors) and static functions
//   ImplicitSolution solve(at::TensorList inputs, const Options& options);
//   torch::Tensor residual(const torch::Tensor& y, at::TensorList inputs, const Options& options);
//   torch::Tensor adjoint_solve(at::TensorList saved, const torch::Tensor& grad_y, const Options& options);
// A Layer whose residual has a simple derivative supplies instead of `residual`
//   std::vector<torch::Tensor> input_vjp(const torch::Tensor& y, at::TensorList inputs,
//                                        const torch::Tensor& adjoint, const Options& options);
// returning vᵀ ∂h/∂p per input in closed form, which skips recording the residual's graph
// and differentiating it — most of a backward whose adjoint solve is cheap.
// Call ImplicitFunction<Layer>::apply(at::TensorList(inputs), options).
template <class Layer, class = void>
struct HasInputVjp : std::false_type {};
template <class Layer>
struct HasInputVjp<Layer, std::void_t<decltype(Layer::input_vjp(std::declval<const torch::Tensor&>(),
                                                                 std::declval<at::TensorList>(),
                                                                 std::declval<const torch::Tensor&>(),
                                                                 std::declval<const typename Layer::Options&>()))>>
    : std::true_type {};

template <class Layer>
class ImplicitFunction : public torch::autograd::Function<ImplicitFunction<Layer>> {
 public:
  using Options = typename Layer::Options;

  // Returns {y, aux...}. Inputs must be passed as at::TensorList so autograd sees them.
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, at::TensorList inputs,
                                                const Options& options) {
    ImplicitSolution solved;
    {
      torch::NoGradGuard no_grad;
      std::vector<torch::Tensor> detached;
      for (const auto& input : inputs) detached.push_back(input.detach());
      solved = Layer::solve(detached, options);
    }
    std::vector<torch::Tensor> to_save(inputs.begin(), inputs.end());
    to_save.push_back(solved.solution);
    to_save.insert(to_save.end(), solved.saved.begin(), solved.saved.end());
    ctx->save_for_backward(to_save);
    ctx->saved_data["input_count"] = static_cast<int64_t>(inputs.size());
    ctx->saved_data["options"] = c10::IValue::make_capsule(c10::make_intrusive<OptionsHolder>(options));
    ctx->mark_non_differentiable(solved.aux);

    torch::autograd::variable_list outputs{solved.solution};
    outputs.insert(outputs.end(), solved.aux.begin(), solved.aux.end());
    return outputs;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const int64_t input_count = ctx->saved_data["input_count"].toInt();
    const Options& options =
        c10::static_intrusive_pointer_cast<OptionsHolder>(ctx->saved_data["options"].toCapsule())->options;
    const std::vector<torch::Tensor> inputs(saved.begin(), saved.begin() + input_count);
    const torch::Tensor& solution = saved[input_count];
    const std::vector<torch::Tensor> factors(saved.begin() + input_count + 1, saved.end());

    // One gradient per input tensor, and none for the options.
    torch::autograd::variable_list grads(input_count + 1);
    const torch::Tensor& grad_y = grad_outputs[0];
    if (!grad_y.defined()) return grads;
    const torch::Tensor adjoint = Layer::adjoint_solve(factors, grad_y, options);
    if constexpr (HasInputVjp<Layer>::value) {
      const auto vjp = Layer::input_vjp(solution.detach(), inputs, adjoint, options);
      for (int64_t i = 0; i < input_count; ++i) {
        if (ctx->needs_input_grad(i) && vjp[i].defined()) grads[i] = -vjp[i];
      }
    } else {
      torch::AutoGradMode enable_grad(true);
      std::vector<torch::Tensor> leaves;
      std::vector<torch::Tensor> wanted;
      std::vector<int64_t> wanted_index;
      for (int64_t i = 0; i < input_count; ++i) {
        leaves.push_back(inputs[i].detach().requires_grad_(ctx->needs_input_grad(i)));
        if (ctx->needs_input_grad(i)) {
          wanted.push_back(leaves.back());
          wanted_index.push_back(i);
        }
      }
      if (wanted.empty()) return grads;
      const torch::Tensor residual = Layer::residual(solution.detach(), leaves, options);
      const auto vjp = torch::autograd::grad({residual}, wanted, {adjoint},
                                             /*retain_graph=*/false, /*create_graph=*/false,
                                             /*allow_unused=*/true);
      for (size_t k = 0; k < wanted.size(); ++k) {
        if (vjp[k].defined()) grads[wanted_index[k]] = -vjp[k];
      }
    }
    return grads;
  }

 private:
  struct OptionsHolder : torch::CustomClassHolder {
    explicit OptionsHolder(Options options_) : options(std::move(options_)) {}
    Options options;
  };
};

}  // namespace diffctl
