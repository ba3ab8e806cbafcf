// The long answers CSV of a pairwise study (what `survey export` writes and `analyze` reads): one line per answer.
//
//   respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time[,sentinel_expected][,repeat_of]
//
//   respondent         respondent id (text, non-empty)
//   trial              trial id, unique within the respondent (text, non-empty)
//   pair               the compared item: same content and style rendered by both methods (text, non-empty)
//   left_method        method shown on the left / right (text, non-empty, different)
//   right_method
//   chosen_method      the method the respondent chose: left_method or right_method
//   response_ms        whole milliseconds from showing the pair to the answer; empty = not recorded
//   time               when the answer was given (ISO 8601 UTC); kept as text
//   sentinel_expected  optional column; for sentinel trials the method an attentive respondent chooses, else empty
//   repeat_of          optional column; for a repeat shown with sides swapped, the original trial id, else empty
//
// Columns may come in any order; fields are trimmed of surrounding spaces. Unknown columns are errors (a misspelt
// optional column would otherwise be ignored silently).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "stats/study.h"

namespace depthstyle {

// Throws InputError naming file, line, column and what was expected; runs check_study() on the result.
Study read_study_answers_csv(const std::filesystem::path& path);
Study parse_study_answers_csv(std::string_view text, const std::string& source);

// The header line (without line break) of the columns above, in their documented order.
std::string study_answers_csv_header();

}  // namespace depthstyle
