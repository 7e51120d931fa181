#include "data/images/image_corruption.h"

#include "src/error.h"
#include "src/parallel/parallel_for.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

namespace {

constexpr int kSide = kImageSide;
constexpr double kCentre = 0.5 * (kSide - 1);  // 13.5: rotations, shears and scaling are about it

double pixel_or_zero(const GreyImage& image, int row, int column) {
  if (row < 0 || row >= kSide || column < 0 || column >= kSide) return 0.0;
  return image[row * kSide + column];
}

// Bilinear interpolation at (row, column), zero outside the image.
double bilinear(const GreyImage& image, double row, double column) {
  const int r = static_cast<int>(std::floor(row)), c = static_cast<int>(std::floor(column));
  const double fr = row - r, fc = column - c;
  return (1 - fr) * ((1 - fc) * pixel_or_zero(image, r, c) + fc * pixel_or_zero(image, r, c + 1)) +
         fr * ((1 - fc) * pixel_or_zero(image, r + 1, c) + fc * pixel_or_zero(image, r + 1, c + 1));
}

// out(p) = image(c + M (p − c)) in (column, row) coordinates about the centre c: M is the
// inverse map, from output pixels to where they are read.
GreyImage warp(const GreyImage& image, double m00, double m01, double m10, double m11) {
  GreyImage out{};
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      const double x = column - kCentre, y = row - kCentre;
      out[row * kSide + column] = bilinear(image, kCentre + m10 * x + m11 * y, kCentre + m00 * x + m01 * y);
    }
  }
  return out;
}

// Separable Gaussian filter, truncated at 4σ, mirrored at the edges (scipy's "reflect").
GreyImage gaussian_filter(const GreyImage& image, double sigma) {
  const int radius = static_cast<int>(4.0 * sigma + 0.5);
  std::vector<double> weights(2 * radius + 1);
  double total = 0.0;
  for (int k = -radius; k <= radius; ++k) total += weights[k + radius] = std::exp(-0.5 * k * k / (sigma * sigma));
  for (double& weight : weights) weight /= total;
  auto mirrored = [](int index) {
    while (index < 0 || index >= kSide) index = index < 0 ? -index - 1 : 2 * kSide - index - 1;
    return index;
  };
  GreyImage rows{}, out{};
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      double sum = 0.0;
      for (int k = -radius; k <= radius; ++k) sum += weights[k + radius] * image[row * kSide + mirrored(column + k)];
      rows[row * kSide + column] = sum;
    }
  }
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      double sum = 0.0;
      for (int k = -radius; k <= radius; ++k) sum += weights[k + radius] * rows[mirrored(row + k) * kSide + column];
      out[row * kSide + column] = sum;
    }
  }
  return out;
}

GreyImage clipped(GreyImage image) {
  for (double& value : image) value = std::clamp(value, 0.0, 255.0);
  return image;
}

double random_sign(CounterRandom& random) { return random.uniform(0.0, 1.0) < 0.5 ? -1.0 : 1.0; }

// Knuth's multiplication method: exact for the small means (at most 3) shot noise needs.
int poisson(double mean, CounterRandom& random) {
  const double limit = std::exp(-mean);
  int count = 0;
  for (double product = random.uniform(0.0, 1.0); product > limit; product *= random.uniform(0.0, 1.0)) ++count;
  return count;
}

GreyImage shot_noise(GreyImage image, CounterRandom& random) {
  constexpr double kPhotons = 3.0;
  for (double& value : image) {
    value = 255.0 * std::clamp(poisson(value / 255.0 * kPhotons, random) / kPhotons, 0.0, 1.0);
  }
  return image;
}

GreyImage impulse_noise(GreyImage image, CounterRandom& random) {
  constexpr double kAmount = 0.17;
  for (double& value : image) {
    if (random.uniform(0.0, 1.0) < kAmount) value = random.uniform(0.0, 1.0) < 0.5 ? 0.0 : 255.0;
  }
  return image;
}

GreyImage glass_blur(const GreyImage& image, CounterRandom& random) {
  constexpr double kSigma = 0.7;
  GreyImage out = gaussian_filter(image, kSigma);
  for (int pass = 0; pass < 2; ++pass) {
    for (int h = kSide - 1; h >= 2; --h) {
      for (int w = kSide - 1; w >= 2; --w) {
        const int dx = random.uniform(0.0, 1.0) < 0.5 ? -1 : 0;
        const int dy = random.uniform(0.0, 1.0) < 0.5 ? -1 : 0;
        std::swap(out[h * kSide + w], out[(h + dy) * kSide + (w + dx)]);
      }
    }
  }
  return clipped(gaussian_filter(out, kSigma));
}

