// SIGTERM, SIGUSR1 and SIGINT set a flag; the run loop piggy-backs it on the next reduce so all
// ranks stop after the same iteration. Installed first thing in main(), so a signal during
// MPI's start-up or loading stops the run at its first reduce (checkpoint, exit 75).
#pragma once

namespace logreg {

void install_stop_handlers();
bool stop_requested();
int stop_signal();  // the signal that asked to stop (0 if none)

}  // namespace logreg
