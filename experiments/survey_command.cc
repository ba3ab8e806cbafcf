// depthstyle survey: user studies end to end. create (a study folder from a style-grid run and configs/study.yaml),
// invite (respondents with invitation links), serve (the survey web server), export / import (the long answers
// CSV), status (progress per respondent). The work lives in src/survey/.
#include <sys/stat.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli_options.h"
#include "commands.h"
#include "config/config_document.h"
#include "config/schema.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/secure_random.h"
#include "core/text.h"
#include "report/result_table.h"
#include "http/http_server.h"
#include "survey/invitations.h"
#include "survey/study_create.h"
#include "survey/study_database.h"
#include "survey/study_design.h"
#include "survey/study_answers.h"
#include "survey/survey_app.h"
#include "survey/study_status.h"

namespace po = boost::program_options;

namespace depthstyle {
namespace {

int create_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle survey create",
      "Creates a self-contained study folder <output_dir>/<name>/ (study.sqlite, stimuli/, config.yaml) from a "
      "finished style_grid run: every baseline/proposed pair of the same content, style and sizes, a seeded subset "
      "of pairs.count of them, optional sentinel pairs (a degraded copy vs the good image) and swapped repeats. "
      "Respondents are added with 'survey invite'. configs/study.yaml is an example.");
  command_line.positional("config", 1, "YAML config of the study");
  command_line.options()
      ("set", po::value<std::vector<std::string>>()->composing(), "override a key: --set key.path=value (repeatable)")
      ("print-config", "print the resolved config with every key's help and stop");
  if (!command_line.parse(argc, argv)) return 0;

  const std::filesystem::path config_path = command_line.get<std::string>("config");
  ConfigDocument document = ConfigDocument::from_file(config_path);
  if (command_line.has("set")) {
    for (const std::string& assignment : command_line.get<std::vector<std::string>>("set")) {
      document.apply_override(assignment);
    }
  }
  const auto [options, resolved] = read_study_config(document, config_path.stem().string());
  if (command_line.has("print-config")) {
    std::cout << resolved;
    return 0;
  }
  const StudyCreateSummary summary = create_study(options, resolved);
  std::cout << "study folder: " << summary.folder.string() << "\n"
            << "pairs: " << summary.pairs << " of the grid's " << summary.candidate_pairs << ", sentinels: "
            << summary.sentinels << ", trials per respondent: " << summary.trials_per_respondent << "\n";
  if (!summary.reproduces_paper) {
    std::cout << "warning: the stimuli were made with " << summary.backbone_label
              << "; a study of the paper's methods needs the grid run with the paper's networks\n";
  }
  std::cout << "next: depthstyle survey invite " << summary.folder.string() << " --out invitations.csv\n";
  return 0;
}

int invite_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle survey invite",
      "Adds respondents to a study, each with an invitation link holding a random 128-bit token, and their planned "
      "trials (order, sides, sentinels, repeats). The links are printed and written to --out (a new file, readable "
      "only by you); they cannot be shown again: the study keeps only each token's SHA-256.");
  command_line.positional("study", 1, "study folder (or its study.sqlite)");
  const HttpServerOptions server_defaults;  // where `survey serve` listens unless told otherwise
  command_line.options()
      ("count", po::value<int>(), "respondents to invite (default: the planned respondents not yet invited)")
      ("base-url", po::value<std::string>()->default_value(concat("http://", server_defaults.host, ":",
                                                                  server_defaults.port)),
       "how respondents reach 'survey serve': scheme, host and port (of the HTTPS proxy in front of it, if any); no "
       "path")
      ("out", po::value<std::string>()->default_value("invitations.csv"),
       "CSV of respondent, link, completion code; must not exist yet");
  if (!command_line.parse(argc, argv)) return 0;

  const std::filesystem::path out = command_line.get<std::string>("out");
  if (std::filesystem::exists(out)) {
    throw UsageError(concat("--out ", out.string(), " exists already; it may hold the only copy of earlier links, so ",
                            "it is not overwritten: choose another file"));
  }
  const std::filesystem::path path = study_database_path(command_line.get<std::string>("study"));
  const std::unique_ptr<SqliteDatabase> database = open_study_database(path);
  std::size_t count = 0;
  if (command_line.has("count")) {
    const int given = command_line.get<int>("count");
    if (given < 1 || given > 100000) throw UsageError(concat("--count ", given, ": expected 1 to 100000"));
    count = static_cast<std::size_t>(given);
  } else {
    SqliteStatement select = database->prepare(
        "SELECT (SELECT design FROM studies WHERE id = 1), "
        "       (SELECT count(*) FROM respondents WHERE origin = 'invited')");
    SqliteRows rows = select.query();
    rows.next();
    const StudyDesign design = study_design_from_json(nlohmann::json::parse(rows.text(0)), path.string());
    const auto invited = static_cast<std::size_t>(rows.integer(1));
    if (invited >= design.planned_respondents) {
      throw UsageError(concat("all ", design.planned_respondents, " planned respondents are invited already; give ",
                              "--count N to invite more"));
    }
    count = design.planned_respondents - invited;
  }
  // The links go to a temporary file first, become valid with the commit, and the file is published after it;
  // created readable by the owner only (they are secrets).
  const mode_t previous_umask = ::umask(077);
  AtomicFile file(out);
  ::umask(previous_umask);
  const std::vector<Invitation> invitations =
      invite_respondents(*database, count, command_line.get<std::string>("base-url"));
  file.write(invitations_csv(invitations));
  file.commit();
  for (const Invitation& invitation : invitations) {
    std::cout << invitation.respondent << "  " << invitation.link << "  code " << invitation.completion_code << "\n";
  }
  std::cout << invitations.size() << " invitations written to " << out.string() << "\n";
  return 0;
}

