// experiment: samples_overview — the sample data at a glance: every photo, painting and texture with its size and
// provenance, and the real ground-truth disparity where the sample has one. One unit of work per sample file.
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/sha256.h"
#include "data/disparity_truth.h"
#include "data/sample_catalog.h"
#include "data/sample_fetch.h"
#include "experiment_table.h"
#include "io/image.h"
#include "report/depth_preview.h"
#include "report/report.h"

namespace depthstyle {
namespace {

struct SamplesOverviewOptions {
  // Sample file names from the catalog; empty = every photo, painting and texture.
  std::vector<std::string> files;
  // Cache folder holding samples/; empty = $DEPTHSTYLE_CACHE or datasets/cache.
  std::string cache;
  // Run `data fetch-samples` first when files are missing.
  bool fetch_missing = true;
  // Smaller side of the preview pictures, pixels.
  int preview_side = 256;
};

class SamplesOverview : public Experiment {
 public:
  void declare(Schema& schema) override {
    std::vector<std::string> images;
    for (const SampleFile& sample : sample_catalog()) {
      if (sample.role != SampleRole::kDisparityTruth) images.push_back(sample.file_name);
    }
    schema.add("samples.files", &options_.files, "sample images to show (empty = all)").one_of(images);
    schema.add("samples.cache", &options_.cache, "cache folder (empty = $DEPTHSTYLE_CACHE or datasets/cache)");
    schema.add("samples.fetch_missing", &options_.fetch_missing, "extract missing samples from Debian packages first");
    schema.add("samples.preview_side", &options_.preview_side, "smaller side of preview pictures, px")
        .range(16, 4096);
  }

  void run(RunContext& context) override {
    const std::filesystem::path cache =
        options_.cache.empty() ? default_cache_dir() : std::filesystem::path(options_.cache);
    if (options_.fetch_missing) fetch_samples(cache);
    // The config's order, or the catalog's when the config names none.
    std::vector<const SampleFile*> samples;
    for (const std::string& file : options_.files) samples.push_back(find_sample(file));
    if (options_.files.empty()) {
      for (const SampleFile& sample : sample_catalog()) {
        if (sample.role != SampleRole::kDisparityTruth) samples.push_back(&sample);
      }
    }

    RunRecord& record = context.record;
    ProgressBar progress("samples", samples.size());
    for (const SampleFile* sample : samples) {
      const std::string unit = "file=" + sample->file_name;
      if (!record.is_done(unit)) {
        throw_if_interrupted();
        record.complete_unit(unit, describe_sample(*sample, cache, record.dir()));
      }
      progress.advance();
    }
    progress.finish();

    ResultTable table({{"file", "File"},
                       {"role", "Role"},
                       {"width", "Width", ColumnKind::kInteger},
                       {"height", "Height", ColumnKind::kInteger},
                       {"preview", "Image", ColumnKind::kImage},
                       {"truth_preview", "Ground-truth disparity", ColumnKind::kImage},
                       {"truth_known", "Known disparity (share)", ColumnKind::kNumber, 3},
                       {"truth_min", "Disparity min", ColumnKind::kNumber, 2},
                       {"truth_max", "Disparity max", ColumnKind::kNumber, 2},
                       {"package", "Debian package"},
                       {"sha256", "sha256 (first 12)"}});
    for (const SampleFile* sample : samples) {
      table.add_json_row(record.unit_result("file=" + sample->file_name), ResultTable::kMissingFieldsAreEmpty);
    }
    write_file_atomically(record.dir() / "results.csv", table.to_csv());
    write_file_atomically(record.dir() / "results.json", table.to_json().dump(2) + "\n");

    Report report("Sample data overview");
    report.add_paragraph(
        "Real images and real ground-truth disparity shipped by Debian (opencv-doc, python3-skimage), extracted "
        "by 'depthstyle data fetch-samples'. Disparity is shown with the turbo colour map, nearer = warmer; grey "
        "marks pixels without ground truth.");
    report.add_table(table);
    context.report = report.write(record.dir(), "report");
  }

 private:
  // Writes the previews of one sample and returns its result row.
  nlohmann::json describe_sample(const SampleFile& sample, const std::filesystem::path& cache,
                                 const std::filesystem::path& run_dir) const {
    const std::filesystem::path path = sample_path(cache, sample.file_name);
    const Image image = load_image(path);
    const std::string stem = std::filesystem::path(sample.file_name).stem().string();
    const std::string preview = "previews/" + stem + ".jpg";
    save_image(run_dir / preview, resize_to_smaller_side(image.rgb, options_.preview_side));

    nlohmann::json row = {{"file", sample.file_name},
                          {"role", to_string(sample.role)},
                          {"width", image.rgb.cols},
                          {"height", image.rgb.rows},
                          {"preview", preview},
                          {"truth_preview", nullptr},
                          {"truth_known", nullptr},
                          {"truth_min", nullptr},
                          {"truth_max", nullptr},
                          {"package", sample.package},
                          {"sha256", sha256_hex_of_file(path).substr(0, 12)}};
    if (const SampleFile* truth = disparity_truth_of(sample.file_name)) {
      const cv::Mat disparity = load_disparity_truth(*truth, sample_path(cache, truth->file_name));
      const DisparityStats stats = disparity_stats(disparity);
      const std::string truth_preview = "previews/" + stem + "_truth.png";
      save_image(run_dir / truth_preview, resize_to_smaller_side(colorize_depth(disparity), options_.preview_side));
      row["truth_preview"] = truth_preview;
      row["truth_known"] = stats.valid_fraction;
      row["truth_min"] = stats.min;
      row["truth_max"] = stats.max;
    }
    return row;
  }

  SamplesOverviewOptions options_;
};

}  // namespace

std::unique_ptr<Experiment> make_samples_overview() { return std::make_unique<SamplesOverview>(); }

}  // namespace depthstyle
