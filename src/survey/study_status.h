// How far every respondent of a study has got: for `survey status` and the server's token-protected status page.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/sqlite.h"

namespace depthstyle {

struct RespondentProgress {
  std::string respondent;  // label
  std::string origin;      // invited or imported
  std::int64_t trials = 0;
  std::int64_t answered = 0;
  std::int64_t sentinels_failed = 0;  // sentinel trials answered with the degraded image
  std::string started_at;             // "" = has not opened the invitation (invited) / unknown (imported)
  std::string last_answer_at;         // "" = no answer yet
  double median_response_ms = -1;     // over answers with a recorded time; -1 = none
};

struct StudyProgress {
  std::string study;  // name
  std::int64_t trials = 0;
  std::int64_t answered = 0;
  std::int64_t finished_respondents = 0;
  std::vector<RespondentProgress> respondents;  // in creation order
};

StudyProgress study_progress(SqliteDatabase& database);

}  // namespace depthstyle
