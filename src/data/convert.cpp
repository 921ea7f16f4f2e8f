#include "logreg/data/convert.hpp"

#include <cctype>
#include <chrono>
#include <optional>

#include "logreg/data/csv_parser.hpp"
#include "logreg/data/libsvm_parser.hpp"
#include "logreg/data/row_batch.hpp"
#include "logreg/data/shard_writer.hpp"
#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

// Rows are handed to the writer in batches of about this many bytes.
constexpr size_t kBatchBytes = 8 << 20;

struct PassResult {
  Index rows = 0;
  Index features = 0;
  int64_t nnz = 0;  // entries the output will store
  uint64_t bytes = 0;
};

// CSV->CSR stores only the non-zero cells; LIBSVM entries are stored as written.
bool keep(InputFormat format, bool sparse, double value) {
  return !(sparse && format == InputFormat::Csv && value == 0.0);
}

// Parses every data row of `in` in order, calling on_row(const ParsedRow&).
template <typename OnRow>
PassResult read_input(const std::string& in, InputFormat format, const ConvertOptions& opt,
                      bool sparse, OnRow&& on_row) {
  LineReader reader(in);
  PassResult r;
  ParsedRow row;
  std::string_view line;
  auto take = [&] {
    for (double v : row.values) r.nnz += keep(format, sparse, v) ? 1 : 0;
    ++r.rows;
    on_row(row);
  };
  if (format == InputFormat::Libsvm) {
    LibsvmParser parser(in);
    while (reader.next(line)) {
      if (parser.parse(line, reader.line_number(), row)) take();
    }
    r.features = static_cast<Index>(parser.max_index());
  } else {
    std::optional<CsvParser> parser;
    while (reader.next(line)) {
      if (!parser) {
        if (!trim(line).empty()) parser.emplace(in, line, reader.line_number(), opt.label);
        continue;
      }
      if (parser->parse(line, reader.line_number(), row)) take();
    }
    if (!parser) throw DataError(in + ": empty input (a CSV file needs a header row)");
    r.features = parser->features();
  }
  if (!sparse) r.nnz = r.rows * r.features;
  r.bytes = reader.bytes_read();
  return r;
}

// The feature count of a CSV file, from its header alone (also checks --label early).
Index csv_features(const std::string& in, const std::string& label) {
  LineReader reader(in);
  std::string_view line;
  while (reader.next(line)) {
    if (!trim(line).empty()) return CsvParser(in, line, reader.line_number(), label).features();
  }
  throw DataError(in + ": empty input (a CSV file needs a header row)");
}

}  // namespace

void ConvertOptions::validate() const {
  if (shards < 1) {
    throw ConfigError("--shards: must be a positive integer (got " + std::to_string(shards) + ")");
  }
}

InputFormat resolve_format(const std::string& in, InputFormat requested) {
  if (requested != InputFormat::Auto) return requested;
  const size_t dot = in.find_last_of('.');
  if (dot != std::string::npos && dot + 4 == in.size()) {
    std::string ext = in.substr(dot + 1);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == "csv") return InputFormat::Csv;
  }
  return InputFormat::Libsvm;
}

ConvertStats convert(const std::string& in, const std::string& out, const ConvertOptions& opt) {
  opt.validate();
  const auto start = std::chrono::steady_clock::now();
  const InputFormat format = resolve_format(in, opt.format);
  if (format == InputFormat::Libsvm && !opt.label.empty()) {
    throw ConfigError("--label: applies to CSV input only (" + in + " is read as LIBSVM)");
  }
  ConvertStats stats;
  stats.sparse = opt.layout == OutputLayout::Auto ? format == InputFormat::Libsvm
                                                  : opt.layout == OutputLayout::Sparse;
  Index features = format == InputFormat::Csv ? csv_features(in, opt.label) : -1;
  Index total_rows = -1;
  SizeHint hint;
  // Shards need the row count, dense LIBSVM output needs d: count them in a validating pass.
  if (opt.shards > 1 || (!stats.sparse && features < 0)) {
    const PassResult scan = read_input(in, format, opt, stats.sparse, [](const ParsedRow&) {});
    stats.passes = 2;
    stats.bytes_read += scan.bytes;
    if (scan.rows == 0) throw DataError(in + ": no data rows");
    if (opt.shards > scan.rows) {
      throw ConfigError("--shards: " + std::to_string(opt.shards) + " files for the " +
                        std::to_string(scan.rows) + " rows of " + in);
    }
    total_rows = scan.rows;
    features = scan.features;
    hint = {scan.rows, scan.nnz};
  } else {
    // Every row takes at least 2 bytes ("1\n"), every LIBSVM entry at least 4 (" 1:1"),
    // every CSV cell at least 2 ("1,").
    const uint64_t size = LineReader(in).file_size();
    hint.rows = static_cast<Index>(size / 2 + 1);
    hint.nnz = static_cast<int64_t>(size / (format == InputFormat::Libsvm ? 4 : 2) + 1);
  }
  if (features == 0) throw DataError(in + ": no features (every row is empty)");

  ShardWriter writer({out, opt.shards, stats.sparse, opt.dtype}, total_rows, features, hint);
  RowBatch batch(stats.sparse, std::max<Index>(features, 0));
  const PassResult pass = read_input(in, format, opt, stats.sparse, [&](const ParsedRow& row) {
    if (!stats.sparse && !row.cols.empty() && row.cols.back() >= features) {
      throw DataError(in + ": changed while being converted (more features than counted)");
    }
    batch.start_row();
    for (size_t i = 0; i < row.cols.size(); ++i) {
      if (keep(format, stats.sparse, row.values[i])) batch.add(row.cols[i], row.values[i]);
    }
    batch.end_row(row.label);
    if (batch.bytes() >= kBatchBytes) {
      writer.append(batch);
      batch.clear();
    }
  });
  writer.append(batch);
  stats.bytes_read += pass.bytes;
  if (pass.rows == 0) throw DataError(in + ": no data rows");
  if (pass.features == 0) throw DataError(in + ": no features (every row is empty)");
  if (total_rows >= 0 && pass.features != features) {
    throw DataError(in + ": changed while being converted (" + std::to_string(pass.features) +
                    " features, counted " + std::to_string(features) + ")");
  }
  stats.rows = pass.rows;
  stats.features = pass.features;
  stats.nnz = writer.nnz();
  stats.files = writer.finish(pass.features);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace logreg::data
