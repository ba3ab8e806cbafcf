#include <gtest/gtest.h>

#include "config/config_document.h"
#include "config/schema.h"
#include "config/yaml_json.h"
#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

struct GridOptions {
  int threads = 0;
  double beta = 20;
  std::string method = "adain";
  std::vector<double> epsilons = {0, 0.15};
  bool preserve_color = false;
  std::string name;
};

struct EstimatorOptions {
  std::string type;
  double scale = 1;
};

Schema grid_schema(GridOptions& options) {
  Schema schema("experiment 'style_grid'");
  schema.add("threads", &options.threads, "intra-op threads, 0 = all cores").range(0, 1024).runtime_only();
  schema.add("grid.beta", &options.beta, "prominence of the strength map").at_least(0);
  schema.add("grid.eps", &options.epsilons, "offset of the strength map").range(0, 1);
  schema.add("method", &options.method, "stylization method").one_of({"adain", "da-adain"});
  schema.add("preserve_color", &options.preserve_color, "keep the content's colours");
  schema.add("name", &options.name, "run name").required();
  return schema;
}

ConfigDocument document(const std::string& text) { return ConfigDocument::from_string(text, "grid.yaml"); }

TEST(Config, ReadsDeclaredKeysAndKeepsDefaultsForOthers) {
  GridOptions options;
  grid_schema(options).read(document("name: demo\ngrid:\n  beta: 10\nmethod: da-adain\n"));
  EXPECT_EQ(options.name, "demo");
  EXPECT_EQ(options.beta, 10);
  EXPECT_EQ(options.method, "da-adain");
  EXPECT_EQ(options.epsilons, (std::vector<double>{0, 0.15}));
  EXPECT_EQ(options.threads, 0);
}

TEST(Config, SingleValueStandsForOneElementList) {
  GridOptions options;
  grid_schema(options).read(document("name: x\ngrid: {eps: 0.3}\n"));
  EXPECT_EQ(options.epsilons, std::vector<double>{0.3});
}

TEST(Config, UnknownKeyNamesLineColumnAndSuggestion) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\ngrid:\n  bta: 10\n")), ConfigError,
                       "grid.yaml:3:3: unknown key 'grid.bta' for experiment 'style_grid' (did you mean 'grid.beta'?)");
}

TEST(Config, UnknownKeyWithoutCloseMatchHasNoSuggestion) {
  GridOptions options;
  try {
    grid_schema(options).read(document("name: x\nresolution: 10\n"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "grid.yaml:2:1: unknown key 'resolution' for experiment 'style_grid'");
  }
}

TEST(Config, WrongTypeNamesExpectedType) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\nthreads: many\n")), ConfigError,
                       "grid.yaml:2:10: 'threads': expected an integer in [0, 1024], got 'many'");
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\nthreads: 1.5\n")), ConfigError,
                       "expected an integer in [0, 1024], got '1.5'");
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\npreserve_color: maybe\n")), ConfigError,
                       "grid.yaml:2:17: 'preserve_color': expected true or false, got 'maybe'");
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\ngrid: 5\n")), ConfigError,
                       "grid.yaml:2:7: 'grid': expected a mapping of keys, got '5'");
}

TEST(Config, OutOfRangeNamesRange) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\nthreads: 2000\n")), ConfigError,
                       "grid.yaml:2:10: 'threads': 2000 is out of range: expected an integer in [0, 1024]");
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\ngrid:\n  beta: -1\n")), ConfigError,
                       "grid.yaml:3:9: 'grid.beta': -1 is out of range: expected a number >= 0");
  // YAML's infinities pass a one-sided range; they are refused as not finite (issue 15: then every cell failed).
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\ngrid:\n  beta: .inf\n")), ConfigError,
                       "grid.yaml:3:9: 'grid.beta': inf is not a finite number: expected a number >= 0");
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\ngrid:\n  eps: [0, -.inf]\n")), ConfigError,
                       "'grid.eps[1]': -inf is not a finite number");
}

TEST(Config, ListElementErrorsNameTheIndex) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\ngrid:\n  eps: [0, 0.5, 1.5]\n")), ConfigError,
                       "grid.yaml:3:17: 'grid.eps[2]': 1.5 is out of range: expected a list of numbers in [0, 1]");
}

TEST(Config, ChoiceErrorsListChoicesAndSuggest) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\nmethod: adian\n")), ConfigError,
                       "grid.yaml:2:9: 'method': 'adian' is not one of adain, da-adain (did you mean 'adain'?)");
}

TEST(Config, MissingRequiredKeyIsReported) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("grid: {beta: 1}\n")), ConfigError,
                       "missing required key 'name' (run name; expected a string)");
}

TEST(Config, DuplicateKeyIsAnError) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\nmethod: adain\nmethod: da-adain\n")),
                       ConfigError, "grid.yaml:3:1: duplicate key 'method'");
}

TEST(Config, AllProblemsAreReportedAtOnce) {
  GridOptions options;
  EXPECT_THROW_MESSAGE(grid_schema(options).read(document("name: x\nthreads: -3\nmethdo: adain\n")), ConfigError,
                       "2 problems in the config of experiment 'style_grid':\n  grid.yaml:2:10: 'threads'");
}

