// What every pass header shares: the index type, the views of a shard, and min/max of indices
// (not std::min: a standard-library template instantiated in a kernel set's translation unit
// could become the program's copy; docs/kernels.md, "How the dispatch is built").
// Included by residuals.hpp, row_blocks.hpp and passes.hpp, after a lanes header.
#pragma once

#include <cstddef>
#include <cstdint>

#include "logreg/core/kernels.hpp"

namespace {

using Index = std::ptrdiff_t;
using logreg::CsrView;
using logreg::DenseView;
using logreg::PassArgs;

LANES_INLINE Index min_index(Index a, Index b) { return a < b ? a : b; }
LANES_INLINE Index max_index(Index a, Index b) { return a > b ? a : b; }

}  // namespace
