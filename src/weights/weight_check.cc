#include "weights/weight_check.h"

#include "core/error.h"
#include "core/text.h"
#include "nets/adain_decoder.h"
#include "nets/depth_anything.h"
#include "nets/dpt.h"
#include "nets/midas.h"
#include "nets/midas_small.h"
#include "nets/monodepth2.h"
#include "nets/vgg_encoder.h"
#include "tensor/checkpoint.h"

namespace depthstyle {

void check_model_loads(const CatalogEntry& entry, const std::filesystem::path& path) {
  const std::string source = path.string();
  switch (entry.load_check) {
    case WeightLoadCheck::kVggEncoder:
      check_vgg_encoder_weights(read_checkpoint(path).tensors, source);
      return;
    case WeightLoadCheck::kAdainDecoder:
      check_adain_decoder_weights(read_checkpoint(path).tensors, source);
      return;
    case WeightLoadCheck::kMidasV1:
    case WeightLoadCheck::kMidasV2: {
      const MidasVersion version =
          entry.load_check == WeightLoadCheck::kMidasV1 ? MidasVersion::kV1 : MidasVersion::kV2;
      check_midas_weights(version, midas_weights_from_checkpoint(read_checkpoint(path)), source);
      return;
    }
    case WeightLoadCheck::kMidasSmall:
      check_midas_small_weights(midas_weights_from_checkpoint(read_checkpoint(path)), source);
      return;
    case WeightLoadCheck::kMonodepth2: {
      // read_checkpoint names a missing file; the encoder's is named first.
      const std::filesystem::path encoder_path = path / "encoder.pth", depth_path = path / "depth.pth";
      const Checkpoint encoder = read_checkpoint(encoder_path);
      check_monodepth2_weights(encoder.tensors, encoder_path.string(), read_checkpoint(depth_path).tensors,
                               depth_path.string());
      return;
    }
    case WeightLoadCheck::kDepthAnything:
      check_depth_anything_weights(depth_anything_variant_from_string(entry.estimator_variant),
                                   read_checkpoint(path).tensors, source);
      return;
    case WeightLoadCheck::kDptLarge:
    case WeightLoadCheck::kDptHybrid:
    case WeightLoadCheck::kDptBeitLarge512: {
      const DptVariant variant = entry.load_check == WeightLoadCheck::kDptLarge    ? DptVariant::kLarge
                                 : entry.load_check == WeightLoadCheck::kDptHybrid ? DptVariant::kHybrid
                                                                                   : DptVariant::kBeitLarge512;
      check_dpt_weights(variant, midas_weights_from_checkpoint(read_checkpoint(path)), source);
      return;
    }
    case WeightLoadCheck::kNoLoader:
      break;
  }
  throw Error(concat(entry.name, ": no loader in this build"));
}

}  // namespace depthstyle