GreyImage motion_blur(const GreyImage& image, CounterRandom& random) {
  constexpr int kRadius = 10;
  constexpr double kSigma = 3.0;
  const double angle = random.uniform(-M_PI / 4, M_PI / 4);
  const double dx = std::cos(angle), dy = std::sin(angle);
  double total = 0.0;
  for (int k = 0; k <= kRadius; ++k) total += std::exp(-0.5 * k * k / (kSigma * kSigma));
  GreyImage out{};
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      double sum = 0.0;
      for (int k = 0; k <= kRadius; ++k) {
        sum += std::exp(-0.5 * k * k / (kSigma * kSigma)) * bilinear(image, row - k * dy, column - k * dx);
      }
      out[row * kSide + column] = sum / total;
    }
  }
  return clipped(out);
}

GreyImage brightness(GreyImage image) {
  for (double& value : image) value = std::min(255.0, value + 0.5 * 255.0);
  return image;
}

GreyImage translate(const GreyImage& image, CounterRandom& random) {
  const int dx = static_cast<int>(3 * random_sign(random)), dy = static_cast<int>(3 * random_sign(random));
  GreyImage out{};
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) out[row * kSide + column] = pixel_or_zero(image, row - dy, column - dx);
  }
  return out;
}

GreyImage stripe(GreyImage image) {
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      if (column <= 6 || column >= 21) image[row * kSide + column] = 255.0 - image[row * kSide + column];
    }
  }
  return image;
}

GreyImage spatter(const GreyImage& image, CounterRandom& random) {
  constexpr double kMean = 0.65, kDeviation = 0.3, kThreshold = 0.65, kMud = 63.0;
  GreyImage liquid{};
  for (double& value : liquid) value = kMean + kDeviation * random.normal();
  liquid = gaussian_filter(liquid, 1.0);
  GreyImage mask{};
  for (size_t i = 0; i < liquid.size(); ++i) mask[i] = liquid[i] > kThreshold ? 1.0 : 0.0;
  mask = gaussian_filter(mask, 1.5);
  GreyImage out = image;
  for (size_t i = 0; i < out.size(); ++i) {
    const double m = mask[i] < 0.8 ? 0.0 : mask[i];
    out[i] = image[i] * (1.0 - m) + kMud * m;
  }
  return clipped(out);
}

GreyImage dotted_line(const GreyImage& image, CounterRandom& random) {
  const double r0 = std::floor(random.uniform(0.0, 27.0)), r1 = std::floor(random.uniform(0.0, 27.0));
  // The line through (0, r0) and (27, r1) in (column, row); distance by its unit normal.
  const double length = std::hypot(27.0, r1 - r0);
  const double nx = -(r1 - r0) / length, ny = 27.0 / length;
  GreyImage out = image;
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      if ((column / 2) % 2 == 0) continue;  // dashes: columns 0–1 off, 2–3 on, …
      const double distance = std::abs(nx * column + ny * (row - r0));
      if (distance >= 2.3) continue;
      const double intensity = 255.0 * std::max(0.0, std::log(1.0 - distance / 2.3) + 1.0);
      out[row * kSide + column] = std::min(255.0, out[row * kSide + column] + intensity);
    }
  }
  return out;
}

}  // namespace

// Canny's edge detector on x/255 (MNIST-C: skimage's canny at its defaults): Gaussian σ = 1,
// Sobel gradients (scipy's, mirrored edges), non-maximum suppression across the gradient
// direction (quantised to 0°, 45°, 90°, 135°), hysteresis between 0.1 and 0.2 with
// 8-connected linking; the border pixels are never edges. Edges become 255, the rest 0.
GreyImage canny_edges(const GreyImage& image) {
  GreyImage scaled;
  for (int i = 0; i < kSide * kSide; ++i) scaled[i] = image[i] / 255.0;
  const GreyImage smooth = gaussian_filter(scaled, 1.0);
  auto at = [&](int row, int column) {
    auto mirrored = [](int index) { return index < 0 ? -index - 1 : (index >= kSide ? 2 * kSide - index - 1 : index); };
    return smooth[mirrored(row) * kSide + mirrored(column)];
  };
  GreyImage magnitude{}, down{}, across{};  // down: d/drow, across: d/dcolumn
  for (int r = 0; r < kSide; ++r) {
    for (int c = 0; c < kSide; ++c) {
      const double d = (at(r + 1, c - 1) + 2 * at(r + 1, c) + at(r + 1, c + 1)) - (at(r - 1, c - 1) + 2 * at(r - 1, c) + at(r - 1, c + 1));
      const double a = (at(r - 1, c + 1) + 2 * at(r, c + 1) + at(r + 1, c + 1)) - (at(r - 1, c - 1) + 2 * at(r, c - 1) + at(r + 1, c - 1));
      down[r * kSide + c] = d;
      across[r * kSide + c] = a;
      magnitude[r * kSide + c] = std::hypot(d, a);
    }
  }
  constexpr double kLow = 0.1, kHigh = 0.2;
  std::array<int, kSide * kSide> label{};  // 0: no edge, 1: weak, 2: strong
  for (int r = 1; r < kSide - 1; ++r) {
    for (int c = 1; c < kSide - 1; ++c) {
      const double m = magnitude[r * kSide + c];
      if (m < kLow) continue;
      // The neighbours along the gradient: its angle in [0°, 180°) to the nearest 45°.
      double angle = std::atan2(down[r * kSide + c], across[r * kSide + c]) * 180.0 / M_PI;
      if (angle < 0) angle += 180.0;
      const int sector = static_cast<int>(std::floor((angle + 22.5) / 45.0)) % 4;
      static constexpr int kRowStep[4] = {0, 1, 1, 1}, kColumnStep[4] = {1, 1, 0, -1};
      const int dr = kRowStep[sector], dc = kColumnStep[sector];
      if (m < magnitude[(r + dr) * kSide + c + dc] || m < magnitude[(r - dr) * kSide + c - dc]) continue;
      label[r * kSide + c] = m >= kHigh ? 2 : 1;
    }
  }
  std::vector<int> pending;
  for (int i = 0; i < kSide * kSide; ++i) if (label[i] == 2) pending.push_back(i);
  while (!pending.empty()) {  // weak edges 8-connected to a strong one become strong
    const int i = pending.back();
    pending.pop_back();
    for (int dr = -1; dr <= 1; ++dr) {
      for (int dc = -1; dc <= 1; ++dc) {
        const int r = i / kSide + dr, c = i % kSide + dc;
        if (r < 0 || r >= kSide || c < 0 || c >= kSide || label[r * kSide + c] != 1) continue;
        label[r * kSide + c] = 2;
        pending.push_back(r * kSide + c);
      }
    }
  }
  GreyImage edges{};
  for (int i = 0; i < kSide * kSide; ++i) edges[i] = label[i] == 2 ? 255.0 : 0.0;
  return edges;
}

