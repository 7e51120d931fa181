#include "data/envs/control_suite_tolerance.h"

#include <cmath>

namespace diffctl {

double tolerance(double x, double lower, double upper, double margin, ToleranceSigmoid sigmoid,
                 double value_at_margin) {
  if (x >= lower && x <= upper) return 1.0;
  if (margin <= 0.0) return 0.0;
  const double distance = (x < lower ? lower - x : x - upper) / margin;
  switch (sigmoid) {
    case ToleranceSigmoid::gaussian: {
      const double scale = std::sqrt(-2.0 * std::log(value_at_margin));
      return std::exp(-0.5 * (distance * scale) * (distance * scale));
    }
    case ToleranceSigmoid::linear: {
      const double scaled = distance * (1.0 - value_at_margin);
      return scaled < 1.0 ? 1.0 - scaled : 0.0;
    }
    case ToleranceSigmoid::quadratic: {
      const double scaled = distance * std::sqrt(1.0 - value_at_margin);
      return scaled < 1.0 ? 1.0 - scaled * scaled : 0.0;
    }
    case ToleranceSigmoid::long_tail: {
      const double scaled = distance * std::sqrt(1.0 / value_at_margin - 1.0);
      return 1.0 / (scaled * scaled + 1.0);
    }
  }
  return 0.0;
}

}  // namespace diffctl
