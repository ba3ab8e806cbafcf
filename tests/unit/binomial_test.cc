// Exact binomial inference against docs/reference.md#binomial-conventions (R binom.test, SciPy binomtest) and against
// independent exact values from tests/fixtures/stats/binomial_references.py (rational sums with Python's fractions,
// beta quantiles by bisection with mpmath at 50 digits). Tolerances: p-values 1e-10 relative, interval ends 1e-9
// relative, unless a reference is printed with fewer digits (then half a unit of its last printed digit).
#include "stats/binomial.h"

#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

constexpr double kPValueTolerance = 1e-10;
constexpr double kIntervalTolerance = 1e-9;

// Half a unit of the last digit a decimal reference is printed with ("0.005656361" -> 5e-10), and never looser than
// `relative` of the value.
double printed_tolerance(const std::string& reference, double relative) {
  const std::size_t point = reference.find('.');
  const int decimals = point == std::string::npos ? 0 : static_cast<int>(reference.size() - point - 1);
  return std::max(0.5 * std::pow(10.0, -decimals), relative * std::fabs(std::stod(reference)));
}

#define EXPECT_PRINTED(actual, reference, relative) \
  EXPECT_NEAR(actual, std::stod(reference), printed_tolerance(reference, relative)) << "reference " << (reference)

#define EXPECT_RELATIVE(actual, expected, relative) \
  EXPECT_NEAR(actual, expected, (relative) * std::fabs(expected)) << "expected " << (expected)

BinomialTest test_of(std::int64_t k, std::int64_t n, double p0, Alternative alternative, double confidence = 0.95) {
  return binomial_test(k, n, {p0, alternative, confidence});
}

TEST(Binomial, ReferenceMdTable2Values) {
  const BinomialTest greater = test_of(207, 360, 0.5, Alternative::kGreater);
  EXPECT_PRINTED(greater.p_value, "0.0025727756673129707", kPValueTolerance);
  const BinomialTest two_sided = test_of(207, 360, 0.5, Alternative::kTwoSided);
  EXPECT_PRINTED(two_sided.p_value, "0.0051455513346259415", kPValueTolerance);
  EXPECT_PRINTED(two_sided.interval.lower, "0.522104328591575", kIntervalTolerance);
  EXPECT_PRINTED(two_sided.interval.upper, "0.626651893684790", kIntervalTolerance);
  const BinomialTest at_99 = test_of(207, 360, 0.5, Alternative::kTwoSided, 0.99);
  EXPECT_PRINTED(at_99.interval.lower, "0.505856058407641", kIntervalTolerance);
  EXPECT_PRINTED(at_99.interval.upper, "0.642119101618698", kIntervalTolerance);
  EXPECT_DOUBLE_EQ(two_sided.estimate, 0.575);
  EXPECT_NEAR(two_sided.standard_error, 0.026054, 5e-7);
  EXPECT_NEAR(null_standard_error(0.5, 360), 0.026352, 5e-7);
}

