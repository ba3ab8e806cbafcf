#include "config/schema.h"

#include <cmath>
#include <limits>
#include <set>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

// Each parse_value overload returns false when the node does not hold a value of that type.
bool parse_value(const YAML::Node& node, bool& out) {
  if (!node.IsScalar()) return false;
  const std::string text = node.Scalar();
  if (text == "true" || text == "True" || text == "TRUE") return out = true, true;
  if (text == "false" || text == "False" || text == "FALSE") return out = false, true;
  return false;
}

bool parse_value(const YAML::Node& node, std::int64_t& out) {
  if (!node.IsScalar()) return false;
  const std::string& text = node.Scalar();
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used, 10);
    if (used != text.size()) return false;
    out = value;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool parse_value(const YAML::Node& node, int& out) {
  std::int64_t wide = 0;
  if (!parse_value(node, wide) || wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
    return false;
  }
  out = static_cast<int>(wide);
  return true;
}

bool parse_value(const YAML::Node& node, double& out) {
  if (!node.IsScalar()) return false;
  const std::string& text = node.Scalar();
  if (text == ".inf" || text == "+.inf") return out = std::numeric_limits<double>::infinity(), true;
  if (text == "-.inf") return out = -std::numeric_limits<double>::infinity(), true;
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used != text.size() || std::isnan(value)) return false;
    out = value;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool parse_value(const YAML::Node& node, std::string& out) {
  if (!node.IsScalar()) return false;
  out = node.Scalar();
  return true;
}

YAML::Node to_yaml_node(bool value) { return YAML::Node(value ? "true" : "false"); }
YAML::Node to_yaml_node(int value) { return YAML::Node(std::to_string(value)); }
YAML::Node to_yaml_node(std::int64_t value) { return YAML::Node(std::to_string(value)); }
YAML::Node to_yaml_node(double value) { return YAML::Node(format_number(value)); }
YAML::Node to_yaml_node(const std::string& value) { return YAML::Node(value); }

template <typename T>
YAML::Node to_yaml_node(const std::vector<T>& values) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const T& value : values) list.push_back(to_yaml_node(value));
  return list;
}

template <typename T>
constexpr const char* type_name_of() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) return "an integer";
  if constexpr (std::is_same_v<T, double>) return "a number";
  return "a string";
}

std::string describe(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (node.IsNull()) return "nothing";
  return "'" + excerpt(node.Scalar()) + "'";
}

std::string flow_text(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

}  // namespace

Field& Field::range(double lowest, double highest) {
  lowest_ = lowest;
  highest_ = highest;
  return *this;
}
Field& Field::at_least(double lowest) {
  lowest_ = lowest;
  return *this;
}
Field& Field::at_most(double highest) {
  highest_ = highest;
  return *this;
}
Field& Field::one_of(std::vector<std::string> choices) {
  choices_ = std::move(choices);
  return *this;
}
Field& Field::non_empty() {
  non_empty_ = true;
  return *this;
}
Field& Field::required() {
  required_ = true;
  return *this;
}
Field& Field::runtime_only() {
  runtime_only_ = true;
  return *this;
}

std::string Field::expectation() const {
  std::string text;
  if (!choices_.empty()) {
    text = "one of " + join(choices_, ", ");
  } else {
    text = type_name_;
    if (lowest_ && highest_) {
      text += concat(" in [", format_number(*lowest_), ", ", format_number(*highest_), "]");
    } else if (lowest_) {
      text += " >= " + format_number(*lowest_);
    } else if (highest_) {
      text += " <= " + format_number(*highest_);
    }
  }
  if (!is_list_) return text;
  // "an integer >= 0" -> "a list of integers >= 0"
  std::string plural = text;
  if (starts_with(plural, "an integer")) plural = "integers" + plural.substr(10);
  else if (starts_with(plural, "a number")) plural = "numbers" + plural.substr(8);
  else if (starts_with(plural, "a string")) plural = "strings" + plural.substr(8);
  else if (starts_with(plural, "a mapping")) plural = "mappings" + plural.substr(9);
  else plural = "values, each " + plural;
  return (non_empty_ ? "a non-empty list of " : "a list of ") + plural;
}

std::string Field::check_number(double value) const {
  // Infinity would pass a one-sided range (beta >= 0) and then fail every cell of a run.
  if (!std::isfinite(value)) return concat(format_number(value), " is not a finite number: expected ", expectation());
  if ((lowest_ && value < *lowest_) || (highest_ && value > *highest_)) {
    // Whole numbers as written ("100000", not format_number's shortest "1e+05").
    const bool whole = std::fabs(value) < 1e15 && value == std::floor(value);
    return concat(whole ? std::to_string(static_cast<long long>(value)) : format_number(value),
                  " is out of range: expected ", expectation());
  }
  return "";
}

