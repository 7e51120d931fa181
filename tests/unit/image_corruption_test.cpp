// The MNIST-C corruptions against properties stated independently of their code.
#include "data/images/image_corruption.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

namespace diffctl {
namespace {

// A blob of random brightness inside rows/columns [6, 21], nothing near the border.
GreyImage centred_blob(uint64_t seed) {
  CounterRandom random(seed);
  GreyImage image{};
  for (int row = 6; row <= 21; ++row) {
    for (int column = 6; column <= 21; ++column) image[row * 28 + column] = std::floor(random.uniform(0.0, 256.0));
  }
  return image;
}

std::pair<double, double> centre_of_mass(const GreyImage& image) {
  double mass = 0, row_moment = 0, column_moment = 0;
  for (int row = 0; row < 28; ++row) {
    for (int column = 0; column < 28; ++column) {
      mass += image[row * 28 + column];
      row_moment += row * image[row * 28 + column];
      column_moment += column * image[row * 28 + column];
    }
  }
  return {row_moment / mass, column_moment / mass};
}

// A bright square's edges: on its outline (within a pixel of it), continuous along each side,
// binary; a blank image and the square's flat interior have none.
TEST(ImageCorruption, CannyEdgesOutlineASquareAndNothingElse) {
  GreyImage square{};
  for (int row = 8; row <= 19; ++row) {
    for (int column = 8; column <= 19; ++column) square[row * 28 + column] = 255.0;
  }
  CounterRandom random(0);
  const GreyImage edges = corrupt(Corruption::canny_edges, square, random);
  auto distance_to_outline = [](int row, int column) {  // Chebyshev distance to the square's boundary band
    const int outside = std::max({8 - row, row - 19, 8 - column, column - 19});
    const int inside = std::min({row - 8, 19 - row, column - 8, 19 - column});
    return outside > 0 ? outside - 1 : inside;  // 0 on the pixels either side of the intensity step
  };
  int on_outline = 0;
  for (int row = 0; row < 28; ++row) {
    for (int column = 0; column < 28; ++column) {
      const double value = edges[row * 28 + column];
      EXPECT_TRUE(value == 0.0 || value == 255.0);
      if (value == 255.0) {
        EXPECT_LE(distance_to_outline(row, column), 1) << row << ", " << column;
        ++on_outline;
      }
    }
  }
  // Each side's middle has an edge pixel within a pixel of the step, on every row or column.
  for (int k = 10; k <= 17; ++k) {
    for (const auto& [row, column, row_step, column_step] :
         std::vector<std::tuple<int, int, int, int>>{{k, 7, 0, 1}, {k, 19, 0, 1}, {7, k, 1, 0}, {19, k, 1, 0}}) {
      bool found = false;
      for (int d = -1; d <= 2; ++d) found = found || edges[(row + d * row_step) * 28 + column + d * column_step] == 255.0;
      EXPECT_TRUE(found) << row << ", " << column;
    }
  }
  EXPECT_GE(on_outline, 4 * 8);
  const GreyImage blank{};
  const GreyImage none = corrupt(Corruption::canny_edges, blank, random);
  for (const double value : none) EXPECT_EQ(value, 0.0);
}

TEST(ImageCorruption, StripeIsAnInvolutionThatInvertsOnlyItsColumns) {
  const GreyImage image = centred_blob(1);
  CounterRandom random(0);
  const GreyImage once = corrupt(Corruption::stripe, image, random);
  const GreyImage twice = corrupt(Corruption::stripe, once, random);
  for (int i = 0; i < 784; ++i) {
    const int column = i % 28;
    EXPECT_EQ(twice[i], image[i]);
    EXPECT_EQ(once[i], column <= 6 || column >= 21 ? 255.0 - image[i] : image[i]) << "pixel " << i;
  }
}

TEST(ImageCorruption, TranslateMovesTheCentreOfMassByExactlyThreePixelsEachWay) {
  int signs_seen = 0;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    const GreyImage image = centred_blob(seed + 10);
    CounterRandom random(seed);
    const auto [row, column] = centre_of_mass(image);
    const auto [moved_row, moved_column] = centre_of_mass(corrupt(Corruption::translate, image, random));
    EXPECT_NEAR(std::abs(moved_row - row), 3.0, 1e-9);
    EXPECT_NEAR(std::abs(moved_column - column), 3.0, 1e-9);
    signs_seen |= 1 << ((moved_row > row) * 2 + (moved_column > column));
  }
  EXPECT_EQ(signs_seen, 0b1111) << "all four sign pairs over 16 seeds";
}

TEST(ImageCorruption, RotatingByThetaThenMinusThetaRecoversTheInterior) {
  // Bilinear resampling of a smooth image: a Gaussian bump, then back; the turned-back
  // image agrees inside a disc that never left the frame.
  GreyImage image{};
  for (int row = 0; row < 28; ++row) {
    for (int column = 0; column < 28; ++column) {
      image[row * 28 + column] = 255.0 * std::exp(-((row - 12.0) * (row - 12.0) + (column - 15.0) * (column - 15.0)) / 50.0);
    }
  }
  // Find a seed of each sign: rotate's random sign picks +0.4 or −0.4.
  GreyImage turned_plus{}, turned_minus{};
  bool have_plus = false, have_minus = false;
  for (uint64_t seed = 0; seed < 32 && !(have_plus && have_minus); ++seed) {
    CounterRandom random(seed);
    const GreyImage turned = corrupt(Corruption::rotate, image, random);
    // A positive turn moves the bump's centre (12, 15) one way around (13.5, 13.5).
    const bool plus = centre_of_mass(turned).first > centre_of_mass(image).first;
    (plus ? turned_plus : turned_minus) = turned;
    (plus ? have_plus : have_minus) = true;
  }
  ASSERT_TRUE(have_plus && have_minus);
  for (uint64_t seed = 0; seed < 32; ++seed) {
    CounterRandom random(seed);
    const GreyImage back = corrupt(Corruption::rotate, turned_plus, random);
    if (centre_of_mass(back).first > centre_of_mass(turned_plus).first) continue;  // turned the same way again
    double worst = 0.0;
    for (int row = 0; row < 28; ++row) {
      for (int column = 0; column < 28; ++column) {
        if (std::hypot(row - 13.5, column - 13.5) > 9.0) continue;
        worst = std::max(worst, std::abs(back[row * 28 + column] - image[row * 28 + column]));
      }
    }
    EXPECT_LT(worst, 0.03 * 255.0) << "two bilinear resamplings of a smooth bump";
    return;
  }
  FAIL() << "no seed turned back";
}

TEST(ImageCorruption, ShotNoiseHasThePoissonMeanAndVariance) {
  // A flat image at x: 3·noisy/255 is Poisson(3x/255) (no clipping below 255 for x small).
  GreyImage image{};
  image.fill(85.0);  // mean 1 photon
  double sum = 0, squares = 0;
  int count = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    CounterRandom random(seed);
    for (const double value : corrupt(Corruption::shot_noise, image, random)) {
      const double photons = value / 255.0 * 3.0;
      if (photons >= 3.0) continue;  // the clip at 1 censors 3+ photons
      sum += photons;
      squares += photons * photons;
      ++count;
    }
  }
  // Censored at 3: E[N; N < 3] and E[N²; N < 3] of Poisson(1), divided by P(N < 3).
  const double p0 = std::exp(-1.0), p1 = p0, p2 = p0 / 2.0, kept = p0 + p1 + p2;
  const double mean = (p1 + 2 * p2) / kept, second = (p1 + 4 * p2) / kept;
  EXPECT_NEAR(sum / count, mean, 0.01);
  EXPECT_NEAR(squares / count - (sum / count) * (sum / count), second - mean * mean, 0.01);
}

