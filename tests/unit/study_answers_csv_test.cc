#include "survey/answers_csv.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

const std::string kHeader = "respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time";

TEST(StudyAnswersCsv, ReadsEveryColumnInAnyOrder) {
  const Study study = parse_study_answers_csv(
      "time,chosen_method,right_method,left_method,pair,trial,respondent,response_ms,repeat_of,sentinel_expected\n"
      "2026-11-20T10:00:00Z,b,b,a,p1,t1,r1,1234,,\n"
      "2026-11-20T10:01:00Z, a ,a,b,p1,t2,r1,,t1,\n"
      "2026-11-20T10:02:00Z,a,a,bad,s1,t3,r1,99,,a\n",
      "answers.csv");
  ASSERT_EQ(study.answers.size(), 3u);
  const StudyAnswer& first = study.answers[0];
  EXPECT_EQ(first.respondent, "r1");
  EXPECT_EQ(first.trial, "t1");
  EXPECT_EQ(first.item, "p1");
  EXPECT_EQ(first.left_method, "a");
  EXPECT_EQ(first.right_method, "b");
  EXPECT_EQ(first.chosen_method, "b");
  EXPECT_EQ(first.response_ms, 1234);
  EXPECT_EQ(first.time, "2026-11-20T10:00:00Z");
  EXPECT_EQ(first.origin, "answers.csv:2");
  EXPECT_EQ(study.answers[1].chosen_method, "a");  // trimmed
  EXPECT_EQ(study.answers[1].response_ms, -1);     // not recorded
  EXPECT_TRUE(study.answers[1].is_repeat());
  EXPECT_TRUE(study.answers[2].is_sentinel());
  EXPECT_EQ(study_answers_csv_header(), kHeader + ",sentinel_expected,repeat_of");
}

TEST(StudyAnswersCsv, ErrorsNameFileLineColumnAndExpectation) {
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(kHeader + ",repeat-of\n", "a.csv"), InputError,
                       "a.csv:1: unknown column 'repeat-of' (did you mean 'repeat_of'?)");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv("respondent,trial\n", "a.csv"), InputError,
                       "a.csv:1: missing column 'pair'");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(kHeader + "\nr1,t1,p1,a,b,b,12.5,\n", "a.csv"), InputError,
                       "a.csv:2: column 'response_ms' (7): expected whole milliseconds >= 0 or nothing, found '12.5'");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(kHeader + "\nr1,t1,p1,a,b,b,1,\nr1,,p1,a,b,b,1,\n", "a.csv"),
                       InputError, "a.csv:3: column 'trial' (2): expected a non-empty value");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(kHeader + "\nr1,t1,p1,a,b,c,1,\n", "a.csv"), InputError,
                       "a.csv:2: chosen method 'c' is neither the left ('a') nor the right ('b') one");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(kHeader + "\nr1,t1,p1,a,a,a,1,\n", "a.csv"), InputError,
                       "a.csv:2: trial 't1' shows method 'a' on both sides");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(kHeader + "\nr1,t1,p1,a,b,a,1,\nr1,t1,p2,a,b,a,1,\n", "a.csv"),
                       InputError, "a.csv:3: respondent 'r1' answers trial 't1' a second time (first at a.csv:2)");
}

TEST(StudyAnswersCsv, SentinelsAndRepeatsMustBeWellFormed) {
  const std::string header = kHeader + ",sentinel_expected,repeat_of\n";
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(header + "r1,t1,s1,a,b,a,1,,c,\n", "a.csv"), InputError,
                       "a.csv:2: sentinel's expected method 'c' is not shown in trial 't1'");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(header + "r1,t2,p1,b,a,a,1,,,t9\n", "a.csv"), InputError,
                       "a.csv:2: repeat_of 't9' names no trial of respondent 'r1'");
  EXPECT_THROW_MESSAGE(parse_study_answers_csv(header + "r1,t1,p1,a,b,a,1,,,\nr1,t2,p1,a,b,a,1,,,t1\n", "a.csv"),
                       InputError,
                       "a.csv:3: trial 't2' repeats 't1' (a.csv:2) but does not show item 'p1' with the sides swapped");
  EXPECT_THROW_MESSAGE(
      parse_study_answers_csv(header + "r1,t1,p1,a,b,a,1,,,\nr1,t2,p1,b,a,a,1,,,t1\nr1,t3,p1,a,b,a,1,,,t2\n", "a.csv"),
      InputError, "a.csv:4: repeat_of 't2' is itself a repeat (a.csv:3)");
}

}  // namespace
}  // namespace depthstyle
