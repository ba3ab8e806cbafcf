// Where the model of a depth estimator entry is, before any file is read. Torch-free and registry-free (this file
// links only the weights catalog), so that runners' option checks can call it without loading LibTorch.
//
//   path: midas_v21              a catalog model's name (weights/weight_catalog.h): that model in the weights folder
//   path: midas/model.pt         relative: inside the runner's weights_dir when it has one (--set weights_dir=...)
//   path: /data/w/model.pt       absolute: as given
#pragma once

#include <filesystem>

#include "depth/depth_estimator.h"

namespace depthstyle {

// A `path` equal to a catalog model's name is that model in the weights folder. with_catalog_model fills in what the
// name implies (a midas version, a depth_anything variant) and refuses, naming the entry, a name the type cannot run
// (another type, a network without a loader, a monodepth2 variant on top of a named model folder, a version or
// variant other than the model's). It reads no file: the path stays the name. Any other path leaves the config as
// it is, except that a midas entry without a version, or a depth_anything entry without a variant, takes the one its
// file's published name implies (.../midas_v21_384.pt: v21; model.pt, MiDaS v1's file: v1;
// depth_anything_vits14.pth: v1_vits).
DepthEstimatorConfig with_catalog_model(const DepthEstimatorConfig& config);

// The entry with a relative `path` taken inside `weights_dir` (unchanged when either is empty or the path is
// absolute), so that one config names its weight files the same way on every machine.
DepthEstimatorConfig with_weights_dir(DepthEstimatorConfig config, const std::filesystem::path& weights_dir);

// Both rules: a catalog name becomes its file in the current weights folder (weights/weights_folder.h), present or,
// when absent, where it is expected (so weights_missing_reason names that place); any other path goes through
// with_weights_dir. What runners call before checking that an estimator's weights are present.
DepthEstimatorConfig with_model_location(const DepthEstimatorConfig& config, const std::filesystem::path& weights_dir);

}  // namespace depthstyle
