// A thin layer over Boost.program_options shared by every subcommand: --help, positional arguments listed in the
// usage line, and parse errors turned into UsageError (exit code 2) with the command's usage attached.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "core/text.h"
#include "weights/weights_folder.h"
#include "depth/depth_estimator.h"

namespace depthstyle {

// A number option whose default --help prints as written in the code ("0.95"; Boost would print its own rendering,
// "0.94999999999999996"). Defaults come from the options struct the command fills (`const StudyAnalysisOptions
// defaults;` ... `number_option(defaults.confidence)`), so the struct stays their one definition.
inline boost::program_options::typed_value<double>* number_option(double default_value) {
  return boost::program_options::value<double>()->default_value(default_value, format_number(default_value));
}

class CommandLine {
 public:
  CommandLine(std::string command, std::string description);

  boost::program_options::options_description_easy_init options() { return options_.add_options(); }
  // A positional argument; `count` -1 takes all remaining ones.
  void positional(const std::string& name, int count, const std::string& help);

  // Returns false if --help was given (help has then been printed to stdout).
  bool parse(int argc, char** argv);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  template <typename T>
  T get(const std::string& name) const {
    return values_[name].as<T>();
  }

  std::string usage() const;

 private:
  std::string command_;
  std::string description_;
  boost::program_options::options_description options_;
  boost::program_options::options_description hidden_;
  boost::program_options::positional_options_description positionals_;
  std::vector<std::pair<std::string, int>> positional_names_;
  boost::program_options::variables_map values_;
};

// --weights-dir, with one help text for every command that reads models (weights/weights_folder.h has the rules).
void declare_weights_dir_option(CommandLine& command_line);
// Makes the parsed --weights-dir the process's (set_weights_dir_option) and returns the folder the rules give.
WeightsFolder apply_weights_dir_option(const CommandLine& command_line);

// The options that choose an estimator of the depth registry (depth/depth_estimator.h), one declaration for every
// command that takes one (stylize, depth): --depth-estimator TYPE, --depth-model PATH, --depth-preset P,
// --depth-version V and --depth-meaning M, whose help the command gives (stylize's also describes --depth-map).
void add_depth_estimator_options(CommandLine& command_line, const std::string& meaning_help);
// The registry entry the options ask for, named after its type; --depth-meaning is taken when given. Call only when
// --depth-estimator is given.
DepthEstimatorConfig depth_estimator_config(const CommandLine& command_line);

}  // namespace depthstyle
