// The survey server over real HTTP on loopback (an in-process server on a free port): a respondent's whole path,
// and every rejection with its status code, its page and the database left unchanged.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <regex>
#include <thread>

#include "core/atomic_file.h"
#include "core/sha256.h"
#include "support/http_client.h"
#include "survey/answers_csv.h"
#include "report/result_table.h"
#include "support/scripted_respondent.h"
#include "survey/study_answers.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

using testing::InProcessSurvey;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* const kCsp =
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

void expect_security_headers(const HttpResponse& response, const std::string& cache_control = "no-store") {
  EXPECT_EQ(response.header("Content-Security-Policy"), kCsp);
  EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(response.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(response.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(response.header("Cache-Control"), cache_control);
}

// A respondent who opened the invitation and passed the instructions; `page` is the first trial.
struct StartedRespondent {
  ScriptedRespondent client;
  SurveyPageView page;
  StartedRespondent(const InProcessSurvey& survey, std::size_t index) : client("127.0.0.1", survey.port()) {
    client.open(survey.invitation(index));
    client.page();
    client.start();
    page = client.page();
  }
};

TEST(SurveyServer, ARespondentAnswersEveryPairAndTheDatabaseHoldsExactlyThoseAnswers) {
  InProcessSurvey survey(1);
  ScriptedRespondent respondent("127.0.0.1", survey.port());
  const HttpResponse opened = respondent.open(survey.invitation(0));
  EXPECT_EQ(opened.status, 303);
  EXPECT_EQ(opened.header("Location"), "/survey");
  EXPECT_TRUE(std::regex_match(opened.header("Set-Cookie"),
                               std::regex("ds_session=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax")))
      << opened.header("Set-Cookie");
  expect_security_headers(opened);

  const SurveyPageView instructions = respondent.page();
  EXPECT_EQ(instructions.status, 200);
  EXPECT_EQ(instructions.kind, "instructions");
  EXPECT_TRUE(contains(instructions.body, "There are <strong>9</strong> pairs.")) << instructions.body;
  EXPECT_TRUE(contains(instructions.body, "<p>You will see pairs of pictures, one pair at a time."));
  // Nothing on any page names a method.
  for (const char* method : {"adain", "AdaIN", "da-adain", "degraded", "depth"}) {
    EXPECT_FALSE(contains(instructions.body, method)) << method;
  }
  EXPECT_EQ(respondent.start().status, 303);
  EXPECT_EQ(survey.text("SELECT started_at IS NOT NULL FROM respondents"), "1");

  std::map<std::int64_t, std::string> chosen;  // trial -> side
  for (int k = 1; k <= 9; ++k) {
    const SurveyPageView trial = respondent.page();
    ASSERT_EQ(trial.kind, "trial") << trial.body;
    EXPECT_EQ(trial.progress, concat(k, " / 9"));
    for (const char* method : {"adain", "da-adain", "degraded"}) EXPECT_FALSE(contains(trial.body, method));
    const std::string side = k % 3 == 0 ? "right" : "left";
    const HttpResponse answered = respondent.answer(trial.trial, side);
    ASSERT_EQ(answered.status, 303) << answered.body;
    EXPECT_EQ(answered.header("Location"), "/survey");
    chosen[trial.trial] = side;
  }
  const SurveyPageView thanks = respondent.page();
  EXPECT_EQ(thanks.kind, "thanks");
  EXPECT_EQ(thanks.completion_code, survey.invitations[0].completion_code);
  expect_security_headers(respondent.http().get("/survey", {{"Cookie", respondent.cookie()}}));

  // Exactly those answers, each with the method shown on the chosen side, and a response time.
  SqliteDatabase database(survey.database_path());
  SqliteStatement select = database.prepare(
      "SELECT a.trial_id, a.side, m.name, sm.name, a.response_ms, a.origin FROM answers a "
      "JOIN trials t ON t.id = a.trial_id JOIN methods m ON m.id = a.chosen_method_id "
      "JOIN stimuli s ON s.id = CASE a.side WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END "
      "JOIN methods sm ON sm.id = s.method_id ORDER BY a.trial_id");
  std::size_t rows_seen = 0;
  for (SqliteRows rows = select.query(); rows.next(); ++rows_seen) {
    EXPECT_EQ(chosen.at(rows.integer(0)), rows.text(1));
    EXPECT_EQ(rows.text(2), rows.text(3));
    EXPECT_GE(rows.integer(4), 0);
    EXPECT_EQ(rows.text(5), "server");
  }
  EXPECT_EQ(rows_seen, 9u);
}

TEST(SurveyServer, ImagesAreServedByPublicIdToRespondentsOnly) {
  InProcessSurvey survey(1);
  StartedRespondent respondent(survey, 0);
  ASSERT_EQ(respondent.page.left_image.substr(0, 7), "/image/");
  const HttpResponse image = respondent.client.get(respondent.page.left_image);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.header("Content-Type"), "image/jpeg");
  expect_security_headers(image, "private, max-age=86400, immutable");
  const std::string public_id = respondent.page.left_image.substr(7);
  // Browsers get the web-sized copy, not the original.
  const std::string file = survey.text("SELECT w.file FROM stimuli s JOIN web_stimuli w ON w.stimulus_id = s.id "
                                       "WHERE s.public_id = '" + public_id + "'");
  ASSERT_TRUE(starts_with(file, "stimuli/web/")) << file;
  EXPECT_EQ(image.body, read_file(survey.folder / file));
  // The id says nothing about the method or the file.
  EXPECT_EQ(public_id.size(), 32u);
  EXPECT_FALSE(contains(file, public_id));
  HttpClient stranger("127.0.0.1", survey.port());
  const HttpResponse refused = stranger.get(respondent.page.left_image);
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(contains(refused.body, "Pictures are shown to invited respondents only."));
  EXPECT_EQ(respondent.client.get("/image/" + std::string(32, 'a')).status, 404);
}

TEST(SurveyServer, InvitationAndSessionRejections) {
  InProcessSurvey survey(1);
  HttpClient client("127.0.0.1", survey.port());
  for (const std::string& target : {"/i/" + std::string(32, 'f'), "/i/" + survey.invitations[0].token + "0",
                                    "/i/" + survey.invitations[0].token.substr(0, 31), std::string("/i/")}) {
    const HttpResponse response = client.get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_TRUE(contains(response.body, "This invitation link is not valid.")) << target;
    EXPECT_TRUE(response.header("Set-Cookie").empty());
    expect_security_headers(response);
  }
  // Uppercase hex is another token (tokens are exactly as issued).
  std::string upper = survey.invitations[0].token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != survey.invitations[0].token) {
    EXPECT_EQ(client.get("/i/" + upper).status, 404);
  }
  for (const std::vector<HttpHeader>& headers : std::vector<std::vector<HttpHeader>>{
           {}, {{"Cookie", "ds_session=" + std::string(32, '0')}}, {{"Cookie", "ds_session=zzz"}},
           {{"Cookie", "other=1"}}}) {
    const HttpResponse response = client.get("/survey", headers);
    EXPECT_EQ(response.status, 403);
    EXPECT_TRUE(contains(response.body, "Please open the link again.")) << response.body;
  }
  EXPECT_EQ(survey.count("SELECT count(*) FROM sessions"), 0);
}

