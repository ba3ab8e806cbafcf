// `depthstyle stylize CONTENT... --style STYLE...`: every content x style combination, each written to
//
//   OUTPUT_DIR/{content stem}_stylized_{style stem}{extension}        (the public AdaIN port's naming)
//
// Contents are images or videos (stylize/video_io.h), styles images; both may be files, folders and glob patterns
// (core/input_files.h). The extension of an output:
//   image content  `extension` if given (png, jpg or jpeg), else the content's own: .png stays .png (lossless, keeps
//                  the alpha channel), .jpg/.jpeg stay JPEG; contents in other formats (.bmp, .tif, .webp, ...)
//                  become .png. (The port always writes .jpg; --ext jpg does that.)
//   video content  the content's container (stylize/video_io.h says which codec each gets)
// An output that exists is skipped unless `overwrite` (so a rerun finishes an interrupted batch; outputs appear
// atomically, so no half-written file is taken for finished). A unit (one content with one style; a video is one
// unit) that fails is listed and the batch goes on: a corrupt or unreadable content or style, two units that would
// write the same file (contents or styles with the same stem). core/batch_outcome.h tallies it, with the exit code.
//
// The backbone and the depth estimator are loaded once, and only when some unit has work to do; styles are encoded
// once per batch and contents once for all their styles (stylize/stylize_session.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/batch_outcome.h"
#include "depth/depth_estimator.h"
#include "style/backbone_factory.h"
#include "style/depth_source.h"
#include "stylize/stylize_session.h"

namespace depthstyle {

struct StylizeBatchRequest {
  // Files, folders and glob patterns: contents are images and videos, styles images.
  std::vector<std::string> contents;
  std::vector<std::string> styles;
  bool recursive = false;  // folders' sub-folders too
  std::filesystem::path output_dir = "output";
  // Format of image outputs: "png", "jpg" or "jpeg" (a leading dot is accepted); "" = the content's own (above).
  std::string extension;
  bool overwrite = false;
  // The `-o FILE` form: exactly one content and one style, written to this path whether or not it exists.
  std::filesystem::path output;
  StylizeSettings settings;
  // The depth of the one content image (not for several contents, nor videos).
  std::optional<DepthMapFile> depth_map;
  // Required when the setting needs depth and no depth_map is given (stylize/model_choice.h chooses one).
  std::optional<DepthEstimatorConfig> depth_estimator;
  BackboneConfig backbone;
};

// "{content stem}_stylized_{style stem}{extension}"; `extension` with its dot.
std::string stylized_file_name(const std::filesystem::path& content, const std::filesystem::path& style,
                               const std::string& extension);

// The extension (with its dot, lower case) of a content's output, as above; `requested` is the request's
// `extension`. Throws UsageError for a requested format that is not an image format depthstyle writes.
std::string stylized_output_extension(const std::filesystem::path& content, const std::string& requested);

struct StylizeUnit {
  std::filesystem::path content;
  std::filesystem::path style;
  std::filesystem::path output;
  bool video = false;
  // Set when the unit cannot run (its output is claimed by another unit too).
  std::string problem;
};

struct StylizePlan {
  std::vector<StylizeUnit> units;  // contents outer, styles inner
  std::size_t content_count = 0;
  std::size_t style_count = 0;
  // Contents found inside the output folder (a folder or pattern argument reached it, e.g. `stylize * --style S`
  // run twice): left out, so a rerun does not stylize its own outputs.
  std::size_t outputs_left_out = 0;
  // Arguments that named no file (core/input_files.h).
  std::vector<std::string> input_problems;
};

// Resolves the arguments and names every unit. Throws UsageError, before any file is read, for requests that cannot
// work: a bad extension or setting, no depth source for da-adain, a depth map with several contents or a video,
// --crop with a video (a video keeps its frame size), `output` with other than one content and one style.
StylizePlan plan_stylize_batch(const StylizeBatchRequest& request);

// Plans and runs the batch: one line on `out` saying what it does, a progress bar over images and video frames
// (core/progress.h) on stderr. Returns the tally; the caller prints its summary.
BatchOutcome run_stylize_batch(const StylizeBatchRequest& request, std::ostream& out);

}  // namespace depthstyle
