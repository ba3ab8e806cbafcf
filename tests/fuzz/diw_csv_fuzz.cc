// diw/diw_dataset.h: the alternating path/annotation lines of a DIW CSV on any text. What parses must survive
// format_diw_csv and parse back to the same entries (the property diw merge and shard files rely on).
#include "diw/diw_dataset.h"
#include "fuzz/fuzz_support.h"

using namespace depthstyle;

namespace {

bool same_pair(const DiwPair& a, const DiwPair& b) {
  return a.y_a == b.y_a && a.x_a == b.x_a && a.y_b == b.y_b && a.x_b == b.x_b && a.relation == b.relation &&
         a.width == b.width && a.height == b.height;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_clean_refusal([&] {
    // A small line limit, so that the fuzzer reaches the over-long-line check with inputs of a few KB.
    const std::vector<DiwEntry> entries = parse_diw_csv(fuzz::as_text(data, size), "fuzz.csv", 256);
    const std::vector<DiwEntry> again = parse_diw_csv(format_diw_csv(entries), "formatted.csv");
    DEPTHSTYLE_ASSERT(again.size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      DEPTHSTYLE_ASSERT(again[i].image == entries[i].image && same_pair(again[i].pair, entries[i].pair));
    }
    diw_image_groups(entries);
  });
  return 0;
}
