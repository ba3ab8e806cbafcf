#include "core/interrupt.h"

#include <csignal>

#include "core/error.h"

namespace depthstyle {
namespace {

volatile std::sig_atomic_t interrupt_signal = 0;

extern "C" void remember_signal(int signal_number) { interrupt_signal = signal_number; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = remember_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A closed terminal or an ended ssh session sends SIGHUP, whose default action killed runs without recording
  // their end (the manifest stayed at "running").
  sigaction(SIGHUP, &action, nullptr);
}

bool interrupt_requested() { return interrupt_signal != 0; }

void clear_interrupt_request() { interrupt_signal = 0; }

void throw_if_interrupted() {
  if (interrupt_signal != 0) {
    throw Interrupted(concat("stopped by signal ", static_cast<int>(interrupt_signal),
                             "; finished work is kept, continue with --resume"));
  }
}

}  // namespace depthstyle
