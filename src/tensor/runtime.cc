#include "tensor/runtime.h"

#include <malloc.h>

#include <ATen/Parallel.h>
#include <opencv2/core/utility.hpp>
#include <thread>

#include "core/error.h"

namespace depthstyle {

void tune_malloc_for_large_tensors() {
  // glibc serves every allocation above M_MMAP_THRESHOLD (128 KiB, adapting up to 32 MiB) with its own mmap and
  // returns it with munmap on free. Network activations are tens of MiB and are freed and reallocated on every
  // layer, so each layer pays for fresh zeroed pages and page faults: measured here, VGG-19 to relu4_1 at 512 px
  // runs ~4x slower (1.6-2.7 s instead of ~0.45 s). Serving them from the heap and never trimming it keeps the
  // pages mapped and reused. bench/malloc_bench measures the effect.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int hardware_thread_count() {
  const unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : static_cast<int>(count);
}

int set_thread_count(int requested, const std::string& what) {
  if (requested < 0 || requested > kMaxThreadCount) {
    throw UsageError(concat(what, " ", requested, " is out of range: expected 0 (all cores) to ", kMaxThreadCount));
  }
  const int count = requested == 0 ? hardware_thread_count() : requested;
  at::set_num_threads(count);
  // OpenCV's calls (resizing, colour conversion, decoding) run in the calling thread. With its own pool of worker
  // threads, those workers kept spinning for a while after each call, beside LibTorch's OpenMP threads that run
  // next: MiDaS v1's estimator (a 512x384 image, a cv::resize, then the network on 2 threads) took 0.181-0.187 s
  // per image (medians of 30, three runs) with OpenCV's pool of 2 threads and 0.174-0.176 s with OpenCV sequential;
  // the network alone takes 0.168 s.
  cv::setNumThreads(0);
  return at::get_num_threads();
}

}  // namespace depthstyle
