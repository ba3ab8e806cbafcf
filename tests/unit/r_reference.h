// Running R as the reference implementation in tests: the tests write their data, run an R script from
// tests/fixtures/stats/ with Rscript, and compare with the "name value" lines it prints.
//
// R is required (Debian: apt-get install r-base-core r-cran-lme4). Without it these tests fail with a message
// saying so; they never skip.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/process.h"
#include "support/test_support.h"

namespace depthstyle::testing {

constexpr const char* kRMissing =
    "R with lme4 is required for the reference tests: apt-get install -y --no-install-recommends r-base-core "
    "r-cran-lme4";

// Runs `Rscript fixtures/stats/<script> arguments...`; fails the test (fatal to the caller's statement) when R cannot
// run or the script fails. Returns name -> value ("TRUE"/"FALSE" read as 1/0).
inline std::map<std::string, double> run_r_reference(const std::string& script, const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {"Rscript", "--vanilla", fixture_path("stats/" + script).string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ProcessResult result;
  try {
    result = run_process(argv);
  } catch (const Error& error) {
    ADD_FAILURE() << kRMissing << " (" << error.what() << ")";
    return {};
  }
  if (result.exit_code != 0) {
    ADD_FAILURE() << "Rscript " << script << " failed (exit " << result.exit_code << "); " << kRMissing
                  << "\noutput:\n" << result.output;
    return {};
  }
  std::map<std::string, double> values;
  std::istringstream lines(result.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name, value;
    if (!(fields >> name >> value)) continue;
    if (value == "TRUE" || value == "FALSE") {
      values[name] = value == "TRUE";
    } else {
      try {
        values[name] = std::stod(value);
      } catch (const std::exception&) {
        values[name] = std::nan("");  // NA, Inf printed by R
      }
    }
  }
  return values;
}

// The value of `name` in R's output; a missing name fails the test and gives NaN (which fails every comparison).
inline double r_value(const std::map<std::string, double>& values, const std::string& name) {
  const auto found = values.find(name);
  if (found == values.end()) {
    ADD_FAILURE() << "R printed no value named " << name;
    return std::nan("");
  }
  return found->second;
}

// |actual - expected| <= absolute + relative |expected|, as a gtest assertion that names the quantity. With the
// environment variable DEPTHSTYLE_PRINT_R_DIFFERENCES set, every comparison is printed (for reports).
inline ::testing::AssertionResult near_reference(const std::string& what, double actual, double expected,
                                                 double relative, double absolute = 0) {
  const double difference = std::fabs(actual - expected);
  if (std::getenv("DEPTHSTYLE_PRINT_R_DIFFERENCES") != nullptr) {
    std::printf("R-DIFF %s | %s | abs %.3g | rel %.3g\n",
                ::testing::UnitTest::GetInstance()->current_test_info()->name(), what.c_str(), difference,
                expected != 0 ? difference / std::fabs(expected) : difference);
  }
  if (difference <= absolute + relative * std::fabs(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << ": depthstyle " << actual << ", R " << expected << ", difference "
                                       << difference << " > " << absolute << " + " << relative << " x |R|";
}

}  // namespace depthstyle::testing
