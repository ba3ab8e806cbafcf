#include "cli_options.h"

#include <iostream>
#include <sstream>

#include "core/error.h"
#include "depth/midas_estimator.h"

namespace po = boost::program_options;

namespace depthstyle {

CommandLine::CommandLine(std::string command, std::string description)
    : command_(std::move(command)), description_(std::move(description)), options_("options"), hidden_("hidden") {
  options_.add_options()("help,h", "show this help");
}

void CommandLine::positional(const std::string& name, int count, const std::string& help) {
  if (count == 1) {
    hidden_.add_options()(name.c_str(), po::value<std::string>(), help.c_str());
  } else {
    hidden_.add_options()(name.c_str(), po::value<std::vector<std::string>>(), help.c_str());
  }
  positionals_.add(name.c_str(), count);
  positional_names_.emplace_back(name, count);
}

std::string CommandLine::usage() const {
  std::ostringstream out;
  out << "usage: " << command_;
  for (const auto& [name, count] : positional_names_) {
    std::string upper;
    for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out << ' ' << (count == 1 ? upper : upper + "...");
  }
  out << " [options]";
  return out.str();
}

bool CommandLine::parse(int argc, char** argv) {
  po::options_description all;
  all.add(options_).add(hidden_);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positionals_).run(), values_);
    if (values_.count("help")) {
      std::cout << usage() << "\n\n" << description_ << "\n\n";
      for (const auto& option : hidden_.options()) {
        std::cout << "  " << option->long_name() << ": " << option->description() << "\n";
      }
      std::cout << (hidden_.options().empty() ? "" : "\n") << options_ << "\n";
      return false;
    }
    po::notify(values_);
  } catch (const po::error& error) {
    throw UsageError(concat(command_, ": ", error.what(), "\n", usage(), "  (--help for details)"));
  }
  for (const auto& [name, count] : positional_names_) {
    if (count == 1 && !values_.count(name)) {
      throw UsageError(concat(command_, ": missing argument ", name, "\n", usage(), "  (--help for details)"));
    }
  }
  return true;
}

void declare_weights_dir_option(CommandLine& command_line) {
  command_line.options()("weights-dir", boost::program_options::value<std::string>()->default_value(""),
                         "the weights folder: where models given by name (midas_v21, vgg_encoder; depthstyle weights "
                         "list) are found, and stylize's default models (default: $DEPTHSTYLE_WEIGHTS, else the user "
                         "cache's weights/)");
}

WeightsFolder apply_weights_dir_option(const CommandLine& command_line) {
  const std::string option = command_line.get<std::string>("weights-dir");
  set_weights_dir_option(option);
  return resolve_weights_folder(option);
}

void add_depth_estimator_options(CommandLine& command_line, const std::string& meaning_help) {
  command_line.options()
      ("depth-estimator", po::value<std::string>(),
       concat("depth estimator type of the registry: ", join(depth_estimator_type_names(), ", ")).c_str())
      ("depth-model", po::value<std::string>()->default_value(""),
       "model file or folder of the depth estimator (monodepth2: the model folder), or a model's name in the weights "
       "folder (midas_v21, depth_anything_v2_vits: depthstyle weights list)")
      ("depth-variant", po::value<std::string>()->default_value(""),
       "monodepth2: the published model, a folder inside --depth-model; depth_anything: vits, vitb, vitl, v1_vits, "
       "v1_vitb or v1_vitl (implied by a model's name or a file's published name)")
      ("depth-preset", po::value<std::string>()->default_value(""),
       concat("preprocessing preset of the depth estimator: ", join(preprocessing_preset_names(), ", ")).c_str())
      ("depth-version", po::value<std::string>()->default_value(""),
       concat("MiDaS version of --depth-estimator midas: ", join(midas_version_names(), ", "),
              " (implied by a model's name or a file's published name)").c_str())
      ("depth-meaning", po::value<std::string>(), meaning_help.c_str());
}

DepthEstimatorConfig depth_estimator_config(const CommandLine& command_line) {
  DepthEstimatorConfig estimator;
  estimator.type = command_line.get<std::string>("depth-estimator");
  estimator.name = estimator.type;
  estimator.path = command_line.get<std::string>("depth-model");
  estimator.preset = command_line.get<std::string>("depth-preset");
  estimator.version = command_line.get<std::string>("depth-version");
  estimator.variant = command_line.get<std::string>("depth-variant");
  if (command_line.has("depth-meaning")) estimator.meaning = command_line.get<std::string>("depth-meaning");
  return estimator;
}

}  // namespace depthstyle
