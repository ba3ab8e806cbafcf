#include "config/config_document.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

YAML::Node parse_yaml(const std::string& text, const std::string& source_name) {
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
      throw ConfigError(concat(source_name, ":", root.Mark().line + 1, ":", root.Mark().column + 1,
                               ": expected a mapping of keys to values at the top level"));
    }
    return root;
  } catch (const YAML::Exception& error) {
    throw ConfigError(
        concat(source_name, ":", error.mark.line + 1, ":", error.mark.column + 1, ": YAML syntax error: ", error.msg));
  }
}

}  // namespace

ConfigDocument::ConfigDocument(YAML::Node root, std::string source_name, std::string source_text)
    : root_(std::move(root)), source_name_(std::move(source_name)), source_text_(std::move(source_text)) {}

ConfigDocument ConfigDocument::from_file(const std::filesystem::path& path) {
  std::string text = read_file(path);
  YAML::Node root = parse_yaml(text, path.string());
  return ConfigDocument(std::move(root), path.string(), std::move(text));
}

ConfigDocument ConfigDocument::from_string(const std::string& text, const std::string& source_name) {
  return ConfigDocument(parse_yaml(text, source_name), source_name, text);
}

void ConfigDocument::apply_override(const std::string& assignment) {
  const std::size_t equals = assignment.find('=');
  const std::string key_path = trim(assignment.substr(0, equals));
  if (equals == std::string::npos || key_path.empty()) {
    throw ConfigError(concat("--set ", assignment, ": expected key.path=value"));
  }
  const std::string value_text = assignment.substr(equals + 1);
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& error) {
    throw ConfigError(concat("--set ", assignment, ": the value is not valid YAML: ", error.msg));
  }

  const std::vector<std::string> keys = split(key_path, '.');
  // yaml-cpp nodes are handles: walk with fresh copies so that assignment never rebinds the parent.
  YAML::Node parent = root_;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    if (keys[i].empty()) throw ConfigError(concat("--set ", assignment, ": empty key in '", key_path, "'"));
    YAML::Node child = parent[keys[i]];
    if (!child.IsDefined() || child.IsNull()) {
      parent[keys[i]] = YAML::Node(YAML::NodeType::Map);
    } else if (!child.IsMap()) {
      throw ConfigError(concat("--set ", assignment, ": '", join({keys.begin(), keys.begin() + i + 1}, "."),
                               "' holds a single value, so it has no key '", keys[i + 1], "'"));
    }
    parent.reset(parent[keys[i]]);
  }
  parent[keys.back()] = value;
  overrides_.push_back(assignment);
  override_by_key_[key_path] = assignment;
}

std::string ConfigDocument::location(const std::string& key_path, const YAML::Node& node) const {
  for (const auto& [overridden_key, assignment] : override_by_key_) {
    if (key_path == overridden_key || starts_with(key_path, overridden_key + ".") ||
        starts_with(key_path, overridden_key + "[")) {
      return "--set " + assignment;
    }
  }
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return source_name_;
  return concat(source_name_, ":", mark.line + 1, ":", mark.column + 1);
}

}  // namespace depthstyle
