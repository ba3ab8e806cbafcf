#include "support/serve_process.h"

#include <regex>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"

namespace depthstyle {

SurveyServeProcess start_survey_serve(const std::filesystem::path& cli, const std::filesystem::path& study,
                                      const std::vector<std::string>& options, const std::filesystem::path& output,
                                      std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {cli.string(), "survey", "serve", study.string(), "--port", "0"};
  argv.insert(argv.end(), options.begin(), options.end());
  SurveyServeProcess server;
  server.process = std::make_unique<ChildProcess>(argv, output);
  const std::regex listening("listening on http://[^/:]+:([0-9]+)/");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string printed = read_file(output);
    if (std::regex_search(printed, match, listening)) {
      server.port = std::stoi(match[1].str());
      return server;
    }
    if (server.process->poll()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw Error(concat("survey serve ", study.string(), " did not start listening; it printed:\n", read_file(output)));
}

}  // namespace depthstyle
