// The survey server under load: C concurrent respondents (default 50, one keep-alive connection each) answer every
// pair of a study as fast as they can, against the real `depthstyle survey serve` process on loopback. Each answer
// is a cycle of two requests, as in a browser: GET /survey (the page of the next pair; the server records when it
// was shown) and POST /answer (committed before the 303 is sent). Reported per durability setting
// (synchronous=normal, the default, and full): answers per second, latency percentiles, errors, and lost answers
// (acknowledged with a 303 but missing from the database afterwards, checked one by one). The baseline, measured in
// the same run against the same server: the same clients doing the same number of two-request cycles on a static
// file (no database), i.e. what the HTTP layer alone allows on this machine. To say what limits the rate, each
// round also reports the CPU time the server and the clients used (both run on this machine's cores), and a probe
// times bare SQLite commits (one connection, one row each, synchronous=normal): a survey answer costs two commits
// (the page marks its trial shown, the answer is inserted), and the server serialises its writes. The load average is printed before and after, since
// other work on the machine takes cores from both sides.
//
//   build/bench/survey_bench [--clients 50] [--pairs 100] [--threads 4] [--cli build/depthstyle] [--keep DIR]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/scratch_folder.h"
#include "db/sqlite.h"
#include "survey/invitations.h"
#include "support/scripted_respondent.h"
#include "support/serve_process.h"
#include "survey/study_create.h"
#include "survey/study_database.h"
#include "support/synthetic_grid_run.h"

namespace depthstyle {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int clients = 50;
  int pairs = 100;
  int threads = 4;
  std::filesystem::path cli;
  std::filesystem::path keep;  // "" = a temporary folder, removed at the end
};

struct RoundResult {
  std::string name;
  double seconds = 0;
  std::int64_t cycles = 0;  // answers acknowledged (or baseline cycles)
  std::int64_t errors = 0;
  std::vector<double> first_ms;   // GET /survey (baseline: first static GET)
  std::vector<double> second_ms;  // POST /answer (baseline: second static GET)
  std::int64_t lost = -1;         // acknowledged but not stored; -1 = not applicable
  std::int64_t unacknowledged_stored = -1;
  double server_cpu_seconds = 0;  // user + system time of the server process during the round
  double client_cpu_seconds = 0;  // user + system time of this process (the clients) during the round
};

// User + system CPU seconds of process `pid` so far (/proc/PID/stat fields 14 and 15, in clock ticks).
double process_cpu_seconds(int pid) {
  const std::string stat = read_file(concat("/proc/", pid, "/stat"));
  // Fields after the command name, which is in parentheses and may hold spaces.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int number = 3; fields >> field && number <= 15; ++number) {
    if (number == 14) utime = std::stoll(field);
    if (number == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string load_average() {
  std::istringstream text(read_file("/proc/loadavg"));
  std::string one, five, fifteen;
  text >> one >> five >> fifteen;
  return concat(one, " ", five, " ", fifteen);
}

// Commits per second of one connection inserting one row per transaction into a fresh WAL database in `folder`.
double sqlite_commits_per_second(const std::filesystem::path& folder, SqliteSynchronous synchronous, int commits) {
  const std::filesystem::path path = folder / "commit-probe.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  SqliteOpenOptions options;
  options.synchronous = synchronous;
  SqliteDatabase database(path, options);
  database.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, side TEXT NOT NULL)");
  SqliteStatement insert = database.prepare("INSERT INTO answers (side) VALUES (?1)");
  const auto start = Clock::now();
  for (int i = 0; i < commits; ++i) insert.execute(i % 2 ? "left" : "right");
  return commits / std::chrono::duration<double>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t index = std::min(values.size() - 1, static_cast<std::size_t>(q * (values.size() - 1) + 0.5));
  return values[index];
}

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// A served study: `survey serve` as a child process.
struct Server {
  SurveyServeProcess served;
  int port = 0;
  Server(const Options& options, const std::filesystem::path& study, const std::string& synchronous,
         const std::filesystem::path& log)
      : served(start_survey_serve(options.cli, study,
                                  {"--threads", std::to_string(options.threads), "--synchronous", synchronous}, log)),
        port(served.port) {}
  int pid() const { return served.process->pid(); }
  void stop() {
    served.process->send_signal(SIGTERM);
    if (served.process->wait() != 0) throw Error("survey serve did not stop cleanly");
  }
};

// Runs `cycle` on every client at once (after each client's untimed `prepare`), collecting the two latencies.
template <typename Prepare, typename Cycle>
RoundResult run_clients(const std::string& name, int clients, const Server& server, Prepare prepare, Cycle cycle) {
  RoundResult result;
  result.name = name;
  std::mutex mutex;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      ScriptedRespondent respondent("127.0.0.1", server.port);
      std::vector<double> first, second;
      std::int64_t cycles = 0, errors = 0;
      try {
        prepare(respondent, i);
      } catch (const std::exception&) {
        ++errors;
      }
      ++ready;
      while (!go) std::this_thread::yield();
      try {
        while (true) {
          double first_ms = 0, second_ms = 0;
          const int outcome = cycle(respondent, i, cycles, first_ms, second_ms);
          if (outcome < 0) break;  // done
          first.push_back(first_ms);
          second.push_back(second_ms);
          if (outcome == 1) ++cycles;
          else if (++errors == 10) break;  // something is wrong; stop this client rather than spin
        }
      } catch (const std::exception&) {
        ++errors;
      }
      std::lock_guard<std::mutex> lock(mutex);
      result.first_ms.insert(result.first_ms.end(), first.begin(), first.end());
      result.second_ms.insert(result.second_ms.end(), second.begin(), second.end());
      result.cycles += cycles;
      result.errors += errors;
    });
  }
  while (ready < clients) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double server_cpu = process_cpu_seconds(server.pid()), client_cpu = own_cpu_seconds();
  const auto start = Clock::now();
  go = true;
  for (std::thread& thread : threads) thread.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.server_cpu_seconds = process_cpu_seconds(server.pid()) - server_cpu;
  result.client_cpu_seconds = own_cpu_seconds() - client_cpu;
  return result;
}

