// Small text helpers shared by the config, CLI and report code.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace depthstyle {

std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string trim(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);
// ".PNG" -> ".png"; "" if the path has no extension.
std::string lowercase_extension(const std::filesystem::path& path);

// Edit distance (insertions, deletions, substitutions), for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` if it is close enough to be a plausible typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Messages that quote input (a CSV line, a config value, a pickle string) quote at most this many characters, so a
// hostile 100 MB line is neither printed whole to stderr nor stored whole in a run's manifest.
constexpr std::size_t kMaxQuotedInput = 200;
// `text` itself if it has at most `limit` bytes; else its first `limit` bytes (cut at a UTF-8 character boundary)
// followed by "... (N bytes in all)". For every message that quotes input.
std::string excerpt(std::string_view text, std::size_t limit = kMaxQuotedInput);

// An image size as command lines write it, WIDTHxHEIGHT: "640x192" is 640 wide and 192 high.
struct WidthHeight {
  int width = 0, height = 0;
};
// Two integers >= 0 joined by one 'x', and nothing else; throws UsageError naming `option` (e.g. "--size") and quoting
// `text` otherwise. Callers check the range they need (a 0 may mean "off" or "as the image").
WidthHeight parse_width_x_height(std::string_view option, std::string_view text);
std::string width_x_height_text(WidthHeight size);

// "1.5 s", "2 min 03 s", "1 h 02 min".
std::string format_duration(double seconds);
// Shortest round-trip decimal form of a double ("0.15", "20", "1e-05").
std::string format_number(double value);
// The current UTC time to the second: ISO 8601 extended ("2026-11-24T02:30:00Z", for records and reports) or basic
// ("20261124T023000Z", for file and folder names: no colons, sorts by time).
enum class TimestampFormat { kExtended, kBasic };
std::string utc_timestamp(TimestampFormat format = TimestampFormat::kExtended);

}  // namespace depthstyle
