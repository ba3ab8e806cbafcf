// The survey in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven over the W3C
// WebDriver HTTP API by this test's own client (http/http_client.h; no Node, no downloaded browser). It opens an
// invitation, starts, answers every pair by clicking, by the arrow keys and once by a double click, checks the
// layout on a desktop and a phone screen, reaches the thank-you page, and then the database must hold exactly
// those answers with the methods shown on the chosen sides. Without the browser this test FAILS saying so
// (scripts/setup installs it).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <thread>

#include "core/process.h"
#include "http/http_client.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

const char* const kChromium = "/usr/bin/chromium";
const char* const kChromeDriver = "/usr/bin/chromedriver";
// The W3C name of an element reference in WebDriver responses.
const char* const kElementKey = "element-6066-11e4-a52e-4f735466cecf";

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw Error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// A WebDriver session on a chromedriver started for this test.
class Browser {
 public:
  Browser(const std::filesystem::path& work_dir) {
    port_ = free_loopback_port();
    driver_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kChromeDriver, concat("--port=", port_), "--allowed-ips=127.0.0.1"},
        work_dir / "chromedriver.log");
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_, std::chrono::seconds(60));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      try {
        if (call("GET", "/status").value("ready", false)) break;
      } catch (const Error&) {
        client_ = std::make_unique<HttpClient>("127.0.0.1", port_, std::chrono::seconds(60));
      }
      if (std::chrono::steady_clock::now() > deadline) throw Error("chromedriver did not become ready");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // The flags keep a root, GPU-less, network-less Chromium quiet: without the networking ones it keeps trying
    // to reach Google's services.
    const nlohmann::json capabilities = {
        {"capabilities",
         {{"alwaysMatch",
           {{"browserName", "chrome"},
            {"goog:chromeOptions",
             {{"binary", kChromium},
              {"args",
               {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + (work_dir / "chromium-profile").string(),
                "--window-size=1280,900"}}}}}}}}};
    session_ = call("POST", "/session", capabilities).at("sessionId").get<std::string>();
  }
  ~Browser() {
    try {
      if (!session_.empty()) call("DELETE", "/session/" + session_);
    } catch (const std::exception&) {
      // The driver is killed below anyway.
    }
  }

  void open(const std::string& url) { command("POST", "/url", {{"url", url}}); }
  std::string element(const std::string& css) {
    return command("POST", "/element", {{"using", "css selector"}, {"value", css}}).at(kElementKey);
  }
  bool exists(const std::string& css) {
    return !command("POST", "/elements", {{"using", "css selector"}, {"value", css}}).empty();
  }
  void click(const std::string& css) {
    command("POST", "/element/" + element(css) + "/click", nlohmann::json::object());
  }
  std::string text(const std::string& css) { return command("GET", "/element/" + element(css) + "/text"); }
  std::string value(const std::string& css) {
    return command("GET", "/element/" + element(css) + "/property/value");
  }
  nlohmann::json rect(const std::string& css) { return command("GET", "/element/" + element(css) + "/rect"); }
  void resize(int width, int height) { command("POST", "/window/rect", {{"width", width}, {"height", height}}); }
  // A key pressed and released (WebDriver key codes: U+E012 left arrow, U+E014 right arrow).
  void press(const std::string& key) {
    command("POST", "/actions",
            {{"actions",
              {{{"type", "key"}, {"id", "keyboard"}, {"actions", {{{"type", "keyDown"}, {"value", key}},
                                                                  {{"type", "keyUp"}, {"value", key}}}}}}}});
    command("DELETE", "/actions");
  }
  void double_click(const std::string& css) {
    const nlohmann::json origin = {{kElementKey, element(css)}};
    command("POST", "/actions",
            {{"actions",
              {{{"type", "pointer"},
                {"id", "mouse"},
                {"parameters", {{"pointerType", "mouse"}}},
                {"actions",
                 {{{"type", "pointerMove"}, {"origin", origin}, {"x", 0}, {"y", 0}},
                  {{"type", "pointerDown"}, {"button", 0}},
                  {{"type", "pointerUp"}, {"button", 0}},
                  {{"type", "pointerDown"}, {"button", 0}},
                  {{"type", "pointerUp"}, {"button", 0}}}}}}}});
    command("DELETE", "/actions");
  }
  // Waits (up to 15 s) until `condition` holds, checking every 50 ms; WebDriver errors on a page being replaced
  // count as "not yet".
  template <typename Condition>
  void wait_until(Condition condition, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (condition()) return;
      } catch (const Error&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw Error("browser: timed out waiting for " + what);
  }

 private:
  nlohmann::json command(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) {
    return call(method, "/session/" + session_ + path, body);
  }
  nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) {
    HttpRequest request{method, path, {}, body.is_null() ? "" : body.dump()};
    if (!body.is_null()) request.headers.push_back({"Content-Type", "application/json"});
    const HttpResponse response = client_->send(request);
    const nlohmann::json reply = nlohmann::json::parse(response.body);
    if (response.status != 200) {
      throw Error(concat("WebDriver ", method, " ", path, ": ", response.status, " ", reply.dump()));
    }
    return reply.at("value");
  }

  int port_ = 0;
  std::unique_ptr<ChildProcess> driver_;
  std::unique_ptr<HttpClient> client_;
  std::string session_;
};

TEST(SurveyBrowser, ARespondentAnswersEveryPairInHeadlessChromium) {
  ASSERT_TRUE(std::filesystem::exists(kChromium) && std::filesystem::exists(kChromeDriver))
      << kChromium << " and " << kChromeDriver << " are needed (Debian packages chromium and chromium-driver; "
      << "scripts/setup installs them)";
  testing::InProcessSurvey survey(1);
  Browser browser(survey.dir.path());
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
