#include "logreg/data/table_parser.hpp"

#include <algorithm>
#include <cmath>

#include "logreg/data/csv_parser.hpp"
#include "logreg/errors.hpp"

namespace logreg::data {

struct TableParser::Scratch {
  std::vector<std::string_view> categories;  // the cells of the categorical columns
  std::vector<std::pair<int32_t, double>> entries;
  std::string key;
  double label = 0.0;
  int64_t line = 0;  // in the block
};

TableParser::TableParser(std::string path, std::vector<std::string> names, std::string names_from,
                         char delimiter, const std::string& label, const HashingOptions& hashing)
    : path_(std::move(path)),
      names_(std::move(names)),
      names_from_(std::move(names_from)),
      delimiter_(delimiter),
      hashing_(hashing) {
  if (names_.size() < 2) {
    throw DataError(path_ + ": " + names_from_ +
                    " has fewer than two columns (need features and a label)");
  }
  label_col_ = label.empty() ? names_.size() - 1 : find_column(names_, label, "--label", path_);
  cols_.resize(names_.size());
  cols_[label_col_].role = Role::Label;
  if (hashing_.drop_index) {
    if (label_col_ == 0) throw ConfigError("--drop-index: the first column is the label");
    cols_[0].role = Role::Ignore;
  }
  if (hashing_.missing == MissingPolicy::Default) hashing_.missing = MissingPolicy::Zero;
  const auto claim = [&](const std::string& name, const char* option, Role role) {
    Column& c = cols_[find_column(names_, name, option, path_)];
    if (c.role != Role::Numeric) {
      throw ConfigError(std::string(option) + ": column '" + name + "' is " +
                        (c.role == Role::Label    ? "the label"
                         : c.role == Role::Ignore ? "the index dropped by --drop-index"
                                                  : "already hashed or transformed"));
    }
    c.role = role;
  };
  for (const std::string& name : hashing_.categorical)
    claim(name, "--categorical", Role::Categorical);
  for (const std::string& name : hashing_.log1p) claim(name, "--log1p", Role::Log1p);
  for (Column& c : cols_) {
    if (c.role == Role::Numeric || c.role == Role::Log1p) c.index = numeric_++;
    if (c.role == Role::Categorical) c.index = categorical_++;
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    if (cols_[i].role == Role::Categorical) prefixes_.push_back(names_[i] + "=");
  }
  const auto place = [&](const std::string& name) {
    return cols_[find_column(names_, name, "--cross", path_)].index;
  };
  for (const auto& [a, b] : hashing_.crosses) crosses_.emplace_back(place(a), place(b));
  const Index hashed = hashing_.hashing() ? Index{1} << hashing_.bits : 0;
  indicators_ = numeric_ + static_cast<int32_t>(hashed);
  features_ = indicators_;
}

void TableParser::set_column_stats(const std::vector<ColumnStats>& stats) {
  fill_.assign(static_cast<size_t>(numeric_), 0.0);
  indicator_.assign(static_cast<size_t>(numeric_), -1);
  features_ = indicators_;
  for (size_t k = 0; k < stats.size() && k < fill_.size(); ++k) {
    const ColumnStats& c = stats[k];
    if (hashing_.missing == MissingPolicy::Mean && c.present > 0) {
      fill_[k] = c.sum / static_cast<double>(c.present);
    }
    if (hashing_.missing_indicator && c.missing > 0) {
      indicator_[k] = static_cast<int32_t>(features_++);
    }
  }
}

std::vector<std::string> TableParser::feature_names() const {
  if (hashing_.hashing()) return {};
  std::vector<std::string> names(static_cast<size_t>(features_));
  for (size_t i = 0; i < cols_.size(); ++i) {
    const Column& c = cols_[i];
    if (c.role != Role::Numeric && c.role != Role::Log1p) continue;
    const auto k = static_cast<size_t>(c.index);
    names[k] = names_[i];
    if (k < indicator_.size() && indicator_[k] >= 0) {
      names[static_cast<size_t>(indicator_[k])] = "missingindicator_" + names_[i];
    }
  }
  return names;
}

std::string_view TableParser::label_cell(std::string_view line) const {
  size_t start = 0;
  for (size_t col = 0; col < label_col_; ++col) {
    start = line.find(delimiter_, start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  const size_t stop = line.find(delimiter_, start);
  return clean_cell(line.substr(start, stop == std::string_view::npos ? stop : stop - start));
}

// Splits the line into its cells: the label noted, numeric entries (and missing indicators) into
// s.entries, categorical cells into s.categories. False (and the error set) for a bad line.
bool TableParser::read_cells(std::string_view line, int64_t line_no, ParsedBlock& out,
                             Scratch& s) const {
  const auto fail = [&](const std::string& what) {
    out.fail(line_no, what);
    return false;
  };
  size_t start = 0, col = 0;
  s.line = line_no;
  while (true) {
    const size_t stop = line.find(delimiter_, start);
    if (col >= names_.size()) {
      return fail("more than the " + std::to_string(names_.size()) + " fields of the " +
                  names_from_);
    }
    const std::string_view cell =
        clean_cell(line.substr(start, stop == std::string_view::npos ? stop : stop - start));
    const Column& c = cols_[col];
    if (c.role == Role::Label) {
      if (!out.take_label(cell, line_no, s.label)) return false;
    } else if (c.role == Role::Categorical) {
      s.categories[static_cast<size_t>(c.index)] = cell;
    } else if (c.role == Role::Ignore) {
      // the index column --drop-index drops: no feature
    } else if (is_missing_cell(cell)) {
      if (!add_missing(c.index, col, cell, out, s)) return false;
    } else {
      double value = 0;
      if (!parse_double(cell, value)) {
        return fail("column '" + names_[col] + "' (field " + std::to_string(col + 1) +
                    "): bad number '" + std::string(cell) + "'");
      }
      // Negative counts (Criteo's -1, -2) count as 0: log1p is only defined above -1.
      if (c.role == Role::Log1p) value = std::log1p(std::max(value, 0.0));
      if (!out.columns.empty()) {
        ColumnStats& st = out.columns[static_cast<size_t>(c.index)];
        ++st.present;
        st.sum += value;
      }
      if (!out.layout.drop_zeros || value != 0.0) s.entries.emplace_back(c.index, value);
    }
    ++col;
    if (stop == std::string_view::npos) break;
    start = stop + 1;
  }
  if (col != names_.size()) {
    return fail(std::to_string(col) + " fields, but the " + names_from_ + " has " +
                std::to_string(names_.size()));
  }
  return true;
}

// A missing cell of numeric column `k` (header field `col`): refused by --missing error; else
// counted (first pass), filled with its column's mean or 0, and flagged by its indicator.
bool TableParser::add_missing(int32_t k, size_t col, std::string_view cell, ParsedBlock& out,
                              Scratch& s) const {
  if (hashing_.missing == MissingPolicy::Error) {
    out.fail(s.line, missing_cell_message(names_[col], col, cell));
    return false;
  }
  const auto i = static_cast<size_t>(k);
  if (!out.columns.empty()) ++out.columns[i].missing;
  const double fill = i < fill_.size() ? fill_[i] : 0.0;
  if (fill != 0.0) s.entries.emplace_back(k, fill);
  if (i < indicator_.size() && indicator_[i] >= 0) s.entries.emplace_back(indicator_[i], 1.0);
  return true;
}

// The hashed features of the line's categorical cells and their crosses (missing cells: none).
void TableParser::add_hashed(Scratch& s) const {
  const auto add = [&](const std::string& key) {
    s.entries.emplace_back(numeric_ + static_cast<int32_t>(hash_bucket(key, hashing_)), 1.0);
  };
  for (size_t k = 0; k < prefixes_.size(); ++k) {
    if (s.categories[k].empty()) continue;
    s.key.assign(prefixes_[k]).append(s.categories[k]);
    add(s.key);
  }
  for (const auto& [a, b] : crosses_) {
    const auto ia = static_cast<size_t>(a), ib = static_cast<size_t>(b);
    if (s.categories[ia].empty() || s.categories[ib].empty()) continue;
    s.key.assign(prefixes_[ia]).append(s.categories[ia]).append("^");
    s.key.append(prefixes_[ib]).append(s.categories[ib]);
    add(s.key);
  }
}

template <Store S>
bool TableParser::parse_line(std::string_view line, int64_t line_no, ParsedBlock& out,
                             Scratch& s) const {
  if (line.find_first_not_of(" \r") == std::string_view::npos) return true;  // blank
  s.entries.clear();
  std::fill(s.categories.begin(), s.categories.end(), std::string_view());
  if (!read_cells(line, line_no, out, s)) return false;
  add_hashed(s);
  std::sort(s.entries.begin(), s.entries.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  out.begin_row<S>();
  for (size_t i = 0; i < s.entries.size();) {
    const int32_t col = s.entries[i].first;
    double sum = 0.0;
    for (; i < s.entries.size() && s.entries[i].first == col; ++i) sum += s.entries[i].second;
    out.add<S>(col, sum);
  }
  return out.end_row<S>(s.label, line_no);
}

void TableParser::parse(const char* begin, const char* end, ParsedBlock& out) const {
  // A line holds at least a delimiter per column but one; it stores at most one entry per column,
  // one per cross and one missing indicator per numeric column.
  const size_t n = names_.size();
  const size_t bytes = static_cast<size_t>(end - begin);
  out.reset((bytes / std::max<size_t>(1, n - 1) + 1) * (2 * n + crosses_.size()));
  Scratch s;
  s.categories.resize(static_cast<size_t>(categorical_));
  if (out.layout.store == Store::Count && hashing_.needs_column_stats()) {
    out.columns.assign(static_cast<size_t>(numeric_), ColumnStats{});
  }
  with_store(out.layout.store, [&](auto store) {
    const char* p = begin;
    int64_t line = 0;
    while (p < end) {
      const char* next = nullptr;
      if (!parse_line<store.value>(line_at(p, end, next), line, out, s)) break;
      p = next;
      ++line;
    }
    out.lines = out.error ? out.error->line + 1 : line;
  });
}

}  // namespace logreg::data
