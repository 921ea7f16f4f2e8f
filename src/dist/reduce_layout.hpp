// The layout of the one buffer each pass of DistributedObjective reduces: one fused reduce per
// evaluation, the stop flag included (README, "Design"). Private to src/dist.
#pragma once

#include <array>
#include <functional>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/types.hpp"
#include "scoped_timer.hpp"

namespace logreg {

// Where each sum sits in the buffer of one reduce: the parts in this order, each of the length
// given (0 when the pass has no such part), then the stop flag that reduce() sets. The offsets
// are computed here only; packing and unpacking both go through the parts.
struct ReduceLayout {
  struct Part {
    Index at = 0, size = 0;
    auto of(Vec& buf) const { return buf.segment(at, size); }
    auto of(const Vec& buf) const { return buf.segment(at, size); }
  };
  struct Sizes {
    Index raw = 0, loss = 0, slope = 0, penalty = 0, diagonal = 0, column_sums = 0;
  };

  explicit ReduceLayout(Sizes n)
      : raw{0, n.raw},
        loss{raw.at + raw.size, n.loss},
        slope{loss.at + loss.size, n.slope},
        penalty{slope.at + slope.size, n.penalty},
        diagonal{penalty.at + penalty.size, n.diagonal},
        column_sums{diagonal.at + diagonal.size, n.column_sums},
        stop(column_sums.at + column_sums.size) {}

  // A zeroed buffer of this layout, with the stop flag's slot.
  Vec buffer() const { return Vec::Zero(stop + 1); }

  Part raw;          // d+1 in raw coordinates: the gradient [g_w; g_b], or H v
  Part loss;         // the loss sum
  Part slope;        // the line's slope sum
  Part penalty;      // ‖x_W‖² of a partitioned point (each rank's slice adds its part)
  Part diagonal;     // diag(X̂ᵀDX̂)
  Part column_sums;  // X̂ᵀD
  Index stop;        // the stop flag, last (reduce())

  // The parts in θ's layout (weights, then one intercept entry per class), and the scalars.
  std::array<Part, 3> wide() const { return {raw, diagonal, column_sums}; }
  Part scalars() const { return {loss.at, penalty.at + penalty.size - loss.at}; }
};

// Sums `buf` over the ranks, its last entry the stop flag's slot: set here from `stop` (polled
// once), true after the reduce when any rank asked. The seconds are added to `comm_seconds`.
inline bool reduce_with_stop_flag(Communicator& comm, Vec& buf, const std::function<bool()>& stop,
                                  double& comm_seconds) {
  const Index k = buf.size() - 1;
  buf[k] = (stop && stop()) ? 1.0 : 0.0;
  timed(comm_seconds, [&] { comm.allreduce_sum({buf.data(), static_cast<size_t>(buf.size())}); });
  return buf[k] > 0;
}

}  // namespace logreg
