#include "style/color_preservation.h"

#include <cmath>

#include "core/error.h"

namespace depthstyle {
namespace {

struct ColorStats {
  cv::Matx31d mean;
  cv::Matx31d std;          // unbiased
  cv::Matx33d correlation;  // (sum over pixels of x_norm x_norm^T + I) / (N - 1)
};

ColorStats color_stats(const cv::Mat& image, const std::string& name) {
  if (image.type() != CV_32FC3 || image.total() < 2) {
    throw InputError(concat(name, ": colour preservation needs an RGB image of at least 2 pixels"));
  }
  ColorStats stats;
  cv::Vec3d sum(0, 0, 0);
  for (int row = 0; row < image.rows; ++row) {
    const cv::Vec3f* pixels = image.ptr<cv::Vec3f>(row);
    for (int col = 0; col < image.cols; ++col) sum += cv::Vec3d(pixels[col]);
  }
  const double count = static_cast<double>(image.total());
  const cv::Vec3d mean = sum / count;
  cv::Matx33d scatter = cv::Matx33d::zeros();
  for (int row = 0; row < image.rows; ++row) {
    const cv::Vec3f* pixels = image.ptr<cv::Vec3f>(row);
    for (int col = 0; col < image.cols; ++col) {
      const cv::Vec3d centred = cv::Vec3d(pixels[col]) - mean;
      for (int a = 0; a < 3; ++a) {
        for (int b = a; b < 3; ++b) scatter(a, b) += centred[a] * centred[b];
      }
    }
  }
  for (int a = 0; a < 3; ++a) {
    const double variance = scatter(a, a) / (count - 1);
    if (!(variance > 0)) {
      throw InputError(concat(name, ": colour preservation needs every colour channel to vary, but channel ",
                              "RGB"[a], " is constant (", mean[a], ")"));
    }
    stats.mean(a) = mean[a];
    stats.std(a) = std::sqrt(variance);
  }
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      const double product = a <= b ? scatter(a, b) : scatter(b, a);
      stats.correlation(a, b) = (product / (stats.std(a) * stats.std(b)) + (a == b ? 1.0 : 0.0)) / (count - 1);
    }
  }
  return stats;
}

// sqrt(C)^power for a symmetric positive definite C: V diag(lambda^(power/2)) V^T.
cv::Matx33d symmetric_root(const cv::Matx33d& matrix, double power) {
  cv::Mat eigenvalues, eigenvectors;  // rows of eigenvectors are the vectors
  cv::eigen(cv::Mat(matrix), eigenvalues, eigenvectors);
  cv::Matx33d result = cv::Matx33d::zeros();
  for (int k = 0; k < 3; ++k) {
    const double scale = std::pow(eigenvalues.at<double>(k), power / 2);
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) {
        result(a, b) += scale * eigenvectors.at<double>(k, a) * eigenvectors.at<double>(k, b);
      }
    }
  }
  return result;
}

}  // namespace

cv::Mat match_color_statistics(const cv::Mat& source, const cv::Mat& target, const std::string& source_name,
                               const std::string& target_name) {
  const ColorStats from = color_stats(source, source_name);
  const ColorStats to = color_stats(target, target_name);
  // out = diag(s_to) sqrt(C_to) sqrt(C_from)^-1 diag(1/s_from) (x - m_from) + m_to
  const cv::Matx33d whiten = symmetric_root(from.correlation, -1);
  const cv::Matx33d colour = symmetric_root(to.correlation, 1);
  cv::Matx33d linear = colour * whiten;
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) linear(a, b) *= to.std(a) / from.std(b);
  }
  const cv::Matx31d offset = to.mean - linear * from.mean;
  cv::Matx34d affine;
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) affine(a, b) = linear(a, b);
    affine(a, 3) = offset(a);
  }
  cv::Mat matched;
  cv::transform(source, matched, affine);
  return matched;
}

}  // namespace depthstyle