TEST(Config, SyntaxErrorNamesLineAndColumn) {
  EXPECT_THROW_MESSAGE(document("name: x\ngrid: [1, 2\n"), ConfigError, "grid.yaml:3:1: YAML syntax error");
  EXPECT_THROW_MESSAGE(document("- a\n- b\n"), ConfigError,
                       "grid.yaml:1:1: expected a mapping of keys to values at the top level");
}

TEST(Config, OverridesReplaceValuesAndAreNamedInErrors) {
  GridOptions options;
  ConfigDocument config = document("name: x\ngrid:\n  beta: 10\n");
  config.apply_override("grid.beta=5");
  config.apply_override("grid.eps=[0.1, 0.2]");
  config.apply_override("method=da-adain");
  grid_schema(options).read(config);
  EXPECT_EQ(options.beta, 5);
  EXPECT_EQ(options.epsilons, (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(options.method, "da-adain");

  ConfigDocument bad = document("name: x\n");
  bad.apply_override("grid.beta=steep");
  EXPECT_THROW_MESSAGE(grid_schema(options).read(bad), ConfigError,
                       "--set grid.beta=steep: 'grid.beta': expected a number >= 0, got 'steep'");
}

TEST(Config, MalformedOverridesAreUsageErrors) {
  ConfigDocument config = document("name: x\n");
  EXPECT_THROW_MESSAGE(config.apply_override("grid.beta"), ConfigError, "expected key.path=value");
  EXPECT_THROW_MESSAGE(config.apply_override("name.first=a"), ConfigError,
                       "'name' holds a single value, so it has no key 'first'");
}

TEST(Config, ResolvedConfigRoundTripsWithHelpComments) {
  GridOptions options;
  Schema schema = grid_schema(options);
  schema.read(document("name: demo\ngrid: {beta: 7.5}\n"));
  const std::string yaml = schema.to_yaml(/*with_help=*/true);
  EXPECT_NE(yaml.find("beta: 7.5  # prominence of the strength map [a number >= 0; default 20]"), std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("eps: [0, 0.15]"), std::string::npos) << yaml;

  GridOptions reread;
  grid_schema(reread).read(document(yaml));
  EXPECT_EQ(reread.beta, 7.5);
  EXPECT_EQ(reread.name, "demo");
  EXPECT_EQ(reread.epsilons, options.epsilons);
}

TEST(Config, RuntimeOnlyKeysCanBeLeftOutOfTheComparableForm) {
  GridOptions options;
  Schema schema = grid_schema(options);
  schema.read(document("name: demo\nthreads: 4\n"));
  EXPECT_NE(schema.to_yaml(false, true).find("threads: 4"), std::string::npos);
  EXPECT_EQ(schema.to_yaml(false, false).find("threads"), std::string::npos);
}

TEST(Config, ListsOfMappingsUseTheirOwnSchema) {
  std::vector<EstimatorOptions> estimators;
  Schema schema("experiment 'diw_eval'");
  schema.add_list<EstimatorOptions>(
      "estimators", &estimators,
      [](Schema& item, EstimatorOptions& estimator) {
        item.add("type", &estimator.type, "estimator type").one_of({"file", "vertical"}).required();
        item.add("scale", &estimator.scale, "scale").at_least(0);
      },
      "depth estimators");
  schema.read(document("estimators:\n  - type: file\n    scale: 2\n  - type: vertical\n"));
  ASSERT_EQ(estimators.size(), 2u);
  EXPECT_EQ(estimators[0].type, "file");
  EXPECT_EQ(estimators[0].scale, 2);
  EXPECT_EQ(estimators[1].scale, 1);

  EXPECT_THROW_MESSAGE(schema.read(document("estimators:\n  - type: file\n  - type: vertcal\n    scal: 2\n")),
                       ConfigError, "grid.yaml:3:11: 'estimators[1].type': 'vertcal' is not one of file, vertical");
  EXPECT_THROW_MESSAGE(schema.read(document("estimators:\n  - type: file\n  - type: vertical\n    scal: 2\n")),
                       ConfigError, "grid.yaml:4:5: unknown key 'estimators[1].scal'");
}

TEST(Config, AStoredDefaultOutsideTheChoicesReadsBack) {
  // "" = "not set" is a common default of a key with choices; the resolved config stores it and --resume re-reads it.
  struct Options {
    std::string meaning;
  } options;
  Schema schema("experiment 'x'");
  schema.add("meaning", &options.meaning, "what the map holds").one_of({"depth", "proximity"});
  const YAML::Node stored = schema.to_node();
  YAML::Emitter text;
  text << stored;
  EXPECT_NO_THROW(schema.read(document(text.c_str())));
  EXPECT_EQ(options.meaning, "");
  EXPECT_THROW_MESSAGE(schema.read(document("meaning: dpeth\n")), ConfigError,
                       "grid.yaml:1:10: 'meaning': 'dpeth' is not one of depth, proximity (did you mean 'depth'?)");
}

TEST(Config, YamlFragmentsBecomeTypedJson) {
  const YAML::Node node = YAML::Load("{name: a, seed: -1, scale: 0.5, on: true, tag: '007x', list: [1, b], none: ~}");
  const nlohmann::json json = json_from_yaml(node);
  EXPECT_EQ(json, nlohmann::json::parse(R"({"name": "a", "seed": -1, "scale": 0.5, "on": true, "tag": "007x",
                                            "list": [1, "b"], "none": null})"));
}

}  // namespace
}  // namespace depthstyle