int export_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle survey export",
      "Writes every answer of a study as the long answers CSV 'depthstyle analyze' reads: respondent, trial, pair, "
      "left_method, right_method, chosen_method, response_ms, time, sentinel_expected, repeat_of.");
  command_line.positional("study", 1, "study folder (or its study.sqlite)");
  command_line.options()("out,o", po::value<std::string>(), "CSV file to write (atomically); default: stdout");
  if (!command_line.parse(argc, argv)) return 0;
  const std::unique_ptr<SqliteDatabase> database =
      open_study_database(study_database_path(command_line.get<std::string>("study")));
  const Study study = read_study_answers(*database);
  const std::string csv = study_answers_csv_text(study);
  if (command_line.has("out")) {
    write_file_atomically(command_line.get<std::string>("out"), csv);
    std::cerr << study.answers.size() << " answers written to " << command_line.get<std::string>("out") << "\n";
  } else {
    std::cout << csv;
  }
  return 0;
}

int import_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle survey import",
      "Adds answers collected elsewhere (an external survey platform showing this study's stimuli) in the long "
      "answers CSV: every line is checked (columns, the pair is one of the study's, its two methods, sentinel and "
      "repeat columns) and nothing is imported unless all pass. Each respondent becomes an imported respondent.");
  command_line.positional("study", 1, "study folder (or its study.sqlite)");
  command_line.positional("answers", 1, "answers CSV");
  if (!command_line.parse(argc, argv)) return 0;
  const std::unique_ptr<SqliteDatabase> database =
      open_study_database(study_database_path(command_line.get<std::string>("study")));
  const ImportSummary summary = import_study_answers(*database, command_line.get<std::string>("answers"));
  std::cout << "imported " << summary.answers << " answers of " << summary.respondents << " respondents\n";
  return 0;
}

int status_command(int argc, char** argv) {
  CommandLine command_line("depthstyle survey status",
                           "Prints how far every respondent has got (answered trials, failed sentinels, median "
                           "response time, last answer).");
  command_line.positional("study", 1, "study folder (or its study.sqlite)");
  if (!command_line.parse(argc, argv)) return 0;
  const std::unique_ptr<SqliteDatabase> database =
      open_study_database(study_database_path(command_line.get<std::string>("study")));
  const StudyProgress progress = study_progress(*database);
  ResultTable table({{"respondent", "Respondent"},
                     {"origin", "Origin"},
                     {"answered", "Answered", ColumnKind::kInteger},
                     {"trials", "Trials", ColumnKind::kInteger},
                     {"sentinels_failed", "Sentinels failed", ColumnKind::kInteger},
                     {"median_response_ms", "Median response (ms)", ColumnKind::kNumber, 0},
                     {"started_at", "Started"},
                     {"last_answer_at", "Last answer"}});
  for (const RespondentProgress& respondent : progress.respondents) {
    table.add_row({respondent.respondent, respondent.origin, respondent.answered, respondent.trials,
                   respondent.sentinels_failed,
                   respondent.median_response_ms < 0 ? Cell() : Cell(respondent.median_response_ms),
                   respondent.started_at.empty() ? Cell() : Cell(respondent.started_at),
                   respondent.last_answer_at.empty() ? Cell() : Cell(respondent.last_answer_at)});
  }
  std::cout << "study " << progress.study << ": " << progress.answered << " of " << progress.trials
            << " trials answered, " << progress.finished_respondents << " of " << progress.respondents.size()
            << " respondents finished\n\n"
            << table.to_markdown();
  return 0;
}

// The status page's token: from --admin-token-file (created with a fresh token if it does not exist), or fresh.
std::string admin_token(const CommandLine& command_line) {
  if (!command_line.has("admin-token-file")) return secure_random_hex(16);
  const std::filesystem::path path = command_line.get<std::string>("admin-token-file");
  if (!std::filesystem::exists(path)) {
    const std::string token = secure_random_hex(16);
    const mode_t previous_umask = ::umask(077);
    write_file_atomically(path, token + "\n");
    ::umask(previous_umask);
    return token;
  }
  const std::string token = trim(read_file(path));
  if (!is_lower_hex(token, 32)) {
    throw UsageError(concat("--admin-token-file ", path.string(), ": expected 32 lower-case hex characters (a ",
                            "128-bit token); delete the file to have a new one made"));
  }
  return token;
}