TEST(ImageCorruption, TheSameSeedGivesTheSameImageAndAnotherSeedAnother) {
  const auto images = torch::randint(0, 256, {8, 28, 28}, torch::kInt64).to(torch::kUInt8);
  for (const Corruption corruption : {Corruption::shot_noise, Corruption::glass_blur, Corruption::motion_blur,
                                      Corruption::spatter, Corruption::dotted_line, Corruption::impulse_noise,
                                      Corruption::fog, Corruption::zigzag}) {
    const auto first = corrupt_images(corruption, images, 7);
    EXPECT_TRUE(first.equal(corrupt_images(corruption, images, 7))) << to_string(corruption);
    EXPECT_FALSE(first.equal(corrupt_images(corruption, images, 8))) << to_string(corruption);
    EXPECT_FALSE(first.equal(images)) << to_string(corruption);
  }
  EXPECT_TRUE(corrupt_images(Corruption::identity, images, 3).equal(images));
}

TEST(ImageCorruption, ScaleShrinksTheImageTowardsTheCentre) {
  GreyImage image{};
  image.fill(200.0);
  CounterRandom random(0);
  const GreyImage scaled = corrupt(Corruption::scale, image, random);
  // The full frame maps to 70% of itself: pixels farther than 13.5·0.7 + 1 from the centre
  // along a row read from outside the image, the centre keeps its value.
  EXPECT_NEAR(scaled[13 * 28 + 13], 200.0, 1e-9);
  EXPECT_EQ(scaled[13 * 28 + 0], 0.0);
  EXPECT_EQ(scaled[13 * 28 + 27], 0.0);
  EXPECT_NEAR(scaled[13 * 28 + 5], 200.0, 1e-9);  // |5 − 13.5| / 0.7 = 12.1 < 13.5
}