RoundResult answer_round(const Options& options, const std::filesystem::path& work, const std::string& synchronous,
                         std::int64_t* baseline_cycles_per_client, RoundResult* baseline) {
  StudyOptions study;
  study.name = "study-" + synchronous;
  study.output_dir = work.string();
  study.stimuli.grid_run = (work / "grid").string();
  study.respondents = options.clients;
  study.sentinels = 2;
  study.repeats = 2;
  const StudyCreateSummary created = create_study(study, "");
  std::vector<Invitation> invitations;
  {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(created.folder / kStudyDatabaseName);
    invitations = invite_respondents(*database, static_cast<std::size_t>(options.clients), "http://127.0.0.1");
  }
  Server server(options, created.folder, synchronous, work / ("serve-" + synchronous + ".log"));
  std::mutex mutex;
  std::map<std::int64_t, std::string> acknowledged;
  RoundResult result = run_clients(
      "synchronous=" + synchronous, options.clients, server,
      [&](ScriptedRespondent& respondent, int i) {
        respondent.open(invitation_path(invitations[static_cast<std::size_t>(i)].token));
        respondent.page();
        if (respondent.start().status != 303) throw Error("start refused");
      },
      [&](ScriptedRespondent& respondent, int i, std::int64_t, double& page_ms, double& answer_ms) {
        auto start = Clock::now();
        const SurveyPageView page = respondent.page();
        page_ms = elapsed_ms(start);
        if (page.kind == "thanks") return -1;
        if (page.kind != "trial") return 0;
        const std::string side = (page.trial + i) % 2 ? "left" : "right";
        start = Clock::now();
        const HttpResponse answered = respondent.answer(page.trial, side);
        answer_ms = elapsed_ms(start);
        if (answered.status != 303) return 0;
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged[page.trial] = side;
        return 1;
      });
  if (baseline != nullptr) {
    // The same clients and number of two-request cycles on static files, against the same server.
    const std::int64_t cycles = result.cycles / options.clients;
    *baseline_cycles_per_client = cycles;
    *baseline = run_clients(
        "baseline: static files", options.clients, server, [](ScriptedRespondent&, int) {},
        [&](ScriptedRespondent& respondent, int, std::int64_t done, double& first_ms, double& second_ms) {
          if (done >= cycles) return -1;
          auto start = Clock::now();
          const bool css = respondent.get("/static/survey.css").status == 200;
          first_ms = elapsed_ms(start);
          start = Clock::now();
          const bool js = respondent.get("/static/survey.js").status == 200;
          second_ms = elapsed_ms(start);
          return css && js ? 1 : 0;
        });
  }
  server.stop();

  // Every acknowledged answer, one by one, with its side.
  SqliteDatabase database(created.folder / kStudyDatabaseName);
  std::map<std::int64_t, std::string> stored;
  SqliteStatement select = database.prepare("SELECT trial_id, side FROM answers");
  for (SqliteRows rows = select.query(); rows.next();) stored[rows.integer(0)] = rows.text(1);
  result.lost = 0;
  for (const auto& [trial, side] : acknowledged) {
    const auto found = stored.find(trial);
    result.lost += found == stored.end() || found->second != side;
  }
  result.unacknowledged_stored = static_cast<std::int64_t>(stored.size()) -
                                 static_cast<std::int64_t>(acknowledged.size()) + result.lost;
  return result;
}

void print(const RoundResult& result) {
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("  %-24s %7lld %7.2f %9.0f %7.2f %7.2f %7.2f %7.2f %6lld %4s %7.1f %7.1f %5.0f%%\n", result.name.c_str(),
              static_cast<long long>(result.cycles), result.seconds, result.cycles / result.seconds,
              percentile(result.first_ms, 0.5), percentile(result.first_ms, 0.99), percentile(result.second_ms, 0.5),
              percentile(result.second_ms, 0.99), static_cast<long long>(result.errors),
              result.lost < 0 ? "-" : std::to_string(result.lost).c_str(),
              1e6 * result.server_cpu_seconds / std::max<std::int64_t>(1, result.cycles),
              1e6 * result.client_cpu_seconds / std::max<std::int64_t>(1, result.cycles),
              100 * (result.server_cpu_seconds + result.client_cpu_seconds) / (result.seconds * cores));
}