TEST(Binomial, ReferenceMdOtherValues) {
  const BinomialTest a = test_of(682, 925, 0.75, Alternative::kTwoSided);
  // R prints 0.38249155957481695; the exact rational value is 0.382491559574851681 (9e-14 apart, both within 1e-10).
  EXPECT_PRINTED(a.p_value, "0.38249155957481695", kPValueTolerance);
  EXPECT_PRINTED(a.interval.lower, "0.707668264079", kIntervalTolerance);
  EXPECT_PRINTED(a.interval.upper, "0.765406558242", kIntervalTolerance);

  const BinomialTest less = test_of(20, 100, 0.25, Alternative::kLess);
  EXPECT_PRINTED(less.p_value, "0.148831050443", kPValueTolerance);
  EXPECT_EQ(less.interval.lower, 0.0);
  EXPECT_PRINTED(less.interval.upper, "0.2772002496709138", kIntervalTolerance);
  const BinomialTest greater = test_of(20, 100, 0.25, Alternative::kGreater);
  EXPECT_PRINTED(greater.p_value, "0.9004695898947", kPValueTolerance);
  EXPECT_PRINTED(greater.interval.lower, "0.1366613252458672", kIntervalTolerance);
  EXPECT_EQ(greater.interval.upper, 1.0);
  const BinomialTest two = test_of(20, 100, 0.25, Alternative::kTwoSided);
  EXPECT_PRINTED(two.p_value, "0.2983720970096", kPValueTolerance);
  EXPECT_PRINTED(two.interval.lower, "0.1266555521019559", kIntervalTolerance);
  EXPECT_PRINTED(two.interval.upper, "0.2918426890886281", kIntervalTolerance);

  const BinomialTest less_99 = test_of(3, 50, 0.2, Alternative::kLess, 0.99);
  EXPECT_PRINTED(less_99.p_value, "0.005656361", kPValueTolerance);
  EXPECT_PRINTED(less_99.interval.upper, "0.1872093", kIntervalTolerance);
  const BinomialTest greater_99 = test_of(3, 50, 0.2, Alternative::kGreater, 0.99);
  EXPECT_PRINTED(greater_99.p_value, "0.9987146", kPValueTolerance);
  EXPECT_PRINTED(greater_99.interval.lower, "0.008860761", kIntervalTolerance);
  const BinomialTest two_99 = test_of(3, 50, 0.2, Alternative::kTwoSided, 0.99);
  EXPECT_PRINTED(two_99.p_value, "0.01191714", kPValueTolerance);
  EXPECT_PRINTED(two_99.interval.lower, "0.006872485", kIntervalTolerance);
  EXPECT_PRINTED(two_99.interval.upper, "0.202706269", kIntervalTolerance);

  const BinomialTest zero_less = test_of(0, 10, 0.25, Alternative::kLess);
  EXPECT_PRINTED(zero_less.p_value, "0.05631351", kPValueTolerance);
  EXPECT_PRINTED(zero_less.interval.upper, "0.2588656", kIntervalTolerance);
  EXPECT_EQ(test_of(0, 10, 0.25, Alternative::kGreater).p_value, 1.0);
  const BinomialTest zero_two = test_of(0, 10, 0.25, Alternative::kTwoSided);
  EXPECT_PRINTED(zero_two.p_value, "0.07604122", kPValueTolerance);
  EXPECT_PRINTED(zero_two.interval.upper, "0.3084971", kIntervalTolerance);
}

// Generated by tests/fixtures/stats/binomial_references.py (exact rational sums).
struct TailReference {
  std::int64_t k, n;
  double p0, greater, less, two_sided;
};
const TailReference kTailReferences[] = {
    {207, 360, 0.5, 0.0025727756673129706715, 0.99815646518767330366, 0.005145551334625941343},
    {682, 925, 0.75, 0.82408912235242257935, 0.19600926705388334616, 0.38249155957485168132},
    {20, 100, 0.25, 0.90046958989468594484, 0.14883105044299125837, 0.29837209700956471507},
    {3, 50, 0.2, 0.99871458504675669561, 0.0056563610121553044026, 0.01191713559701791137},
    {0, 10, 0.25, 1.0, 0.05631351470947265625, 0.07604122161865234375},
    {10, 10, 0.3, 0.0000059048999999999978147, 1.0, 0.0000059048999999999978147},
    {0, 1, 0.5, 1.0, 0.5, 1.0},
    {1, 1, 0.5, 0.5, 1.0, 1.0},
    {1, 1000, 1e-06, 0.00099950066612559107897, 0.99999950083220978162, 0.00099950066612559107897},
    {1000, 1000, 0.999999, 0.99900049933384568192, 1.0, 1.0},
    {998, 1000, 0.999999, 0.99999999983395720187, 0.00000049916779024707817838, 0.00000049916779024707817838},
    {2600, 5000, 0.5, 0.002441824868758759064, 0.99776477951882166953, 0.0048836497375175181281},
    {1320, 5000, 0.25, 0.011944613252418108184, 0.9890233852323926434, 0.023203185295216200902},
    {1180, 5000, 0.25, 0.9896829545738905654, 0.011258572042798092718, 0.022235186810405449321},
};

