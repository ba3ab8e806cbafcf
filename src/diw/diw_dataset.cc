#include "diw/diw_dataset.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"

namespace depthstyle {
namespace {

constexpr const char* kAnnotationLayout = "y_A,x_A,y_B,x_B,ord,width,height";

// The lines of `text` without their line ends ("\n" or "\r\n"); InputError for one longer than `max_line_bytes`,
// before its fields are split (100 MB of commas would become 7.8 GB of empty fields).
std::vector<std::string_view> lines_of(std::string_view text, const std::string& source_name,
                                       std::size_t max_line_bytes) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end - start > max_line_bytes) {
      throw InputError(concat(source_name, ":", lines.size() + 1, ": a line of ", end - start,
                              " bytes, more than the limit of ", max_line_bytes, " (is this a DIW CSV file?)"));
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool parse_integer(const std::string& token, int& value) {
  const auto [stop, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  return !token.empty() && error == std::errc() && stop == token.data() + token.size();
}

class LineParser {
 public:
  explicit LineParser(std::string source_name) : source_name_(std::move(source_name)) {}

  InputError error(int line, const std::string& what) const {
    return InputError(concat(source_name_, ":", line, ": ", what));
  }

  std::string parse_path(std::string_view text, int line) const {
    const std::string path = trim(text);
    if (path.empty()) throw error(line, concat("empty line; expected an image path"));
    const std::vector<std::string> fields = split(path, ',');
    if (fields.size() == 7 && (trim(fields[4]) == ">" || trim(fields[4]) == "<")) {
      throw error(line, concat("expected an image path, found an annotation line '", excerpt(path),
                               "' (lines alternate: an image path, then ", kAnnotationLayout, ")"));
    }
    return path;
  }

  DiwPair parse_annotation(std::string_view text, int line) const {
    const std::string content(text);
    std::vector<std::string> fields = split(content, ',');
    for (std::string& field : fields) field = trim(field);
    if (fields.size() != 7) {
      throw error(line, concat("expected 7 comma-separated fields ", kAnnotationLayout, ", found ", fields.size(),
                               ": '", excerpt(content), "'"));
    }
    static const char* const kNames[] = {"y_A", "x_A", "y_B", "x_B", "ord", "width", "height"};
    int numbers[7] = {};
    for (int index : {0, 1, 2, 3, 5, 6}) {
      if (!parse_integer(fields[index], numbers[index])) {
        throw error(line, concat(kNames[index], " '", excerpt(fields[index]), "' is not an integer (",
                                 kAnnotationLayout, ")"));
      }
    }
    DiwPair pair;
    pair.y_a = numbers[0];
    pair.x_a = numbers[1];
    pair.y_b = numbers[2];
    pair.x_b = numbers[3];
    pair.width = numbers[5];
    pair.height = numbers[6];
    if (fields[4] == ">") {
      pair.relation = DiwRelation::kAFarther;
    } else if (fields[4] == "<") {
      pair.relation = DiwRelation::kANearer;
    } else if (fields[4] == "=") {
      throw error(line, "relation '=' (equal depth) does not occur in DIW; expected '>' (A farther) or '<' "
                        "(A nearer)");
    } else {
      throw error(line, concat("unknown relation '", excerpt(fields[4]),
                               "'; expected '>' (A farther) or '<' (A nearer)"));
    }
    if (pair.width <= 0 || pair.height <= 0) {
      throw error(line, concat("image size ", pair.width, "x", pair.height, " (width x height) is not positive"));
    }
    check_point(pair, 'A', pair.y_a, pair.x_a, line);
    check_point(pair, 'B', pair.y_b, pair.x_b, line);
    if (pair.y_a == pair.y_b && pair.x_a == pair.x_b) {
      throw error(line, concat("points A and B are the same pixel (y=", pair.y_a, ", x=", pair.x_a,
                               "); a pair needs two points"));
    }
    return pair;
  }

 private:
  void check_point(const DiwPair& pair, char name, int y, int x, int line) const {
    if (y < 1 || y > pair.height || x < 1 || x > pair.width) {
      throw error(line, concat("point ", name, " (y=", y, ", x=", x, ") lies outside the ", pair.width, "x",
                               pair.height, " image (1-based, y first: 1 <= y <= ", pair.height, ", 1 <= x <= ",
                               pair.width, ")"));
    }
  }

  std::string source_name_;
};

}  // namespace

char to_symbol(DiwRelation relation) { return relation == DiwRelation::kAFarther ? '>' : '<'; }

std::vector<DiwEntry> parse_diw_csv(std::string_view text, const std::string& source_name,
                                    std::size_t max_line_bytes) {
  if (starts_with(text, kUtf8ByteOrderMark)) text.remove_prefix(kUtf8ByteOrderMark.size());
  std::vector<std::string_view> lines = lines_of(text, source_name, max_line_bytes);
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  const LineParser parser(source_name);
  if (lines.empty()) throw InputError(concat(source_name, ": no entries (the file is empty)"));

  std::vector<DiwEntry> entries;
  entries.reserve(lines.size() / 2);
  for (std::size_t index = 0; index < lines.size(); index += 2) {
    DiwEntry entry;
    entry.line = static_cast<int>(index) + 1;
    entry.image = parser.parse_path(lines[index], entry.line);
    if (index + 1 >= lines.size()) {
      throw parser.error(entry.line, concat("the file ends after the image path '", excerpt(entry.image),
                                            "'; expected an annotation line ", kAnnotationLayout, " after it"));
    }
    entry.pair = parser.parse_annotation(lines[index + 1], entry.line + 1);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string format_diw_csv(const std::vector<DiwEntry>& entries) {
  std::string text;
  text.reserve(entries.size() * 64);
  // The reader drops a byte-order mark at the start of the file, so a first path that itself starts with one (read
  // from a file with blanks before it) gets a mark of its own in front to stay itself (found by fuzzing: tests/fuzz).
  if (!entries.empty() && starts_with(entries.front().image, kUtf8ByteOrderMark)) text += kUtf8ByteOrderMark;
  for (const DiwEntry& entry : entries) {
    const DiwPair& pair = entry.pair;
    text += concat(entry.image, "\n", pair.y_a, ",", pair.x_a, ",", pair.y_b, ",", pair.x_b, ",",
                   to_symbol(pair.relation), ",", pair.width, ",", pair.height, "\n");
  }
  return text;
}

std::filesystem::path DiwDataset::image_path(const DiwEntry& entry) const {
  const std::filesystem::path image(entry.image);
  return image.is_absolute() ? image : (image_root / image).lexically_normal();
}

DiwDataset read_diw_dataset(const std::filesystem::path& csv_path, const DiwReadOptions& options) {
  const std::string text = read_file(csv_path);
  DiwDataset dataset;
  dataset.csv_path = csv_path;
  dataset.image_root = options.image_root.empty() ? csv_path.parent_path() : options.image_root;
  if (dataset.image_root.empty()) dataset.image_root = ".";
  dataset.csv_sha256 = sha256_hex(text);
  std::vector<DiwEntry> entries = parse_diw_csv(text, csv_path.string());
  dataset.entries.reserve(entries.size());
  for (DiwEntry& entry : entries) {
    const std::filesystem::path image = dataset.image_path(entry);
    std::error_code error;
    if (std::filesystem::is_regular_file(image, error)) {
      dataset.entries.push_back(std::move(entry));
    } else if (options.missing_images == MissingImagePolicy::kSkip) {
      dataset.skipped.push_back(std::move(entry));
    } else {
      throw InputError(concat(csv_path.string(), ":", entry.line, ": image '", excerpt(entry.image), "' not found at ",
                              excerpt(image.string()), " (image root ", dataset.image_root.string(),
                              "; missing_images: skip leaves such entries out and counts them)"));
    }
  }
  return dataset;
}

std::vector<std::vector<std::size_t>> diw_image_groups(const std::vector<DiwEntry>& entries) {
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::tuple<std::string_view, int, int>, std::size_t> group_of;
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const DiwEntry& entry = entries[index];
    const auto [found, inserted] =
        group_of.emplace(std::make_tuple(std::string_view(entry.image), entry.pair.width, entry.pair.height),
                         groups.size());
    if (inserted) groups.emplace_back();
    groups[found->second].push_back(index);
  }
  return groups;
}

std::string DiwShard::to_string() const { return concat(index, "/", count); }

DiwShard parse_diw_shard(const std::string& text) {
  const std::vector<std::string> parts = split(text, '/');
  DiwShard shard;
  const bool numbers = parts.size() == 2 && parse_integer(trim(parts[0]), shard.index) &&
                       parse_integer(trim(parts[1]), shard.count);
  if (!numbers || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw UsageError(concat("shard '", text, "' is not of the form k/N with 1 <= k <= N (e.g. 3/8: the third of ",
                            "eight slices)"));
  }
  return shard;
}

DiwDataset shard_of(const DiwDataset& dataset, DiwShard shard) {
  // The whole file in order, each entry marked with where it came from.
  std::vector<DiwEntry> all;
  std::vector<bool> skipped;
  all.reserve(dataset.entry_count());
  std::size_t kept = 0, left_out = 0;
  while (kept < dataset.entries.size() || left_out < dataset.skipped.size()) {
    const bool take_skipped = kept == dataset.entries.size() ||
                              (left_out < dataset.skipped.size() &&
                               dataset.skipped[left_out].line < dataset.entries[kept].line);
    all.push_back(take_skipped ? dataset.skipped[left_out++] : dataset.entries[kept++]);
    skipped.push_back(take_skipped);
  }
  const std::vector<std::vector<std::size_t>> groups = diw_image_groups(all);
  DiwDataset slice = dataset;
  slice.entries.clear();
  slice.skipped.clear();
  std::vector<bool> in_slice(all.size(), false);
  for (std::size_t group = 0; group < groups.size(); ++group) {
    const auto owner = static_cast<int>(static_cast<std::uint64_t>(group) * static_cast<std::uint64_t>(shard.count) /
                                        groups.size()) + 1;
    if (owner != shard.index) continue;
    for (std::size_t index : groups[group]) in_slice[index] = true;
  }
  for (std::size_t index = 0; index < all.size(); ++index) {
    if (!in_slice[index]) continue;
    (skipped[index] ? slice.skipped : slice.entries).push_back(all[index]);
  }
  return slice;
}

}  // namespace depthstyle
