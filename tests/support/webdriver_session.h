// Headless Chromium driven over the W3C WebDriver HTTP API (Debian's chromium + chromium-driver, no Node, no
// downloaded browser), through depthstyle's own HTTP client: what the browser tests of the survey page and of the
// reproduction report share. A session starts its own chromedriver on a free loopback port with a fresh profile in
// `work_dir` and ends both when it goes away.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "core/error.h"
#include "core/process.h"
#include "support/http_client.h"

namespace depthstyle::testing {

inline constexpr const char* kChromium = "/usr/bin/chromium";
inline constexpr const char* kChromeDriver = "/usr/bin/chromedriver";

// True when both Debian packages are installed; a browser test must FAIL (not skip) otherwise, saying so.
bool chromium_installed();
std::string chromium_missing_message();

class WebDriverSession {
 public:
  // Chromium runs headless as root-safe (--no-sandbox), GPU-less and without any background networking, in a
  // `width` x `height` window. Browser console messages and network events are recorded (browser_log,
  // network_requests).
  explicit WebDriverSession(const std::filesystem::path& work_dir, int width = 1280, int height = 900);
  ~WebDriverSession();
  WebDriverSession(const WebDriverSession&) = delete;
  WebDriverSession& operator=(const WebDriverSession&) = delete;

  void open(const std::string& url);
  std::string title();
  std::string element(const std::string& css);
  bool exists(const std::string& css);
  void click(const std::string& css);
  std::string text(const std::string& css);
  std::string value(const std::string& css);
  nlohmann::json rect(const std::string& css);
  void resize(int width, int height);
  // A key pressed and released (WebDriver key codes: U+E012 left arrow, U+E014 right arrow).
  void press(const std::string& key);
  void double_click(const std::string& css);
  // Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result.
  nlohmann::json execute(const std::string& script, const nlohmann::json& args = nlohmann::json::array());
  // The whole page (not only the window) as PNG bytes, through the DevTools protocol.
  std::string full_page_screenshot_png();
  // Browser console entries since the last call: [{"level", "message", ...}].
  nlohmann::json browser_log();
  // Every URL requested since the last call (DevTools Network.requestWillBeSent, data: URIs included) on behalf of
  // the document at `document_url`: the document itself and everything it loads. Chromium's own pages (the new-tab
  // page at start-up) are left out.
  std::vector<std::string> network_requests(const std::string& document_url);

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
  nlohmann::json command(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);
  nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);
  nlohmann::json log_entries(const std::string& type);

  int port_ = 0;
  std::unique_ptr<ChildProcess> driver_;
  std::unique_ptr<HttpClient> client_;
  std::string session_;
};

}  // namespace depthstyle::testing