TEST(Binomial, TailsAndTwoSidedMatchExactRationalSums) {
  for (const TailReference& r : kTailReferences) {
    SCOPED_TRACE(::testing::Message() << "k=" << r.k << " n=" << r.n << " p0=" << r.p0);
    EXPECT_RELATIVE(test_of(r.k, r.n, r.p0, Alternative::kGreater).p_value, r.greater, kPValueTolerance);
    EXPECT_RELATIVE(test_of(r.k, r.n, r.p0, Alternative::kLess).p_value, r.less, kPValueTolerance);
    EXPECT_RELATIVE(test_of(r.k, r.n, r.p0, Alternative::kTwoSided).p_value, r.two_sided, kPValueTolerance);
  }
}

// Natural logs of tails far below the smallest double, and on both sides of the switch to log-space summation.
struct LogTailReference {
  std::int64_t k, n;
  double p0, log_greater, log_less, log_two_sided;
};
const LogTailReference kLogTailReferences[] = {
    {1990, 2000, 0.5, -1325.4072521068735245, 0, -1324.7141049263135792},
    {5, 2000, 0.5, 0, -1353.0798374289033844, -1352.3866902483434391},
    {1950, 2000, 0.5, -1155.3186738584600004, 0, -1154.6255266779000551},
    {1780, 2000, 0.5, -696.68980944947940625, 0, -695.99666226891946094},
    {1790, 2000, 0.5, -717.84273771291774377, 0, -717.14959053235779846},
    {1752, 2000, 0.5, -640.1124119289306723, 0, -639.41926474837072699},
    {1758, 2000, 0.5, -651.92034617120034685, 0, -651.22719899064040154},
    {2400, 3000, 0.875, -2.0516646548982616969e-31, -70.097488863910783041, -69.567392292101643426},
};

TEST(Binomial, LogTailsBeyondTheDoubleRangeMatchExactSums) {
  for (const LogTailReference& r : kLogTailReferences) {
    SCOPED_TRACE(::testing::Message() << "k=" << r.k << " n=" << r.n << " p0=" << r.p0);
    // Logs near 0 are compared absolutely (log P for P = 1 - 1e-500 is -1e-500).
    EXPECT_NEAR(binomial_log_upper_tail(r.k, r.n, r.p0), r.log_greater, 1e-12 * std::max(1.0, -r.log_greater));
    EXPECT_NEAR(binomial_log_lower_tail(r.k, r.n, r.p0), r.log_less, 1e-12 * std::max(1.0, -r.log_less));
    const BinomialTest two = test_of(r.k, r.n, r.p0, Alternative::kTwoSided);
    EXPECT_NEAR(two.log_p_value, r.log_two_sided, 1e-12 * std::max(1.0, -r.log_two_sided));
  }
}

