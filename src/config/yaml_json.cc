#include "config/yaml_json.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace depthstyle {
namespace {

nlohmann::json json_from_scalar(const std::string& text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  std::int64_t integer = 0;
  if (const auto [stop, error] = std::from_chars(begin, end, integer); error == std::errc() && stop == end) {
    return integer;
  }
  double number = 0;
  if (const auto [stop, error] = std::from_chars(begin, end, number); error == std::errc() && stop == end) {
    return number;
  }
  if (text == "true") return true;
  if (text == "false") return false;
  return text;
}

}  // namespace

nlohmann::json json_from_yaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      nlohmann::json list = nlohmann::json::array();
      for (const YAML::Node& item : node) list.push_back(json_from_yaml(item));
      return list;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node) object[entry.first.Scalar()] = json_from_yaml(entry.second);
      return object;
    }
    case YAML::NodeType::Scalar:
      return json_from_scalar(node.Scalar());
    default:
      return nullptr;
  }
}

}  // namespace depthstyle
