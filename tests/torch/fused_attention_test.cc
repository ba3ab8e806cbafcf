// nets/fused_attention.h: the fused attention, its AVX2 and its AVX-512 kernels, against the formula evaluated in
// float64 by ATen, softmax(q_h k_h^T (+ a logit bias)) v_h per head with the queries pre-scaled, at token counts on
// either side of its edges (6-row register tiles, 16-lane row tails, 64-query blocks and key panels, 64-key passes of
// the weighted sum), and MultiHeadSelfAttention through it against MultiHeadSelfAttention through oneDNN
// (DEPTHSTYLE_FUSED_ATTENTION=0).
//
// Bound: 1e-5 of the output's largest value, as tests/torch/transformer_layers_test.cc's. An output is a weighted sum
// of up to N values with probabilities in [0, 1] summing to 1: its float32 rounding grows like sqrt(N) u (u = 2^-24,
// ~1e-6 at N = 600), and the logits' errors (sums of 64 products) move the probabilities by a relative ~8 u |logit|.
// Measured: printed by each test.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "nets/fused_attention.h"
#include "nets/transformer_layers.h"
#include "nets/vector_kernels.h"
#include "native_depth_fixtures.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::relative_max_difference;

constexpr double kTolerance = 1e-5;

// qkv's output as MultiHeadSelfAttention hands it over: [tokens, 3 C], the query columns already times 1/8.
at::Tensor random_qkv(std::int64_t tokens, std::int64_t heads, double magnitude) {
  at::Tensor qkv = at::randn({tokens, 3 * heads * 64}) * magnitude;
  qkv.slice(1, 0, heads * 64).mul_(0.125);
  return qkv;
}

// A bias table of 37 entries per head in [-3, 3] and a random index into it (BEiT's has (2 r - 1)(2 c - 1) + 3).
LogitBias random_logit_bias(std::int64_t tokens, std::int64_t heads) {
  return LogitBias{at::rand({heads, 37}) * 6.0 - 3.0, at::randint(0, 37, {tokens, tokens}, at::kInt)};
}

// softmax(q_h k_h^T (+ bias_h)) v_h per head, in float64.
at::Tensor attention_in_float64(const at::Tensor& qkv, std::int64_t heads, const LogitBias* bias = nullptr) {
  const std::int64_t tokens = qkv.size(0);
  const at::Tensor split = qkv.to(at::kDouble).view({tokens, 3, heads, 64}).permute({1, 2, 0, 3});
  at::Tensor logits = at::matmul(split[0], split[1].transpose(1, 2));
  if (bias != nullptr) logits = logits + gather_logit_bias(*bias).to(at::kDouble);
  const at::Tensor probabilities = at::softmax(logits, -1);
  return at::matmul(probabilities, split[2]).permute({1, 0, 2}).reshape({tokens, heads * 64});
}

class FusedAttentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("DEPTHSTYLE_FUSED_ATTENTION");
    at::manual_seed(11);
  }
  void TearDown() override { unsetenv("DEPTHSTYLE_FUSED_ATTENTION"); }

  // Runs `body` with the AVX2 kernels and, where they run here, again with the AVX-512 kernels, each run's failures
  // naming its width. A CPU without AVX2/FMA fails: the kernels are the subject here. One where the AVX-512 kernels do
  // not run (no AVX-512, or oneDNN held below it) says so in the output.
  template <typename Body>
  void at_each_vector_width(const Body& body) {
    ASSERT_TRUE(fused_attention_available(64)) << "no AVX2/FMA on " << cpu_;
    setenv("DEPTHSTYLE_FUSED_ATTENTION", "avx2", 1);
    {
      SCOPED_TRACE("AVX2 kernels");
      ASSERT_FALSE(fused_attention_uses_avx512());
      body();
    }
    unsetenv("DEPTHSTYLE_FUSED_ATTENTION");
    if (!fused_attention_uses_avx512()) {
      std::cout << "AVX-512 kernels not run on " << cpu_ << " (no AVX-512, or oneDNN held below it)\n";
      return;
    }
    SCOPED_TRACE("AVX-512 kernels");
    body();
  }

  const std::string cpu_ = testing::cpu_features();
};

TEST_F(FusedAttentionTest, MatchesTheFormulaInFloat64AtEveryEdgeOfItsBlocks) {
  at_each_vector_width([&] {
    double largest_difference = 0.0;
    for (const std::int64_t tokens : {1, 5, 6, 7, 15, 17, 63, 64, 65, 127, 129, 200, 577}) {
      for (const std::int64_t heads : {1, 3}) {
        const at::Tensor qkv = random_qkv(tokens, heads, 1.0);
        const LogitBias bias = random_logit_bias(tokens, heads);
        for (const LogitBias* with : {static_cast<const LogitBias*>(nullptr), &bias}) {
          // NaN where nothing was written would show.
          at::Tensor out = at::full({tokens, heads * 64}, NAN);
          fused_attention(qkv, heads, out, with);
          const double difference =
              relative_max_difference(out.to(at::kDouble), attention_in_float64(qkv, heads, with));
          EXPECT_LE(difference, kTolerance) << tokens << " tokens, " << heads << " heads, "
                                            << (with ? "with" : "without") << " a logit bias, on " << cpu_;
          largest_difference = std::max(largest_difference, difference);
        }
      }
    }
    std::cout << "fused attention (" << (fused_attention_uses_avx512() ? "AVX-512" : "AVX2")
              << "): max |fused - float64| / max |float64| = " << largest_difference << " (" << cpu_ << ")\n";
  });
}

