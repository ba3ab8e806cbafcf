// Whether a catalog model's files load (weights/weight_catalog.h): each file is read as a checkpoint
// (tensor/checkpoint.h) and its tensors are checked against the network's layout by the same check the network's
// constructor runs (nets/*: check_*_weights), without building or running the network.
#pragma once

#include <filesystem>

#include "weights/weight_catalog.h"

namespace depthstyle {

// Returns when the files at `path` (present_path(entry, folder): a file, or a monodepth2 model folder) load; throws
// the loader's error otherwise: InputError naming the file (unreadable, truncated, not a checkpoint, another
// network's tensors with every difference listed), or Error "no loader in this build" for a network depthstyle
// cannot load yet.
void check_model_loads(const CatalogEntry& entry, const std::filesystem::path& path);

}  // namespace depthstyle