TEST(SurveyServer, AnswerRejectionsLeaveTheDatabaseUnchanged) {
  InProcessSurvey survey(2);
  StartedRespondent first(survey, 0);
  StartedRespondent second(survey, 1);
  ASSERT_EQ(first.page.kind, "trial");
  const std::int64_t trial = first.page.trial;
  const std::string csrf = first.client.csrf();
  const std::int64_t foreign_trial = second.page.trial;
  const std::int64_t later_trial = trial + 3;  // first's, not shown yet (ids follow positions)
  ASSERT_EQ(survey.count("SELECT respondent_id FROM trials WHERE id = " + std::to_string(later_trial)),
            survey.count("SELECT respondent_id FROM trials WHERE id = " + std::to_string(trial)));

  struct Case {
    std::string name;
    std::string cookie;
    std::string body;
    std::string content_type;
    int status;
    std::string message;
  };
  const std::string cookie = first.client.cookie();
  const auto form = [&](const std::string& token, const std::string& id, const std::string& side) {
    return form_urlencode({{"csrf", token}, {"trial", id}, {"side", side}});
  };
  const std::string urlencoded = "application/x-www-form-urlencoded";
  const std::vector<Case> cases = {
      {"no session", "", form(csrf, std::to_string(trial), "left"), urlencoded, 403, "your session was not found"},
      {"unknown session", "ds_session=" + std::string(32, '1'), form(csrf, std::to_string(trial), "left"), urlencoded,
       403, "your session was not found"},
      {"missing csrf", cookie, form_urlencode({{"trial", std::to_string(trial)}, {"side", "left"}}), urlencoded, 403,
       "the form has no security token"},
      {"wrong csrf", cookie, form(std::string(32, '0'), std::to_string(trial), "left"), urlencoded, 403,
       "the form is out of date"},
      {"another respondent's csrf", cookie, form(second.client.csrf(), std::to_string(trial), "left"), urlencoded,
       403, "the form is out of date"},
      {"empty csrf", cookie, form("", std::to_string(trial), "left"), urlencoded, 403, "the form is out of date"},
      {"unknown trial", cookie, form(csrf, "999999", "left"), urlencoded, 404, "there is no such pair"},
      {"foreign trial", cookie, form(csrf, std::to_string(foreign_trial), "left"), urlencoded, 404,
       "there is no such pair"},
      {"trial not shown", cookie, form(csrf, std::to_string(later_trial), "left"), urlencoded, 409,
       "this pair has not been shown to you yet"},
      {"non-numeric trial", cookie, form(csrf, "1e3", "left"), urlencoded, 400, "it needs a pair and the side"},
      {"negative trial", cookie, form(csrf, "-1", "left"), urlencoded, 400, "it needs a pair and the side"},
      {"huge trial", cookie, form(csrf, std::string(40, '9'), "left"), urlencoded, 400, "it needs a pair and the side"},
      {"bad side", cookie, form(csrf, std::to_string(trial), "middle"), urlencoded, 400,
       "it needs a pair and the side"},
      {"method as side", cookie, form(csrf, std::to_string(trial), "da-adain"), urlencoded, 400,
       "it needs a pair and the side"},
      {"missing side", cookie, form_urlencode({{"csrf", csrf}, {"trial", std::to_string(trial)}}), urlencoded, 400,
       "it needs a pair and the side"},
      {"extra field", cookie, form(csrf, std::to_string(trial), "left") + "&method=da-adain", urlencoded, 400,
       "the form could not be read"},
      {"repeated field", cookie, form(csrf, std::to_string(trial), "left") + "&side=right", urlencoded, 400,
       "the form could not be read"},
      {"broken escape", cookie, form(csrf, std::to_string(trial), "left") + "%2", urlencoded, 400,
       "the form could not be read"},
      {"json", cookie, "{\"trial\": 1, \"side\": \"left\"}", "application/json", 415,
       "must be sent as application/x-www-form-urlencoded"},
  };
  for (const Case& bad : cases) {
    std::vector<HttpHeader> headers;
    if (!bad.cookie.empty()) headers.push_back({"Cookie", bad.cookie});
    headers.push_back({"Content-Type", bad.content_type});
    HttpClient client("127.0.0.1", survey.port());
    const HttpResponse response = client.send({"POST", "/answer", headers, bad.body});
    EXPECT_EQ(response.status, bad.status) << bad.name << ": " << response.body;
    EXPECT_TRUE(contains(response.body, bad.message)) << bad.name << ": " << response.body;
    expect_security_headers(response);
  }
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers"), 0);

  // A second answer: the same side again is acknowledged like the first and stores nothing; the other side is
  // refused and the first answer stands.
  const HttpResponse answered = first.client.answer(trial, "left");
  ASSERT_EQ(answered.status, 303);
  const HttpResponse again = first.client.answer(trial, "left");
  EXPECT_EQ(again.status, 303);
  EXPECT_EQ(again.header("Location"), answered.header("Location"));
  EXPECT_EQ(again.body, answered.body);
  const HttpResponse other = first.client.answer(trial, "right");
  EXPECT_EQ(other.status, 409);
  EXPECT_TRUE(contains(other.body, "You have already answered this pair; your first answer is kept."));
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers"), 1);
  EXPECT_EQ(survey.text("SELECT side FROM answers"), "left");
  // The other respondent's trial is still open.
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers WHERE trial_id = " + std::to_string(foreign_trial)), 0);
}

