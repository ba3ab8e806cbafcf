#include "support/webdriver_session.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>

#include "core/base64.h"
#include "core/text.h"

namespace depthstyle::testing {
namespace {

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

}  // namespace

bool chromium_installed() {
  return std::filesystem::exists(kChromium) && std::filesystem::exists(kChromeDriver);
}

std::string chromium_missing_message() {
  return concat(kChromium, " and ", kChromeDriver, " are needed (Debian packages chromium and chromium-driver; ",
                "scripts/setup installs them)");
}

WebDriverSession::WebDriverSession(const std::filesystem::path& work_dir, int width, int height) {
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
  // The flags keep a root, GPU-less, network-less Chromium quiet: without the networking ones it keeps trying to
  // reach Google's services.
  const nlohmann::json capabilities = {
      {"capabilities",
       {{"alwaysMatch",
         {{"browserName", "chrome"},
          {"goog:loggingPrefs", {{"browser", "ALL"}, {"performance", "ALL"}}},
          {"goog:chromeOptions",
           {{"binary", kChromium},
            {"perfLoggingPrefs", {{"enableNetwork", true}, {"enablePage", false}}},
            {"args",
             {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--user-data-dir=" + (work_dir / "chromium-profile").string(),
              concat("--window-size=", width, ",", height)}}}}}}}}};
  session_ = call("POST", "/session", capabilities).at("sessionId").get<std::string>();
}

WebDriverSession::~WebDriverSession() {
  try {
    if (!session_.empty()) call("DELETE", "/session/" + session_);
  } catch (const std::exception&) {
    // The driver is killed with driver_ anyway.
  }
}

void WebDriverSession::open(const std::string& url) { command("POST", "/url", {{"url", url}}); }

std::string WebDriverSession::title() { return command("GET", "/title"); }

std::string WebDriverSession::element(const std::string& css) {
  return command("POST", "/element", {{"using", "css selector"}, {"value", css}}).at(kElementKey);
}

bool WebDriverSession::exists(const std::string& css) {
  return !command("POST", "/elements", {{"using", "css selector"}, {"value", css}}).empty();
}

void WebDriverSession::click(const std::string& css) {
  command("POST", "/element/" + element(css) + "/click", nlohmann::json::object());
}

std::string WebDriverSession::text(const std::string& css) {
  return command("GET", "/element/" + element(css) + "/text");
}

std::string WebDriverSession::value(const std::string& css) {
  return command("GET", "/element/" + element(css) + "/property/value");
}

nlohmann::json WebDriverSession::rect(const std::string& css) {
  return command("GET", "/element/" + element(css) + "/rect");
}

void WebDriverSession::resize(int width, int height) {
  command("POST", "/window/rect", {{"width", width}, {"height", height}});
}

void WebDriverSession::press(const std::string& key) {
  command("POST", "/actions",
          {{"actions",
            {{{"type", "key"}, {"id", "keyboard"}, {"actions", {{{"type", "keyDown"}, {"value", key}},
                                                                {{"type", "keyUp"}, {"value", key}}}}}}}});
  command("DELETE", "/actions");
}

void WebDriverSession::double_click(const std::string& css) {
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

nlohmann::json WebDriverSession::execute(const std::string& script, const nlohmann::json& args) {
  return command("POST", "/execute/sync", {{"script", script}, {"args", args}});
}

std::string WebDriverSession::full_page_screenshot_png() {
  const nlohmann::json size = execute(
      "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];");
  const nlohmann::json clip = {{"x", 0},
                               {"y", 0},
                               {"width", size.at(0).get<double>()},
                               {"height", size.at(1).get<double>()},
                               {"scale", 1}};
  const nlohmann::json shot =
      command("POST", "/goog/cdp/execute",
              {{"cmd", "Page.captureScreenshot"},
               {"params", {{"format", "png"}, {"captureBeyondViewport", true}, {"clip", clip}}}});
  return base64_decode(shot.at("data").get<std::string>(), "WebDriver screenshot");
}

nlohmann::json WebDriverSession::log_entries(const std::string& type) {
  return command("POST", "/se/log", {{"type", type}});
}

nlohmann::json WebDriverSession::browser_log() { return log_entries("browser"); }

std::vector<std::string> WebDriverSession::network_requests(const std::string& document_url) {
  std::vector<std::string> urls;
  for (const nlohmann::json& entry : log_entries("performance")) {
    const nlohmann::json event = nlohmann::json::parse(entry.at("message").get<std::string>()).at("message");
    if (event.value("method", std::string()) != "Network.requestWillBeSent") continue;
    const nlohmann::json& params = event.at("params");
    if (params.value("documentURL", std::string()) == document_url) {
      urls.push_back(params.at("request").at("url").get<std::string>());
    }
  }
  return urls;
}

nlohmann::json WebDriverSession::command(const std::string& method, const std::string& path,
                                         const nlohmann::json& body) {
  return call(method, "/session/" + session_ + path, body);
}

nlohmann::json WebDriverSession::call(const std::string& method, const std::string& path,
                                      const nlohmann::json& body) {
  HttpRequest request{method, path, {}, body.is_null() ? "" : body.dump()};
  if (!body.is_null()) request.headers.push_back({"Content-Type", "application/json"});
  const HttpResponse response = client_->send(request);
  const nlohmann::json reply = nlohmann::json::parse(response.body);
  if (response.status != 200) {
    throw Error(concat("WebDriver ", method, " ", path, ": ", response.status, " ", reply.dump()));
  }
  return reply.at("value");
}

}  // namespace depthstyle::testing
