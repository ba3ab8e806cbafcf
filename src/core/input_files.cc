#include "core/input_files.h"

#include <glob.h>

#include <algorithm>
#include <set>
#include <system_error>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;

bool has_glob_character(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

bool selected_extension(const fs::path& path, const InputSelection& selection) {
  const std::string extension = lowercase_extension(path);
  return std::find(selection.extensions.begin(), selection.extensions.end(), extension) != selection.extensions.end();
}

// The selected files of `folder`, sorted; an unreadable folder or entry is reported in `problem`.
std::vector<fs::path> folder_files(const fs::path& folder, const InputSelection& selection, std::string& problem) {
  std::vector<fs::path> files;
  std::error_code error;
  const auto visit = [&](const fs::directory_entry& entry) {
    std::error_code type_error;
    if (entry.is_regular_file(type_error) && selected_extension(entry.path(), selection)) files.push_back(entry.path());
  };
  if (selection.recursive) {
    for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) visit(*it);
  } else {
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) visit(*it);
  }
  if (error) problem = concat(folder.string(), ": cannot list the folder: ", error.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::string wanted_extensions(const InputSelection& selection) { return join(selection.extensions, " "); }

std::vector<std::string> glob_matches(const std::string& pattern) {
  glob_t matches{};
  std::vector<std::string> paths;
  if (glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  return paths;  // glob(3) sorts them
}

}  // namespace

InputFiles select_input_files(const std::vector<std::string>& arguments, const InputSelection& selection) {
  InputFiles result;
  std::set<fs::path> seen;
  const auto keep = [&](const fs::path& path) {
    if (seen.insert(path.lexically_normal()).second) result.files.push_back(path);
  };
  // Adds the files `argument` names; false if it named none.
  const auto add_existing = [&](const fs::path& path, bool from_pattern) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::string problem;
      const std::vector<fs::path> files = folder_files(path, selection, problem);
      if (!problem.empty()) result.problems.push_back(problem);
      for (const fs::path& file : files) keep(file);
      return !files.empty();
    }
    if (from_pattern && !selected_extension(path, selection)) return false;
    keep(path);
    return true;
  };
  for (const std::string& argument : arguments) {
    std::error_code error;
    if (fs::exists(argument, error)) {
      if (!add_existing(argument, false)) {
        result.problems.push_back(concat(argument, ": the folder holds no file ending in ", wanted_extensions(selection),
                                         selection.recursive ? "" : " (sub-folders are not searched without --recursive)"));
      }
    } else if (has_glob_character(argument)) {
      bool any = false;
      for (const std::string& match : glob_matches(argument)) any = add_existing(match, true) || any;
      if (!any) {
        result.problems.push_back(concat(argument, ": the pattern matches no file ending in ", wanted_extensions(selection)));
      }
    } else {
      result.problems.push_back(concat(argument, ": no such file or folder"));
    }
  }
  return result;
}

}  // namespace depthstyle
