// Which folder a `depthstyle run` uses under <output_dir>/<experiment>/. The first run of a config is <name>; each
// later start of the same config gets <name>-<UTC time, yyyymmddTHHMMSSZ> (with -2, -3, ... if that exists too),
// so starting a config again never fails and never touches an earlier run. --resume without an explicit name
// continues the latest of these runs that has not succeeded (run_to_resume).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace depthstyle {

// The name for a new run of `name` in `experiment_dir`, where `name` holds a run already. With `claim`, creates the
// (empty) folder, so that two processes starting at once get different ones; without, only says which it would be.
std::string new_run_name(const std::filesystem::path& experiment_dir, const std::string& name, bool claim);

// The run --resume continues when no name is given: the latest run of `name` in `experiment_dir` (`name` itself or a
// timestamped later one, ordered by that time) whose manifest does not record success, else the latest run (a
// finished run resumes with nothing left to do); nullopt when there is no run at all. A run with an unreadable
// manifest counts as unfinished (resuming it then says what is wrong with it).
std::optional<std::string> run_to_resume(const std::filesystem::path& experiment_dir, const std::string& name);

}  // namespace depthstyle
