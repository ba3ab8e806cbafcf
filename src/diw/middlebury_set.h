// `depthstyle data make-diw-middlebury`: a DIW-format set on real photos with real ground truth, the Middlebury
// stereo disparity that Debian ships with the sample photos (data/disparity_truth.h: aloeGT.png, 0 = unknown;
// motorcycle_disp.npz, inf = unknown). Pairs are drawn with a seed among known pixels whose disparities differ by at
// least min_ratio (ordinal_pairs.h); each pair is one DIW entry (the image line repeated before each).
//
// Output folder (published at once, core/staged_folder.h):
//   diw_middlebury.csv                   the DIW-format file; image paths relative to this folder
//   images/<photo>                       copies of the photos (aloeL.jpg, motorcycle_left.png)
//   truth/images/<photo stem>.pfm        ground-truth disparity at full size: proximity (bigger = nearer), NaN =
//                                        unknown; the layout mirrors the images, for precomputed-map estimators
//   manifest.json                        parameters and the sha256 of every source file
// The same parameters and sources give byte-identical files. Running again with the same parameters is a no-op;
// with other parameters it is refused (choose another output folder).
#pragma once

#include <cstdint>
#include <filesystem>

namespace depthstyle {

struct MiddleburyDiwOptions {
  int pairs_per_image = 1000;
  std::int64_t seed = 0;
  double min_ratio = 1.15;
};

struct MiddleburyDiwSummary {
  std::filesystem::path csv;
  int entries = 0;
  bool already_present = false;
};

constexpr const char* kMiddleburyDiwCsv = "diw_middlebury.csv";

// `cache_dir` holds samples/ (depthstyle data fetch-samples). Throws InputError naming a missing sample.
MiddleburyDiwSummary make_diw_middlebury(const std::filesystem::path& cache_dir, const std::filesystem::path& output,
                                         const MiddleburyDiwOptions& options);

}  // namespace depthstyle