int serve_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle survey serve",
      "Serves a study to its respondents over HTTP/1.1: the instructions, one pair at a time (click, tap or arrow "
      "keys; progress '7 / 20'), then a thank-you page with the completion code. Every answer is committed to the "
      "study database before the browser gets the next page, so a killed server loses no acknowledged answer and "
      "respondents continue where they stopped after a restart. Listens on 127.0.0.1 (this machine only) unless "
      "--host says otherwise; put an HTTPS proxy in front for respondents elsewhere. SIGINT/SIGTERM stop it "
      "gracefully. The status page (progress per respondent) is at /status/<admin token>.");
  command_line.positional("study", 1, "study folder (or its study.sqlite)");
  const HttpServerOptions server_defaults;
  command_line.options()
      ("host", po::value<std::string>()->default_value(server_defaults.host),
       "address to listen on (0.0.0.0 = all)")
      ("port", po::value<int>()->default_value(server_defaults.port),
       "TCP port (0 = any free port; the chosen one is printed)")
      ("threads", po::value<int>()->default_value(server_defaults.threads), "threads handling requests (1 to 64)")
      ("synchronous", po::value<std::string>()->default_value("normal"),
       "normal: an acknowledged answer survives any crash of the server process (SIGKILL included); full: also a "
       "power loss or OS crash, at one fsync per write")
      ("admin-token-file", po::value<std::string>(),
       "file holding the status page's token (created with a new token if missing); default: a new token each start")
      ("assets", po::value<std::string>(), "serve the page files of this folder instead of the built-in ones")
      ("secure-cookie", "mark the session cookie Secure (respondents come through HTTPS)")
      ("max-body", po::value<std::size_t>()->default_value(server_defaults.body_limit),
       "largest request body accepted, bytes")
      ("max-header", po::value<std::size_t>()->default_value(server_defaults.header_limit),
       "largest request head accepted, bytes");
  if (!command_line.parse(argc, argv)) return 0;

  const int threads = command_line.get<int>("threads");
  if (threads < 1 || threads > 64) throw UsageError(concat("--threads ", threads, ": expected 1 to 64"));
  const int port = command_line.get<int>("port");
  if (port < 0 || port > 65535) throw UsageError(concat("--port ", port, ": expected 0 to 65535"));
  const std::string synchronous = command_line.get<std::string>("synchronous");
  if (synchronous != "normal" && synchronous != "full") {
    throw UsageError(concat("--synchronous '", synchronous, "': expected normal or full"));
  }
  SurveyAppOptions app_options;
  app_options.database = study_database_path(command_line.get<std::string>("study"));
  app_options.synchronous = synchronous == "full" ? SqliteSynchronous::kFull : SqliteSynchronous::kNormal;
  app_options.connections = threads;
  app_options.admin_token = admin_token(command_line);
  if (command_line.has("assets")) app_options.assets_dir = command_line.get<std::string>("assets");
  app_options.secure_cookie = command_line.has("secure-cookie");
  SurveyApp app(app_options);

  HttpServerOptions server_options;
  server_options.host = command_line.get<std::string>("host");
  server_options.port = port;
  server_options.threads = threads;
  server_options.body_limit = command_line.get<std::size_t>("max-body");
  server_options.header_limit = command_line.get<std::size_t>("max-header");
  HttpServer server(
      server_options, [&app](const HttpRequest& request) { return app.handle(request); },
      [&app](int status) { return app.error_response(status); });
  install_interrupt_handlers();
  server.start();
  const std::string base = concat("http://", server_options.host, ":", server.port());
  std::cout << "serving study '" << app.texts().name << "' (" << app_options.database.string() << ")\n"
            << "listening on " << base << "/ with " << threads << " threads, synchronous=" << synchronous << "\n"
            << "status page: " << base << "/status/" << app_options.admin_token << "\n"
            << "stop with Ctrl-C or SIGTERM (requests in flight are finished first)" << std::endl;
  while (!interrupt_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  server.wait();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

int run_survey_command(int argc, char** argv) {
  return run_verb_command(
      "depthstyle survey", argc, argv,
      {{"create", "create a study folder from a style-grid run: create CONFIG.yaml", create_command},
       {"invite", "add respondents and print their invitation links: invite STUDY --out FILE", invite_command},
       {"serve", "serve the survey page: serve STUDY [--host 127.0.0.1] [--port 8080]", serve_command},
       {"export", "write the answers CSV: export STUDY [-o FILE]", export_command},
       {"import", "add answers from an external platform: import STUDY ANSWERS.csv", import_command},
       {"status", "progress per respondent: status STUDY", status_command}});
}

}  // namespace depthstyle
