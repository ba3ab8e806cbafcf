#include "survey/study_options.h"

#include <algorithm>
#include <cctype>

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

void declare_study_options(Schema& schema, StudyOptions& options) {
  schema.add("name", &options.name, "study folder name under output_dir (default: the config file's name)")
      .non_empty();
  schema.add("output_dir", &options.output_dir, "folder holding study folders").non_empty();
  schema.add("seed", &options.seed, "base seed; each source of randomness derives its own from it").at_least(0);
  schema.add("stimuli.grid_run", &options.stimuli.grid_run,
             "a finished style_grid run folder (results.json + images/), e.g. runs/style_grid/study_stimuli")
      .non_empty()
      .required();
  schema.add("stimuli.baseline", &options.stimuli.baseline, "grid method on one side of every comparison")
      .non_empty();
  schema.add("stimuli.proposed", &options.stimuli.proposed, "grid method on the other side; its votes are counted")
      .non_empty();
  schema.add("stimuli.content_weight", &options.stimuli.content_weight,
             "use grid rows with this content weight (-1 = any; the grid must then have one per pair)")
      .range(-1, 1);
  schema.add("stimuli.depth", &options.stimuli.depth, "use grid rows with this depth source ('' = any)");
  schema.add("stimuli.beta", &options.stimuli.beta, "use grid rows with this beta (-1 = any)").at_least(-1);
  schema.add("stimuli.eps", &options.stimuli.eps, "use grid rows with this eps (-1 = any)").range(-1, 1);
  schema.add("pairs.count", &options.pairs, "comparisons drawn from the grid's pairs (0 = all)").range(0, 100000);
  schema.add("pairs.seed", &options.pairs_seed, "seed of the draw (-1 = derived)").at_least(-1);
  schema.add("respondents", &options.respondents, "planned respondents (default of survey invite --count)")
      .range(1, 1000000);
  schema.add("order.seed", &options.order_seed, "seed of every respondent's trial order (-1 = derived)")
      .at_least(-1);
  schema.add("sides.seed", &options.sides_seed, "seed of the left/right placements (-1 = derived)").at_least(-1);
  schema.add("sentinels.count", &options.sentinels, "sentinel comparisons (degraded image vs good), seen by all")
      .range(0, 1000);
  schema.add("sentinels.blur", &options.sentinel_blur, "Gaussian blur sd as a fraction of the smaller side")
      .range(0, 1);
  schema.add("sentinels.noise", &options.sentinel_noise, "sd of the added Gaussian noise, on [0,1] values")
      .range(0, 1);
  schema.add("sentinels.seed", &options.sentinels_seed,
             "seed of which images are degraded and of the noise (-1 = derived)")
      .at_least(-1);
  schema.add("repeats.count", &options.repeats, "main trials repeated with sides swapped, per respondent")
      .range(0, 100000);
  schema.add("repeats.min_gap", &options.repeat_min_gap, "fewest other trials between a trial and its repeat")
      .range(1, 100000);
  schema.add("repeats.seed", &options.repeats_seed, "seed of which trials repeat and where (-1 = derived)")
      .at_least(-1);
  schema.add("page.title", &options.page.title, "browser tab and heading of every page").non_empty();
  schema.add("page.question", &options.page.question, "asked above every pair (say nothing about the method)")
      .non_empty();
  schema.add("page.instructions", &options.page.instructions, "first page; blank lines separate paragraphs")
      .non_empty();
  schema.add("page.thanks", &options.page.thanks, "last page, above the completion code").non_empty();
  schema.add("web.max_side", &options.web.max_side,
             "longest side in pixels of the JPEG copies browsers get (0 = original size; analysis uses originals)")
      .range(0, 100000);
  schema.add("web.jpeg_quality", &options.web.jpeg_quality, "JPEG quality of those copies (1-100)").range(1, 100);
}

StudyConfig read_study_config(const ConfigDocument& document, const std::string& default_name) {
  StudyConfig config;
  config.options.name = default_name;
  Schema schema("survey create");
  declare_study_options(schema, config.options);
  schema.read(document);
  config.resolved_yaml = "# Resolved config of this study: every key, with defaults filled in.\n" +
                         schema.to_yaml(/*with_help=*/true);
  return config;
}

void check_study_options(const StudyOptions& options) {
  const bool safe_name = !options.name.empty() && options.name[0] != '.' &&
                         std::all_of(options.name.begin(), options.name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                         });
  if (!safe_name) {
    throw ConfigError(concat("'name': '", excerpt(options.name), "' cannot name a study folder; use letters, digits, ",
                             "'-', '_' and '.'"));
  }
  if (options.stimuli.baseline == options.stimuli.proposed) {
    throw ConfigError(concat("'stimuli.baseline' and 'stimuli.proposed' are both '",
                             excerpt(options.stimuli.baseline), "'; a comparison needs two different methods"));
  }
  for (const std::string& method : {options.stimuli.baseline, options.stimuli.proposed}) {
    if (method == "degraded") {
      throw ConfigError("'stimuli.baseline'/'stimuli.proposed': 'degraded' is the name of the sentinels' images");
    }
  }
  const auto any_or_at_least_zero = [](double value) { return value == -1 || value >= 0; };
  if (!any_or_at_least_zero(options.stimuli.content_weight) || !any_or_at_least_zero(options.stimuli.beta) ||
      !any_or_at_least_zero(options.stimuli.eps)) {
    throw ConfigError("'stimuli.content_weight', 'stimuli.beta', 'stimuli.eps': -1 (any) or a value >= 0");
  }
  if (options.sentinels > 0 && options.sentinel_blur == 0 && options.sentinel_noise == 0) {
    throw ConfigError("'sentinels.blur' and 'sentinels.noise' are both 0: the sentinel image would not be degraded");
  }
}

}  // namespace depthstyle
