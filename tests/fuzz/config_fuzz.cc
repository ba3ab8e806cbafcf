// config/: a YAML config document (yaml-cpp's parser, then config/schema.h binding every key with its type, range
// and choices) read as the study config (survey/study_options.h, the largest torch-free schema: numbers, integers,
// strings, choices, nested mappings), then checked. Text after the first NUL byte is applied as a --set override
// ("key.path=value") before the schema reads the document.
#include <cstring>

#include "config/config_document.h"
#include "fuzz/fuzz_support.h"
#include "survey/study_options.h"

using namespace depthstyle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  const std::size_t split = input.find('\0');
  fuzz::expect_clean_refusal([&] {
    ConfigDocument document = ConfigDocument::from_string(std::string(input.substr(0, split)), "fuzz.yaml");
    if (split != std::string_view::npos) document.apply_override(std::string(input.substr(split + 1)));
    const StudyConfig config = read_study_config(document, "fuzz");
    check_study_options(config.options);
    // The resolved config is YAML this reader must accept again.
    read_study_config(ConfigDocument::from_string(config.resolved_yaml, "resolved.yaml"), "fuzz");
  });
  return 0;
}
