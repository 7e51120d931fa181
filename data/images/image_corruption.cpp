#include "data/images/image_corruption.h"

#include "src/error.h"
#include "src/parallel/parallel_for.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace diffctl {

namespace {

constexpr double kCentre = 0.5 * (kImageSide - 1);  // 13.5: rotations, shears and scaling are about it

double pixel_or_zero(const GreyImage& image, int row, int column) {
  if (row < 0 || row >= kImageSide || column < 0 || column >= kImageSide) return 0.0;
  return image[row * kImageSide + column];
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
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) {
      const double x = column - kCentre, y = row - kCentre;
      out[row * kImageSide + column] = bilinear(image, kCentre + m10 * x + m11 * y, kCentre + m00 * x + m01 * y);
    }
  }
  return out;
}

// Separable Gaussian filter truncated at 4σ (skimage's gaussian). `edges`: skimage's default
// extends the image by its edge pixels ("nearest"); "constant" pads with zeros.
enum class FilterEdges { nearest, constant };
GreyImage gaussian_filter(const GreyImage& image, double sigma, FilterEdges edges = FilterEdges::nearest) {
  const int radius = static_cast<int>(4.0 * sigma + 0.5);
  std::vector<double> weights(2 * radius + 1);
  double total = 0.0;
  for (int k = -radius; k <= radius; ++k) total += weights[k + radius] = std::exp(-0.5 * k * k / (sigma * sigma));
  for (double& weight : weights) weight /= total;
  // A pixel, past the edges the nearest edge pixel or 0.
  auto read = [&](const GreyImage& from, int row, int column) {
    if (edges == FilterEdges::constant && (row < 0 || row >= kImageSide || column < 0 || column >= kImageSide)) return 0.0;
    return from[std::clamp(row, 0, kImageSide - 1) * kImageSide + std::clamp(column, 0, kImageSide - 1)];
  };
  GreyImage rows{}, out{};
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) {
      double sum = 0.0;
      for (int k = -radius; k <= radius; ++k) sum += weights[k + radius] * read(image, row, column + k);
      rows[row * kImageSide + column] = sum;
    }
  }
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) {
      double sum = 0.0;
      for (int k = -radius; k <= radius; ++k) sum += weights[k + radius] * read(rows, row + k, column);
      out[row * kImageSide + column] = sum;
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

// MNIST-C's glass blur: the first blur is stored as uint8 (truncated), and each pixel is
// swapped only on a coin flip.
GreyImage glass_blur(const GreyImage& image, CounterRandom& random) {
  constexpr double kSigma = 0.7;
  GreyImage out = gaussian_filter(image, kSigma);
  for (double& value : out) value = std::floor(value);
  for (int pass = 0; pass < 2; ++pass) {
    for (int h = kImageSide - 1; h >= 2; --h) {
      for (int w = kImageSide - 1; w >= 2; --w) {
        if (random.uniform(0.0, 1.0) < 0.5) continue;
        const int dx = random.uniform(0.0, 1.0) < 0.5 ? -1 : 0;
        const int dy = random.uniform(0.0, 1.0) < 0.5 ? -1 : 0;
        std::swap(out[h * kImageSide + w], out[(h + dy) * kImageSide + (w + dx)]);
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
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) {
      double sum = 0.0;
      for (int k = 0; k <= kRadius; ++k) {
        sum += std::exp(-0.5 * k * k / (kSigma * kSigma)) * bilinear(image, row - k * dy, column - k * dx);
      }
      out[row * kImageSide + column] = sum / total;
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
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) out[row * kImageSide + column] = pixel_or_zero(image, row - dy, column - dx);
  }
  return out;
}

GreyImage stripe(GreyImage image) {
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) {
      if (column <= 6 || column >= 21) image[row * kImageSide + column] = 255.0 - image[row * kImageSide + column];
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

// MNIST-C's anti-aliased line from (c0, r0) to (c1, r1) in (column, row): intensity
// 255·max(0, log(1 − d/2.3) + 1) at vertical distance d from it, in columns ⌊c0⌋ to ⌈c1⌉ − 1.
GreyImage stroke(double c0, double r0, double c1, double r1) {
  GreyImage line{};
  if (c1 == c0) return line;
  const double slope = (r1 - r0) / (c1 - c0);
  const int first = std::max(0, static_cast<int>(std::floor(c0))), end = std::min(kImageSide, static_cast<int>(std::ceil(c1)));
  for (int column = first; column < end; ++column) {
    const double line_row = slope * (column - c0) + r0;
    for (int row = 0; row < kImageSide; ++row) {
      const double distance = std::abs(row - line_row);
      if (distance < 2.3) line[row * kImageSide + column] = 255.0 * std::max(0.0, std::log(1.0 - distance / 2.3) + 1.0);
    }
  }
  return line;
}

void add_clipped(GreyImage& image, const GreyImage& added) {
  for (size_t i = 0; i < image.size(); ++i) image[i] = std::min(255.0, image[i] + added[i]);
}

// The line from (0, r0) to (27, r1), r0 and r1 uniform in 0–26, in dashes of 2 columns
// (columns 0–1 off, 2–3 on, …; the line itself ends before column 27).
GreyImage dotted_line(const GreyImage& image, CounterRandom& random) {
  const double r0 = std::floor(random.uniform(0.0, 27.0)), r1 = std::floor(random.uniform(0.0, 27.0));
  GreyImage line = stroke(0.0, r0, 27.0, r1);
  for (int i = 0; i < kImageSide * kImageSide; ++i) {
    if ((i % kImageSide / 2) % 2 == 0) line[i] = 0.0;
  }
  GreyImage out = image;
  add_clipped(out, line);
  return out;
}

// MNIST-C's fog layer: a 256×256 diamond-square height map on the torus, each midpoint the
// mean of its four neighbours plus wibble·U(−wibble, wibble) (wibble 100, divided by `decay`
// per level), normalised to [0, 1]. Fog reads its top-left 28×28 corner.
std::vector<double> plasma_fractal(double decay, CounterRandom& random) {
  constexpr int kMap = 256;
  std::vector<double> map(kMap * kMap, 0.0);
  auto at = [&](int row, int column) -> double& { return map[(row & (kMap - 1)) * kMap + (column & (kMap - 1))]; };
  double wibble = 100.0;
  auto displaced = [&](double sum) { return sum / 4.0 + wibble * random.uniform(-wibble, wibble); };
  for (int step = kMap; step >= 2; step /= 2) {
    const int half = step / 2;
    for (int r = 0; r < kMap; r += step) {
      for (int c = 0; c < kMap; c += step) {
        at(r + half, c + half) = displaced(at(r, c) + at(r + step, c) + at(r, c + step) + at(r + step, c + step));
      }
    }
    // The midpoints of each square's top and left edges: two corners and two centres each.
    for (int r = 0; r < kMap; r += step) {
      for (int c = 0; c < kMap; c += step) {
        at(r, c + half) = displaced(at(r - half, c + half) + at(r + half, c + half) + at(r, c) + at(r, c + step));
      }
    }
    for (int r = 0; r < kMap; r += step) {
      for (int c = 0; c < kMap; c += step) {
        at(r + half, c) = displaced(at(r + half, c - half) + at(r + half, c + half) + at(r, c) + at(r + step, c));
      }
    }
    wibble /= decay;
  }
  const auto [low, high] = std::minmax_element(map.begin(), map.end());
  const double min_value = *low, range = *high - *low;
  for (double& value : map) value = (value - min_value) / range;
  return map;
}

GreyImage fog(const GreyImage& image, CounterRandom& random) {
  constexpr double kThickness = 3.0, kDecay = 1.4;
  const std::vector<double> plasma = plasma_fractal(kDecay, random);
  const double max_value = *std::max_element(image.begin(), image.end()) / 255.0;
  GreyImage out;
  for (int row = 0; row < kImageSide; ++row) {
    for (int column = 0; column < kImageSide; ++column) {
      const double fogged = image[row * kImageSide + column] / 255.0 + kThickness * plasma[row * 256 + column];
      out[row * kImageSide + column] = 255.0 * std::clamp(fogged * max_value / (max_value + kThickness), 0.0, 1.0);
    }
  }
  return out;
}

// MNIST-C's zigzag: teeth of length a = 2 and height b = 2 along the line from (2, r0) to
// (25, r1), r0 uniform in 0–26, r1 − r0 uniform in −5–4; after the last whole tooth it ends
// on the line's far end, b/(2·rest) off the axis (rest: the length left after the teeth).
GreyImage zigzag(const GreyImage& image, CounterRandom& random) {
  constexpr double kToothLength = 2.0, kToothHeight = 2.0, kFirstColumn = 2.0, kLastColumn = 25.0;
  const double r0 = std::floor(random.uniform(0.0, 27.0));
  const double r1 = r0 + std::floor(random.uniform(-5.0, 5.0));
  const double theta = std::atan((r1 - r0) / (kLastColumn - kFirstColumn));
  const double length = (kLastColumn - kFirstColumn) / std::cos(theta);
  // The vertices in the line's frame (along, across), then turned by θ onto the image.
  std::vector<std::pair<double, double>> vertices{{0.0, 0.0}};
  const int teeth = static_cast<int>(std::floor((length - kToothLength) / (2 * kToothLength))) + 1;
  for (int i = 0; i < teeth; ++i) vertices.emplace_back((2 * i + 1) * kToothLength, i % 2 == 0 ? kToothHeight : -kToothHeight);
  const double whole_teeth = 2 * kToothLength * std::floor(length / (2 * kToothLength));
  if (length != whole_teeth) vertices.emplace_back(length, vertices.back().second / (2 * (length - whole_teeth)));
  GreyImage out = image;
  for (size_t i = 1; i < vertices.size(); ++i) {
    auto on_image = [&](const std::pair<double, double>& vertex) {
      return std::pair{kFirstColumn + vertex.first * std::cos(theta) - vertex.second * std::sin(theta),
                       r0 + vertex.first * std::sin(theta) + vertex.second * std::cos(theta)};
    };
    const auto [c0, row0] = on_image(vertices[i - 1]);
    const auto [c1, row1] = on_image(vertices[i]);
    add_clipped(out, stroke(c0, row0, c1, row1));
  }
  return out;
}

}  // namespace

// Canny's edge detector on x/255 as MNIST-C ran it (skimage 0.14's canny at its defaults):
// Gaussian σ = 1 with zero padding renormalised by the padding's own blur, scipy's Sobel
// gradients (mirrored edges), non-maximum suppression against the two neighbours across the
// gradient interpolated between the nearest pixels, hysteresis between 0.1 and 0.2 with
// 8-connected linking; the border pixels are never edges. Edges become 255, the rest 0.
GreyImage canny_edges(const GreyImage& image) {
  GreyImage scaled, ones;
  for (int i = 0; i < kImageSide * kImageSide; ++i) scaled[i] = image[i] / 255.0;
  ones.fill(1.0);
  const GreyImage blurred = gaussian_filter(scaled, 1.0, FilterEdges::constant);
  const GreyImage bleed_over = gaussian_filter(ones, 1.0, FilterEdges::constant);
  GreyImage smooth;
  for (int i = 0; i < kImageSide * kImageSide; ++i) smooth[i] = blurred[i] / (bleed_over[i] + 2.220446049250313e-16);
  auto at = [&](int row, int column) {
    auto mirrored = [](int index) { return index < 0 ? -index - 1 : (index >= kImageSide ? 2 * kImageSide - index - 1 : index); };
    return smooth[mirrored(row) * kImageSide + mirrored(column)];
  };
  GreyImage magnitude{}, down{}, across{};  // down: d/drow (skimage's isobel), across: d/dcolumn (jsobel)
  for (int r = 0; r < kImageSide; ++r) {
    for (int c = 0; c < kImageSide; ++c) {
      const double d = (at(r + 1, c - 1) + 2 * at(r + 1, c) + at(r + 1, c + 1)) - (at(r - 1, c - 1) + 2 * at(r - 1, c) + at(r - 1, c + 1));
      const double a = (at(r - 1, c + 1) + 2 * at(r, c + 1) + at(r + 1, c + 1)) - (at(r - 1, c - 1) + 2 * at(r, c - 1) + at(r + 1, c - 1));
      down[r * kImageSide + c] = d;
      across[r * kImageSide + c] = a;
      magnitude[r * kImageSide + c] = std::hypot(d, a);
    }
  }
  auto m = [&](int row, int column) { return magnitude[row * kImageSide + column]; };
  // The four direction sectors in skimage's order (a later sector overrides an earlier one
  // on ties): gradient signs, which of |down| and |across| dominates, and the two pairs of
  // neighbours (row, column offsets) interpolated with weight w on the diagonal one.
  struct Sector {
    int down_sign, across_sign;  // the "plus" points; "minus" has both signs flipped
    bool down_dominates;
    int straight[2], diagonal[2];  // the plus side's neighbours; the minus side's are mirrored
  };
  static constexpr Sector kSectors[4] = {{1, 1, true, {1, 0}, {1, 1}},
                                         {1, 1, false, {0, 1}, {1, 1}},
                                         {-1, 1, false, {0, 1}, {-1, 1}},
                                         {-1, 1, true, {-1, 0}, {-1, 1}}};
  std::array<bool, kImageSide * kImageSide> local_maximum{};
  for (const Sector& sector : kSectors) {
    for (int r = 1; r < kImageSide - 1; ++r) {
      for (int c = 1; c < kImageSide - 1; ++c) {
        const int i = r * kImageSide + c;
        if (magnitude[i] <= 0.0) continue;
        const double d = down[i], a = across[i];
        const bool plus = sector.down_sign * d >= 0 && sector.across_sign * a >= 0;
        const bool minus = sector.down_sign * d <= 0 && sector.across_sign * a <= 0;
        const bool dominated = sector.down_dominates ? std::abs(d) >= std::abs(a) : std::abs(d) <= std::abs(a);
        if (!(plus || minus) || !dominated) continue;
        const double w = sector.down_dominates ? std::abs(a) / std::abs(d) : std::abs(d) / std::abs(a);
        const double ahead = m(r + sector.diagonal[0], c + sector.diagonal[1]) * w +
                             m(r + sector.straight[0], c + sector.straight[1]) * (1 - w);
        const double behind = m(r - sector.diagonal[0], c - sector.diagonal[1]) * w +
                              m(r - sector.straight[0], c - sector.straight[1]) * (1 - w);
        local_maximum[i] = ahead <= magnitude[i] && behind <= magnitude[i];
      }
    }
  }
  constexpr double kLow = 0.1, kHigh = 0.2;
  std::array<int, kImageSide * kImageSide> label{};  // 0: no edge, 1: weak, 2: strong
  for (int i = 0; i < kImageSide * kImageSide; ++i) {
    if (local_maximum[i] && magnitude[i] >= kLow) label[i] = magnitude[i] >= kHigh ? 2 : 1;
  }
  std::vector<int> pending;
  for (int i = 0; i < kImageSide * kImageSide; ++i) if (label[i] == 2) pending.push_back(i);
  while (!pending.empty()) {  // weak edges 8-connected to a strong one become strong
    const int i = pending.back();
    pending.pop_back();
    for (int dr = -1; dr <= 1; ++dr) {
      for (int dc = -1; dc <= 1; ++dc) {
        const int r = i / kImageSide + dr, c = i % kImageSide + dc;
        if (r < 0 || r >= kImageSide || c < 0 || c >= kImageSide || label[r * kImageSide + c] != 1) continue;
        label[r * kImageSide + c] = 2;
        pending.push_back(r * kImageSide + c);
      }
    }
  }
  GreyImage edges{};
  for (int i = 0; i < kImageSide * kImageSide; ++i) edges[i] = label[i] == 2 ? 255.0 : 0.0;
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
    case Corruption::fog: return fog(image, random);
    case Corruption::zigzag: return zigzag(image, random);
  }
  throw Error("corrupt: unknown corruption");
}

torch::Tensor corrupt_images(Corruption corruption, const torch::Tensor& images, uint64_t seed) {
  if (images.dim() != 3 || images.size(1) != kImageSide || images.size(2) != kImageSide || images.scalar_type() != torch::kUInt8) {
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
      std::copy(in + index * kImageSide * kImageSide, in + (index + 1) * kImageSide * kImageSide, image.begin());
      CounterRandom random(derive_seed(seed, static_cast<uint64_t>(index)));
      const GreyImage corrupted = corrupt(corruption, image, random);
      for (size_t i = 0; i < corrupted.size(); ++i) {
        written[index * kImageSide * kImageSide + i] = static_cast<uint8_t>(std::lround(std::clamp(corrupted[i], 0.0, 255.0)));
      }
    }
  });
  return out;
}

}  // namespace diffctl