std::string Field::check_text(const std::string& value) const {
  if (choices_.empty() || std::find(choices_.begin(), choices_.end(), value) != choices_.end()) return "";
  return concat("'", excerpt(value), "' is not ", expectation(), did_you_mean(value, choices_));
}

Schema::Schema(std::string context) : context_(std::move(context)) {}

Field& Schema::new_field(const std::string& key, const std::string& help) {
  DEPTHSTYLE_ASSERT(find(key) == nullptr);
  fields_.push_back(std::make_unique<Field>());
  Field& field = *fields_.back();
  field.key_ = key;
  field.help_ = help;
  return field;
}

template <typename T>
Field& Schema::add_scalar(const std::string& key, T* target, const std::string& help) {
  Field& field = new_field(key, help);
  field.type_name_ = type_name_of<T>();
  field.default_text_ = to_yaml_node(*target).Scalar();
  field.current_value_ = [target]() { return to_yaml_node(*target); };
  // The declared default is always valid, even outside the choices (e.g. "" = "not set"): a resolved config that
  // stored it must read back (--resume re-reads config.yaml).
  field.assign_ = [target, &field, declared_default = *target](const ConfigDocument& document,
                                                                const std::string& key_path, const YAML::Node& node) {
    const auto problem = [&](const std::string& message) {
      return std::vector<std::string>{concat(document.location(key_path, node), ": '", key_path, "': ", message)};
    };
    T value{};
    if (!parse_value(node, value)) return problem(concat("expected ", field.expectation(), ", got ", describe(node)));
    std::string message;
    // Read by the string case only; compared for every T so that the capture is used in every instantiation.
    [[maybe_unused]] const bool is_declared_default = value == declared_default;
    if constexpr (std::is_same_v<T, std::string>) {
      if (!is_declared_default) message = field.check_text(value);
      if (message.empty() && field.non_empty_ && value.empty()) message = "must not be empty";
    } else if constexpr (!std::is_same_v<T, bool>) {
      message = field.check_number(static_cast<double>(value));
    }
    if (!message.empty()) return problem(message);
    *target = value;
    return std::vector<std::string>{};
  };
  return field;
}

template <typename T>
Field& Schema::add_scalar_list(const std::string& key, std::vector<T>* target, const std::string& help) {
  Field& field = new_field(key, help);
  field.type_name_ = type_name_of<T>();
  field.is_list_ = true;
  field.default_text_ = flow_text(to_yaml_node(*target));
  field.current_value_ = [target]() { return to_yaml_node(*target); };
  field.assign_ = [target, &field](const ConfigDocument& document, const std::string& key_path,
                                   const YAML::Node& node) {
    std::vector<std::string> problems;
    std::vector<T> values;
    const auto read_item = [&](const YAML::Node& item, const std::string& item_path) {
      T value{};
      std::string message;
      if (!parse_value(item, value)) {
        message = concat("expected ", field.expectation(), ", got ", describe(item));
      } else if constexpr (std::is_same_v<T, std::string>) {
        message = field.check_text(value);
      } else {
        message = field.check_number(static_cast<double>(value));
      }
      if (message.empty()) {
        values.push_back(value);
      } else {
        problems.push_back(concat(document.location(item_path, item), ": '", item_path, "': ", message));
      }
    };
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) read_item(node[i], concat(key_path, "[", i, "]"));
    } else {
      read_item(node, key_path);  // a single value stands for a one-element list
    }
    if (problems.empty() && field.non_empty_ && values.empty()) {
      problems.push_back(concat(document.location(key_path, node), ": '", key_path, "': expected ",
                                field.expectation(), ", got an empty list"));
    }
    if (problems.empty()) *target = std::move(values);
    return problems;
  };
  return field;
}

Field& Schema::add(const std::string& key, bool* target, const std::string& help) {
  return add_scalar(key, target, help);
}
Field& Schema::add(const std::string& key, int* target, const std::string& help) {
  return add_scalar(key, target, help);
}
Field& Schema::add(const std::string& key, std::int64_t* target, const std::string& help) {
  return add_scalar(key, target, help);
}
Field& Schema::add(const std::string& key, double* target, const std::string& help) {
  return add_scalar(key, target, help);
}
Field& Schema::add(const std::string& key, std::string* target, const std::string& help) {
  return add_scalar(key, target, help);
}
Field& Schema::add(const std::string& key, std::vector<int>* target, const std::string& help) {
  return add_scalar_list(key, target, help);
}
Field& Schema::add(const std::string& key, std::vector<double>* target, const std::string& help) {
  return add_scalar_list(key, target, help);
}
Field& Schema::add(const std::string& key, std::vector<std::string>* target, const std::string& help) {
  return add_scalar_list(key, target, help);
}

