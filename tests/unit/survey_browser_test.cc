// The survey in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven over the W3C
// WebDriver HTTP API by this test's own client (http/http_client.h; no Node, no downloaded browser). It opens an
// invitation, starts, answers every pair by clicking, by the arrow keys and once by a double click, checks the
// layout on a desktop and a phone screen, reaches the thank-you page, and then the database must hold exactly
// those answers with the methods shown on the chosen sides. Without the browser this test FAILS saying so
// (scripts/setup installs it).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>

#include "survey_fixture.h"
#include "support/webdriver_session.h"

namespace depthstyle {
namespace {

TEST(SurveyBrowser, ARespondentAnswersEveryPairInHeadlessChromium) {
  ASSERT_TRUE(testing::chromium_installed()) << testing::chromium_missing_message();
  testing::InProcessSurvey survey(1);
  testing::WebDriverSession browser(survey.dir.path());
  const std::string base = concat("http://127.0.0.1:", survey.port());
  browser.open(base + survey.invitation(0));
  browser.wait_until([&] { return browser.exists("#start"); }, "the instructions page");
  EXPECT_NE(browser.text(".instructions").find("There are 9 pairs."), std::string::npos);
  browser.click("#start");
  browser.wait_until([&] { return browser.exists("#progress"); }, "the first pair");

  // Side by side on a desktop window, stacked on a phone-sized one.
  {
    const nlohmann::json left = browser.rect("#left"), right = browser.rect("#right");
    EXPECT_LE(left.at("x").get<double>() + left.at("width").get<double>(), right.at("x").get<double>());
    EXPECT_EQ(left.at("y").get<double>(), right.at("y").get<double>());
    browser.resize(390, 844);
    browser.wait_until([&] { return browser.rect("#right").at("y").get<double>() > browser.rect("#left").at("y"); },
                       "the phone layout");
    const nlohmann::json phone_left = browser.rect("#left"), phone_right = browser.rect("#right");
    EXPECT_LE(phone_left.at("y").get<double>() + phone_left.at("height").get<double>(),
              phone_right.at("y").get<double>());
    EXPECT_GE(phone_left.at("width").get<double>(), 300) << "touch targets as wide as the screen";
    browser.resize(1280, 900);
  }

  std::map<std::int64_t, std::string> chosen;  // trial id -> side
  for (int k = 1; k <= 9; ++k) {
    ASSERT_EQ(browser.text("#progress"), concat(k, " / 9"));
    const std::int64_t trial = std::stoll(browser.value("input[name=trial]"));
    std::string side;
    switch (k % 4) {
      case 0: side = "left", browser.click("#left"); break;
      case 1: side = "right", browser.click("#right"); break;
      case 2: side = "right", browser.press("\xEE\x80\x94"); break;    // U+E014, right arrow
      case 3: side = "left", browser.double_click("#left"); break;     // one answer all the same
    }
    chosen[trial] = side;
    const std::string next = concat(k + 1, " / 9");
    browser.wait_until([&] { return k == 9 ? browser.exists("#completion-code") : browser.text("#progress") == next; },
                       "the next page after pair " + std::to_string(k));
  }
  EXPECT_EQ(browser.text("#completion-code"), survey.invitations[0].completion_code);

  // Exactly those answers, with the sides clicked and the methods shown there.
  SqliteDatabase database(survey.database_path());
  SqliteStatement select = database.prepare(
      "SELECT a.trial_id, a.side, m.name, sm.name FROM answers a JOIN trials t ON t.id = a.trial_id "
      "JOIN methods m ON m.id = a.chosen_method_id "
      "JOIN stimuli s ON s.id = CASE a.side WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END "
      "JOIN methods sm ON sm.id = s.method_id");
  std::map<std::int64_t, std::string> stored;
  for (SqliteRows rows = select.query(); rows.next();) {
    stored[rows.integer(0)] = rows.text(1);
    EXPECT_EQ(rows.text(2), rows.text(3));
  }
  EXPECT_EQ(stored, chosen);
}

}  // namespace
}  // namespace depthstyle
