// What a parser makes of one block of whole input lines: the rows (or only their counts), the
// number of lines, where the first 0 and -1 labels are, and the first bad line. Blocks are parsed
// independently, so line numbers here are 0-based within the block; whoever takes the blocks in
// input order turns them into file line numbers and checks the label convention across blocks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "logreg/core/types.hpp"
#include "logreg/data/text_input.hpp"

namespace logreg::data {

// How the rows of a block are kept: counted only (a first, validating pass), as CSR, or dense.
enum class Store { Count, Csr, Dense };

// Calls fn(std::integral_constant<Store, s>{}) for the run-time value s, so a parser can
// instantiate its block loop once per store kind.
template <typename Fn>
void with_store(Store s, Fn&& fn) {
  switch (s) {
    case Store::Count:
      return fn(std::integral_constant<Store, Store::Count>{});
    case Store::Csr:
      return fn(std::integral_constant<Store, Store::Csr>{});
    case Store::Dense:
      return fn(std::integral_constant<Store, Store::Dense>{});
  }
}

struct BlockLayout {
  Store store = Store::Csr;
  Index features = 0;       // the width of dense rows (Store::Dense only)
  bool drop_zeros = false;  // keep no zero value (CSV to CSR), in the entry count too
};

struct BlockError {
  int64_t line = 0;        // 0-based within the block
  std::string what;        // the message without "file:line: "
  bool names_line = true;  // false: reported as "file: what"
};

class ParsedBlock {
 public:
  explicit ParsedBlock(const BlockLayout& layout) : layout(layout) {}

  const BlockLayout layout;
  std::vector<double> labels;       // one per row in {0, 1} (not for Store::Count)
  std::vector<int64_t> indptr{0};   // CSR: rows + 1 offsets into indices() / values()
  std::vector<double> dense;        // dense: rows × features, row-major
  int64_t lines = 0;                // every line, blank and comment lines included
  int64_t row_count = 0;            // data rows
  int64_t entries = 0;              // stored entries (CSR: kept values; dense: rows × features)
  int64_t max_index = 0;            // LIBSVM: largest 1-based feature index
  int64_t first_zero = -1;          // line of the first label 0 (-1: none)
  int64_t first_minus_one = -1;     // line of the first label -1 (-1: none)
  std::optional<BlockError> error;  // parsing stopped at this line

  // CSR entries: the first indptr.back() of each.
  const int32_t* indices() const { return indices_.get(); }
  const double* values() const { return values_.get(); }

  // Empties the block before parsing one in which at most `max_entries` entries can be stored.
  void reset(size_t max_entries) {
    labels.clear();
    indptr.assign(1, 0);
    dense.clear();
    lines = row_count = entries = max_index = 0;
    first_zero = first_minus_one = -1;
    error.reset();
    overflow_ = false;
    row_entries_ = stored_ = 0;
    if (layout.store == Store::Csr && max_entries > capacity_) {
      // Uninitialized: pages are only touched, and so resident, as far as entries are written.
      indices_.reset(new int32_t[max_entries]);
      values_.reset(new double[max_entries]);
      capacity_ = max_entries;
    }
  }

  void fail(int64_t line, std::string what, bool names_line = true) {
    error = BlockError{line, std::move(what), names_line};
  }

  // Records the raw label (0, 1 or -1) of `line`; false (and the error set) when it breaks the
  // convention set by an earlier line of the block. Idempotent for one line.
  bool note_label(double raw, int64_t line) {
    if (raw == 0.0) {
      if (first_minus_one >= 0) {
        fail(line, mixed_label_message(0.0));
        return false;
      }
      if (first_zero < 0) first_zero = line;
    } else if (raw == -1.0) {
      if (first_zero >= 0) {
        fail(line, mixed_label_message(-1.0));
        return false;
      }
      if (first_minus_one < 0) first_minus_one = line;
    }
    return true;
  }

  // A row is begun, filled with add() in increasing column order, then ended or abandoned.
  template <Store S>
  void begin_row() {
    row_entries_ = 0;
    if constexpr (S == Store::Dense) {
      overflow_ = false;
      dense.resize(dense.size() + static_cast<size_t>(layout.features), 0.0);
    }
  }
  template <Store S>
  void add(int32_t col, double value) {
    if constexpr (S == Store::Count) {
      ++row_entries_;
    } else if constexpr (S == Store::Csr) {
      indices_[stored_] = col;
      values_[stored_] = value;
      ++stored_;
    } else {
      if (col >= layout.features) {
        overflow_ = true;
        return;
      }
      dense[dense.size() - static_cast<size_t>(layout.features) + static_cast<size_t>(col)] = value;
    }
  }
  // False (and the error set) when a dense row has a column beyond the width: the input has
  // changed since the pass that counted the features.
  template <Store S>
  bool end_row(double label, int64_t line) {
    if constexpr (S == Store::Count) {
      entries += row_entries_;
    } else if constexpr (S == Store::Csr) {
      labels.push_back(label);
      indptr.push_back(static_cast<int64_t>(stored_));
      entries = static_cast<int64_t>(stored_);
    } else {
      if (overflow_) {
        abandon_row<S>();
        fail(line, "changed while being converted (more features than counted)", false);
        return false;
      }
      labels.push_back(label);
      entries += layout.features;
    }
    ++row_count;
    return true;
  }
  template <Store S>
  void abandon_row() {
    if constexpr (S == Store::Csr) {
      stored_ = static_cast<size_t>(indptr.back());
    } else if constexpr (S == Store::Dense) {
      dense.resize(labels.size() * static_cast<size_t>(layout.features));
    }
    row_entries_ = 0;
  }

 private:
  std::unique_ptr<int32_t[]> indices_;
  std::unique_ptr<double[]> values_;
  size_t capacity_ = 0;
  size_t stored_ = 0;
  bool overflow_ = false;
  int64_t row_entries_ = 0;
};

// An upper bound on the entries a block of `bytes` can hold: a LIBSVM entry takes at least 4
// bytes (" 1:1"), a CSV feature cell at least 2 ("1,").
inline size_t max_block_entries(size_t bytes) { return bytes / 2 + 1; }

}  // namespace logreg::data
