#include "diw/middlebury_set.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/seeds.h"
#include "core/sha256.h"
#include "core/staged_folder.h"
#include "data/disparity_truth.h"
#include "data/sample_catalog.h"
#include "data/sample_fetch.h"
#include "diw/ordinal_pairs.h"
#include "io/depth_map.h"

namespace depthstyle {

MiddleburyDiwSummary make_diw_middlebury(const std::filesystem::path& cache_dir, const std::filesystem::path& output,
                                         const MiddleburyDiwOptions& options) {
  if (options.pairs_per_image < 1) throw UsageError(concat("pairs per image must be >= 1, got ", options.pairs_per_image));
  std::vector<const SampleFile*> photos;
  for (const SampleFile& sample : sample_catalog()) {
    if (sample.role != SampleRole::kDisparityTruth && disparity_truth_of(sample.file_name)) photos.push_back(&sample);
  }
  nlohmann::json manifest = {{"kind", "diw_middlebury"},
                             {"pairs_per_image", options.pairs_per_image},
                             {"seed", options.seed},
                             {"min_ratio", options.min_ratio},
                             {"csv", kMiddleburyDiwCsv},
                             {"truth", "truth/<image path without extension>.pfm: disparity (proximity, bigger = "
                                       "nearer), NaN = unknown"},
                             {"sources", nlohmann::json::array()}};
  for (const SampleFile* photo : photos) {
    const SampleFile& truth = *disparity_truth_of(photo->file_name);
    manifest["sources"].push_back({{"photo", photo->file_name},
                                   {"photo_sha256", sha256_hex_of_file(sample_path(cache_dir, photo->file_name))},
                                   {"truth", truth.file_name},
                                   {"truth_sha256", sha256_hex_of_file(sample_path(cache_dir, truth.file_name))}});
  }

  MiddleburyDiwSummary summary;
  summary.csv = output / kMiddleburyDiwCsv;
  summary.entries = options.pairs_per_image * static_cast<int>(photos.size());
  if (std::filesystem::exists(output / "manifest.json")) {
    nlohmann::json existing;
    try {
      existing = nlohmann::json::parse(read_file(output / "manifest.json"));
    } catch (const nlohmann::json::exception&) {
      existing = nullptr;
    }
    if (existing == manifest) {
      summary.already_present = true;
      return summary;
    }
    throw UsageError(concat(output.string(), " already holds a set made with other parameters or sources (see its ",
                            "manifest.json); remove it or choose another --output"));
  }

  StagedFolder folder(output);
  std::vector<DiwEntry> entries;
  for (const SampleFile* photo : photos) {
    const SampleFile& truth_file = *disparity_truth_of(photo->file_name);
    const std::filesystem::path image = std::filesystem::path("images") / photo->file_name;
    folder.copy(sample_path(cache_dir, photo->file_name), image);
    const cv::Mat disparity = load_disparity_truth(truth_file, sample_path(cache_dir, truth_file.file_name));
    std::filesystem::path truth_path = std::filesystem::path("truth") / image;
    truth_path.replace_extension(".pfm");
    folder.write(truth_path, encode_depth_map(truth_path, disparity));

    OrdinalPairOptions pair_options;
    pair_options.count = options.pairs_per_image;
    pair_options.min_ratio = options.min_ratio;
    std::mt19937_64 random(derive_seed(options.seed, "diw_middlebury:" + photo->file_name));
    for (const DiwPair& pair : sample_ordinal_pairs({disparity, DepthMeaning::kProximity}, pair_options, random)) {
      DiwEntry& entry = entries.emplace_back();
      entry.image = "./" + image.generic_string();
      entry.pair = pair;
    }
  }
  folder.write(kMiddleburyDiwCsv, format_diw_csv(entries));
  folder.write("manifest.json", manifest.dump(2) + "\n");
  folder.publish();
  return summary;
}

}  // namespace depthstyle
