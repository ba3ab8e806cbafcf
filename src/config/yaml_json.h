// YAML config values as JSON, for records that store a config fragment (e.g. an estimator entry in a prediction
// store). Scalars that read entirely as an integer, a number or true/false become typed JSON values; every other
// scalar stays a string; null nodes become null.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace depthstyle {

nlohmann::json json_from_yaml(const YAML::Node& node);

}  // namespace depthstyle
