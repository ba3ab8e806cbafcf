// Cooperative interruption: SIGINT/SIGTERM/SIGHUP only set a flag; long loops call throw_if_interrupted() between
// units of work, so a run stops at a clean boundary with every finished unit recorded for --resume.
#pragma once

namespace depthstyle {

void install_interrupt_handlers();
bool interrupt_requested();
// Throws Interrupted if SIGINT, SIGTERM or SIGHUP arrived.
void throw_if_interrupted();
// Forgets a received signal (tests, and callers that handled the interruption themselves).
void clear_interrupt_request();

}  // namespace depthstyle
