// `depthstyle stats power` planning by simulation, run as a user runs it: from a pilot study's answers CSV
// (--from-study) or from given SDs; a fixed seed gives a fixed output, the power rises with respondents, and the
// printed Monte Carlo error is sqrt(p (1 - p) / simulations) of the printed power.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "core/text.h"
#include "stats/crossed_simulation.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::run_cli;
using testing::TempDir;

// A pilot of 8 respondents x 6 pairs (respondent SD 0.8, pair SD 0.4) as the answers CSV of `survey export`.
std::filesystem::path write_pilot(const std::filesystem::path& dir) {
  SimulatedCrossedStudy pilot;
  pilot.respondents = 8;
  pilot.pairs = 6;
  pilot.intercept = 0.4;
  pilot.respondent_sd = 0.8;
  pilot.pair_sd = 0.4;
  pilot.seed = 21;
  const std::filesystem::path path = dir / "pilot.csv";
  std::ofstream csv(path);
  csv << "respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time\n";
  for (const CrossedVote& vote : simulate_crossed_study(pilot)) {
    const std::string left = vote.proposed_side == 0 ? "da-adain" : "adain";
    const std::string right = vote.proposed_side == 0 ? "adain" : "da-adain";
    csv << "r" << vote.respondent << ",t" << vote.pair << ",p" << vote.pair << ',' << left << ',' << right << ','
        << (vote.chose_proposed == 1 ? "da-adain" : "adain") << ",1000,2026-01-01T00:00:00Z\n";
  }
  return path;
}

struct PowerRow {
  int respondents = 0;
  int pairs = 0;
  double power = 0;
  double error = 0;
  int simulations = 0;
};

// The rows of the printed table: | R | P | R*P | power | error | simulations | degenerate | failed |.
std::vector<PowerRow> power_rows(const std::string& output) {
  std::vector<PowerRow> rows;
  const std::regex row(R"(\| (\d+) \| (\d+) \| \d+ \| ([0-9.]+) \| ([0-9.]+) \| (\d+) \| \d+ \| \d+ \|)");
  for (std::sregex_iterator it(output.begin(), output.end(), row), end; it != end; ++it) {
    rows.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4]),
                    std::stoi((*it)[5])});
  }
  return rows;
}

TEST(StatsPowerCli, FromAPilotStudyAFixedSeedGivesAFixedTableOnThePilotsGrid) {
  TempDir dir;
  const std::string pilot = write_pilot(dir.path()).string();
  const std::vector<std::string> command = {"stats", "power", "--effect", "0.65", "--from-study", pilot,
                                            "--simulations", "25", "--seed", "4"};
  const ProcessResult first = run_cli(command);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(run_cli(command).output, first.output);
  EXPECT_NE(first.output.find("25 simulated studies per design"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("Monte Carlo standard error = sqrt(power (1 - power) / 25)"), std::string::npos);
  EXPECT_NE(first.output.find("8 respondents x 6 pairs, 48 answers"), std::string::npos) << first.output;
  const std::vector<PowerRow> rows = power_rows(first.output);
  ASSERT_EQ(rows.size(), 3u) << first.output;  // respondents 8, 16, 32 x pairs 6
  EXPECT_EQ(rows[0].respondents, 8);
  EXPECT_EQ(rows[2].respondents, 32);
  EXPECT_EQ(rows[2].pairs, 6);
  std::vector<std::string> other_seed = command;
  other_seed.back() = "5";
  EXPECT_NE(run_cli(other_seed).output, first.output);
}

TEST(StatsPowerCli, PowerRisesWithRespondentsAndTheErrorIsBinomial) {
  const ProcessResult result =
      run_cli({"stats", "power", "--effect", "0.6", "--respondent-sd", "0.5", "--pair-sd", "0.3", "--respondents",
               "4,16,64", "--pairs", "10", "--simulations", "60", "--seed", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<PowerRow> rows = power_rows(result.output);
  ASSERT_EQ(rows.size(), 3u) << result.output;
  EXPECT_LT(rows[0].power, rows[1].power);
  EXPECT_LT(rows[1].power, rows[2].power);
  EXPECT_GT(rows[2].power, 0.8);  // 10 pairs with pair SD 0.3 cap it below 1
  for (const PowerRow& row : rows) {
    EXPECT_EQ(row.simulations, 60);
    // Printed with three decimals.
    EXPECT_NEAR(row.error, std::sqrt(row.power * (1 - row.power) / 60), 1e-3) << row.respondents;
  }
}

TEST(StatsPowerCli, ASimulationNeedsItsVarianceComponentsAndADesign) {
  ProcessResult result = run_cli({"stats", "power", "--effect", "0.6", "--respondent-sd", "0.5"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("without --from-study give all of --respondent-sd, --pair-sd, --respondents and "
                               "--pairs"),
            std::string::npos)
      << result.output;
  result = run_cli({"stats", "power", "--effect", "0.6", "--respondent-sd", "0.5", "--pair-sd", "0",
                    "--respondents", "10,x", "--pairs", "5"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--respondents '10,x': expected whole numbers from 2 to 100000"), std::string::npos)
      << result.output;
  result = run_cli({"stats", "power", "--effect", "0.6", "--respondents", "10"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--respondents/--pairs plan a simulation"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace depthstyle