struct IntervalReference {
  std::int64_t k, n;
  double confidence;
  double exact_lower, exact_upper, greater_lower, less_upper, wilson_lower, wilson_upper, jeffreys_lower,
      jeffreys_upper;
};
const IntervalReference kIntervalReferences[] = {
    {207, 360, 0.95, 0.52210432859157539554, 0.62665189368479024812, 0.5304109362458767791, 0.61866537956878315231,
     0.52340704155879199032, 0.62500924990790398366, 0.52350351173262149104, 0.62529594032419799841},
    {207, 360, 0.99, 0.50585605840764123824, 0.64211910161869799193, 0.51243908834944986765, 0.63587713317880653526,
     0.50712783549116376861, 0.64015765342606765802, 0.50725475779035747383, 0.64077700653565788974},
    {682, 925, 0.95, 0.70766826407903902877, 0.76540655824152524176, 0.71241292443654824708, 0.76105527468954512223,
     0.70799598761962053402, 0.76463580097148891673, 0.7082258165034296702, 0.76488646068530410628},
    {20, 100, 0.95, 0.12665555210195588895, 0.29184268908862807626, 0.13666132524586726367, 0.27720024967091363009,
     0.13336693333103252442, 0.2888291655931588781, 0.13079041541868483529, 0.28627957282731740338},
    {3, 50, 0.99, 0.0068724853329516448427, 0.20270626946864323746, 0.0088607614458725491789, 0.18720925616529482668,
     0.015294840009215737398, 0.20779900070229687269, 0.010097112692892432959, 0.18788259743357837177},
    {0, 10, 0.95, 0, 0.30849710781876076249, 0, 0.25886555089305221685, 0, 0.27753279986288917498, 0,
     0.21719626750921051559},
    {10, 10, 0.95, 0.69150289218123923751, 1.0, 0.74113444910694778315, 1.0, 0.72246720013711082502, 1.0,
     0.78280373249078948441, 1.0},
    {0, 1, 0.95, 0, 0.9749999999999999778, 0, 0.94999999999999995559, 0, 0.7934506856227625485, 0,
     0.85325368369042481321},
    {1, 1, 0.95, 0.025000000000000022204, 1.0, 0.050000000000000044409, 1.0, 0.2065493143772374515, 1.0,
     0.14674631630957518679, 1.0},
    {1, 1000, 0.95, 0.000025317487491294065907, 0.0055589242798266718285, 0.000051291978909017854894,
     0.0047349935754997766274, 0.00017654637062607806274, 0.0056425585979579343458, 0.00010791880468097985105,
     0.0046644588087913721553},
    {998, 1000, 0.95, 0.99279416108854250267, 0.99975769888312276795, 0.99371771545327657423, 0.99964452386652240288,
     0.99273719213650782503, 0.9994513564118792728, 0.99359950023947028042, 0.99958416863484689142},
};

// Interval ends: 1e-9 relative, and exact 0 / 1 where the convention says so.
void expect_end(double actual, double expected) {
  if (expected == 0 || expected == 1) EXPECT_EQ(actual, expected);
  else EXPECT_RELATIVE(actual, expected, kIntervalTolerance);
}

TEST(Binomial, IntervalsMatchHighPrecisionQuantiles) {
  for (const IntervalReference& r : kIntervalReferences) {
    SCOPED_TRACE(::testing::Message() << "k=" << r.k << " n=" << r.n << " confidence=" << r.confidence);
    const ProportionInterval exact = clopper_pearson_interval(r.k, r.n, r.confidence);
    expect_end(exact.lower, r.exact_lower);
    expect_end(exact.upper, r.exact_upper);
    const ProportionInterval greater = clopper_pearson_interval(r.k, r.n, r.confidence, Alternative::kGreater);
    expect_end(greater.lower, r.greater_lower);
    EXPECT_EQ(greater.upper, 1.0);
    const ProportionInterval less = clopper_pearson_interval(r.k, r.n, r.confidence, Alternative::kLess);
    EXPECT_EQ(less.lower, 0.0);
    expect_end(less.upper, r.less_upper);
    const ProportionInterval wilson = wilson_interval(r.k, r.n, r.confidence);
    expect_end(wilson.lower, r.wilson_lower);
    expect_end(wilson.upper, r.wilson_upper);
    const ProportionInterval jeffreys = jeffreys_interval(r.k, r.n, r.confidence);
    expect_end(jeffreys.lower, r.jeffreys_lower);
    expect_end(jeffreys.upper, r.jeffreys_upper);
  }
}

