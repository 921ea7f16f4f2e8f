// What a parser makes of one block of whole input lines: the rows (or only their counts), the
// number of lines, where the first 0, -1 and class >= 2 labels are (or, for string labels, the
// distinct ones), and the first bad line. Blocks are parsed independently, so line numbers here
// are 0-based within the block; whoever takes the blocks in input order turns them into file line
// numbers and checks the label convention across blocks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "logreg/core/types.hpp"
#include "logreg/data/label_rule.hpp"
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
  LabelRule labels;         // which labels are allowed and how they are stored
};

// What a counting pass learns of one numeric column of delimited input (README, "Data tool",
// "Missing values"): its missing cells, and the count and sum of the others (stored values).
struct ColumnStats {
  int64_t missing = 0;
  int64_t present = 0;
  double sum = 0.0;
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
  std::vector<double> labels;       // one stored label per row (not for Store::Count)
  std::vector<int64_t> indptr{0};   // CSR: rows + 1 offsets into indices() / values()
  std::vector<double> dense;        // dense: rows × features, row-major
  int64_t lines = 0;                // every line, blank and comment lines included
  int64_t row_count = 0;            // data rows
  int64_t entries = 0;              // stored entries (CSR: kept values; dense: rows × features)
  int64_t max_index = 0;            // LIBSVM: largest column + 1 (the 1-based index)
  int64_t first_zero = -1;          // line of the first label 0 (-1: none)
  int64_t first_minus_one = -1;     // line of the first label -1 (-1: none)
  int64_t first_class = -1;         // line of the first label >= 2 (-1: none)
  double first_class_value = 0.0;   // and that label
  double max_label = -1.0;          // the largest numeric label
  // String labels, first pass: the block's distinct labels, each with the line it first is on.
  std::map<std::string, int64_t, std::less<>> names;
  // Counting pass of delimited input with column statistics: one per numeric column.
  std::vector<ColumnStats> columns;
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
    first_zero = first_minus_one = first_class = -1;
    first_class_value = 0.0;
    max_label = -1.0;
    names.clear();
    columns.clear();
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

  // Records the allowed numeric label `raw` of `line`; false (and the error set) when it breaks
  // the convention set by an earlier line of the block: 0 with -1, or -1 with a class >= 2.
  // Idempotent for one line.
  bool note_label(double raw, int64_t line) {
    if (raw == -1.0) {
      if (first_zero >= 0 || first_class >= 0) {
        fail(line, mixed_label_message(-1.0, first_zero < 0));
        return false;
      }
      if (first_minus_one < 0) first_minus_one = line;
    } else if (raw == 0.0) {
      if (first_minus_one >= 0) {
        fail(line, mixed_label_message(0.0));
        return false;
      }
      if (first_zero < 0) first_zero = line;
    } else if (raw >= 2.0) {
      if (first_minus_one >= 0) {
        fail(line, mixed_label_message(raw));
        return false;
      }
      if (first_class < 0) first_class = line, first_class_value = raw;
    }
    max_label = std::max(max_label, raw);
    return true;
  }

  // The label token of `line` (the full parsers' path): a string label, or a number the rule
  // allows, noted as above. Sets `stored`; false (and the error set) for a bad label.
  bool take_label(std::string_view token, int64_t line, double& stored) {
    if (layout.labels.strings) return string_label(token, line, stored);
    double raw = 0;
    if (!parse_label_number(token, raw) || !layout.labels.accepts(raw)) {
      fail(line, layout.labels.bad_label_message(token));
      return false;
    }
    if (!note_label(raw, line)) return false;
    stored = LabelRule::stored(raw);
    return true;
  }

  // A string label: in the first pass (no names yet) noted among the block's distinct labels;
  // in the writing pass stored as its index among the rule's names. False (and the error set)
  // for an empty label, or one the first pass did not see.
  bool string_label(std::string_view text, int64_t line, double& stored) {
    stored = 0.0;
    if (text.empty()) {
      fail(line, "empty label");
      return false;
    }
    const std::vector<std::string>* all = layout.labels.names;
    if (all == nullptr) {
      if (names.find(text) == names.end()) names.emplace(std::string(text), line);
      return true;
    }
    const auto it = std::lower_bound(all->begin(), all->end(), text);
    if (it == all->end() || *it != text) {
      fail(line, "label '" + std::string(text) +
                     "' was not in the input when it was first read (changed while being "
                     "converted?)");
      return false;
    }
    stored = static_cast<double>(it - all->begin());
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
