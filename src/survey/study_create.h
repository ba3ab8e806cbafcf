// `depthstyle survey create`: a self-contained study folder from a style-grid run.
//
//   <output_dir>/<name>/study.sqlite         the database (survey/study_schema.h): study, methods, stimuli,
//                                            comparisons; respondents come with `survey invite`
//   <output_dir>/<name>/stimuli/<sha256>.png every image the study shows, copied from the grid run (and the
//                                            generated sentinel images), named by content
//   <output_dir>/<name>/stimuli/web/<sha256>.jpg  its web-sized copy, what browsers get (survey/web_copy.h)
//   <output_dir>/<name>/config.yaml          the resolved config it was made with
// The folder appears at once when complete (core/staged_folder.h): an interrupted create leaves nothing behind.
#pragma once

#include <filesystem>
#include <string>

#include "survey/study_options.h"

namespace depthstyle {

struct StudyCreateSummary {
  std::filesystem::path folder;
  std::size_t candidate_pairs = 0;  // all baseline/proposed pairs of the grid
  std::size_t pairs = 0;            // drawn into the study
  std::size_t sentinels = 0;
  std::size_t trials_per_respondent = 0;
  bool reproduces_paper = false;  // false: the grid used a stand-in backbone
  std::string backbone_label;
};

// Throws ConfigError (options that match nothing or ask for more than the grid has), InputError (grid run files),
// UsageError (the study folder exists already).
StudyCreateSummary create_study(const StudyOptions& options, const std::string& resolved_config);

}  // namespace depthstyle