int run(int argc, char** argv) {
  Options options;
  char self[4096] = {};
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length > 0) options.cli = std::filesystem::path(std::string(self, length)).parent_path().parent_path() / "depthstyle";
  std::string cli = options.cli.string(), keep;
  BenchOptions command_line("survey_bench: the real `depthstyle survey serve` under concurrent keep-alive clients");
  command_line.value("clients", options.clients, "concurrent clients, each answering a whole study")
      .value("pairs", options.pairs, "image pairs of the study (a multiple of 10)")
      .value("threads", options.threads, "the server's --threads")
      .value("cli", cli, "the depthstyle binary to serve with")
      .value("keep", keep, "work in this folder and keep it (default: a temporary folder, removed at the end)");
  command_line.parse(argc, argv);
  options.cli = cli;
  options.keep = keep;
  if (options.clients < 1 || options.pairs < 10 || options.pairs % 10 != 0) {
    throw UsageError("need --clients >= 1 and --pairs a multiple of 10 (>= 10)");
  }
  if (!std::filesystem::exists(options.cli)) throw Error(options.cli.string() + ": no depthstyle binary (--cli)");
  std::optional<ScratchFolder> scratch;
  if (options.keep.empty()) scratch.emplace("survey-bench");
  const std::filesystem::path work = options.keep.empty() ? scratch->path() : options.keep;
  SyntheticGridRun grid;
  grid.contents = 10;
  grid.styles = options.pairs / 10;
  write_synthetic_grid_run(work / "grid", grid);

  const int trials = options.pairs + 2 + 2;
  std::printf("survey serve under load: %d clients on loopback, each answering %d trials (%d pairs, 2 sentinels, "
              "2 repeats), server threads %d; one answer = GET /survey + POST /answer\n\n",
              options.clients, trials, options.pairs, options.threads);
  std::printf("load average before: %s\n\n", load_average().c_str());
  std::printf("  %-24s %7s %7s %9s %7s %7s %7s %7s %6s %4s %7s %7s %6s\n", "round", "answers", "seconds", "answers/s",
              "GET", "GET", "POST", "POST", "errors", "lost", "server", "client", "CPU");
  std::printf("  %-24s %7s %7s %9s %7s %7s %7s %7s %6s %4s %7s %7s %6s\n", "", "", "", "", "p50 ms", "p99 ms",
              "p50 ms", "p99 ms", "", "", "us CPU", "us CPU", "busy");
  // Legend: "us CPU" = CPU microseconds per answer (per cycle for the baseline) of the server process and of the
  // clients (this process); "CPU busy" = both together as a share of all cores over the round's wall time.
  std::int64_t baseline_cycles = 0;
  RoundResult baseline;
  const RoundResult normal = answer_round(options, work, "normal", &baseline_cycles, &baseline);
  print(normal);
  const RoundResult full = answer_round(options, work, "full", nullptr, nullptr);
  print(full);
  print(baseline);
  std::printf("\n  answers/s, synchronous=normal vs the static-file baseline's cycles/s: %.2f\n",
              (normal.cycles / normal.seconds) / (baseline.cycles / baseline.seconds));
  std::printf("  answers/s, synchronous=full vs normal: %.2f\n",
              (full.cycles / full.seconds) / (normal.cycles / normal.seconds));
  std::printf("  stored without an acknowledgement: normal %lld, full %lld (should be 0 in a run without kills)\n",
              static_cast<long long>(normal.unacknowledged_stored), static_cast<long long>(full.unacknowledged_stored));
  const bool met = normal.cycles / normal.seconds >= 1000 && normal.errors == 0 && normal.lost == 0;
  const int probe_commits = 5000;
  const double commits = sqlite_commits_per_second(work, SqliteSynchronous::kNormal, probe_commits);
  std::printf("  bare SQLite commits/s, synchronous=normal (one connection, %d one-row transactions): %.0f; the server "
              "serialises its writes and an answer is two of them, so they alone would allow ~%.0f answers/s\n",
              probe_commits, commits, commits / 2);
  std::printf("  load average after: %s (%u cores)\n", load_average().c_str(), std::thread::hardware_concurrency());
  std::printf("  goal >= 1,000 answers/s with 0 errors and 0 lost (synchronous=normal): %s\n", met ? "met" : "NOT met");
  const bool correct = normal.errors == 0 && normal.lost == 0 && full.errors == 0 && full.lost == 0 &&
                       normal.cycles == static_cast<std::int64_t>(options.clients) * trials &&
                       full.cycles == static_cast<std::int64_t>(options.clients) * trials;
  return correct ? 0 : 1;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
