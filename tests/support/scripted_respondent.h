// A respondent scripted in C++: talks to `survey serve` over HTTP the way a browser without JavaScript does
// (invitation link, session cookie, forms with the CSRF token) and reads the pages back. The HTTP tests, the
// concurrency and kill-and-restart tests and the benchmark drive the server with it.
#pragma once

#include <cstdint>
#include <string>

#include "support/http_client.h"

namespace depthstyle {

// What a survey page shows, read from its HTML.
struct SurveyPageView {
  int status = 0;
  std::string kind;             // "instructions", "trial", "thanks", "message" (the <body> class), "" otherwise
  std::string csrf;             // the form's CSRF token ("" without a form)
  std::int64_t trial = 0;       // trial pages: the trial id
  std::string progress;         // trial pages: "7 / 20"
  std::string left_image;       // trial pages: /image/<id> of each side
  std::string right_image;
  std::string completion_code;  // thanks page
  std::string body;
};

SurveyPageView read_survey_page(const HttpResponse& response);

class ScriptedRespondent {
 public:
  ScriptedRespondent(const std::string& host, int port);

  // Opens the invitation link (path "/i/<token>") and keeps the session cookie it sets.
  HttpResponse open(const std::string& invitation_path);
  // GET /survey.
  SurveyPageView page();
  // POST /start with the CSRF token of the last page read.
  HttpResponse start();
  // POST /answer: trial id and side, with the CSRF token of the last page read.
  HttpResponse answer(std::int64_t trial, const std::string& side);
  // A request with the session cookie added.
  HttpResponse get(const std::string& target);
  HttpResponse post(const std::string& target, const std::string& form_body);

  const std::string& cookie() const { return cookie_; }
  void set_cookie(const std::string& cookie) { cookie_ = cookie; }
  const std::string& csrf() const { return csrf_; }
  HttpClient& http() { return client_; }

 private:
  std::vector<HttpHeader> cookie_headers() const;
  HttpClient client_;
  std::string cookie_;  // "ds_session=<hex>" or ""
  std::string csrf_;
};

}  // namespace depthstyle
