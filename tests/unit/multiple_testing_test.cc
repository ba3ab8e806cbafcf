#include "stats/multiple_testing.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Holm, StepDownAdjustmentInTheOriginalOrder) {
  // Sorted: 0.005 * 4 = 0.02, 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 = 0.04 -> running max 0.06.
  const std::vector<double> adjusted = holm_adjusted_p_values({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
  // Capped at 1; one test is left alone; none gives none.
  EXPECT_EQ(holm_adjusted_p_values({0.4, 0.6}), (std::vector<double>{0.8, 0.8}));
  EXPECT_EQ(holm_adjusted_p_values({0.7, 0.9}), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(holm_adjusted_p_values({0.0123}), (std::vector<double>{0.0123}));
  EXPECT_TRUE(holm_adjusted_p_values({}).empty());
}

TEST(Holm, RejectsValuesThatAreNotProbabilities) {
  EXPECT_THROW_MESSAGE(holm_adjusted_p_values({0.1, 1.5}), UsageError,
                       "Holm correction: p-value 1 is 1.5, expected a value in [0, 1]");
  EXPECT_THROW_MESSAGE(holm_adjusted_p_values({NAN}), UsageError, "p-value 0 is nan");
}

}  // namespace
}  // namespace depthstyle
