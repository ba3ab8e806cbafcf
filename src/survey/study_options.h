// The config of `depthstyle survey create` (configs/study.yaml): which stimuli, how many pairs, the design of every
// respondent's sequence (seeds per source of randomness, sentinels, repeats) and the page texts.
//
//   name: study                     # study folder <output_dir>/<name>/ (default: the config file's name)
//   output_dir: studies
//   seed: 0                         # base seed; every seed below of -1 derives from it and its own name
//   stimuli:
//     grid_run: runs/style_grid/study_stimuli   # a finished style_grid run folder (results.json + images/)
//     baseline: adain               # the grid method shown against ...
//     proposed: da-adain            # ... this one
//     content_weight: -1            # pick one grid setting per method when the grid has several (-1 / '' = any)
//     depth: ''
//     beta: -1
//     eps: -1
//   pairs: {count: 0, seed: -1}     # N comparisons drawn from all the grid's pairs (0 = all of them)
//   respondents: 18                 # planned respondents (default of `survey invite --count`)
//   order: {seed: -1}               # per-respondent order of the trials
//   sides: {seed: -1}               # per-trial left/right placement
//   sentinels: {count: 2, blur: 0.03, noise: 0.15, seed: -1}   # degraded-image checks, shown to every respondent
//   repeats: {count: 2, min_gap: 2, seed: -1}                  # swapped repeats per respondent
//   page: {title: ..., question: ..., instructions: ..., thanks: ...}
//   web: {max_side: 1024, jpeg_quality: 85}                    # the copies browsers get (survey/web_copy.h)
#pragma once

#include <cstdint>
#include <string>

#include "survey/web_copy.h"

namespace depthstyle {

class ConfigDocument;
class Schema;

struct StudyStimuliOptions {
  // A finished style_grid run folder: results.json lists every image (key, method, parameters, inputs' sha256,
  // output path relative to the folder).
  std::string grid_run;
  // The grid's method names of the two sides of every comparison; the analysis counts votes for `proposed`.
  std::string baseline = "adain";
  std::string proposed = "da-adain";
  // When the grid holds several settings of a method for one content/style pair, these pick one: the content
  // weight of the rows that have one, the depth source, beta and eps of the rows that have them. -1 / '' = any.
  double content_weight = -1;
  std::string depth;
  double beta = -1;
  double eps = -1;
};

struct StudyPageOptions {
  // Browser tab and heading of every page.
  std::string title = "Which picture do you like more?";
  // Asked above every pair. The paper's question; it says nothing about how the pictures were made.
  std::string question = "Which picture do you like more?";
  // The first page; blank lines separate paragraphs. The page adds how many pairs there are.
  std::string instructions =
      "You will see pairs of pictures, one pair at a time. For each pair, choose the picture you like more: click "
      "or tap it, or press the left or right arrow key (on a narrow screen the pictures are stacked: the upper one "
      "is 'left').\n\nThere are no right or wrong answers; go with your first impression. You can stop at any "
      "time and continue later with the same link.";
  // The last page, above the completion code.
  std::string thanks = "Thank you! Your answers have been saved.";
};

struct StudyOptions {
  // Study folder name under output_dir; default: the config file's name without extension.
  std::string name;
  std::string output_dir = "studies";
  // Base seed; each source of randomness below derives its own seed from it unless given (-1 = derived).
  std::int64_t seed = 0;
  StudyStimuliOptions stimuli;
  // Comparisons drawn (seeded) from all the grid's pairs; 0 = all of them.
  int pairs = 0;
  std::int64_t pairs_seed = -1;
  // Planned respondents: the default count of `survey invite`. The paper: 18.
  int respondents = 18;
  std::int64_t order_seed = -1;
  std::int64_t sides_seed = -1;
  // Sentinel comparisons: an image of a selected pair against a copy blurred with a Gaussian of sd `blur` x the
  // image's smaller side and with Gaussian noise of sd `noise` (on [0,1] values) added. Every respondent sees every
  // sentinel; the expected answer is the undegraded image.
  int sentinels = 0;
  double sentinel_blur = 0.03;
  double sentinel_noise = 0.15;
  std::int64_t sentinels_seed = -1;
  // Repeats per respondent: main trials shown a second time with the sides swapped, at least `min_gap` other
  // trials after the original (never adjacent).
  int repeats = 0;
  int repeat_min_gap = 2;
  std::int64_t repeats_seed = -1;
  StudyPageOptions page;
  // The web-sized copies the server sends instead of the originals.
  WebCopyOptions web;
};

void declare_study_options(Schema& schema, StudyOptions& options);

// A study config read from `document` (the YAML with its overrides applied), and the resolved YAML (every key with
// its help, defaults filled in) that the study folder keeps. `options.name` defaults to `default_name`.
struct StudyConfig {
  StudyOptions options;
  std::string resolved_yaml;
};
StudyConfig read_study_config(const ConfigDocument& document, const std::string& default_name);

// Checks that need several keys at once; throws ConfigError naming them. (Counts that depend on the grid are
// checked by check_study_design once the grid is read.)
void check_study_options(const StudyOptions& options);

}  // namespace depthstyle
