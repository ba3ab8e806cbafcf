// `depthstyle survey serve` as a child process, for what drives the real server from outside (the kill-and-restart
// test, the benchmark): started on a free port (--port 0) with its stdout and stderr going to a file, the port read
// from the "listening on http://127.0.0.1:PORT/" line it prints.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/process.h"

namespace depthstyle {

struct SurveyServeProcess {
  std::unique_ptr<ChildProcess> process;  // killed (SIGKILL) when destroyed while running; stop it with SIGTERM
  int port = 0;
};

// Runs `cli survey serve STUDY --port 0 OPTIONS...` and waits until it listens. Throws Error with what the server
// printed if it exits first or does not listen within `timeout` (the child is killed then).
SurveyServeProcess start_survey_serve(const std::filesystem::path& cli, const std::filesystem::path& study,
                                      const std::vector<std::string>& options, const std::filesystem::path& output,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace depthstyle
