#include "logreg/app/signals.hpp"

#include <csignal>
#include <initializer_list>

namespace logreg {

namespace {
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_stop_signal(int sig) { g_signal = sig; }
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGUSR1, SIGINT}) sigaction(sig, &sa, nullptr);
  // A write beyond the file-size limit (ulimit -f) then fails with EFBIG, which the writers
  // report naming the file, instead of killing the rank without a word.
  std::signal(SIGXFSZ, SIG_IGN);
}

bool stop_requested() { return g_signal != 0; }
int stop_signal() { return g_signal; }

}  // namespace logreg
