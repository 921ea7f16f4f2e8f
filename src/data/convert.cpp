#include "logreg/data/convert.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <set>

#include "logreg/data/batch_writer.hpp"
#include "logreg/data/block_pipeline.hpp"
#include "logreg/data/csv_parser.hpp"
#include "logreg/data/libsvm_parser.hpp"
#include "logreg/data/row_batch.hpp"
#include "logreg/data/shard_writer.hpp"
#include "logreg/data/table_parser.hpp"
#include "logreg/data/text_source.hpp"
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
  double max_label = -1.0;  // the largest numeric label
  bool minus_one = false;   // a label -1 was seen
};

// Which labels the blocks taken so far have used.
struct LabelsSeen {
  bool zero = false, minus_one = false, classes = false;
  double max = -1.0;
};

// The first line of block `b` whose label breaks the convention of the blocks before it (a block
// only checks its own lines): a 0 or a class >= 2 after a -1, or a -1 after a 0 or a class >= 2.
// -1 when there is none; else `label` and `after_classes` say how it breaks it.
int64_t label_clash(const ParsedBlock& b, const LabelsSeen& seen, double& label,
                    bool& after_classes) {
  after_classes = false;
  if (seen.minus_one) {
    const bool zero_first =
        b.first_zero >= 0 && (b.first_class < 0 || b.first_zero < b.first_class);
    label = zero_first ? 0.0 : b.first_class_value;
    return zero_first ? b.first_zero : b.first_class;
  }
  if ((seen.zero || seen.classes) && b.first_minus_one >= 0) {
    label = -1.0;
    after_classes = !seen.zero;
    return b.first_minus_one;
  }
  return -1;
}

// Throws the error of the first bad line of block `b`, whose first line is `first_line`: the
// block's own first error, or an earlier line whose label breaks the convention of the blocks
// before it.
void check_block(const ParsedBlock& b, int64_t first_line, LabelsSeen& seen,
                 const std::string& in) {
  double clash_label = 0.0;
  bool after_classes = false;
  const int64_t clash = label_clash(b, seen, clash_label, after_classes);
  // On the line of the block's error itself, the label came first (its token is read first, and a
  // CSV line stops at a bad cell before the label cell without noting the label).
  if (clash >= 0 && (!b.error || clash <= b.error->line)) {
    throw DataError(line_where(in, first_line + clash) + ": " +
                    mixed_label_message(clash_label, after_classes));
  }
  if (b.error) {
    throw DataError(b.error->names_line
                        ? line_where(in, first_line + b.error->line) + ": " + b.error->what
                        : in + ": " + b.error->what);
  }
  seen.zero = seen.zero || b.first_zero >= 0;
  seen.minus_one = seen.minus_one || b.first_minus_one >= 0;
  seen.classes = seen.classes || b.first_class >= 0;
  seen.max = std::max(seen.max, b.max_label);
}

// Adds the distinct string labels of block `b` (first line `first_line`) to `names`, in the
// order of their lines, refusing more than kMaxStringLabels in all.
void merge_names(const ParsedBlock& b, int64_t first_line, const TextSource& src,
                 std::set<std::string>& names) {
  std::vector<std::pair<int64_t, const std::string*>> fresh;
  for (const auto& [name, line] : b.names) {
    if (!names.count(name)) fresh.emplace_back(line, &name);
  }
  std::sort(fresh.begin(), fresh.end());
  for (const auto& [line, name] : fresh) {
    if (names.size() == kMaxStringLabels) {
      throw DataError(line_where(src.path, first_line + line) + ": label '" + *name + "' is the " +
                      std::to_string(kMaxStringLabels + 1) + "th distinct label of column '" +
                      src.label_name() + "'; at most " + std::to_string(kMaxStringLabels) +
                      " classes are supported (is it the label column? see --label)");
    }
    names.insert(*name);
  }
}

int parser_threads(const ConvertOptions& opt) {
  return opt.threads > 0 ? opt.threads : BlockPipeline::default_threads();
}

