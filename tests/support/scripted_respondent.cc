#include "support/scripted_respondent.h"

#include <regex>

namespace depthstyle {
namespace {

std::string first_match(const std::string& text, const std::regex& pattern) {
  std::smatch match;
  return std::regex_search(text, match, pattern) ? match[1].str() : "";
}

}  // namespace

SurveyPageView read_survey_page(const HttpResponse& response) {
  static const std::regex kind("<body class=\"([a-z]+)\">");
  static const std::regex csrf("name=\"csrf\" value=\"([0-9a-f]+)\"");
  static const std::regex trial("name=\"trial\" value=\"([0-9]+)\"");
  static const std::regex progress("<span id=\"progress\">([^<]*)</span>");
  static const std::regex left("<button[^>]*value=\"left\"[^>]*>\\s*<img src=\"([^\"]+)\"");
  static const std::regex right("<button[^>]*value=\"right\"[^>]*>\\s*<img src=\"([^\"]+)\"");
  static const std::regex code("id=\"completion-code\">([^<]*)</p>");
  SurveyPageView view;
  view.status = response.status;
  view.body = response.body;
  view.kind = first_match(response.body, kind);
  view.csrf = first_match(response.body, csrf);
  const std::string trial_id = first_match(response.body, trial);
  view.trial = trial_id.empty() ? 0 : std::stoll(trial_id);
  view.progress = first_match(response.body, progress);
  view.left_image = first_match(response.body, left);
  view.right_image = first_match(response.body, right);
  view.completion_code = first_match(response.body, code);
  return view;
}

ScriptedRespondent::ScriptedRespondent(const std::string& host, int port) : client_(host, port) {}

std::vector<HttpHeader> ScriptedRespondent::cookie_headers() const {
  if (cookie_.empty()) return {};
  return {{"Cookie", cookie_}};
}

HttpResponse ScriptedRespondent::open(const std::string& invitation_path) {
  HttpResponse response = client_.get(invitation_path, cookie_headers());
  const std::string set_cookie = response.header("Set-Cookie");
  if (!set_cookie.empty()) cookie_ = set_cookie.substr(0, set_cookie.find(';'));
  return response;
}

SurveyPageView ScriptedRespondent::page() {
  SurveyPageView view = read_survey_page(client_.get("/survey", cookie_headers()));
  if (!view.csrf.empty()) csrf_ = view.csrf;
  return view;
}

HttpResponse ScriptedRespondent::start() { return post("/start", form_urlencode({{"csrf", csrf_}})); }

HttpResponse ScriptedRespondent::answer(std::int64_t trial, const std::string& side) {
  return post("/answer", form_urlencode({{"csrf", csrf_}, {"trial", std::to_string(trial)}, {"side", side}}));
}

HttpResponse ScriptedRespondent::get(const std::string& target) { return client_.get(target, cookie_headers()); }

HttpResponse ScriptedRespondent::post(const std::string& target, const std::string& form_body) {
  return client_.post_form(target, form_body, cookie_headers());
}

}  // namespace depthstyle