TEST(SurveyServer, StartNeedsTheCsrfTokenToo) {
  InProcessSurvey survey(1);
  ScriptedRespondent respondent("127.0.0.1", survey.port());
  respondent.open(survey.invitation(0));
  respondent.page();
  EXPECT_EQ(respondent.post("/start", "").status, 403);
  EXPECT_EQ(respondent.post("/start", "csrf=" + std::string(32, 'e')).status, 403);
  EXPECT_EQ(respondent.post("/start", "csrf=" + respondent.csrf() + "&x=1").status, 400);
  EXPECT_EQ(survey.text("SELECT started_at IS NULL FROM respondents"), "1");
  EXPECT_EQ(respondent.start().status, 303);
  EXPECT_EQ(respondent.page().kind, "trial");
}

TEST(SurveyServer, OversizedRequestsAreRefusedBeforeTheyAreRead) {
  InProcessSurvey survey(1);
  StartedRespondent respondent(survey, 0);
  const std::string form = form_urlencode(
      {{"csrf", respondent.client.csrf()}, {"trial", std::to_string(respondent.page.trial)}, {"side", "left"}});
  // A body over 16 KiB: refused from its Content-Length.
  const HttpResponse big = respondent.client.post("/answer", form + "&pad=" + std::string(17 * 1024, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_TRUE(contains(big.body, "The request is larger than this server accepts."));
  expect_security_headers(big);
  // Headers over 8 KiB.
  HttpClient client("127.0.0.1", survey.port());
  const HttpResponse headers = client.send(
      {"POST", "/answer",
       {{"Cookie", respondent.client.cookie()},
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"X-Padding", std::string(9 * 1024, 'y')}},
       form});
  EXPECT_EQ(headers.status, 431);
  EXPECT_TRUE(contains(headers.body, "headers are larger than this server accepts"));
  // A body that claims more than it sends: the connection waits, then is closed (idle timeout) without an answer;
  // not tested here for time. Malformed HTTP gets 400.
  HttpClient raw("127.0.0.1", survey.port());
  const HttpResponse garbage = raw.send_raw("HELLO /answer\r\n\r\n");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers"), 0);
  // The same answer of a sensible size is taken.
  EXPECT_EQ(respondent.client.answer(respondent.page.trial, "left").status, 303);
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers"), 1);
}

TEST(SurveyServer, PathTraversalFindsNothing) {
  InProcessSurvey survey(1);
  StartedRespondent respondent(survey, 0);
  const std::string stimulus_file = survey.text("SELECT file FROM stimuli LIMIT 1");
  for (const std::string& target :
       {std::string("/static/../study.sqlite"), std::string("/static/%2e%2e/study.sqlite"),
        std::string("/static/..%2fstudy.sqlite"), std::string("/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"),
        std::string("/image/../study.sqlite"), std::string("/image/..%2f..%2fstudy.sqlite"),
        std::string("/image/%252e%252e%252fstudy.sqlite"), std::string("/image/../../../../etc/passwd"),
        std::string("/study.sqlite"), std::string("/config.yaml"), "/" + stimulus_file,
        "/image/" + stimulus_file, std::string("/static/survey.css/../../study.sqlite"),
        std::string("//etc/passwd"), std::string("/static/survey.js%00.sqlite"), std::string("/image/"),
        std::string("/static/"), std::string("/survey/../study.sqlite"), std::string("/./study.sqlite")}) {
    const HttpResponse response = respondent.client.get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_FALSE(contains(response.body, "SQLite format 3")) << target;
    EXPECT_FALSE(contains(response.body, "root:")) << target;
    EXPECT_FALSE(contains(response.body, "\x89PNG")) << target;
    EXPECT_TRUE(contains(response.body, "There is nothing at this address.")) << target;
  }
  // An absolute-form target is not a path of this server either.
  EXPECT_EQ(respondent.client.get("http://127.0.0.1/static/survey.css").status, 404);
  EXPECT_EQ(respondent.client.get("/static/survey.css").status, 200);
}

TEST(SurveyServer, InjectionStringsInEveryFieldAreNeitherExecutedNorEchoed) {
  InProcessSurvey survey(1);
  StartedRespondent respondent(survey, 0);
  const std::string trial = std::to_string(respondent.page.trial);
  const std::string csrf = respondent.client.csrf();
  const std::vector<std::string> injections = {
      "' OR '1'='1",
      "1; DROP TABLE answers; --",
      "1 OR 1=1",
      "\" onmouseover=\"alert(1)",
      "<script>alert(1)</script>",
      "</textarea><img src=x onerror=alert(1)>",
      "left' --",
      "${7*7}{{7*7}}",
      "\r\nSet-Cookie: evil=1",
  };
  const std::string cookie = respondent.client.cookie();
  std::vector<std::pair<std::string, HttpRequest>> requests;
  for (const std::string& injection : injections) {
    const std::string encoded = form_urlencode({{"x", injection}}).substr(2);
    const auto post = [&](const std::string& body, const std::string& cookie_header) {
      return HttpRequest{"POST", "/answer",
                         {{"Cookie", cookie_header}, {"Content-Type", "application/x-www-form-urlencoded"}}, body};
    };
    requests.push_back(
        {"csrf", post(form_urlencode({{"csrf", injection}, {"trial", trial}, {"side", "left"}}), cookie)});
    requests.push_back(
        {"trial", post(form_urlencode({{"csrf", csrf}, {"trial", injection}, {"side", "left"}}), cookie)});
    requests.push_back({"side", post(form_urlencode({{"csrf", csrf}, {"trial", trial}, {"side", injection}}), cookie)});
    requests.push_back({"field name", post(form_urlencode({{"csrf", csrf}, {"trial", trial}, {injection, "left"}}),
                                           cookie)});
    requests.push_back({"cookie", post(form_urlencode({{"csrf", csrf}, {"trial", trial}, {"side", "left"}}),
                                       "ds_session=" + encoded)});
    requests.push_back({"invitation", HttpRequest{"GET", "/i/" + encoded, {}, ""}});
    requests.push_back({"image", HttpRequest{"GET", "/image/" + encoded, {{"Cookie", cookie}}, ""}});
    requests.push_back({"status", HttpRequest{"GET", "/status/" + encoded, {}, ""}});
    requests.push_back({"query", HttpRequest{"GET", "/survey?trial=" + encoded, {{"Cookie", cookie}}, ""}});
    requests.push_back({"path", HttpRequest{"GET", "/" + encoded, {}, ""}});
  }
  for (const auto& [field, request] : requests) {
    HttpClient client("127.0.0.1", survey.port());
    const HttpResponse response = client.send(request);
    if (field == "query") {
      EXPECT_EQ(response.status, 200);  // the query string is ignored; the page is the respondent's current pair
    } else {
      EXPECT_TRUE(response.status == 400 || response.status == 403 || response.status == 404)
          << field << " " << request.target << " " << request.body << ": " << response.status;
    }
    for (const std::string& injection : injections) {
      EXPECT_FALSE(contains(response.body, injection)) << field << " echoed " << injection;
    }
    EXPECT_TRUE(response.header("Set-Cookie").empty()) << field;
    expect_security_headers(response);
  }
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers"), 0);
  EXPECT_EQ(survey.count("SELECT count(*) FROM sqlite_schema WHERE name = 'answers'"), 1);
  EXPECT_EQ(respondent.client.answer(respondent.page.trial, "right").status, 303);
  EXPECT_EQ(survey.count("SELECT count(*) FROM answers"), 1);
}

TEST(SurveyServer, StudyTextsAndRespondentLabelsAreEscapedOnEveryPage) {
  const std::string hostile = "<script>alert('x')</script> & \"quoted\"";
  const std::string escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;";
  InProcessSurvey survey(1, 2, [&](StudyOptions& options) {
    options.page.title = "T " + hostile;
    options.page.question = "Q " + hostile;
    options.page.instructions = "I " + hostile + "\n\nsecond paragraph";
    options.page.thanks = "Thanks " + hostile;
  });
  ScriptedRespondent respondent("127.0.0.1", survey.port());
  respondent.open(survey.invitation(0));
  std::vector<std::string> bodies = {respondent.page().body};
  EXPECT_TRUE(contains(bodies.back(), "<p>I " + escaped + "</p>\n<p>second paragraph</p>")) << bodies.back();
  EXPECT_TRUE(contains(bodies.back(), "<title>T " + escaped + "</title>"));
  respondent.start();
  for (SurveyPageView page = respondent.page(); page.kind == "trial"; page = respondent.page()) {
    bodies.push_back(page.body);
    ASSERT_EQ(respondent.answer(page.trial, "left").status, 303);
  }
  bodies.push_back(respondent.page().body);
  EXPECT_TRUE(contains(bodies[1], "<h1 class=\"question\">Q " + escaped + "</h1>"));
  EXPECT_TRUE(contains(bodies.back(), "Thanks " + escaped));
  // An imported respondent's label, shown on the status page.
  testing::write_text(survey.dir / "import.csv",
                      study_answers_csv_header() + "\n\"<img src=x onerror=alert(1)>\",1," +
                          csv_field(survey.text("SELECT name FROM comparisons ORDER BY id LIMIT 1")) +
                          ",adain,da-adain,adain,,2026-01-01T00:00:00Z,,\n");
  {
    SqliteDatabase database(survey.database_path());
    import_study_answers(database, survey.dir / "import.csv");
  }
  HttpClient admin("127.0.0.1", survey.port());
  bodies.push_back(admin.get("/status/" + testing::kAdminToken).body);
  EXPECT_TRUE(contains(bodies.back(), "<td>&lt;img src=x onerror=alert(1)&gt;</td>")) << bodies.back();
  for (const std::string& body : bodies) {
    EXPECT_FALSE(contains(body, "<script>alert")) << body;
    EXPECT_FALSE(contains(body, "<img src=x")) << body;
  }
}

TEST(SurveyServer, StatusPageNeedsTheAdminToken) {
  InProcessSurvey survey(2);
  StartedRespondent respondent(survey, 0);
  respondent.client.answer(respondent.page.trial, "left");
  HttpClient admin("127.0.0.1", survey.port());
  const HttpResponse status = admin.get("/status/" + testing::kAdminToken);
  EXPECT_EQ(status.status, 200);
  expect_security_headers(status);
  EXPECT_TRUE(contains(status.body, "1 of 18 trials answered; 0 of 2 respondents finished.")) << status.body;
  EXPECT_TRUE(contains(status.body, "<tr><td>r001</td><td>invited</td><td>1</td><td>9</td>")) << status.body;
  for (const std::string& wrong : {std::string(32, '0'), testing::kAdminToken.substr(0, 31) + "0",
                                   survey.invitations[0].token, std::string("")}) {
    const HttpResponse refused = admin.get("/status/" + wrong);
    EXPECT_EQ(refused.status, 404) << wrong;
    EXPECT_FALSE(contains(refused.body, "r001"));
  }
}

// Studies run offline: every address a page, the style sheet or the script refers to is a path on this server
// (never another host, not even "//host/..."), and the CSP (checked above) would block anything else.
TEST(SurveyServer, EveryPageAndFileRefersOnlyToTheServerItself) {
  InProcessSurvey survey(1);
  ScriptedRespondent respondent("127.0.0.1", survey.port());
  respondent.open(survey.invitation(0));
  std::vector<std::string> bodies = {respondent.page().body};
  respondent.start();
  for (SurveyPageView page = respondent.page(); page.kind == "trial"; page = respondent.page()) {
    bodies.push_back(page.body);
    respondent.answer(page.trial, "left");
  }
  bodies.push_back(respondent.page().body);  // thanks
  ASSERT_TRUE(contains(bodies.back(), "class=\"thanks\"")) << bodies.back();
  bodies.push_back(respondent.get("/status/" + testing::kAdminToken).body);
  bodies.push_back(respondent.get("/no/such/page").body);
  const std::string css = respondent.get("/static/survey.css").body, js = respondent.get("/static/survey.js").body;
  const std::string icon = respondent.get("/favicon.ico").body;
  for (const char* loader : {"href", "url(", "<script"}) EXPECT_FALSE(contains(icon, loader)) << loader;
  ASSERT_FALSE(css.empty());
  ASSERT_FALSE(js.empty());

  const std::regex reference(R"re((?:src|href|action)\s*=\s*"([^"]*)")re");
  for (const std::string& body : bodies) {
    std::size_t references = 0;
    for (std::sregex_iterator it(body.begin(), body.end(), reference), end; it != end; ++it, ++references) {
      const std::string target = (*it)[1].str();
      EXPECT_TRUE(starts_with(target, "/") && !starts_with(target, "//")) << target << " in\n" << body;
    }
    EXPECT_GE(references, 2u) << body;  // at least the style sheet and the script were seen
  }
  // The style sheet imports nothing and loads no fonts or pictures; the script fetches nothing.
  for (const char* loader : {"url(", "@import", "@font-face"}) EXPECT_FALSE(contains(css, loader)) << loader;
  for (const char* loader : {"fetch(", "XMLHttpRequest", "import(", "WebSocket", "EventSource", "http"}) {
    EXPECT_FALSE(contains(js, loader)) << loader;
  }
}

TEST(SurveyServer, OtherMethodsAreRefusedWithAllow) {
  InProcessSurvey survey(1);
  HttpClient client("127.0.0.1", survey.port());
  HttpResponse response = client.send({"PUT", "/answer", {}, "x"});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "POST");
  response = client.send({"GET", "/answer", {}, ""});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "POST");
  response = client.send({"POST", "/survey", {{"Content-Type", "application/x-www-form-urlencoded"}}, "a=b"});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET, HEAD");
  response = client.send({"DELETE", "/nothing", {}, ""});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET, HEAD, POST");
  expect_security_headers(response);
}

TEST(SurveyServer, HeadAnswersAsGetWithoutABodyAndChangesNothing) {
  InProcessSurvey survey(1);
  HttpClient client("127.0.0.1", survey.port());
  // An invitation link checked with HEAD (a mail scanner, a link preview) opens no session.
  const HttpResponse invitation = client.send({"HEAD", survey.invitation(0), {}, ""});
  EXPECT_EQ(invitation.status, 303);
  EXPECT_EQ(invitation.header("Location"), "/survey");
  EXPECT_TRUE(invitation.header("Set-Cookie").empty());
  EXPECT_EQ(survey.count("SELECT count(*) FROM sessions"), 0);

  StartedRespondent respondent(survey, 0);
  const std::vector<HttpHeader> cookie = {{"Cookie", respondent.client.cookie()}};
  const std::string shown_at = "SELECT max(shown_at_ms) FROM trials";
  const std::int64_t first_shown = survey.count(shown_at);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const HttpResponse head = client.send({"HEAD", "/survey", cookie, ""});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("Content-Type"), "text/html; charset=utf-8");
  expect_security_headers(head);
  EXPECT_EQ(survey.count(shown_at), first_shown);  // response times still count from the page really shown
  // The same connection carries on (no stray body bytes), and GET's body has the length HEAD announced.
  const HttpResponse get = client.send({"GET", "/survey", cookie, ""});
  EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_GT(survey.count(shown_at), first_shown);

  const HttpResponse image = client.send({"HEAD", respondent.page.left_image, cookie, ""});
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.header("Content-Type"), "image/jpeg");
  EXPECT_EQ(image.header("Content-Length"),
            std::to_string(client.send({"GET", respondent.page.left_image, cookie, ""}).body.size()));
  for (const char* path : {"/", "/static/survey.css", "/static/survey.js", "/favicon.ico"}) {
    const HttpResponse response = client.send({"HEAD", path, {}, ""});
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_TRUE(response.body.empty()) << path;
    EXPECT_NE(response.header("Content-Length"), "0") << path;
  }
  const HttpResponse answer = client.send({"HEAD", "/answer", {}, ""});
  EXPECT_EQ(answer.status, 405);
  EXPECT_EQ(answer.header("Allow"), "POST");
}

