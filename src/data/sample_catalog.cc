#include "data/sample_catalog.h"

namespace depthstyle {
namespace {

constexpr const char* kOpencvDoc = "opencv-doc";
constexpr const char* kOpencvData = "usr/share/doc/opencv-doc/examples/data/";
constexpr const char* kSkimage = "python3-skimage";
constexpr const char* kSkimageData = "usr/lib/python3/dist-packages/skimage/data/";

SampleFile opencv(const std::string& name, SampleRole role, const std::string& description) {
  return {name, kOpencvDoc, kOpencvData + name, role, "", description};
}

SampleFile skimage(const std::string& name, SampleRole role, const std::string& description) {
  return {name, kSkimage, kSkimageData + name, role, "", description};
}

SampleFile truth(SampleFile file, const std::string& photo, UnknownMarker marker) {
  file.truth_of = photo;
  file.unknown_marker = marker;
  return file;
}

}  // namespace

const std::vector<SampleFile>& sample_catalog() {
  using R = SampleRole;
  static const std::vector<SampleFile> catalog = {
      opencv("aloeL.jpg", R::kPhoto, "Middlebury 2006 'Aloe', left view, 1282x1110"),
      truth(opencv("aloeGT.png", R::kDisparityTruth, "8-bit disparity of aloeL.jpg, 0 = unknown"), "aloeL.jpg",
            UnknownMarker::kZero),
      opencv("building.jpg", R::kPhoto, "building facade"),
      opencv("home.jpg", R::kPhoto, "living room"),
      opencv("fruits.jpg", R::kPhoto, "fruit still life"),
      opencv("messi5.jpg", R::kPhoto, "football player on a pitch"),
      opencv("squirrel_cls.jpg", R::kPhoto, "squirrel"),
      opencv("butterfly.jpg", R::kPhoto, "butterfly on a flower"),
      opencv("baboon.jpg", R::kPhoto, "mandrill portrait"),
      opencv("starry_night.jpg", R::kPainting, "Van Gogh, The Starry Night"),
      skimage("motorcycle_left.png", R::kPhoto, "Middlebury 2014 'Motorcycle', left view, 741x500"),
      truth(skimage("motorcycle_disp.npz", R::kDisparityTruth, "float32 disparity of motorcycle_left.png, inf = unknown"),
            "motorcycle_left.png", UnknownMarker::kInfinity),
      skimage("chelsea.png", R::kPhoto, "cat"),
      skimage("coffee.png", R::kPhoto, "cup of coffee"),
      skimage("astronaut.png", R::kPhoto, "astronaut portrait"),
      skimage("rocket.jpg", R::kPhoto, "rocket on the launch pad"),
      skimage("hubble_deep_field.jpg", R::kTexture, "Hubble deep field"),
      skimage("brick.png", R::kTexture, "brick wall texture"),
      skimage("grass.png", R::kTexture, "grass texture"),
      skimage("gravel.png", R::kTexture, "gravel texture"),
  };
  return catalog;
}

const SampleFile* find_sample(const std::string& file_name) {
  for (const SampleFile& sample : sample_catalog()) {
    if (sample.file_name == file_name) return &sample;
  }
  return nullptr;
}

const SampleFile* disparity_truth_of(const std::string& photo_file_name) {
  for (const SampleFile& sample : sample_catalog()) {
    if (sample.role == SampleRole::kDisparityTruth && sample.truth_of == photo_file_name) return &sample;
  }
  return nullptr;
}

std::string to_string(SampleRole role) {
  switch (role) {
    case SampleRole::kPhoto: return "photo";
    case SampleRole::kPainting: return "painting";
    case SampleRole::kTexture: return "texture";
    case SampleRole::kDisparityTruth: return "disparity truth";
  }
  return "?";
}

}  // namespace depthstyle
