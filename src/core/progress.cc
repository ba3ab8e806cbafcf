#include "core/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

bool& quiet_flag() {
  static bool quiet = std::getenv("CI") != nullptr;
  return quiet;
}

}  // namespace

void set_progress_quiet(bool quiet) { quiet_flag() = quiet; }
bool progress_quiet() { return quiet_flag(); }

ProgressBar::ProgressBar(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(std::size_t steps) {
  done_ += steps;
  const auto now = std::chrono::steady_clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (terminal_) {
    if (since_draw >= 0.1 || done_ >= total_) draw(false);
    return;
  }
  // The final line comes from finish(), with the elapsed time.
  const std::size_t tenth = total_ == 0 ? 10 : done_ * 10 / total_;
  if (done_ < total_ && (tenth > last_reported_tenth_ || since_draw >= 30)) {
    last_reported_tenth_ = tenth;
    draw(false);
  }
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void ProgressBar::draw(bool final) {
  last_draw_ = std::chrono::steady_clock::now();
  if (progress_quiet()) return;
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0;
  std::string line = concat(label_, ": ", done_, "/", total_);
  if (total_ > 0) line += concat(" (", done_ * 100 / total_, "%)");
  if (final) {
    line += concat(" in ", format_duration(elapsed));
  } else if (rate > 0 && done_ < total_) {
    line += concat(", ", format_number(std::round(rate * 100) / 100), "/s, ETA ",
                   format_duration((total_ - done_) / rate));
  }
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  } else if (!final || done_ != 0) {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace depthstyle
