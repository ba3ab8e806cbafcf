// The survey web application: every route, check and page of `depthstyle survey serve`, as a function from an
// HttpRequest to an HttpResponse (http/http_server.h carries them over the network).
//
// Routes (nothing else exists; a path never names a file):
//   GET  /i/<token>         invitation link: starts a session (cookie ds_session, HttpOnly, SameSite=Lax) and
//                           redirects to /survey; an unknown token gets 404
//   GET  /survey            the respondent's current page: instructions, the next unanswered pair, or thanks
//   POST /start             leaves the instructions (form: csrf)
//   POST /answer            form: csrf, trial (id), side (left|right) -> 303 to /survey
//   GET  /image/<id>        a stimulus by its random public id, as its web-sized copy (with a session)
//   GET  /static/survey.css, /static/survey.js, /favicon.ico (an SVG icon, linked from every page)
//   GET  /status/<token>    progress per respondent (the admin token given to the server)
//   GET  /                  a short notice
// HEAD works wherever GET does, with the same status and headers and no body, and changes nothing: it opens no
// session (so sets no cookie) and does not mark a trial shown. A missing or repeated Host header gets 400 from the
// HTTP layer (http/http_server.h).
//
// Answers: the client sends only the trial id and a side; the server derives the method and the response time.
// A repeated POST of the same answer (double click, replay, a retry after a lost response) gets the same 303 and
// stores nothing; the other side for an answered trial gets 409 and the first answer stands; a trial that is not
// the respondent's gets 404 (the same for one that does not exist); a trial never shown gets 409.
// Rejections: no or unknown session 403; missing or wrong CSRF token 403 (compared in constant time); a malformed
// form 400; a form that is not application/x-www-form-urlencoded 415; another method 405 (with Allow).
// Every response carries a Content-Security-Policy without inline code (default-src 'none'; scripts, styles and
// images from the server only; form-action 'self'; frame-ancestors 'none'), X-Content-Type-Options nosniff,
// X-Frame-Options DENY, Referrer-Policy no-referrer; pages are Cache-Control: no-store. Nothing from a request is
// ever echoed into a page; everything dynamic in a page is HTML-escaped (survey_assets.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "http/http_message.h"
#include "survey/survey_assets.h"
#include "survey/survey_store.h"

namespace depthstyle {

struct SurveyAppOptions {
  // The study's database (study.sqlite in the study folder).
  std::filesystem::path database;
  SqliteSynchronous synchronous = SqliteSynchronous::kNormal;
  // Database connections, one per server thread.
  int connections = 4;
  // The status page's token (32 hex characters); "" = no status page.
  std::string admin_token;
  // Page files from this folder instead of the built-in ones ("" = built in).
  std::filesystem::path assets_dir;
  // Mark the session cookie Secure (when respondents reach the server through HTTPS, e.g. behind a proxy).
  bool secure_cookie = false;
};

class SurveyApp {
 public:
  // Opens the database (InputError / SqliteError naming it) and checks the page files (InputError).
  explicit SurveyApp(const SurveyAppOptions& options);
  ~SurveyApp();

  HttpResponse handle(const HttpRequest& request);
  // The page for a status the HTTP layer decides by itself (400, 413, 431, 500).
  HttpResponse error_response(int status) const;

  const StudyTexts& texts() const { return texts_; }

 private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse invitation(const HttpRequest& request, const std::string& token);
  HttpResponse survey_page(const HttpRequest& request);
  HttpResponse start(const HttpRequest& request);
  HttpResponse answer(const HttpRequest& request);
  HttpResponse image(const HttpRequest& request, const std::string& public_id);
  HttpResponse status_page(const std::string& token);

  HttpResponse page(int status, const std::string& page_class, const std::string& title, const std::string& content)
      const;
  HttpResponse message(int status, const std::string& heading, const std::string& text, bool link_to_survey) const;
  std::optional<SurveySession> session_of(const HttpRequest& request, SurveyStorePool::Lease& store);

  SurveyAppOptions options_;
  SurveyAssets assets_;
  std::unique_ptr<SurveyStorePool> pool_;
  StudyTexts texts_;
  std::string admin_token_sha256_;
};

}  // namespace depthstyle
