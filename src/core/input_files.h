// The files a batch command works on, from what the user typed: files, folders and glob patterns, mixed.
//
//   depthstyle stylize photos/ extra/*.jpg one.png --style styles/
//   depthstyle depth datasets/ --recursive
//
// Each argument is taken as
//   - an existing file: kept as given, whatever its extension (the reader that opens it says if it cannot);
//   - an existing folder: its regular files whose lower-cased extension is one of `extensions`, sorted by path (so
//     runs are reproducible), descending into sub-folders only with `recursive`;
//   - otherwise, if it holds a glob character (* ? [): the files it matches (glob(3), sorted); folders it matches are
//     expanded as above;
//   - otherwise a problem: "<argument>: no such file or folder".
// A folder that yields no file and a pattern that matches nothing are problems too, so a typo is not a silent no-op.
// A file reached twice (named, and again through its folder) is kept once, at its first place.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace depthstyle {

struct InputSelection {
  // Lower-case, with the dot: {".png", ".jpg"}. Used for folders and for the files a pattern matches that are
  // folders' contents; files named explicitly are always kept.
  std::vector<std::string> extensions;
  bool recursive = false;
};

struct InputFiles {
  std::vector<std::filesystem::path> files;
  // One line per argument that gave nothing, each naming the argument and why.
  std::vector<std::string> problems;
};

InputFiles select_input_files(const std::vector<std::string>& arguments, const InputSelection& selection);

}  // namespace depthstyle
