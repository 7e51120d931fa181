#pragma once

namespace diffctl {

// The Control Suite's tolerance: 1 inside [lower, upper]; outside, a sigmoid of the distance
// to the bounds in units of `margin` that equals value_at_margin (0.1 unless said) at one
// margin; 0 outside when margin = 0.
enum class ToleranceSigmoid { gaussian, linear, quadratic, long_tail };
double tolerance(double x, double lower, double upper, double margin, ToleranceSigmoid sigmoid,
                 double value_at_margin = 0.1);

}  // namespace diffctl
