#include <ATen/ATen.h>

#include "core/error.h"
#include "tensor/tensor_image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(TensorImage, RgbMatBecomesNchwWithChannelsInOrderAndBack) {
  cv::Mat image(2, 3, CV_32FC3);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) image.at<cv::Vec3f>(y, x) = cv::Vec3f(y * 10.0f + x, 100.0f + x, -1.0f * y);
  }
  const at::Tensor tensor = tensor_from_image(image);
  ASSERT_EQ(tensor.sizes(), (at::IntArrayRef{1, 3, 2, 3}));
  EXPECT_TRUE(tensor.is_contiguous());
  EXPECT_FLOAT_EQ(tensor[0][0][1][2].item<float>(), 12.0f);
  EXPECT_FLOAT_EQ(tensor[0][1][1][2].item<float>(), 102.0f);
  EXPECT_FLOAT_EQ(tensor[0][2][1][2].item<float>(), -1.0f);
  const cv::Mat back = image_from_tensor(tensor);
  EXPECT_EQ(back.type(), CV_32FC3);
  EXPECT_EQ(cv::norm(back, image, cv::NORM_INF), 0.0);
}

TEST(TensorImage, PaddedRoiAndSingleChannelAreCopiedDensely) {
  cv::Mat big(4, 4, CV_32FC1);
  for (int i = 0; i < 16; ++i) big.at<float>(i / 4, i % 4) = static_cast<float>(i);
  const cv::Mat roi = big(cv::Rect(1, 1, 2, 2));  // not continuous
  const at::Tensor tensor = tensor_from_image(roi);
  ASSERT_EQ(tensor.sizes(), (at::IntArrayRef{1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(tensor[0][0][1][0].item<float>(), 9.0f);
  big.at<float>(1, 1) = -5.0f;  // the tensor owns its copy
  EXPECT_FLOAT_EQ(tensor[0][0][0][0].item<float>(), 5.0f);
}

TEST(TensorImage, SingleChannelTensorOwnsItsMemory) {
  at::Tensor tensor;
  {
    cv::Mat map(3, 5, CV_32FC1, cv::Scalar(7.0f));
    tensor = tensor_from_image(map);
    map.setTo(-1.0f);  // the tensor must not see this: it is a copy
  }
  EXPECT_EQ(tensor.min().item<float>(), 7.0f);
  EXPECT_EQ(tensor.max().item<float>(), 7.0f);
}

TEST(TensorImage, WrongChannelCountIsAnError) {
  EXPECT_THROW_MESSAGE(image_from_tensor(at::zeros({1, 2, 4, 4})), Error, "C = 1 or 3");
}

}  // namespace
}  // namespace depthstyle
