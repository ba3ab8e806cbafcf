// An ONNX depth model run by OpenCV's dnn module (cv::dnn::readNetFromONNX, CPU, OpenCV's own backend): one input
// 1x3xHxW float32 (the entry's preprocessing), one output 1x1xHxW, 1xHxW or HxW whose meaning the entry declares.
//
// OpenCV parses the graph itself and supports a subset of ONNX. Every cv::Exception, at load or at forward, becomes
// an InputError naming the file and quoting OpenCV. Findings with OpenCV 4.6 (the Debian 12 version) on graphs that
// torch 1.13 exports at opset 11 (tests/torch/depth_estimators_test.cc):
//   Resize           nearest (asymmetric), bilinear with align_corners=False (pytorch_half_pixel) and with
//                    align_corners=True (align_corners) load and equal PyTorch within 1e-5. Bicubic ("cubic" mode)
//                    is refused at load by a check in the Resize layer that carries no message (OpenCV says only
//                    "resize_layer.cpp:48: error: (-2:Unspecified error)"), so the error here adds what the layer
//                    accepts. MiDaS v2.1 small upsamples bilinearly with align_corners=True (its fusion blocks) and
//                    False (its head): the "coordinate_transformation_mode" that older OpenCV releases refused is
//                    accepted by 4.6.
//   Clip             (ReLU6) only with min/max as attributes (opsets 6-10). From opset 11 on PyTorch writes them as
//                    inputs, and 4.6 refuses the node ("node_proto.input_size() == 1"; OpenCV reads them from 4.7 on).
//                    MiDaS v2.1 small (EfficientNet-Lite3: ReLU6) needs opset >= 11 for its align_corners=True
//                    upsampling, so a PyTorch export of it cannot load here; the official model-small.onnx was not
//                    available to try. A look-alike with the same node kinds (tests/torch/native_depth_test.cc:
//                    explicit Pad before stride-2 convs, depthwise convs, Resize with align_corners True and False,
//                    Sub/Div normalisation, Squeeze) loads and equals PyTorch within 1e-4 once ReLU6 is ReLU, at
//                    opsets 11 and 12; with ReLU6 it fails with this explanation.
//   Squeeze          and Unsqueeze only with axes as an attribute (opsets before 13).
//   Other operators  an operator OpenCV does not implement (e.g. GridSample, opset 16) fails at load with
//                    "Can't create layer ... of type GridSample"; a damaged or non-ONNX file with "Failed to parse
//                    ONNX model". Neither crashes.
#pragma once

#include <memory>

#include "depth/depth_estimator.h"

namespace depthstyle {

// UsageError for entry problems; InputError naming the file if it is missing or OpenCV cannot load it.
std::unique_ptr<DepthEstimator> make_onnx_estimator(const DepthEstimatorConfig& config);

}  // namespace depthstyle
