// A YAML config file plus its --set overrides, remembering where every value came from so that each error can name
// "file:line:column" (or "--set key=value") and say what was expected.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace depthstyle {

class ConfigDocument {
 public:
  // Throws ConfigError "file:line:column: YAML syntax error: ..." or InputError if the file cannot be read.
  static ConfigDocument from_file(const std::filesystem::path& path);
  // `source_name` stands in for the file name in messages.
  static ConfigDocument from_string(const std::string& text, const std::string& source_name);

  // Applies "key.path=value"; the value is parsed as YAML ("[0, 10]" is a list, "0.15" a number).
  void apply_override(const std::string& assignment);

  const YAML::Node& root() const { return root_; }
  const std::string& source_name() const { return source_name_; }
  const std::string& source_text() const { return source_text_; }
  const std::vector<std::string>& overrides() const { return overrides_; }

  // "file:line:column" of `node`, or "--set key=value" if the value at `key_path` (or a parent) was overridden.
  std::string location(const std::string& key_path, const YAML::Node& node) const;

 private:
  ConfigDocument(YAML::Node root, std::string source_name, std::string source_text);

  YAML::Node root_;
  std::string source_name_;
  std::string source_text_;
  std::vector<std::string> overrides_;
  std::map<std::string, std::string> override_by_key_;
};

}  // namespace depthstyle