std::vector<Corruption> table1_corruptions() {
  return {Corruption::identity,   Corruption::dotted_line, Corruption::spatter,     Corruption::stripe,
          Corruption::translate,  Corruption::rotate,      Corruption::scale,       Corruption::shear,
          Corruption::motion_blur, Corruption::glass_blur, Corruption::shot_noise};
}

GreyImage corrupt(Corruption corruption, const GreyImage& image, CounterRandom& random) {
  constexpr double kAngle = 0.4;
  switch (corruption) {
    case Corruption::identity: return image;
    case Corruption::shot_noise: return shot_noise(image, random);
    case Corruption::impulse_noise: return impulse_noise(image, random);
    case Corruption::glass_blur: return glass_blur(image, random);
    case Corruption::motion_blur: return motion_blur(image, random);
    case Corruption::shear: {
      // skimage's AffineTransform(shear=s) as the inverse map: [[1, −sin s], [0, cos s]].
      const double s = kAngle * random_sign(random);
      return warp(image, 1.0, -std::sin(s), 0.0, std::cos(s));
    }
    case Corruption::scale: return warp(image, 1.0 / 0.7, 0.0, 0.0, 1.0 / 0.7);
    case Corruption::rotate: {
      // Turning the image by θ reads each output pixel from the input turned back by θ.
      const double theta = kAngle * random_sign(random);
      return warp(image, std::cos(theta), std::sin(theta), -std::sin(theta), std::cos(theta));
    }
    case Corruption::brightness: return brightness(image);
    case Corruption::translate: return translate(image, random);
    case Corruption::stripe: return stripe(image);
    case Corruption::spatter: return spatter(image, random);
    case Corruption::dotted_line: return dotted_line(image, random);
    case Corruption::canny_edges: return canny_edges(image);
  }
  throw Error("corrupt: unknown corruption");
}

torch::Tensor corrupt_images(Corruption corruption, const torch::Tensor& images, uint64_t seed) {
  if (images.dim() != 3 || images.size(1) != kSide || images.size(2) != kSide || images.scalar_type() != torch::kUInt8) {
    throw InputError("corrupt_images: expected (N, 28, 28) uint8 images, got " + std::string(images.dtype().name()) +
                     " " + c10::str(images.sizes()));
  }
  const torch::Tensor source = images.contiguous();
  torch::Tensor out = torch::empty_like(source);
  const uint8_t* in = source.data_ptr<uint8_t>();
  uint8_t* written = out.data_ptr<uint8_t>();
  constexpr int64_t kChunk = 256;
  const int64_t count = source.size(0);
  parallel_for((count + kChunk - 1) / kChunk, compute_threads(), [&](int64_t chunk, int64_t) {
    for (int64_t index = chunk * kChunk; index < std::min(count, (chunk + 1) * kChunk); ++index) {
      GreyImage image;
      std::copy(in + index * kSide * kSide, in + (index + 1) * kSide * kSide, image.begin());
      CounterRandom random(derive_seed(seed, static_cast<uint64_t>(index)));
      const GreyImage corrupted = corrupt(corruption, image, random);
      for (size_t i = 0; i < corrupted.size(); ++i) {
        written[index * kSide * kSide + i] = static_cast<uint8_t>(std::lround(std::clamp(corrupted[i], 0.0, 255.0)));
      }
    }
  });
  return out;
}

}  // namespace diffctl
