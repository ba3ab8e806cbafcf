// The weight-free backbone "pyramid": a stand-in for the paper's VGG networks, so the whole pipeline (strength maps,
// grids, figure sheets) shows meaningful pictures on a fresh machine with no weight files. It is NOT the paper's
// method: AdaIN on its bands transfers colour and per-scale contrast, not brush strokes; every output made with it
// is labelled as a stand-in (Backbone::label, describe, reproduces_paper = false).
//
// encode(image), image 1x3xHxW RGB in [0,1]:
//   1. a fixed orthonormal colour transform to opponent channels, decorrelated for natural images:
//        luminance (1, 1, 1)/sqrt(3), red-green (1, -1, 0)/sqrt(2), yellow-blue (1, 1, -2)/sqrt(6);
//      its inverse is its transpose. Features are scaled to 0..255 units (as VGG's preprocessing does), so AdaIN's
//      variance epsilon (1e-5) stays negligible even for the faint finest band.
//   2. a Laplacian pyramid of `levels` band-pass levels and the low-pass residual (Burt & Adelson):
//        G_0 = colour image; G_k+1 = down(G_k); band_k = G_k - up(G_k+1, size of G_k); residual = G_levels
//      down: binomial 5x5 blur ([1 4 6 4 1]/16 each way), reflection padding, every second sample (size ceil(n/2));
//      up: zero insertion and the same blur x4, edge-replicated, cropped to the finer level's size.
//   Features.levels = {band_0 (HxW), band_1 (ceil(H/2) x ceil(W/2)), ..., residual}, each 1x3xhxw float32.
// decode(features): G = residual; G = band_k + up(G) for k = levels-1 .. 0; inverse colour transform. This is the
// exact inverse of encode (the bands are defined by the same `up`): decode(encode(x)) == x up to float rounding
// (~1e-6), at the image's own size.
//
// AdaIN then acts per band and channel, and the strength map is computed at every level's size.
// Perceptual scores (Backbone::tap_layout) read every level, named band_0 .. band_<levels-1>, residual, for both the
// content and the style distance: a stand-in for VGG's relu4_1 / relu1_1..relu4_1 that measures colour and per-scale
// contrast, not the paper's perceptual features.
#pragma once

#include <memory>

#include "style/backbone.h"

namespace depthstyle {

struct PyramidBackboneConfig {
  // Band-pass levels (the residual comes on top), in [1, 10]. Images must have a smaller side of at least
  // pyramid_minimum_side(levels) pixels, so that the residual keeps 2x2 positions for AdaIN's variance.
  int levels = 5;
};

int pyramid_minimum_side(int levels);

// Throws UsageError for levels outside [1, 10].
std::unique_ptr<Backbone> make_pyramid_backbone(const PyramidBackboneConfig& config);

}  // namespace depthstyle
