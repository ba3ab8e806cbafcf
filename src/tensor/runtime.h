// Process-wide runtime set-up, done once at the start of main().
#pragma once

#include <string>

namespace depthstyle {

// Keeps large tensor buffers in the heap instead of fresh mmap/munmap pairs; see runtime.cc for why.
void tune_malloc_for_large_tensors();

// The thread counts a config (`threads`) or a command line (--threads) may ask for: 0 = every core, else 1 to 1024.
// More threads than that only oversubscribe the machine (100,000 ran for minutes at load 48).
constexpr int kMaxThreadCount = 1024;

// Sets LibTorch's intra-op thread count: 0 means every core of this machine. Returns the count in effect. OpenCV is
// set to run its calls in the calling thread (see runtime.cc: its own pool competed with LibTorch's threads).
// Results are deterministic for a fixed thread count; summation order may change with it. Throws UsageError naming
// `what` (e.g. "--threads") for a count outside [0, kMaxThreadCount].
int set_thread_count(int requested, const std::string& what = "thread count");
int hardware_thread_count();

}  // namespace depthstyle
