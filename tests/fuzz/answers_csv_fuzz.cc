// survey/answers_csv.h: the long answers CSV that `analyze` reads (io/csv_reader.h's quoting rules, then every
// column's checks and check_study), on any text.
#include "fuzz/fuzz_support.h"
#include "survey/answers_csv.h"

using namespace depthstyle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_clean_refusal([&] { parse_study_answers_csv(fuzz::as_text(data, size), "answers.csv"); });
  return 0;
}