TEST(Binomial, SymmetricNullGivesMirroredResults) {
  for (const std::int64_t n : {1, 2, 7, 360, 1001}) {
    for (std::int64_t k = 0; k <= n; k += std::max<std::int64_t>(1, n / 13)) {
      SCOPED_TRACE(::testing::Message() << "k=" << k << " n=" << n);
      const BinomialTest here = test_of(k, n, 0.5, Alternative::kTwoSided);
      const BinomialTest mirror = test_of(n - k, n, 0.5, Alternative::kTwoSided);
      EXPECT_RELATIVE(here.p_value, mirror.p_value, 1e-13);
      EXPECT_RELATIVE(here.interval.lower, 1 - mirror.interval.upper, 1e-12);
      EXPECT_RELATIVE(test_of(k, n, 0.5, Alternative::kGreater).p_value,
                      test_of(n - k, n, 0.5, Alternative::kLess).p_value, 1e-13);
      // Away from the centre, minlike two-sided is twice the smaller tail when p0 = 1/2.
      const double smaller = std::min(test_of(k, n, 0.5, Alternative::kGreater).p_value,
                                      test_of(k, n, 0.5, Alternative::kLess).p_value);
      EXPECT_RELATIVE(here.p_value, std::min(1.0, 2 * smaller), 1e-13);
    }
  }
  // Mirroring p0 too: P(X >= k | p) = P(X <= n - k | 1 - p).
  EXPECT_RELATIVE(binomial_log_upper_tail(70, 200, 0.3), binomial_log_lower_tail(130, 200, 0.7), 1e-13);
}

TEST(Binomial, EdgeCases) {
  // n = 1.
  EXPECT_EQ(test_of(1, 1, 0.5, Alternative::kTwoSided).p_value, 1.0);
  EXPECT_DOUBLE_EQ(test_of(1, 1, 0.5, Alternative::kGreater).p_value, 0.5);
  EXPECT_EQ(test_of(0, 1, 0.3, Alternative::kTwoSided).p_value, 1.0);  // P(X = 1) = 0.3 <= P(X = 0) counts too
  EXPECT_DOUBLE_EQ(test_of(1, 1, 0.3, Alternative::kTwoSided).p_value, 0.3);
  // k = 0 and k = n: the certain tails are exactly 1 and the interval reaches the boundary.
  const BinomialTest none = test_of(0, 50, 0.5, Alternative::kTwoSided);
  EXPECT_EQ(test_of(0, 50, 0.5, Alternative::kGreater).p_value, 1.0);
  EXPECT_EQ(none.interval.lower, 0.0);
  EXPECT_RELATIVE(none.interval.upper, 1 - std::pow(0.025, 1.0 / 50), 1e-12);  // closed form when k = 0
  EXPECT_RELATIVE(none.p_value, std::ldexp(2.0, -50), 1e-13);
  const BinomialTest all = test_of(50, 50, 0.5, Alternative::kTwoSided);
  EXPECT_EQ(test_of(50, 50, 0.5, Alternative::kLess).p_value, 1.0);
  EXPECT_EQ(all.interval.upper, 1.0);
  EXPECT_RELATIVE(all.interval.lower, std::pow(0.025, 1.0 / 50), 1e-12);
  EXPECT_EQ(all.standard_error, 0.0);
  // k = n p0 exactly: two-sided p is 1 by definition.
  EXPECT_EQ(test_of(180, 360, 0.5, Alternative::kTwoSided).p_value, 1.0);
  EXPECT_EQ(test_of(25, 100, 0.25, Alternative::kTwoSided).p_value, 1.0);
  // p0 at the boundary: the null is a point mass.
  EXPECT_EQ(test_of(0, 10, 0.0, Alternative::kTwoSided).p_value, 1.0);
  EXPECT_EQ(test_of(1, 10, 0.0, Alternative::kTwoSided).p_value, 0.0);
  EXPECT_EQ(test_of(1, 10, 0.0, Alternative::kGreater).p_value, 0.0);
  EXPECT_EQ(test_of(1, 10, 0.0, Alternative::kLess).p_value, 1.0);
  EXPECT_EQ(test_of(10, 10, 1.0, Alternative::kTwoSided).p_value, 1.0);
  EXPECT_EQ(test_of(9, 10, 1.0, Alternative::kLess).p_value, 0.0);
  // p0 near 0 and 1: P(X >= 1) = 1 - (1 - p)^n without cancellation.
  EXPECT_RELATIVE(test_of(1, 1000, 1e-12, Alternative::kGreater).p_value, -std::expm1(1000 * std::log1p(-1e-12)),
                  1e-12);
  const double near_one = 1 - 1e-12;  // 1 - near_one is exact in doubles
  EXPECT_RELATIVE(test_of(999, 1000, near_one, Alternative::kLess).p_value,
                  -std::expm1(1000 * std::log1p(-(1 - near_one))), 1e-12);
}