const Field* Schema::find(const std::string& key) const {
  for (const auto& field : fields_) {
    if (field->key_ == key) return field.get();
  }
  return nullptr;
}

std::vector<std::string> Schema::keys() const {
  std::vector<std::string> keys;
  for (const auto& field : fields_) keys.push_back(field->key_);
  return keys;
}

bool Schema::is_section(const std::string& path) const {
  for (const auto& field : fields_) {
    if (starts_with(field->key_, path + ".")) return true;
  }
  return false;
}

void Schema::visit(const ConfigDocument& document, const YAML::Node& node, const std::string& schema_prefix,
                   const std::string& key_prefix, std::set<const Field*>& present,
                   std::vector<std::string>& problems) {
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string schema_path = schema_prefix.empty() ? name : schema_prefix + "." + name;
    const std::string key_path = key_prefix.empty() ? name : key_prefix + "." + name;
    if (!seen.insert(name).second) {
      problems.push_back(concat(document.location(key_path, entry.first), ": duplicate key '", key_path, "'"));
      continue;
    }
    if (const Field* field = find(schema_path)) {
      for (std::string& problem : field->assign_(document, key_path, entry.second)) problems.push_back(problem);
      present.insert(field);
      continue;
    }
    if (is_section(schema_path)) {
      if (entry.second.IsMap()) {
        visit(document, entry.second, schema_path, key_path, present, problems);
      } else {
        problems.push_back(concat(document.location(key_path, entry.second), ": '", key_path,
                                  "': expected a mapping of keys, got ", describe(entry.second)));
      }
      continue;
    }
    problems.push_back(concat(document.location(key_path, entry.first), ": unknown key '", key_path, "' for ",
                              context_, did_you_mean(schema_path, keys())));
  }
}

std::vector<std::string> Schema::read_into(const ConfigDocument& document, const YAML::Node& node,
                                           const std::string& key_prefix) {
  std::vector<std::string> problems;
  std::set<const Field*> present;
  visit(document, node, "", key_prefix, present, problems);
  for (const auto& field : fields_) {
    if (!field->required_ || present.count(field.get())) continue;
    const std::string key_path = key_prefix.empty() ? field->key_ : key_prefix + "." + field->key_;
    problems.push_back(concat(document.location(key_prefix, node), ": missing required key '", key_path, "' (",
                              field->help_, "; expected ", field->expectation(), ")"));
  }
  return problems;
}

void Schema::read(const ConfigDocument& document) {
  const std::vector<std::string> problems = read_into(document, document.root(), "");
  if (problems.size() == 1) throw ConfigError(problems.front());
  if (!problems.empty()) {
    throw ConfigError(concat(problems.size(), " problems in the config of ", context_, ":\n  ", join(problems, "\n  ")));
  }
}

YAML::Node Schema::to_node(bool include_runtime_only) const {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& field : fields_) {
    if (field->runtime_only_ && !include_runtime_only) continue;
    const std::vector<std::string> parts = split(field->key_, '.');
    YAML::Node parent = root;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (!parent[parts[i]]) parent[parts[i]] = YAML::Node(YAML::NodeType::Map);
      parent.reset(parent[parts[i]]);
    }
    parent[parts.back()] = field->current_value_();
  }
  return root;
}

std::string Schema::to_yaml(bool with_help, bool include_runtime_only) const {
  // Emitted by hand rather than from to_node() so that each key can carry its help as a comment.
  struct Section {
    std::string name;
    const Field* field = nullptr;
    std::vector<Section> children;
  };
  Section root;
  for (const auto& field : fields_) {
    if (field->runtime_only_ && !include_runtime_only) continue;
    Section* section = &root;
    for (const std::string& part : split(field->key_, '.')) {
      auto child = std::find_if(section->children.begin(), section->children.end(),
                                [&](const Section& candidate) { return candidate.name == part; });
      if (child == section->children.end()) {
        section->children.push_back(Section{part, nullptr, {}});
        child = section->children.end() - 1;
      }
      section = &*child;
    }
    section->field = field.get();
  }

  YAML::Emitter out;
  const std::function<void(const Section&)> emit = [&](const Section& section) {
    out << YAML::BeginMap;
    for (const Section& child : section.children) {
      out << YAML::Key << child.name << YAML::Value;
      if (!child.field) {
        emit(child);
        continue;
      }
      const YAML::Node value = child.field->current_value_();
      if (value.IsSequence() && (value.size() == 0 || value[0].IsScalar())) out << YAML::Flow;
      out << value;
      if (with_help) {
        out << YAML::Comment(concat(child.field->help_, " [", child.field->expectation(), "; default ",
                                    child.field->default_text_, "]"));
      }
    }
    out << YAML::EndMap;
  };
  emit(root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace depthstyle
