#pragma once

#include "src/config/enum_names.h"
#include "src/random/counter_random.h"

#include <torch/types.h>

#include <array>
#include <string>
#include <vector>

namespace diffctl {

// The MNIST-C corruptions (Mu & Gilmer 2019, "MNIST-C: A Robustness Benchmark for Computer
// Vision", arXiv 1906.02337) at the parameters MNIST-C uses, on 28×28 images with values in
// [0, 255]: all fifteen of MNIST-C's corruptions.
enum class Corruption {
  identity,
  shot_noise,     // Poisson(x/255·3)/3, clipped to [0, 1], ×255
  impulse_noise,  // salt and pepper, amount 0.17 (half each)
  glass_blur,     // Gaussian σ 0.7, 2 passes of local pixel swaps, Gaussian σ 0.7
  motion_blur,    // one-sided line kernel, radius 10, Gaussian weights σ 3, angle U(−45°, 45°)
  shear,          // ±0.4 rad about the centre, bilinear, zero fill
  scale,          // shrink to 70% about the centre, bilinear, zero fill
  rotate,         // ±0.4 rad about the centre, bilinear, zero fill
  brightness,     // +0.5 in HSV value (of a grey image: +127.5, clipped)
  translate,      // shift by (±3, ±3) pixels, zero fill
  stripe,         // columns 0–6 and 21–27 become 255 − x
  spatter,        // mud-coloured (63) splashes from a thresholded, blurred Gaussian field
  dotted_line,    // a dashed anti-aliased line from the left to the right edge, added
  canny_edges,    // Canny's edge detector, σ 1, hysteresis 0.1–0.2: edges 255, the rest 0
  fog,            // + 3 × a diamond-square plasma fractal (decay 1.4), rescaled to the image's maximum
  zigzag,         // a zigzag stroke (teeth 2 × 2 pixels) from column 2 to 25, added
};
inline constexpr EnumNames<Corruption, 16> kCorruptionNames{{{Corruption::identity, "identity"},
                                                             {Corruption::shot_noise, "shot_noise"},
                                                             {Corruption::impulse_noise, "impulse_noise"},
                                                             {Corruption::glass_blur, "glass_blur"},
                                                             {Corruption::motion_blur, "motion_blur"},
                                                             {Corruption::shear, "shear"},
                                                             {Corruption::scale, "scale"},
                                                             {Corruption::rotate, "rotate"},
                                                             {Corruption::brightness, "brightness"},
                                                             {Corruption::translate, "translate"},
                                                             {Corruption::stripe, "stripe"},
                                                             {Corruption::spatter, "spatter"},
                                                             {Corruption::dotted_line, "dotted_line"},
                                                             {Corruption::canny_edges, "canny_edges"},
                                                             {Corruption::fog, "fog"},
                                                             {Corruption::zigzag, "zigzag"}}};
inline std::string to_string(Corruption corruption) { return enum_name(kCorruptionNames, corruption); }

// The corruptions of ode-to-ode.md's Table 1, identity (the clean test set) first.
std::vector<Corruption> table1_corruptions();

constexpr int kImageSide = 28;
// A grey image, row-major, values in [0, 255].
using GreyImage = std::array<double, kImageSide * kImageSide>;

// One image corrupted with randomness drawn from `random` (a corruption that needs none
// ignores it).
GreyImage corrupt(Corruption corruption, const GreyImage& image, CounterRandom& random);

// Every image of (N, 28, 28) uint8 corrupted, image i with the stream derive_seed(seed, i)
// (the same images whatever the thread count), rounded and clipped back to uint8 as
// MNIST-C stores them.
torch::Tensor corrupt_images(Corruption corruption, const torch::Tensor& images, uint64_t seed);

}  // namespace diffctl