// Parses every data line of the source in order, in blocks on parser_threads(opt) threads, with
// the label rule `labels`, checking each block before calling
// on_block(const ParsedBlock&, int64_t first_line) with it.
template <typename OnBlock>
PassResult read_input(const TextSource& src, const ConvertOptions& opt, const LabelRule& labels,
                      Store store, Index width, bool sparse, OnBlock&& on_block) {
  // CSV->CSR stores only the non-zero cells; LIBSVM entries are stored as written.
  const bool drop_zeros = sparse && src.delimited();
  BlockPipeline pipeline(
      src.path, src.offset, parser_threads(opt),
      opt.block_bytes > 0 ? opt.block_bytes : kBlockBytes,
      BlockLayout{store, width, drop_zeros, labels},
      [&src](const char* begin, const char* end, ParsedBlock& out) { src.parse(begin, end, out); });
  PassResult r;
  LabelsSeen seen;
  int64_t line = src.first_line;
  const auto start = std::chrono::steady_clock::now();
  while (const ParsedBlock* b = pipeline.next()) {
    check_block(*b, line, seen, src.path);
    r.rows += b->row_count;
    r.nnz += b->entries;
    r.features = std::max<Index>(r.features, b->max_index);
    on_block(*b, line);
    line += b->lines;
    if (opt.progress) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      opt.progress(
          {src.offset + pipeline.bytes_read(), src.size, r.rows, seconds, store == Store::Count});
    }
  }
  r.max_label = seen.max;
  r.minus_one = seen.minus_one;
  if (src.delimited() || src.width > 0) r.features = src.features();
  if (!sparse) r.nnz = r.rows * r.features;
  r.bytes = src.offset + pipeline.bytes_read();
  return r;
}

// What the writing pass needs to know before it starts: the row count and d when they had to be
// counted, size hints, and the string labels.
struct Plan {
  Index total_rows = -1;
  Index features = -1;
  SizeHint hint;
  std::vector<std::string> names;    // string labels, sorted
  std::vector<ColumnStats> columns;  // delimited input: per numeric column, when needed
};

// Adds the column statistics of block `b` to `all`.
void merge_columns(const ParsedBlock& b, std::vector<ColumnStats>& all) {
  if (all.size() < b.columns.size()) all.resize(b.columns.size());
  for (size_t k = 0; k < b.columns.size(); ++k) {
    all[k].missing += b.columns[k].missing;
    all[k].present += b.columns[k].present;
    all[k].sum += b.columns[k].sum;
  }
}

// The first, validating pass (Store::Count): rows, features, and the distinct string labels.
void count_input(const TextSource& src, const ConvertOptions& opt, bool sparse, Plan& plan,
                 ConvertStats& stats) {
  std::set<std::string> names;
  const PassResult scan = read_input(src, opt, src.labels, Store::Count, 0, sparse,
                                     [&](const ParsedBlock& b, int64_t first_line) {
                                       if (src.labels.strings)
                                         merge_names(b, first_line, src, names);
                                       merge_columns(b, plan.columns);
                                     });
  stats.passes = 2;
  stats.bytes_read += scan.bytes;
  if (scan.rows == 0) throw DataError(src.path + ": no data rows");
  if (opt.shards > scan.rows) {
    throw ConfigError("--shards: " + std::to_string(opt.shards) + " files for the " +
                      std::to_string(scan.rows) + " rows of " + src.path);
  }
  plan.total_rows = scan.rows;
  plan.features = scan.features;
  plan.hint = {scan.rows, scan.nnz};
  plan.names.assign(names.begin(), names.end());
}

// Throws ConfigError for options that do not apply to the input's format or output layout.
void check_format_options(const std::string& in, InputFormat format, const ConvertOptions& opt) {
  const HashingOptions& h = opt.hashing;
  if (format == InputFormat::Libsvm && (h.any() || !opt.columns.empty())) {
    const char* option = h.hashing()                           ? "--categorical"
                         : !h.log1p.empty()                    ? "--log1p"
                         : h.missing_indicator                 ? "--missing-indicator"
                         : h.missing != MissingPolicy::Default ? "--missing"
                         : h.drop_index                        ? "--drop-index"
                                                               : "--columns";
    throw ConfigError(std::string(option) + ": applies to CSV/TSV input only (" + in +
                      " is read as LIBSVM; see --format)");
  }
  if (h.hashing() && opt.layout == OutputLayout::Dense) {
    throw ConfigError(
        "--dense: hashed categorical features (--categorical) are written as CSR "
        "only");
  }
  if (format != InputFormat::Libsvm && (opt.zero_based || opt.features > 0)) {
    throw ConfigError(std::string(opt.zero_based ? "--zero-based" : "--features") +
                      ": applies to LIBSVM input only (" + in +
                      " is read as CSV/TSV, whose width is its header's)");
  }
  if (format == InputFormat::Libsvm && !opt.label.empty()) {
    throw ConfigError("--label: applies to CSV input only (" + in + " is read as LIBSVM)");
  }
  if (format == InputFormat::Libsvm && opt.labels == LabelChoice::Strings) {
    throw ConfigError("--labels strings: applies to CSV input only (" + in +
                      " is read as LIBSVM, whose labels are numbers)");
  }
}

