#include "logreg/data/convert.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "logreg/data/batch_writer.hpp"
#include "logreg/data/block_pipeline.hpp"
#include "logreg/data/csv_parser.hpp"
#include "logreg/data/libsvm_parser.hpp"
#include "logreg/data/row_batch.hpp"
#include "logreg/data/shard_writer.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg::data {

namespace {

// Input read and parsed per block: large enough that reads and thread hand-offs cost little,
// small enough that 2 × threads blocks in flight stay a few tens of MB.
constexpr size_t kBlockBytes = 4 << 20;

struct PassResult {
  Index rows = 0;
  Index features = 0;
  int64_t nnz = 0;  // entries the output will store
  uint64_t bytes = 0;
};

// Where the data lines of `in` start and how to parse them. A CSV file's header is read here
// (blank lines before it skipped); its data starts on the next line.
struct Source {
  std::string path;
  std::optional<CsvParser> csv;  // none: LIBSVM
  uint64_t offset = 0;           // byte where the data lines start
  int64_t first_line = 1;        // their first line number

  Source(const std::string& in, InputFormat format, const std::string& label) : path(in) {
    if (format != InputFormat::Csv) return;
    LineReader reader(in);
    std::string_view line;
    while (reader.next(line)) {
      if (trim(line).empty()) continue;
      csv.emplace(in, line, reader.line_number(), label);
      offset = reader.offset();
      first_line = reader.line_number() + 1;
      return;
    }
    throw DataError(in + ": empty input (a CSV file needs a header row)");
  }

  void parse(const char* begin, const char* end, ParsedBlock& out) const {
    if (csv) {
      csv->parse(begin, end, out);
    } else {
      LibsvmParser().parse(begin, end, out);
    }
  }
};

// Which labels the blocks taken so far have used.
struct LabelsSeen {
  bool zero = false, minus_one = false;
};

// Throws the error of the first bad line of block `b`, whose first line is `first_line`: the
// block's own first error, or an earlier line whose label breaks the convention of the blocks
// before it (a block only checks its own lines).
void check_block(const ParsedBlock& b, int64_t first_line, LabelsSeen& seen,
                 const std::string& in) {
  int64_t clash = -1;
  double clash_label = 0.0;
  if (seen.minus_one && b.first_zero >= 0) {
    clash = b.first_zero;
  } else if (seen.zero && b.first_minus_one >= 0) {
    clash = b.first_minus_one;
    clash_label = -1.0;
  }
  // On the line of the block's error itself, the label came first (its token is read first, and a
  // CSV line stops at a bad cell before the label cell without noting the label).
  if (clash >= 0 && (!b.error || clash <= b.error->line)) {
    throw DataError(line_where(in, first_line + clash) + ": " + mixed_label_message(clash_label));
  }
  if (b.error) {
    throw DataError(b.error->names_line
                        ? line_where(in, first_line + b.error->line) + ": " + b.error->what
                        : in + ": " + b.error->what);
  }
  seen.zero = seen.zero || b.first_zero >= 0;
  seen.minus_one = seen.minus_one || b.first_minus_one >= 0;
}

int parser_threads(const ConvertOptions& opt) {
  return opt.threads > 0 ? opt.threads : BlockPipeline::default_threads();
}

// Parses every data line of the source in order, in blocks on parser_threads(opt) threads,
// checking each block before calling on_block(const ParsedBlock&) with it.
template <typename OnBlock>
PassResult read_input(const Source& src, const ConvertOptions& opt, Store store, Index width,
                      bool sparse, OnBlock&& on_block) {
  // CSV->CSR stores only the non-zero cells; LIBSVM entries are stored as written.
  const bool drop_zeros = sparse && src.csv;
  BlockPipeline pipeline(
      src.path, src.offset, parser_threads(opt),
      opt.block_bytes > 0 ? opt.block_bytes : kBlockBytes, BlockLayout{store, width, drop_zeros},
      [&src](const char* begin, const char* end, ParsedBlock& out) { src.parse(begin, end, out); });
  PassResult r;
  LabelsSeen seen;
  int64_t line = src.first_line;
  while (const ParsedBlock* b = pipeline.next()) {
    check_block(*b, line, seen, src.path);
    r.rows += b->row_count;
    r.nnz += b->entries;
    r.features = std::max<Index>(r.features, b->max_index);
    on_block(*b);
    line += b->lines;
  }
  if (src.csv) r.features = src.csv->features();
  if (!sparse) r.nnz = r.rows * r.features;
  r.bytes = src.offset + pipeline.bytes_read();
  return r;
}

}  // namespace

void ConvertOptions::validate() const {
  if (shards < 1) {
    throw ConfigError("--shards: must be a positive integer (got " + std::to_string(shards) + ")");
  }
  if (threads < 0) {
    throw ConfigError("threads: must be 0 (automatic) or positive (got " + std::to_string(threads) +
                      ")");
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
  FileRoles roles;  // before anything is read or written: no output may be the input
  roles.input("input", in);
  for (const std::string& path : shard_paths(out, opt.shards)) roles.output("output", path);
  roles.check();
  const auto start = std::chrono::steady_clock::now();
  const InputFormat format = resolve_format(in, opt.format);
  if (format == InputFormat::Libsvm && !opt.label.empty()) {
    throw ConfigError("--label: applies to CSV input only (" + in + " is read as LIBSVM)");
  }
  ConvertStats stats;
  stats.sparse = opt.layout == OutputLayout::Auto ? format == InputFormat::Libsvm
                                                  : opt.layout == OutputLayout::Sparse;
  const Source src(in, format, opt.label);  // reads a CSV header (and checks --label) early
  Index features = src.csv ? src.csv->features() : -1;
  Index total_rows = -1;
  SizeHint hint;
  // Shards need the row count, dense LIBSVM output needs d: count them in a validating pass.
  if (opt.shards > 1 || (!stats.sparse && features < 0)) {
    const PassResult scan =
        read_input(src, opt, Store::Count, 0, stats.sparse, [](const ParsedBlock&) {});
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
  const Index width = std::max<Index>(features, 0);
  BatchWriter batches(writer, stats.sparse, width, parser_threads(opt) > 1);
  const PassResult pass = read_input(src, opt, stats.sparse ? Store::Csr : Store::Dense, width,
                                     stats.sparse, [&](const ParsedBlock& b) { batches.add(b); });
  batches.finish();
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