TEST_F(FusedAttentionTest, LogitsFarBeyondExpsRangeAreShiftedByTheirMaximum) {
  at_each_vector_width([&] {
    // Entries ~N(0, 36): logits above 100, whose exp overflows float32 unless the row's largest is taken off
    // first; most probabilities underflow to 0 and each query attends to a few keys.
    const at::Tensor qkv = random_qkv(130, 2, 6.0);
    at::Tensor out = at::empty({130, 128});
    fused_attention(qkv, 2, out);
    const double difference = relative_max_difference(out.to(at::kDouble), attention_in_float64(qkv, 2));
    EXPECT_LE(difference, kTolerance) << cpu_;
    const at::Tensor split = qkv.to(at::kDouble).view({130, 3, 2, 64}).permute({1, 2, 0, 3});
    const double largest_logit = at::matmul(split[0], split[1].transpose(1, 2)).abs().max().item<double>();
    EXPECT_GT(largest_logit, 88.7) << "exp of the largest logit must overflow float32 for this test to mean anything";
    std::cout << "fused attention, logits up to " << largest_logit << ": " << difference << "\n";
  });
}

// Every logit near -190: each row's maximum (taken partly as the products are stored) must come from the tokens only.
// The last key panel's padding keys score 0; counted in, they would shift every exp below float32's range, the sums
// to 0 and the outputs to inf or NaN. Token counts with a partial last panel, one with none. Bound: logits this large
// carry float32 errors of ~8 u |logit| (the header), which move the probabilities by as much: 16 u times the largest.
TEST_F(FusedAttentionTest, EachRowsMaximumLeavesOutThePaddingKeys) {
  at_each_vector_width([&] {
    for (const std::int64_t tokens : {70, 130, 128}) {
      at::Tensor qkv = random_qkv(tokens, 2, 1.0);
      qkv.slice(1, 0, 128).copy_(-3.0 + 0.05 * at::randn({tokens, 128}));  // queries (already scaled)
      qkv.slice(1, 128, 256).copy_(1.0 + 0.05 * at::randn({tokens, 128}));  // keys
      at::Tensor out = at::empty({tokens, 128});
      fused_attention(qkv, 2, out);
      const at::Tensor split = qkv.to(at::kDouble).view({tokens, 3, 2, 64}).permute({1, 2, 0, 3});
      const at::Tensor logits = at::matmul(split[0], split[1].transpose(1, 2));
      ASSERT_LT(logits.max().item<double>(), -150.0);
      const double bound = 16 * 0x1p-24 * logits.abs().max().item<double>();
      EXPECT_TRUE(out.isfinite().all().item<bool>()) << tokens << " tokens on " << cpu_;
      const double difference = relative_max_difference(out.to(at::kDouble), attention_in_float64(qkv, 2));
      EXPECT_LE(difference, bound) << tokens << " tokens on " << cpu_;
      std::cout << tokens << " tokens, logits near -190: " << difference << " (bound " << bound << ")\n";
    }
  });
}

TEST_F(FusedAttentionTest, TheSwitchTurnsItOffAndOtherHeadSizesNeverUseIt) {
  EXPECT_FALSE(fused_attention_available(32));
  EXPECT_FALSE(fused_attention_available(80));
  EXPECT_EQ(fused_attention_available(64), cpu_has_avx2_fma()) << cpu_;
  setenv("DEPTHSTYLE_FUSED_ATTENTION", "avx2", 1);
  EXPECT_FALSE(fused_attention_uses_avx512());
  setenv("DEPTHSTYLE_FUSED_ATTENTION", "0", 1);
  EXPECT_FALSE(fused_attention_available(64));
}

TEST_F(FusedAttentionTest, MultiHeadSelfAttentionGivesTheSameHeadsThroughEitherPath) {
  ASSERT_TRUE(fused_attention_available(64)) << "no AVX2/FMA on " << cpu_;
  const std::int64_t channels = 192, heads = 3, tokens = 150;
  const MultiHeadSelfAttention attention(at::randn({3 * channels, channels}) * 0.1, at::randn({3 * channels}) * 0.1,
                                         at::randn({channels, channels}) * 0.1, at::randn({channels}) * 0.1, heads);
  const at::Tensor input = at::randn({tokens, channels});
  const at::Tensor fused = attention(input);
  setenv("DEPTHSTYLE_FUSED_ATTENTION", "0", 1);
  const at::Tensor through_onednn = attention(input);
  const double difference = relative_max_difference(fused, through_onednn);
  EXPECT_LE(difference, kTolerance) << cpu_;
  EXPECT_GT((fused - through_onednn).abs().max().item<double>(), 0.0)
      << "both runs took the same path: the switch did nothing";
  std::cout << "MultiHeadSelfAttention fused vs oneDNN: " << difference << "\n";
}

}  // namespace
}  // namespace depthstyle