// A .txt file whose first non-blank line has a tab and no ':' (LIBSVM's index:value) is TSV.
bool txt_holds_tsv(const std::string& in) {
  if (in.size() < 4) return false;
  std::string ext = in.substr(in.size() - 4);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".txt") return false;
  LineReader reader(in);
  std::string_view line;
  while (reader.next(line)) {
    if (trim(line).empty()) continue;
    return line.find('\t') != std::string_view::npos && line.find(':') == std::string_view::npos;
  }
  return false;
}

}  // namespace

void ConvertOptions::validate() const {
  if (shards < 1) {
    throw ConfigError("--shards: must be a positive integer (got " + std::to_string(shards) + ")");
  }
  hashing.validate();
  if (features < 0) {
    throw ConfigError("--features: must be a positive integer (got " + std::to_string(features) +
                      ")");
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
    if (ext == "tsv") return InputFormat::Tsv;
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
  InputFormat format = resolve_format(in, opt.format);
  if (opt.format == InputFormat::Auto && format == InputFormat::Libsvm) {
    if (opt.delimiter != '\0')
      format = InputFormat::Csv;
    else if (txt_holds_tsv(in))
      format = InputFormat::Tsv;
  }
  check_format_options(in, format, opt);
  ConvertStats stats;
  stats.sparse = opt.layout == OutputLayout::Auto
                     ? format == InputFormat::Libsvm || opt.hashing.hashing()
                     : opt.layout == OutputLayout::Sparse;
  // Reads a CSV header (and checks --label and the columns options name) early, and decides
  // whether labels are strings.
  TextSource src(in, format, opt);
  Plan plan;
  plan.features = src.features();
  // Shards need the row count, dense LIBSVM output needs d, string labels their classes: count
  // them in a validating pass.
  if (opt.shards > 1 || (!stats.sparse && plan.features < 0) || src.labels.strings ||
      (src.table && opt.hashing.needs_column_stats())) {
    count_input(src, opt, stats.sparse, plan, stats);
    if (src.table) {
      src.table->set_column_stats(plan.columns);
      plan.features = src.features();
    }
  } else {
    // Every row takes at least 2 bytes ("1\n"), every LIBSVM entry at least 4 (" 1:1"),
    // every CSV cell at least 2 ("1,").
    const uint64_t size = src.size;
    plan.hint.rows = static_cast<Index>(size / 2 + 1);
    plan.hint.nnz = static_cast<int64_t>(size / (format == InputFormat::Libsvm ? 4 : 2) + 1);
    // Crosses and missing indicators add entries that take no input bytes of their own.
    if (src.table) plan.hint.nnz *= 2;
  }
  if (plan.features == 0) throw DataError(in + ": no features (every row is empty)");

  LabelRule labels = src.labels;
  if (labels.strings) labels.names = &plan.names;
  ShardWriter writer({out, opt.shards, stats.sparse, opt.dtype}, plan.total_rows, plan.features,
                     plan.hint);
  if (labels.strings) writer.set_class_names(plan.names);
  writer.set_feature_names(src.feature_names());
  const Index width = std::max<Index>(plan.features, 0);
  BatchWriter batches(writer, stats.sparse, width, parser_threads(opt) > 1);
  const PassResult pass =
      read_input(src, opt, labels, stats.sparse ? Store::Csr : Store::Dense, width, stats.sparse,
                 [&](const ParsedBlock& b, int64_t) { batches.add(b); });
  batches.finish();
  stats.bytes_read += pass.bytes;
  if (pass.rows == 0) throw DataError(in + ": no data rows");
  if (pass.features == 0) throw DataError(in + ": no features (every row is empty)");
  if (plan.total_rows >= 0 && pass.features != plan.features) {
    throw DataError(in + ": changed while being converted (" + std::to_string(pass.features) +
                    " features, counted " + std::to_string(plan.features) + ")");
  }
  stats.rows = pass.rows;
  stats.features = pass.features;
  stats.nnz = writer.nnz();
  stats.classes = labels.strings ? static_cast<int64_t>(plan.names.size())
                                 : static_cast<int64_t>(pass.max_label) + 1;
  stats.minus_ones = pass.minus_one;
  stats.class_names = std::move(plan.names);
  stats.files = writer.finish(pass.features);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace logreg::data
