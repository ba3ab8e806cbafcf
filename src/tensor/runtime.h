// Process-wide runtime set-up, done once at the start of main().
#pragma once

namespace depthstyle {

// Keeps large tensor buffers in the heap instead of fresh mmap/munmap pairs; see runtime.cc for why.
void tune_malloc_for_large_tensors();

// Sets LibTorch's intra-op thread count: 0 means every core of this machine. Returns the count in effect.
// Results are deterministic for a fixed thread count; summation order may change with it.
int set_thread_count(int requested);
int hardware_thread_count();

}  // namespace depthstyle
