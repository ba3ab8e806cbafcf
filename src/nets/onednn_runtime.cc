#include "nets/onednn_runtime.h"

namespace depthstyle::onednn {

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

void execute(const dnnl::primitive& primitive, const std::unordered_map<int, dnnl::memory>& arguments) {
  dnnl::stream stream(cpu_engine());
  primitive.execute(stream, arguments);
  stream.wait();
}

bool has_avx512_kernels() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::avx512_core:
    case dnnl::cpu_isa::avx512_core_vnni:
    case dnnl::cpu_isa::avx512_core_bf16:
    case dnnl::cpu_isa::avx512_core_amx:
      return true;
    default:
      return false;
  }
}

void reorder(const dnnl::memory& from, const dnnl::memory& to) {
  execute(dnnl::reorder(from, to), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
}

}  // namespace depthstyle::onednn
