// DIW (Depth in the Wild, Chen et al. 2016) relative-depth annotations: the alternating-line CSV of DIW_test.csv.
//
//   ./DIW_test/<hash>.thumb          an image path line (relative to an image root; default: the CSV's folder)
//   118,70,257,291,>,500,333         y_A,x_A,y_B,x_B,ord,width,height
//
// Conventions, exactly as the file states them (docs/reference.md#diw-format):
//   - coordinates are 1-based pixel indices, y (row) first, in the original image of width x height pixels;
//   - ord '>' means point A is FARTHER than point B, '<' means A is nearer; there is no '=' in DIW;
//   - one annotation line follows each path line (the official loader reads n_point = 1); a file derived from another
//     source with several pairs per image repeats the path line before each pair.
// Some third-party loaders read the columns x first: that is a bug, not a variant, and nothing here offers it.
//
// Every malformed line is an InputError "file:line: what was found; what was expected".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_reader.h"

namespace depthstyle {

enum class DiwRelation {
  kAFarther,  // '>'
  kANearer,   // '<'
};

char to_symbol(DiwRelation relation);

struct DiwPair {
  // 1-based, y first, in the original image's pixels: 1 <= y <= height, 1 <= x <= width.
  int y_a = 0;
  int x_a = 0;
  int y_b = 0;
  int x_b = 0;
  DiwRelation relation = DiwRelation::kAFarther;
  // The original image's size in pixels; the prediction is resized to it before the points are read.
  int width = 0;
  int height = 0;
};

struct DiwEntry {
  // The path line as written (trimmed), e.g. "./DIW_test/abc.thumb": the image's key in results and stores.
  std::string image;
  // 1-based line number of the path line in the CSV; the annotation is on the next line.
  int line = 0;
  DiwPair pair;
};

// Parses the CSV text; `source_name` (the file's path) starts every error message. Tolerates a UTF-8 byte-order mark,
// CRLF line ends, blanks around fields and trailing empty lines; anything else malformed is an InputError, and so is
// a line longer than `max_line_bytes` (the CSV readers' limit, io/csv_reader.h).
std::vector<DiwEntry> parse_diw_csv(std::string_view text, const std::string& source_name,
                                    std::size_t max_line_bytes = kMaxCsvLineBytes);

// The CSV text of `entries` (LF line ends), which parse_diw_csv reads back unchanged.
std::string format_diw_csv(const std::vector<DiwEntry>& entries);

enum class MissingImagePolicy {
  kError,  // a missing image is an InputError naming the CSV line and the path tried
  kSkip,   // the entry is left out and listed in DiwDataset::skipped
};

struct DiwReadOptions {
  // Folder that relative image paths are resolved against; empty = the CSV's folder (as DIW_test.csv's "./DIW_test/"
  // paths expect).
  std::filesystem::path image_root;
  MissingImagePolicy missing_images = MissingImagePolicy::kError;
};

struct DiwDataset {
  std::filesystem::path csv_path;
  std::filesystem::path image_root;  // effective root
  std::string csv_sha256;            // of the file's bytes: identifies the set in stores and shard merges
  std::vector<DiwEntry> entries;     // in file order, without the skipped ones
  std::vector<DiwEntry> skipped;     // entries whose image is missing (MissingImagePolicy::kSkip)
  // Total entries in the file (entries + skipped).
  std::size_t entry_count() const { return entries.size() + skipped.size(); }
  // The file an entry's image is read from.
  std::filesystem::path image_path(const DiwEntry& entry) const;
};

// Reads and checks the whole file, including that every image exists. Throws InputError.
DiwDataset read_diw_dataset(const std::filesystem::path& csv_path, const DiwReadOptions& options = {});

// Entries that share an image (same path line and original size) form a group: the unit of prediction. Groups are in
// order of their first entry; each lists its entries' indices in file order.
std::vector<std::vector<std::size_t>> diw_image_groups(const std::vector<DiwEntry>& entries);

// A deterministic slice of a DIW file for distributed runs: shard k of N (1 <= k <= N).
struct DiwShard {
  int index = 1;
  int count = 1;
  std::string to_string() const;  // "k/N"
  bool is_whole() const { return count == 1; }
};

// Parses "k/N"; throws UsageError saying what was expected.
DiwShard parse_diw_shard(const std::string& text);

// The shard's part of `dataset`: the image groups of the whole file (missing images included, so the slices depend
// on the CSV alone) are cut into N contiguous runs of nearly equal size (group g goes to shard floor(g * N / G) + 1),
// and shard k keeps the entries and skipped entries of its groups. Every entry is in exactly one shard.
DiwDataset shard_of(const DiwDataset& dataset, DiwShard shard);

}  // namespace depthstyle