TEST(Binomial, BadArgumentsAreUsageErrorsThatSayWhatWasExpected) {
  EXPECT_THROW_MESSAGE(binomial_test(5, 3), UsageError, "successes k = 5 must be in [0, n = 3]");
  EXPECT_THROW_MESSAGE(binomial_test(-1, 3), UsageError, "successes k = -1 must be in [0, n = 3]");
  EXPECT_THROW_MESSAGE(binomial_test(0, 0), UsageError, "the number of trials n = 0 must be in [1, 2^53]");
  EXPECT_THROW_MESSAGE(binomial_test(1, 3, {1.5}), UsageError, "the null proportion p0 = 1.5 must be in [0, 1]");
  EXPECT_THROW_MESSAGE(binomial_test(1, 3, {0.5, Alternative::kGreater, 1.0}), UsageError,
                       "the confidence level 1 must be in (0, 1)");
  EXPECT_THROW_MESSAGE(binomial_test(1, 3, {std::nan(""), Alternative::kGreater}), UsageError, "p0 = nan");
  EXPECT_THROW_MESSAGE(alternative_from_string("bigger"), UsageError,
                       "unknown alternative 'bigger': expected one of two-sided, greater, less");
  EXPECT_EQ(alternative_from_string("two.sided"), Alternative::kTwoSided);
}

// Berry-Esseen (Shevtsova 2011, C = 0.4748): |P(X <= x) - Phi((x - np) / sd)| <= C (p^2 + q^2) / sqrt(npq) for all
// x. That bound is loose (1.5e-4 here), so the tails are also held to the one-term Edgeworth expansion with continuity
// correction, Phi(z) - phi(z) g (z^2 - 1) / 6 with skewness g = (q - p) / sd, whose error is O(1/n).
TEST(Binomial, TenMillionTrialsAgreeWithTheNormalApproximationWithinItsError) {
  const std::int64_t n = 10'000'000;
  const boost::math::normal_distribution<double> normal;
  for (const double p : {0.5, 0.3}) {
    const double mean = n * p, sd = std::sqrt(n * p * (1 - p)), skewness = (1 - 2 * p) / sd;
    const double bound = 0.4748 * (p * p + (1 - p) * (1 - p)) / std::sqrt(n * p * (1 - p));
    for (const double shift : {-3.0, -1.0, 0.0, 0.5, 2.0, 4.0}) {
      const std::int64_t k = static_cast<std::int64_t>(std::floor(mean + shift * sd));
      SCOPED_TRACE(::testing::Message() << "p=" << p << " k=" << k);
      const double exact = test_of(k, n, p, Alternative::kLess).p_value;
      const double z = (static_cast<double>(k) + 0.5 - mean) / sd;
      EXPECT_NEAR(exact, boost::math::cdf(normal, z), bound);
      const double edgeworth = boost::math::cdf(normal, z) - boost::math::pdf(normal, z) * skewness * (z * z - 1) / 6;
      EXPECT_NEAR(exact, edgeworth, 10.0 / n);
    }
  }
}

// The method of types: exp(-n D) / (n + 1) <= P(X >= k) <= exp(-n D) for k / n = a > p, D = KL(a || p).
TEST(Binomial, HundredMillionTrialsStayFiniteAndInsideTheChernoffBounds) {
  const std::int64_t n = 100'000'000;
  for (const double a : {0.5001, 0.502, 0.55, 0.9}) {
    const std::int64_t k = static_cast<std::int64_t>(a * n);
    const double p = 0.5, dk = static_cast<double>(k) / n;
    const double divergence = dk * std::log(dk / p) + (1 - dk) * std::log((1 - dk) / (1 - p));
    const double log_tail = binomial_log_upper_tail(k, n, p);
    SCOPED_TRACE(::testing::Message() << "k=" << k << " log tail " << log_tail);
    ASSERT_TRUE(std::isfinite(log_tail));
    EXPECT_LE(log_tail, -n * divergence + 1e-9 * n * divergence);
    EXPECT_GE(log_tail, -n * divergence - std::log(n + 1.0));
    const BinomialTest two = test_of(k, n, p, Alternative::kTwoSided);
    EXPECT_NEAR(two.log_p_value, log_tail + std::log(2.0), 1e-9 * std::max(1.0, -log_tail));
    EXPECT_TRUE(two.p_value >= 0 && two.p_value <= 1);
    EXPECT_GT(two.interval.lower, 0.0);
    EXPECT_LT(two.interval.lower, dk);
    EXPECT_GT(two.interval.upper, dk);
  }
}

