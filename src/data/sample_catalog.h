// The built-in sample data: real photographs, paintings and textures, and real ground-truth disparity (Middlebury
// stereo), extracted from two Debian packages (opencv-doc, python3-skimage) so that every machine can get them
// without a download site. Facts: docs/reference.md#debian-sample-data.
#pragma once

#include <string>
#include <vector>

namespace depthstyle {

enum class SampleRole {
  kPhoto,         // a content image
  kPainting,      // a style image
  kTexture,       // a style image
  kDisparityTruth,  // ground truth for the photo named in `truth_of`
};

// How a ground-truth file marks pixels whose disparity is unknown.
enum class UnknownMarker { kNone, kZero, kInfinity };

struct SampleFile {
  std::string file_name;     // name in the cache folder (the package's own file name)
  std::string package;       // Debian package it is extracted from
  std::string package_path;  // path inside the package
  SampleRole role;
  std::string truth_of;      // kDisparityTruth: the photo's file_name
  std::string description;
  UnknownMarker unknown_marker = UnknownMarker::kNone;
};

const std::vector<SampleFile>& sample_catalog();
// nullptr if no sample has that file name.
const SampleFile* find_sample(const std::string& file_name);
// The ground-truth file of a photo, nullptr if it has none.
const SampleFile* disparity_truth_of(const std::string& photo_file_name);
std::string to_string(SampleRole role);

}  // namespace depthstyle
