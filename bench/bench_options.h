// A benchmark's command line: each option declared once, beside the variable it sets (whose value before parsing is
// the default --help shows), and parsed by Boost.Program_options as the depthstyle tool's own options are.
//
// Why: a benchmark runs for seconds to minutes, so an option it does not take (a typo, --help, a missing value, a
// value that is not a number) must stop it with a message naming the option, not run it with defaults.
//
//   int repeats = 7;
//   BenchOptions options("attention_bench: ...");
//   options.value("repeats", repeats, "passes timed per layer; the minimum is reported");
//   options.parse(argc, argv);   // --help: prints the options and exits 0; anything wrong: throws UsageError
#pragma once

#include <boost/program_options.hpp>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <list>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

class BenchOptions {
 public:
  // `usage`: what --help prints above the options (the command and what it measures).
  explicit BenchOptions(std::string usage) : usage_(std::move(usage)), description_("options") {
    description_.add_options()("help,h", "show this help and exit");
  }

  // --NAME VALUE sets `variable` (an integer, a floating-point number or a string); its value now is the default.
  template <class T>
  BenchOptions& value(const char* name, T& variable, const std::string& help) {
    description_.add_options()(name, boost::program_options::value<T>(&variable)->default_value(variable),
                               help.c_str());
    return *this;
  }

  // --threads N: the threads the benchmark runs with, for set_thread_count (0 = every core; at most kMaxThreadCount).
  BenchOptions& threads(int& variable) {
    return value("threads", variable, "threads, for the measured code and its baseline alike (0 = every core)");
  }

  // --NAME WIDTHxHEIGHT (core/text.h), or 0 for none (0x0), sets `variable`, of any type with int members width and
  // height (WidthHeight, cv::Size); its value now is the default. A malformed size throws UsageError naming --NAME.
  template <class Size>
  BenchOptions& size(const char* name, Size& variable, const std::string& help) {
    const bool none = variable.width == 0 && variable.height == 0;
    std::string& text = size_texts_.emplace_back(none ? "0" : width_x_height_text({variable.width, variable.height}));
    value(name, text, help);
    size_conversions_.push_back([&variable, &text, option = std::string("--") + name] {
      const WidthHeight parsed = text == "0" ? WidthHeight{} : parse_width_x_height(option, text);
      variable.width = parsed.width;
      variable.height = parsed.height;
    });
    return *this;
  }

  // --NAME alone sets `variable` to true.
  BenchOptions& flag(const char* name, bool& variable, const std::string& help) {
    description_.add_options()(name, boost::program_options::bool_switch(&variable), help.c_str());
    return *this;
  }

  // Sets the declared variables from the command line. --help prints the usage and the options and exits 0 (before the
  // benchmark has done anything); an unknown option, a missing or malformed value, or an argument that is not an option
  // throws UsageError naming it.
  void parse(int argc, char** argv) {
    namespace po = boost::program_options;
    po::variables_map values;
    const po::positional_options_description no_positional_arguments;  // a stray word is an error, not ignored
    try {
      po::store(po::command_line_parser(argc, argv).options(description_).positional(no_positional_arguments).run(),
                values);
      if (values.count("help") > 0) {
        std::cout << usage_ << "\n\n" << description_;
        std::exit(0);
      }
      po::notify(values);
    } catch (const po::error& error) {
      throw UsageError(std::string(error.what()) + " (--help lists the options)");
    }
    for (const auto& convert : size_conversions_) convert();
  }

 private:
  std::string usage_;
  boost::program_options::options_description description_;
  std::list<std::string> size_texts_;                  // size options as typed (a list: their addresses stay put)
  std::vector<std::function<void()>> size_conversions_;  // each parses one into its variable
};

}  // namespace depthstyle