TEST(Binomial, LogPmfIsAccurateAtEveryScale) {
  // Sums to 1 over the support.
  double total = 0;
  for (std::int64_t k = 0; k <= 1000; ++k) total += std::exp(binomial_log_pmf(k, 1000, 0.3));
  EXPECT_NEAR(total, 1.0, 1e-13);
  // Agrees with Boost's mass function (incomplete beta derivative) wherever that does not underflow.
  for (const std::int64_t k : {0, 1, 2900, 3000, 3100, 9999}) {
    const boost::math::binomial_distribution<double> distribution(10000, 0.3);
    EXPECT_RELATIVE(std::exp(binomial_log_pmf(k, 10000, 0.3)), boost::math::pdf(distribution, k), 1e-12) << k;
  }
  // Successive ratios at n = 10^8, log P(k + 1) - log P(k) = log((n - k) p / ((k + 1) q)), up to a few units in the
  // last place of the logs themselves (which reach -3.6e7 here).
  const std::int64_t n = 100'000'000;
  for (const std::int64_t k : {std::int64_t{1}, std::int64_t{30'000'000}, std::int64_t{49'999'999},
                               std::int64_t{99'999'998}}) {
    const double log_mass = binomial_log_pmf(k, n, 0.3);
    const double step = binomial_log_pmf(k + 1, n, 0.3) - log_mass;
    const double ulps = 8 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::fabs(log_mass));
    EXPECT_NEAR(step, std::log(static_cast<double>(n - k) / static_cast<double>(k + 1) * 0.3 / 0.7), ulps) << k;
  }
  EXPECT_NEAR(binomial_log_pmf(30'000'000, n, 0.3), -0.5 * std::log(2 * M_PI * n * 0.3 * 0.7), 1e-8);
  EXPECT_EQ(binomial_log_pmf(-1, 10, 0.5), -INFINITY);
  EXPECT_EQ(binomial_log_pmf(11, 10, 0.5), -INFINITY);
  EXPECT_DOUBLE_EQ(binomial_log_pmf(0, 10, 0.5), 10 * std::log(0.5));
}

TEST(Binomial, StandardErrors) {
  EXPECT_DOUBLE_EQ(proportion_standard_error(207, 360), std::sqrt(0.575 * 0.425 / 360));
  EXPECT_DOUBLE_EQ(null_standard_error(0.5, 360), std::sqrt(0.25 / 360));
  EXPECT_EQ(proportion_standard_error(0, 10), 0.0);
}

TEST(Binomial, PValuesPrintLikeThePaperAndSurviveUnderflow) {
  EXPECT_EQ(format_p_value(0.0025727756673129707, std::log(0.0025727756673129707)), "0.0026");
  EXPECT_EQ(format_p_value(0.38249155957485168, std::log(0.38249155957485168)), "0.38");
  EXPECT_EQ(format_p_value(1.0, 0.0), "1");
  EXPECT_EQ(format_p_value(2.5e-12, std::log(2.5e-12)), "2.5e-12");
  EXPECT_EQ(format_p_value(0.0, -10000 * std::log(10.0) + std::log(3.0)), "10^-9999.5");
  EXPECT_EQ(format_p_value(0.0, -INFINITY), "0");
}

}  // namespace
}  // namespace depthstyle
