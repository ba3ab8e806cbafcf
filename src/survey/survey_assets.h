// The survey page's files (survey/ in the source tree): page templates, the style sheet, the script and the icon.
// They are compiled into the binary at build time (survey/embed_assets.cmake), so a study runs from the executable
// alone, offline; `survey serve --assets DIR` reads them from a folder instead, to try edits without rebuilding.
//
// Templates are HTML with two kinds of placeholders: {{name}} is replaced by the value HTML-escaped (& < > " ', so
// it is safe in text and in quoted attributes; every value that comes from a config, a database or a request),
// {{{name}}} by the value as it is (only fragments the server built itself from escaped parts). layout.html wraps
// every page ({{title}}, {{page}}, {{{content}}}).
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace depthstyle {

// Generated at build time: (file name, bytes) of every survey/*.html, *.css, *.js and *.svg.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_survey_assets();

class SurveyAssets {
 public:
  // The embedded files (`dir` empty) or those of `dir`. Every template must use exactly known placeholders
  // (survey_assets.cc lists them per template): a typo in an edited template is an InputError naming the file and
  // the placeholder when the server starts, not a broken page later. Missing files are InputErrors too.
  explicit SurveyAssets(const std::filesystem::path& dir = {});

  // The bytes of a static file served as-is (survey.css, survey.js).
  const std::string& file(const std::string& name) const;
  // `name`.html with its placeholders filled; every placeholder must have a value.
  std::string render(const std::string& name, const std::map<std::string, std::string>& values) const;

 private:
  std::map<std::string, std::string> files_;
  std::string origin_;  // "the built-in survey page" or the folder, for messages
};

}  // namespace depthstyle
