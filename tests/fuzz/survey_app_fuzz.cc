// survey/survey_app.h behind the server's request path (http/http_server.h respond_to_wire_bytes), in-process, on a
// small study database made at start-up: every route, cookie, form and CSRF check, with the answers really recorded.
//
// The secrets a request needs to get past the first checks cannot be guessed by a fuzzer, so the input may name them:
// "@T" is replaced by the respondent's invitation token, "@C" by the value of a session cookie opened at start-up,
// "@X" by that session's CSRF token, "@A" by the admin (status page) token and "@I" by a stimulus's public id.
// Answers stay recorded between inputs (the study has enough trials), as they would on a live server.
#include <opencv2/core.hpp>

#include "core/sha256.h"
#include "fuzz/fuzz_support.h"
#include "http/http_server.h"
#include "io/image.h"
#include "survey/study_database.h"
#include "survey/survey_app.h"
#include "survey/study_schema.h"

using namespace depthstyle;

namespace {

const std::string kToken(32, '7');
const std::string kAdminToken(32, 'a');
const std::string kStimulusIds[] = {std::string(32, 'b'), std::string(32, 'c')};
constexpr int kTrials = 64;

// The rows `survey create` and `survey invite` write, for one comparison of two stimuli shown kTrials times.
std::filesystem::path make_study() {
  const std::filesystem::path folder = fuzz::scratch_folder() / "study";
  std::filesystem::create_directories(folder / "stimuli");
  const std::filesystem::path database_path = folder / kStudyDatabaseName;
  const auto database = std::make_unique<SqliteDatabase>(database_path);
  migrate(*database, study_schema());
  database->execute(
      "INSERT INTO studies (id, name, title, question, instructions, thanks, design, config, source_run, "
      "source_manifest, tool_revision, created_at) VALUES (1, 'fuzz', 'Fuzz', 'Which?', 'Choose.', 'Thanks.', '{}', "
      "'', '', '{}', '', '2026-01-01T00:00:00.000Z')");
  database->execute("INSERT INTO methods (id, name, role) VALUES (1, 'adain', 'baseline'), (2, 'da-adain', 'proposed')");
  for (int i = 0; i < 2; ++i) {
    const std::string file = "stimuli/" + std::to_string(i) + ".png";
    save_image(folder / file, cv::Mat(4, 6, CV_32FC3, cv::Scalar(0.2 * i, 0.5, 0.7)));
    database->execute(
        "INSERT INTO stimuli (id, public_id, method_id, file, sha256, media_type, width, height, source) "
        "VALUES (?1, ?2, ?1, ?3, ?4, 'image/png', 6, 4, '{}')",
        i + 1, kStimulusIds[i], file, sha256_hex_of_file(folder / file));
  }
  database->execute(
      "INSERT INTO comparisons (id, name, kind, first_stimulus, second_stimulus) VALUES (1, 'pair', 'main', 1, 2)");
  database->execute(
      "INSERT INTO respondents (id, label, origin, token_sha256, created_at) "
      "VALUES (1, 'r001', 'invited', ?1, '2026-01-01T00:00:00.000Z')",
      sha256_hex(kToken));
  for (int position = 1; position <= kTrials; ++position) {
    database->execute(
        "INSERT INTO trials (respondent_id, position, label, comparison_id, left_stimulus, right_stimulus) "
        "VALUES (1, ?1, ?2, 1, ?3, ?4)",
        position, "t" + std::to_string(position), 1 + position % 2, 2 - position % 2);
  }
  return database_path;
}

struct FuzzedSurvey {
  std::unique_ptr<SurveyApp> app;
  std::string cookie;
  std::string csrf;

  FuzzedSurvey() {
    SurveyAppOptions options;
    options.database = make_study();
    options.connections = 1;
    options.admin_token = kAdminToken;
    app = std::make_unique<SurveyApp>(options);
    HttpRequest invitation{"GET", "/i/" + kToken, {{"Host", "fuzz"}}, ""};
    const std::string set_cookie = app->handle(invitation).header("Set-Cookie");
    const std::size_t start = set_cookie.find('=') + 1;
    cookie = set_cookie.substr(start, set_cookie.find(';') - start);
    SqliteDatabase database(options.database);
    SqliteStatement select = database.prepare("SELECT csrf_token FROM sessions");
    SqliteRows rows = select.query();
    DEPTHSTYLE_ASSERT(rows.next());
    csrf = rows.text(0);
  }

  std::string with_secrets(std::string_view input) const {
    std::string out;
    out.reserve(input.size() + 64);
    for (std::size_t i = 0; i < input.size(); ++i) {
      if (input[i] == '@' && i + 1 < input.size()) {
        const char name = input[i + 1];
        const std::string* secret = name == 'T' ? &kToken : name == 'C' ? &cookie : name == 'X' ? &csrf
                                  : name == 'A' ? &kAdminToken : name == 'I' ? &kStimulusIds[0] : nullptr;
        if (secret) {
          out += *secret;
          ++i;
          continue;
        }
      }
      out += input[i];
    }
    return out;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FuzzedSurvey survey;
  static const HttpServerOptions options;  // the server's own limits
  const std::string reply = respond_to_wire_bytes(
      survey.with_secrets(fuzz::as_text(data, size)), options,
      [](const HttpRequest& request) { return survey.app->handle(request); },
      [](int status) { return survey.app->error_response(status); });
  // A request reaching the application never gets a 500: that would be an exception the app did not expect.
  DEPTHSTYLE_ASSERT(reply.empty() || (reply.rfind("HTTP/1.", 0) == 0 && reply.compare(8, 5, " 500 ") != 0));
  return 0;
}
