// The oneDNN engine and the call that runs a primitive, for the nets/ code that calls oneDNN directly (the system's
// libdnnl, which LibTorch's convolutions run on too: the same kernels and OpenMP threads). Included by .cc files only:
// oneDNN's types stay out of the module's interface.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <unordered_map>

namespace depthstyle::onednn {

const dnnl::engine& cpu_engine();

// Runs `primitive` on a fresh stream of cpu_engine() and waits for it.
void execute(const dnnl::primitive& primitive, const std::unordered_map<int, dnnl::memory>& arguments);

// Whether oneDNN runs its AVX-512 kernels here: the CPU has AVX-512 and DNNL_MAX_CPU_ISA (or
// dnnl::set_max_cpu_isa) does not hold oneDNN below it. Layout and blocking choices made for those kernels ask this
// rather than the CPU, so that a run limited to AVX2 gets the choices made for AVX2.
bool has_avx512_kernels();

// Copies `from` into `to`, which has the same dimensions in another layout (or the same one).
void reorder(const dnnl::memory& from, const dnnl::memory& to);

}  // namespace depthstyle::onednn
