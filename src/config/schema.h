// Declared config keys: every key a runner accepts is bound here to a field of its options struct, with a one-line
// help, and optionally a range, a set of choices or "required". The struct's initial values are the defaults.
//
//   StyleGridOptions options;            // defaults live in the struct
//   Schema schema("experiment 'style_grid'");
//   schema.add("grid.beta", &options.betas, "prominence of the strength map (paper: beta)").at_least(0);
//   schema.add("method", &options.method, "stylization method").one_of({"adain", "da-adain"});
//   schema.read(document);               // throws one ConfigError listing every problem, each with file:line:column
//
// Keys are dotted paths into nested YAML mappings. A list key also accepts a single value ("beta: 20" = [20]).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config_document.h"

namespace depthstyle {

class Schema;

// One declared key. The builder methods return *this so constraints chain after Schema::add.
class Field {
 public:
  Field& range(double lowest, double highest);
  Field& at_least(double lowest);
  Field& at_most(double highest);
  Field& one_of(std::vector<std::string> choices);
  Field& non_empty();
  Field& required();
  // The value does not change results (e.g. thread count), so --resume may change it.
  Field& runtime_only();

  const std::string& key() const { return key_; }
  const std::string& help() const { return help_; }
  bool is_runtime_only() const { return runtime_only_; }
  // "an integer in [0, 1024]", "a list of numbers >= 0", "one of adain, da-adain".
  std::string expectation() const;

 private:
  friend class Schema;
  // Checks a number or string against the declared constraints; returns a message body or "".
  std::string check_number(double value) const;
  std::string check_text(const std::string& value) const;

  std::string key_;
  std::string help_;
  std::string type_name_;  // "an integer", "a number", "true or false", "a string", "a mapping"
  bool is_list_ = false;
  std::optional<double> lowest_;
  std::optional<double> highest_;
  std::vector<std::string> choices_;
  bool non_empty_ = false;
  bool required_ = false;
  bool runtime_only_ = false;
  std::string default_text_;
  // Parses `node` into the bound target; returns the problems, each already prefixed with its location.
  std::function<std::vector<std::string>(const ConfigDocument&, const std::string& key_path, const YAML::Node& node)>
      assign_;
  std::function<YAML::Node()> current_value_;
};

class Schema {
 public:
  // `context` names what is being configured in messages, e.g. "experiment 'samples_overview'".
  explicit Schema(std::string context);

  Field& add(const std::string& key, bool* target, const std::string& help);
  Field& add(const std::string& key, int* target, const std::string& help);
  Field& add(const std::string& key, std::int64_t* target, const std::string& help);
  Field& add(const std::string& key, double* target, const std::string& help);
  Field& add(const std::string& key, std::string* target, const std::string& help);
  Field& add(const std::string& key, std::vector<int>* target, const std::string& help);
  Field& add(const std::string& key, std::vector<double>* target, const std::string& help);
  Field& add(const std::string& key, std::vector<std::string>* target, const std::string& help);

  // A list of mappings, each read into a T with the keys `declare` binds (e.g. a list of depth estimators).
  template <typename T>
  Field& add_list(const std::string& key, std::vector<T>* target, std::function<void(Schema&, T&)> declare,
                  const std::string& help);

  // One mapping read into a T with the keys `declare` binds (e.g. a single depth estimator entry). A mapping given in
  // the config replaces the default T whole: it starts from T{} (no key mixes with the default's), so keys that
  // `declare` marks required must be given.
  template <typename T>
  Field& add_mapping(const std::string& key, T* target, std::function<void(Schema&, T&)> declare,
                     const std::string& help);

  // Reads every declared key present in `document` (or in the mapping `node` under `key_prefix`), leaving the others
  // at their defaults. Collects all problems and throws one ConfigError listing them.
  void read(const ConfigDocument& document);
  // The problems instead of throwing; used for nested schemas.
  std::vector<std::string> read_into(const ConfigDocument& document, const YAML::Node& node,
                                     const std::string& key_prefix);

  // The current values of every key as YAML, in declaration order; with `with_help`, each key carries its help as a
  // trailing comment. Runtime-only keys are left out when `include_runtime_only` is false.
  std::string to_yaml(bool with_help, bool include_runtime_only = true) const;
  YAML::Node to_node(bool include_runtime_only = true) const;

  std::vector<std::string> keys() const;
  const Field* find(const std::string& key) const;
  const std::string& context() const { return context_; }

 private:
  template <typename T>
  Field& add_scalar(const std::string& key, T* target, const std::string& help);
  template <typename T>
  Field& add_scalar_list(const std::string& key, std::vector<T>* target, const std::string& help);
  Field& new_field(const std::string& key, const std::string& help);
  void visit(const ConfigDocument& document, const YAML::Node& node, const std::string& schema_prefix,
             const std::string& key_prefix, std::set<const Field*>& present, std::vector<std::string>& problems);
  bool is_section(const std::string& path) const;

  std::string context_;
  std::vector<std::unique_ptr<Field>> fields_;
};

template <typename T>
Field& Schema::add_list(const std::string& key, std::vector<T>* target, std::function<void(Schema&, T&)> declare,
                        const std::string& help) {
  Field& field = new_field(key, help);
  field.type_name_ = "a mapping";
  field.is_list_ = true;
  const std::string context = context_;
  field.assign_ = [target, declare, context](const ConfigDocument& document, const std::string& key_path,
                                             const YAML::Node& node) {
    std::vector<std::string> problems;
    if (!node.IsSequence()) {
      problems.push_back(document.location(key_path, node) + ": '" + key_path + "': expected a list of mappings");
      return problems;
    }
    target->clear();
    for (std::size_t i = 0; i < node.size(); ++i) {
      T& item = target->emplace_back();
      Schema item_schema(context);
      declare(item_schema, item);
      const std::string item_path = key_path + "[" + std::to_string(i) + "]";
      if (!node[i].IsMap()) {
        problems.push_back(document.location(item_path, node[i]) + ": '" + item_path + "': expected a mapping");
        continue;
      }
      for (std::string& problem : item_schema.read_into(document, node[i], item_path)) {
        problems.push_back(std::move(problem));
      }
    }
    return problems;
  };
  field.current_value_ = [target, declare, context]() {
    YAML::Node list(YAML::NodeType::Sequence);
    for (T& item : *target) {
      Schema item_schema(context);
      declare(item_schema, item);
      list.push_back(item_schema.to_node());
    }
    return list;
  };
  field.default_text_ = "[]";
  if (!target->empty()) {
    YAML::Emitter out;
    out << YAML::Flow << field.current_value_();
    field.default_text_ = out.c_str();
  }
  return field;
}

template <typename T>
Field& Schema::add_mapping(const std::string& key, T* target, std::function<void(Schema&, T&)> declare,
                           const std::string& help) {
  Field& field = new_field(key, help);
  field.type_name_ = "a mapping";
  const std::string context = context_;
  field.assign_ = [target, declare, context](const ConfigDocument& document, const std::string& key_path,
                                             const YAML::Node& node) {
    if (!node.IsMap()) {
      return std::vector<std::string>{document.location(key_path, node) + ": '" + key_path + "': expected a mapping"};
    }
    *target = T{};
    Schema item_schema(context);
    declare(item_schema, *target);
    return item_schema.read_into(document, node, key_path);
  };
  field.current_value_ = [target, declare, context]() {
    Schema item_schema(context);
    declare(item_schema, *target);
    return item_schema.to_node();
  };
  YAML::Emitter out;
  out << YAML::Flow << field.current_value_();
  field.default_text_ = out.c_str();
  return field;
}

}  // namespace depthstyle