TEST(SurveyServer, AMissingOrRepeatedHostHeaderGets400) {
  InProcessSurvey survey(1);
  HttpClient client("127.0.0.1", survey.port());
  const HttpResponse missing = client.send_raw("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(contains(missing.body, "The request could not be read.")) << missing.body;
  expect_security_headers(missing);
  EXPECT_EQ(client.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: example.org\r\n\r\n").status, 400);
  EXPECT_EQ(client.send_raw("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n").status, 400);
  // One Host, or none in HTTP/1.0 (which has no Host requirement), is served.
  EXPECT_EQ(client.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status, 200);
  EXPECT_EQ(client.send_raw("GET / HTTP/1.0\r\n\r\n").status, 200);
}

TEST(SurveyServer, AFaviconIsServedAndLinkedFromEveryPage) {
  InProcessSurvey survey(1);
  HttpClient client("127.0.0.1", survey.port());
  const HttpResponse icon = client.get("/favicon.ico");
  EXPECT_EQ(icon.status, 200);
  EXPECT_EQ(icon.header("Content-Type"), "image/svg+xml");
  EXPECT_TRUE(starts_with(icon.body, "<svg xmlns=\"http://www.w3.org/2000/svg\"")) << icon.body;
  expect_security_headers(icon, "public, max-age=86400");
  for (const char* path : {"/", "/survey", "/no/such/page"}) {
    EXPECT_TRUE(contains(client.get(path).body, "<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">"))
        << path;
  }
}

TEST(SurveyServer, ReopeningTheLinkKeepsTheSessionAndAnotherBrowserContinuesWhereTheFirstStopped) {
  InProcessSurvey survey(1);
  StartedRespondent phone(survey, 0);
  ASSERT_EQ(phone.client.answer(phone.page.trial, "left").status, 303);
  EXPECT_TRUE(phone.client.open(survey.invitation(0)).header("Set-Cookie").empty());  // same browser: same session
  ScriptedRespondent laptop("127.0.0.1", survey.port());
  laptop.open(survey.invitation(0));
  EXPECT_NE(laptop.cookie(), phone.client.cookie());
  const SurveyPageView page = laptop.page();
  EXPECT_EQ(page.kind, "trial");
  EXPECT_EQ(page.progress, "2 / 9");
  EXPECT_EQ(survey.count("SELECT count(*) FROM sessions"), 2);
}

// ---- the HTTP server itself ----

TEST(HttpServer, StopFinishesRequestsInFlightAndClosesIdleConnections) {
  std::atomic<int> handled{0};
  HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  HttpServer server(
      options,
      [&](const HttpRequest& request) {
        HttpResponse response;
        if (request.path() == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(400));
        response.body = "done " + request.path();
        ++handled;
        return response;
      },
      [](int status) {
        HttpResponse response;
        response.status = status;
        return response;
      });
  server.start();
  HttpClient idle("127.0.0.1", server.port());
  ASSERT_EQ(idle.get("/fast").body, "done /fast");  // now an idle keep-alive connection
  HttpResponse slow;
  std::thread client([&] {
    HttpClient busy("127.0.0.1", server.port());
    slow = busy.get("/slow");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const auto stop_time = std::chrono::steady_clock::now();
  server.stop();
  server.wait();
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - stop_time).count();
  client.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "done /slow");
  EXPECT_TRUE(slow.close) << "the last response says Connection: close";
  EXPECT_GT(waited, 0.1);  // it waited for the slow request ...
  EXPECT_LT(waited, 5.0);  // ... not for the idle connection
  EXPECT_EQ(handled, 2);
  EXPECT_THROW(idle.get("/after"), Error);
  HttpClient late("127.0.0.1", server.port());
  EXPECT_THROW(late.get("/after"), Error);
}

// respond_to_wire_bytes (what the fuzz targets of the request path call) answers every kind of request as a server
// connection does: the same bytes sent over a socket get the same status.
TEST(HttpServer, OneExchangeWithoutASocketAnswersAsAConnectionDoes) {
  HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.header_limit = 512;
  options.body_limit = 64;
  const HttpHandler handler = [](const HttpRequest& request) {
    if (request.path() == "/throw") throw InputError("the handler failed");
    return HttpResponse{request.path() == "/missing" ? 404 : 200, {}, request.method + " " + request.body, false};
  };
  const HttpErrorResponder errors = [](int status) { return HttpResponse{status, {}, "refused", true}; };
  HttpServer server(options, handler, errors);
  server.start();
  const std::vector<std::pair<std::string, int>> requests = {
      {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 200},
      {"GET /missing HTTP/1.0\r\n\r\n", 404},
      {"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", 200},
      {"GET / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"HELLO\r\n\r\n", 400},
      {"\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(600, 'p') + "\r\n\r\n", 431},
      {"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n" + std::string(65, 'b'), 413},
      {"GET /throw HTTP/1.1\r\nHost: a\r\n\r\n", 500},
  };
  for (const auto& [bytes, status] : requests) {
    const std::string reply = respond_to_wire_bytes(bytes, options, handler, errors);
    ASSERT_GE(reply.size(), 12u) << bytes;
    EXPECT_EQ(reply.substr(9, 3), std::to_string(status)) << bytes;
    HttpClient client("127.0.0.1", server.port());
    EXPECT_EQ(client.send_raw(bytes).status, status) << bytes;
  }
  // HEAD: the GET response's headers, no body; nothing sent: no answer.
  const std::string head = respond_to_wire_bytes("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n", options, handler, errors);
  EXPECT_TRUE(contains(head, "Content-Length: 5\r\n")) << head;  // "HEAD "
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  EXPECT_EQ(respond_to_wire_bytes("", options, handler, errors), "");
  server.stop();
  server.wait();
}

TEST(HttpServer, APortInUseIsAClearError) {
  HttpServerOptions options;
  options.port = 0;
  const auto responder = [](int status) { return HttpResponse{status, {}, "", true}; };
  HttpServer first(options, [](const HttpRequest&) { return HttpResponse(); }, responder);
  first.start();
  options.port = first.port();
  HttpServer second(options, [](const HttpRequest&) { return HttpResponse(); }, responder);
  EXPECT_THROW_MESSAGE(second.start(), Error,
                       concat("cannot listen on 127.0.0.1:", first.port(), ": Address already in use"));
}

}  // namespace
}  // namespace depthstyle
