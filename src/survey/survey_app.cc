#include "survey/survey_app.h"

#include <cstdio>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/secure_random.h"
#include "core/sha256.h"
#include "core/text.h"
#include "report/result_table.h"
#include "survey/study_database.h"
#include "survey/study_status.h"

namespace depthstyle {
namespace {

constexpr const char* kSessionCookie = "ds_session";
constexpr std::size_t kTokenHexLength = 32;  // 128 bits

const char* const kContentSecurityPolicy =
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

void add_security_headers(HttpResponse& response) {
  response.set_header("Content-Security-Policy", kContentSecurityPolicy);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("Cross-Origin-Opener-Policy", "same-origin");
  response.set_header("Cross-Origin-Resource-Policy", "same-origin");
  if (response.header("Cache-Control").empty()) response.set_header("Cache-Control", "no-store");
}

HttpResponse redirect(const std::string& location) {
  HttpResponse response;
  response.status = 303;
  response.set_header("Location", location);
  response.set_header("Content-Type", "text/plain; charset=utf-8");
  return response;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: name=value pairs joined by '&', '+' = space, %XX bytes. Nothing if a name
// repeats, a %-escape is malformed, or a pair has no '='.
std::optional<std::map<std::string, std::string>> parse_form(const std::string& body) {
  std::map<std::string, std::string> fields;
  if (body.empty()) return fields;
  for (const std::string& pair : split(body, '&')) {
    const std::size_t equals = pair.find('=');
    if (equals == std::string::npos) return std::nullopt;
    std::string decoded[2];
    const std::string parts[2] = {pair.substr(0, equals), pair.substr(equals + 1)};
    for (int i = 0; i < 2; ++i) {
      const std::string& part = parts[i];
      for (std::size_t k = 0; k < part.size(); ++k) {
        if (part[k] == '+') {
          decoded[i] += ' ';
        } else if (part[k] == '%') {
          if (k + 2 >= part.size()) return std::nullopt;
          const int high = hex_value(part[k + 1]), low = hex_value(part[k + 2]);
          if (high < 0 || low < 0) return std::nullopt;
          decoded[i] += static_cast<char>(high * 16 + low);
          k += 2;
        } else {
          decoded[i] += part[k];
        }
      }
    }
    if (!fields.emplace(decoded[0], decoded[1]).second) return std::nullopt;
  }
  return fields;
}

// The value of cookie `name` in a Cookie header ("a=1; ds_session=..."), or "".
std::string cookie_value(const std::string& header, const std::string& name) {
  for (const std::string& part : split(header, ';')) {
    const std::string cookie = trim(part);
    if (cookie.size() > name.size() && cookie.compare(0, name.size(), name) == 0 && cookie[name.size()] == '=') {
      return cookie.substr(name.size() + 1);
    }
  }
  return "";
}

// A trial id as the page sends it: 1 to 18 decimal digits.
std::optional<std::int64_t> parse_trial_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// A HEAD request is routed as GET but must not change state (RFC 9110: HEAD is safe).
bool is_head(const HttpRequest& request) { return request.method == "HEAD"; }

// "text/html" pages and the respondent-facing wording of each status the HTTP layer sets by itself.
std::pair<std::string, std::string> status_wording(int status) {
  switch (status) {
    case 400: return {"Bad request", "The request could not be read."};
    case 413: return {"Request too large", "The request is larger than this server accepts."};
    case 431: return {"Request headers too large", "The request's headers are larger than this server accepts."};
    default: return {"Server error", "Something went wrong on the server; please try again in a moment."};
  }
}

}  // namespace

SurveyApp::SurveyApp(const SurveyAppOptions& options)
    : options_(options),
      assets_(options.assets_dir),
      pool_(std::make_unique<SurveyStorePool>(options.database, options.synchronous, options.connections)) {
  texts_ = pool_->acquire()->study_texts();
  if (!options.admin_token.empty()) {
    DEPTHSTYLE_ASSERT(is_lower_hex(options.admin_token, kTokenHexLength));
    admin_token_sha256_ = sha256_hex(options.admin_token);
  }
}

SurveyApp::~SurveyApp() = default;

HttpResponse SurveyApp::handle(const HttpRequest& request) {
  HttpResponse response = route(request);
  add_security_headers(response);
  return response;
}

HttpResponse SurveyApp::error_response(int status) const {
  const auto [heading, text] = status_wording(status);
  HttpResponse response = message(status, heading, text, false);
  add_security_headers(response);
  return response;
}

HttpResponse SurveyApp::route(const HttpRequest& request) {
  const std::string path = request.path();
  // HEAD is answered as GET (the HTTP layer sends the headers only) but changes nothing (is_head below).
  const bool get = request.method == "GET" || request.method == "HEAD", post = request.method == "POST";
  const auto with_id = [&](const std::string& prefix, std::string& id) {
    if (!starts_with(path, prefix)) return false;
    id = path.substr(prefix.size());
    return true;
  };
  std::string id;
  const bool known_get = path == "/" || path == "/survey" || path == "/static/survey.css" ||
                         path == "/static/survey.js" || path == "/favicon.ico" || starts_with(path, "/i/") ||
                         starts_with(path, "/image/") || starts_with(path, "/status/");
  const bool known_post = path == "/start" || path == "/answer";
  if ((known_get && !get) || (known_post && !post)) {
    HttpResponse response = message(405, "Method not allowed", "This address does not accept that method.", false);
    response.set_header("Allow", known_get ? "GET, HEAD" : "POST");
    return response;
  }
  if (!get && !post) {
    HttpResponse response = message(405, "Method not allowed", "This server accepts GET, HEAD and POST only.", false);
    response.set_header("Allow", "GET, HEAD, POST");
    return response;
  }
  if (path == "/survey") return survey_page(request);
  if (path == "/answer") return answer(request);
  if (path == "/start") return start(request);
  if (with_id("/image/", id) && is_lower_hex(id, kTokenHexLength)) return image(request, id);
  if (with_id("/i/", id) && is_lower_hex(id, kTokenHexLength)) return invitation(request, id);
  if (with_id("/status/", id) && is_lower_hex(id, kTokenHexLength)) return status_page(id);
  if (path == "/static/survey.css" || path == "/static/survey.js") {
    const bool css = path == "/static/survey.css";
    HttpResponse response;
    response.body = assets_.file(css ? "survey.css" : "survey.js");
    response.set_header("Content-Type", css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    return response;
  }
  if (path == "/favicon.ico") {
    // An SVG where browsers look for the icon by themselves; the pages link it with its type.
    HttpResponse response;
    response.body = assets_.file("favicon.svg");
    response.set_header("Content-Type", "image/svg+xml");
    response.set_header("Cache-Control", "public, max-age=86400");
    return response;
  }
  if (path == "/") {
    return message(200, texts_.title, "This is a survey server. Please open the invitation link you were given.",
                   false);
  }
  if (starts_with(path, "/i/")) {
    return message(404, "Invitation not found",
                   "This invitation link is not valid. Please check that you opened the whole link.", false);
  }
  return message(404, "Not found", "There is nothing at this address.", false);
}

std::optional<SurveySession> SurveyApp::session_of(const HttpRequest& request, SurveyStorePool::Lease& store) {
  const std::string cookie = cookie_value(request.header("Cookie"), kSessionCookie);
  if (!is_lower_hex(cookie, kTokenHexLength)) return std::nullopt;
  return store->session(cookie);
}

HttpResponse SurveyApp::invitation(const HttpRequest& request, const std::string& token) {
  SurveyStorePool::Lease store = pool_->acquire();
  const std::optional<std::int64_t> respondent = store->respondent_by_token_hash(sha256_hex(token));
  if (!respondent) {
    return message(404, "Invitation not found",
                   "This invitation link is not valid. Please check that you opened the whole link.", false);
  }
  // Reopening the link in the same browser keeps the session; another browser or device gets its own.
  const std::optional<SurveySession> current = session_of(request, store);
  HttpResponse response = redirect("/survey");
  if (!is_head(request) && (!current || current->respondent_id != *respondent)) {
    const std::string cookie = store->open_session(*respondent).first;
    response.set_header("Set-Cookie", concat(kSessionCookie, "=", cookie, "; Path=/; HttpOnly; SameSite=Lax",
                                             options_.secure_cookie ? "; Secure" : ""));
  }
  return response;
}

HttpResponse SurveyApp::survey_page(const HttpRequest& request) {
  SurveyStorePool::Lease store = pool_->acquire();
  const std::optional<SurveySession> session = session_of(request, store);
  if (!session) {
    return message(403, "Please open your invitation link",
                   "This page needs the session your invitation link starts. Please open the link again.", false);
  }
  const RespondentCounts counts = store->counts(session->respondent_id);
  if (!session->started) {
    // Blank lines separate paragraphs.
    std::string paragraphs, paragraph;
    for (const std::string& line : split(texts_.instructions + "\n", '\n')) {
      const std::string text = trim(line);
      if (!text.empty()) {
        paragraph += (paragraph.empty() ? "" : " ") + text;
      } else if (!paragraph.empty()) {
        paragraphs += "<p>" + html_escape(paragraph) + "</p>\n";
        paragraph.clear();
      }
    }
    return page(200, "instructions", texts_.title,
                assets_.render("instructions.html", {{"title", texts_.title},
                                                     {"paragraphs", paragraphs},
                                                     {"trials", std::to_string(counts.trials)},
                                                     {"csrf", session->csrf_token}}));
  }
  const std::optional<TrialView> trial = store->next_trial(session->respondent_id);
  if (!trial) {
    return page(200, "thanks", texts_.title,
                assets_.render("thanks.html", {{"title", texts_.title},
                                               {"thanks", texts_.thanks},
                                               {"completion_code", session->completion_code}}));
  }
  // A HEAD (a link checker, a prefetch) shows nothing to the respondent: response times start at the real page.
  if (!is_head(request)) store->mark_shown(trial->trial_id, unix_time_ms());
  const std::string progress = concat(counts.answered + 1, " / ", counts.trials);
  return page(200, "trial", concat(texts_.title, " (", progress, ")"),
              assets_.render("trial.html", {{"question", texts_.question},
                                            {"progress", progress},
                                            {"done", std::to_string(counts.answered)},
                                            {"total", std::to_string(counts.trials)},
                                            {"csrf", session->csrf_token},
                                            {"trial", std::to_string(trial->trial_id)},
                                            {"left_image", trial->left_image},
                                            {"right_image", trial->right_image},
                                            {"left_width", std::to_string(trial->left_width)},
                                            {"left_height", std::to_string(trial->left_height)},
                                            {"right_width", std::to_string(trial->right_width)},
                                            {"right_height", std::to_string(trial->right_height)}}));
}

HttpResponse SurveyApp::start(const HttpRequest& request) {
  SurveyStorePool::Lease store = pool_->acquire();
  const std::optional<SurveySession> session = session_of(request, store);
  if (!session) {
    return message(403, "Please open your invitation link",
                   "Your session was not found. Please open your invitation link again.", false);
  }
  if (!starts_with(request.header("Content-Type"), "application/x-www-form-urlencoded")) {
    return message(415, "Unsupported form", "The form must be sent as application/x-www-form-urlencoded.", true);
  }
  const std::optional<std::map<std::string, std::string>> form = parse_form(request.body);
  if (!form || form->size() != form->count("csrf")) {
    return message(400, "Bad request", "The form could not be read.", true);
  }
  if (!form->count("csrf") || !constant_time_equal(form->at("csrf"), session->csrf_token)) {
    return message(403, "Form expired", "This form is out of date (its security token does not match). Please "
                                        "continue from the survey page.", true);
  }
  store->mark_started(session->respondent_id);
  return redirect("/survey");
}

HttpResponse SurveyApp::answer(const HttpRequest& request) {
  SurveyStorePool::Lease store = pool_->acquire();
  const std::optional<SurveySession> session = session_of(request, store);
  if (!session) {
    return message(403, "Please open your invitation link",
                   "Your answer was not saved: your session was not found. Please open your invitation link again.",
                   false);
  }
  if (!starts_with(request.header("Content-Type"), "application/x-www-form-urlencoded")) {
    return message(415, "Unsupported form", "The answer must be sent as application/x-www-form-urlencoded.", true);
  }
  const std::optional<std::map<std::string, std::string>> form = parse_form(request.body);
  const auto has_only = [&](std::initializer_list<const char*> names) {
    std::size_t present = 0;
    for (const char* name : names) present += form->count(name);
    return present == form->size();
  };
  if (!form || !has_only({"csrf", "trial", "side"})) {
    return message(400, "Bad request", "Your answer was not saved: the form could not be read.", true);
  }
  if (!form->count("csrf")) {
    return message(403, "Form expired", "Your answer was not saved: the form has no security token. Please "
                                        "continue from the survey page.", true);
  }
  if (!constant_time_equal(form->at("csrf"), session->csrf_token)) {
    return message(403, "Form expired", "Your answer was not saved: the form is out of date (its security token "
                                        "does not match). Please continue from the survey page.", true);
  }
  const std::optional<std::int64_t> trial = form->count("trial") ? parse_trial_id(form->at("trial")) : std::nullopt;
  const std::string side = form->count("side") ? form->at("side") : "";
  if (!trial || (side != "left" && side != "right")) {
    return message(400, "Bad request", "Your answer was not saved: it needs a pair and the side you chose.", true);
  }
  switch (store->record_answer(session->respondent_id, *trial, side, unix_time_ms())) {
    case AnswerOutcome::kRecorded:
    case AnswerOutcome::kSameAgain:
      return redirect("/survey");
    case AnswerOutcome::kOtherSide:
      return message(409, "Already answered", "You have already answered this pair; your first answer is kept.",
                     true);
    case AnswerOutcome::kNotShown:
      return message(409, "Not shown yet", "Your answer was not saved: this pair has not been shown to you yet.",
                     true);
    case AnswerOutcome::kUnknownTrial:
      break;
  }
  return message(404, "No such pair", "Your answer was not saved: there is no such pair in your survey.", true);
}

HttpResponse SurveyApp::image(const HttpRequest& request, const std::string& public_id) {
  std::optional<StimulusFile> file;
  {
    SurveyStorePool::Lease store = pool_->acquire();
    if (!session_of(request, store)) {
      return message(403, "Please open your invitation link", "Pictures are shown to invited respondents only.",
                     false);
    }
    file = store->stimulus(public_id);
  }
  if (!file) return message(404, "Not found", "There is no such picture.", false);
  HttpResponse response;
  response.body = read_file(file->path);  // a path from the database, never from the request
  response.set_header("Content-Type", file->media_type);
  // Images carry no secrets and never change under their id.
  response.set_header("Cache-Control", "private, max-age=86400, immutable");
  return response;
}

HttpResponse SurveyApp::status_page(const std::string& token) {
  if (admin_token_sha256_.empty() || !constant_time_equal(sha256_hex(token), admin_token_sha256_)) {
    return message(404, "Not found", "There is nothing at this address.", false);
  }
  StudyProgress progress;
  {
    SurveyStorePool::Lease store = pool_->acquire();
    progress = store->progress();
  }
  std::string rows;
  for (const RespondentProgress& respondent : progress.respondents) {
    const auto cell = [](const std::string& text) { return "<td>" + html_escape(text) + "</td>"; };
    rows += "<tr>" + cell(respondent.respondent) + cell(respondent.origin) +
            cell(std::to_string(respondent.answered)) + cell(std::to_string(respondent.trials)) +
            cell(std::to_string(respondent.sentinels_failed)) +
            cell(respondent.median_response_ms < 0 ? "" : format_number(respondent.median_response_ms)) +
            cell(respondent.started_at) + cell(respondent.last_answer_at) + "</tr>\n";
  }
  const std::string summary = concat(progress.answered, " of ", progress.trials, " trials answered; ",
                                     progress.finished_respondents, " of ", progress.respondents.size(),
                                     " respondents finished.");
  return page(200, "status", "Status: " + progress.study,
              assets_.render("status.html", {{"study", progress.study}, {"summary", summary}, {"rows", rows}}));
}

HttpResponse SurveyApp::page(int status, const std::string& page_class, const std::string& title,
                             const std::string& content) const {
  HttpResponse response;
  response.status = status;
  response.body = assets_.render("layout.html", {{"title", title}, {"page", page_class}, {"content", content}});
  response.set_header("Content-Type", "text/html; charset=utf-8");
  return response;
}

HttpResponse SurveyApp::message(int status, const std::string& heading, const std::string& text,
                                bool link_to_survey) const {
  const std::string link = link_to_survey ? "<p><a href=\"/survey\">Continue the survey</a></p>" : "";
  return page(status, "message", heading,
              assets_.render("message.html", {{"heading", heading}, {"message", text}, {"link", link}}));
}

}  // namespace depthstyle
