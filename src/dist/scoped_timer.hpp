// Time spent in a scope, added to a running total (ObjectiveStats in
// include/logreg/dist/distributed_objective.hpp): the objective's compute and communication
// seconds. Private to src/dist.
#pragma once

#include <chrono>

namespace logreg {

// Adds the seconds of its scope to `total`.
class ScopedTimer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ScopedTimer(double& total) : total_(total), t0_(Clock::now()) {}
  ~ScopedTimer() { total_ += std::chrono::duration<double>(Clock::now() - t0_).count(); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  double& total_;
  Clock::time_point t0_;
};

// f(), its seconds added to `total`.
template <typename F>
decltype(auto) timed(double& total, F&& f) {
  ScopedTimer timer(total);
  return f();
}

}  // namespace logreg