TEST(ImageCorruption, DottedLineAddsDashesOnlyInItsOnColumns) {
  const GreyImage blank{};
  for (uint64_t seed = 0; seed < 8; ++seed) {
    CounterRandom random(seed);
    const GreyImage lined = corrupt(Corruption::dotted_line, blank, random);
    double on = 0;
    for (int i = 0; i < 784; ++i) {
      const int column = i % 28;
      if ((column / 2) % 2 == 0) EXPECT_EQ(lined[i], 0.0) << "off column " << column;
      on += lined[i];
    }
    EXPECT_GT(on, 255.0 * 7) << "about one full pixel in each of the 14 on columns";
  }
}


TEST(ImageCorruption, FogAddsOneFieldWhateverTheImageAndKeepsItsMaximum) {
  // With both images' maximum 255, fog(x) = (x + 3·255·p)/4 for the same field p in [0, 1].
  GreyImage first = centred_blob(1), second = centred_blob(2);
  first[0] = second[0] = 255.0;
  double neighbour_step = 0, far_step = 0;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    CounterRandom first_random(seed), second_random(seed);
    const GreyImage first_fog = corrupt(Corruption::fog, first, first_random);
    const GreyImage second_fog = corrupt(Corruption::fog, second, second_random);
    for (int i = 0; i < 784; ++i) {
      const double field = first_fog[i] - first[i] / 4.0;
      EXPECT_NEAR(field, second_fog[i] - second[i] / 4.0, 1e-9);
      EXPECT_GE(field, -1e-9);
      EXPECT_LE(field, 0.75 * 255.0 + 1e-9);
      if (i % 28 < 27) neighbour_step += std::abs(first_fog[i + 1] - first[i + 1] / 4.0 - field);
      if (i % 28 < 14) far_step += std::abs(first_fog[i + 14] - first[i + 14] / 4.0 - field);
    }
  }
  // A fractal: neighbouring pixels are closer than pixels half the image apart.
  EXPECT_LT(neighbour_step / (16 * 27 * 28), 0.5 * far_step / (16 * 14 * 28));

  GreyImage dim = centred_blob(3);
  for (double& value : dim) value *= 100.0 / 255.0;
  const double dim_max = *std::max_element(dim.begin(), dim.end());
  CounterRandom random(5);
  for (const double value : corrupt(Corruption::fog, dim, random)) EXPECT_LE(value, dim_max + 1e-9);
  const GreyImage black{};
  for (const double value : corrupt(Corruption::fog, black, random)) EXPECT_EQ(value, 0.0);
}

TEST(ImageCorruption, ZigzagAddsAnOscillatingStrokeBetweenColumnsOneAndTwentyFive) {
  const GreyImage blank{};
  int whole_strokes = 0;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    CounterRandom random(seed);
    const GreyImage stroke = corrupt(Corruption::zigzag, blank, random);
    for (int row = 0; row < 28; ++row) {
      for (const int column : {0, 26, 27}) EXPECT_EQ(stroke[row * 28 + column], 0.0) << "column " << column;
    }
    bool touches_border = false;
    for (int column = 0; column < 28; ++column) touches_border = touches_border || stroke[column] > 0 || stroke[27 * 28 + column] > 0;
    if (touches_border) continue;
    ++whole_strokes;
    // Every column the stroke crosses holds a pixel within half a pixel of it, at least
    // 255·(1 + log(1 − 0.5/2.3)) bright, and
    // its intensity-weighted row turns at the vertices (4 columns apart: 5 between columns 2
    // and 24).
    std::vector<double> rows;
    for (int column = 2; column <= 24; ++column) {
      double weight = 0, weighted_row = 0, brightest = 0;
      for (int row = 0; row < 28; ++row) {
        const double value = stroke[row * 28 + column];
        weight += value;
        weighted_row += value * row;
        brightest = std::max(brightest, value);
      }
      EXPECT_GE(brightest, 255.0 * (1.0 + std::log(1.0 - 0.5 / 2.3)) - 1e-9) << "column " << column;
      rows.push_back(weighted_row / weight);
    }
    int turns = 0;
    for (size_t i = 2; i < rows.size(); ++i) turns += (rows[i] - rows[i - 1]) * (rows[i - 1] - rows[i - 2]) < 0;
    EXPECT_GE(turns, 4) << "seed " << seed;
  }
  EXPECT_GE(whole_strokes, 16) << "strokes away from the top and bottom rows";

  const GreyImage image = centred_blob(4);
  CounterRandom random(9);
  const GreyImage lined = corrupt(Corruption::zigzag, image, random);
  for (int i = 0; i < 784; ++i) EXPECT_GE(lined[i], image[i]);
}
}  // namespace
}  // namespace diffctl
