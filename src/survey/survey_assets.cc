#include "survey/survey_assets.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "report/result_table.h"

namespace depthstyle {
namespace {

// Each template and the placeholders it may (and, when rendered, must) fill.
const std::map<std::string, std::set<std::string>>& template_placeholders() {
  static const std::map<std::string, std::set<std::string>> placeholders = {
      {"layout.html", {"title", "page", "content"}},
      {"instructions.html", {"title", "paragraphs", "trials", "csrf"}},
      {"trial.html",
       {"question", "progress", "done", "total", "csrf", "trial", "left_image", "right_image", "left_width",
        "left_height", "right_width", "right_height"}},
      {"thanks.html", {"title", "thanks", "completion_code"}},
      {"message.html", {"heading", "message", "link"}},
      {"status.html", {"study", "summary", "rows"}},
  };
  return placeholders;
}

const std::vector<std::string> kStaticFiles = {"survey.css", "survey.js", "favicon.svg"};

struct Placeholder {
  std::size_t begin = 0, end = 0;  // [begin, end) of the whole {{...}} / {{{...}}}
  std::string name;
  bool raw = false;
};

// The placeholders of `text`; throws InputError for an unclosed one.
std::vector<Placeholder> placeholders_of(const std::string& text, const std::string& origin) {
  std::vector<Placeholder> found;
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string::npos) {
    Placeholder placeholder;
    placeholder.begin = at;
    placeholder.raw = text.compare(at, 3, "{{{") == 0;
    const std::size_t name_begin = at + (placeholder.raw ? 3 : 2);
    const std::string closing = placeholder.raw ? "}}}" : "}}";
    const std::size_t name_end = text.find(closing, name_begin);
    if (name_end == std::string::npos) {
      throw InputError(concat(origin, ": a placeholder opened at byte ", at, " is never closed with ", closing));
    }
    placeholder.name = trim(text.substr(name_begin, name_end - name_begin));
    placeholder.end = name_end + closing.size();
    found.push_back(placeholder);
    at = placeholder.end;
  }
  return found;
}

}  // namespace

SurveyAssets::SurveyAssets(const std::filesystem::path& dir) {
  std::vector<std::string> names = kStaticFiles;
  for (const auto& entry : template_placeholders()) names.push_back(entry.first);
  if (dir.empty()) {
    origin_ = "the built-in survey page";
    for (const auto& [name, bytes] : embedded_survey_assets()) files_[std::string(name)] = std::string(bytes);
  } else {
    origin_ = dir.string();
    for (const std::string& name : names) {
      if (std::filesystem::is_regular_file(dir / name)) files_[name] = read_file(dir / name);
    }
  }
  for (const std::string& name : names) {
    if (!files_.count(name)) throw InputError(concat(origin_, ": ", name, " is missing"));
  }
  for (const auto& [name, allowed] : template_placeholders()) {
    for (const Placeholder& placeholder : placeholders_of(files_.at(name), concat(origin_, "/", name))) {
      if (!allowed.count(placeholder.name)) {
        throw InputError(concat(origin_, "/", name, ": unknown placeholder '", placeholder.name, "'; ", name,
                                " can use ", join(std::vector<std::string>(allowed.begin(), allowed.end()), ", ")));
      }
    }
  }
}

const std::string& SurveyAssets::file(const std::string& name) const {
  const auto found = files_.find(name);
  DEPTHSTYLE_ASSERT(found != files_.end());
  return found->second;
}

std::string SurveyAssets::render(const std::string& name, const std::map<std::string, std::string>& values) const {
  const std::string& text = file(name);
  std::string out;
  out.reserve(text.size() + 1024);
  std::size_t copied = 0;
  for (const Placeholder& placeholder : placeholders_of(text, name)) {
    out.append(text, copied, placeholder.begin - copied);
    const auto value = values.find(placeholder.name);
    DEPTHSTYLE_ASSERT(value != values.end());  // the server fills every placeholder it declared
    out += placeholder.raw ? value->second : html_escape(value->second);
    copied = placeholder.end;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

}  // namespace depthstyle
