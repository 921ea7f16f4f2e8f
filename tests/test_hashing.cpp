// Hashed categorical features (README, "Hashed categorical features"): MurmurHash3_x86_32 against
// published vectors, buckets, a small TSV converted with categorical, cross, log1p and missing
// indicator columns against CSR entries computed here from the spec, thread-count invariance,
// the refusals, the progress callback, and `synth --ctr`.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/hashing.hpp"
#include "logreg/data/synth_ctr.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg::data {
namespace {

using test::read_bytes;
using test::read_dataset;
using test::write_text;

// A CSR file's rows as maps column -> value, its width and its labels.
struct SparseRows {
  int64_t cols = 0;
  std::vector<std::map<int64_t, double>> rows;
  std::vector<double> y;
};

SparseRows read_sparse(const std::string& path) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  SparseRows r;
  r.cols = f.read_int_attribute("X", "shape").at(1);
  const auto ptr = read_dataset<int64_t>(f, "X/indptr", H5T_NATIVE_INT64);
  const auto idx = read_dataset<int64_t>(f, "X/indices", H5T_NATIVE_INT64);
  const auto val = read_dataset<double>(f, "X/data", H5T_NATIVE_DOUBLE);
  for (size_t i = 0; i + 1 < ptr.size(); ++i) {
    auto& row = r.rows.emplace_back();
    for (int64_t k = ptr[i]; k < ptr[i + 1]; ++k) {
      EXPECT_TRUE(k == ptr[i] || idx[k] > idx[k - 1]) << "row " << i << ": unsorted or repeated";
      row[idx[k]] = val[k];
    }
  }
  r.y = read_dataset<double>(f, "y", H5T_NATIVE_DOUBLE);
  return r;
}

TEST(Murmur3, PublishedVectors) {
  EXPECT_EQ(murmur3_x86_32("", 0), 0u);
  EXPECT_EQ(murmur3_x86_32("", 1), 0x514E28B7u);
  EXPECT_EQ(murmur3_x86_32("hello", 0), 0x248BFA47u);
  EXPECT_EQ(murmur3_x86_32("The quick brown fox jumps over the lazy dog", 0), 0x2E4FF723u);
}

// Ours, from an independent implementation of the definition (Python, uint32 arithmetic); the
// README lists them. They cover every tail length (0..3 bytes after the 4-byte blocks).
TEST(Murmur3, ColumnValueVectors) {
  EXPECT_EQ(murmur3_x86_32("C1=68fd1e64", 0), 0x019CB22Du);
  EXPECT_EQ(murmur3_x86_32("C1=68fd1e64", 42), 0x16214F6Cu);
  EXPECT_EQ(murmur3_x86_32("C1=68fd1e64^C2=80e26c9b", 0), 0x434BC045u);
  EXPECT_EQ(murmur3_x86_32("I1=", 0), 0x64143A62u);
  EXPECT_EQ(murmur3_x86_32("abc", 0), 0xB3DD93FAu);
  EXPECT_EQ(murmur3_x86_32("abcd", 0), 0x43ED676Au);
}

TEST(HashBucket, IsTheHashModuloTwoToTheBits) {
  HashingOptions h;
  h.bits = 18;
  EXPECT_EQ(hash_bucket("C1=68fd1e64", h), 0x019CB22Du % (1u << 18));
  EXPECT_EQ(hash_bucket("C1=68fd1e64^C2=80e26c9b", h), 245829u);
  h.seed = 42;
  EXPECT_EQ(hash_bucket("C1=68fd1e64", h), 0x16214F6Cu % (1u << 18));
  h.seed = 0;
  h.bits = 1;
  EXPECT_EQ(hash_bucket("hello", h), 0x248BFA47u & 1u);
  h.bits = 28;
  EXPECT_EQ(hash_bucket("hello", h), 0x248BFA47u & ((1u << 28) - 1u));
}

// label, two numeric columns (I1 with log1p), two categorical columns and their cross.
constexpr const char* kTable =
    "1\t3\t0.5\ta\tb\n"
    "0\t\t2\t\tb\n"
    "1\t-2\t\ta\tzz\n"
    "\n"
    "0\t0\t-1.5\tb\ta\n";
constexpr const char* kColumns[] = {"label", "I1", "I2", "C1", "C2"};

ConvertOptions table_options(int bits) {
  ConvertOptions o;
  o.columns.assign(std::begin(kColumns), std::end(kColumns));
  o.label = "label";
  o.hashing.categorical = {"C1", "C2"};
  o.hashing.bits = bits;
  o.hashing.seed = 7;
  o.hashing.crosses = {{"C1", "C2"}};
  o.hashing.log1p = {"I1"};
  o.hashing.missing_indicator = true;
  return o;
}

// The rows of kTable by the spec: numeric columns 0, 1; buckets from 2; indicators after them.
std::vector<std::map<int64_t, double>> expected_rows(int bits) {
  const int64_t m = 2, hashed = int64_t{1} << bits;
  const auto bucket = [&](const std::string& key) {
    return m + static_cast<int64_t>(murmur3_x86_32(key, 7) % (1u << bits));
  };
  std::vector<std::map<int64_t, double>> rows(4);
  const auto add = [&](size_t r, int64_t col, double v) { rows[r][col] += v; };
  add(0, 0, std::log1p(3.0)), add(0, 1, 0.5);
  add(0, bucket("C1=a"), 1), add(0, bucket("C2=b"), 1), add(0, bucket("C1=a^C2=b"), 1);
  add(1, m + hashed + 0, 1.0), add(1, 1, 2.0), add(1, bucket("C2=b"), 1);  // I1, C1 missing
  add(2, m + hashed + 1, 1.0), add(2, bucket("C1=a"), 1), add(2, bucket("C2=zz"), 1);
  add(2, bucket("C1=a^C2=zz"), 1);  // I1 = -2: log1p(max(-2, 0)) = 0, not stored
  add(3, 1, -1.5), add(3, bucket("C1=b"), 1), add(3, bucket("C2=a"), 1);
  add(3, bucket("C1=b^C2=a"), 1);
  return rows;
}

TEST(HashedConvert, SmallTableGivesTheEntriesOfTheSpec) {
  test::TempDir dir("hashing_table");
  write_text(dir.file("in.tsv"), kTable);
  // 2 bits: 4 buckets for 8 keys, so collisions (values added) are certain.
  for (int bits : {2, 10}) {
    const ConvertStats s = convert(dir.file("in.tsv"), dir.file("out.h5"), table_options(bits));
    EXPECT_TRUE(s.sparse);
    EXPECT_EQ(s.features, 2 + (1 << bits) + 2);
    const SparseRows r = read_sparse(dir.file("out.h5"));
    EXPECT_EQ(r.cols, s.features);
    EXPECT_EQ(r.y, (std::vector<double>{1, 0, 1, 0}));
    const auto want = expected_rows(bits);
    ASSERT_EQ(r.rows.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_EQ(r.rows[i], want[i]) << "bits " << bits << ", row " << i;
  }
}

TEST(HashedConvert, HeaderRowAndCommaDelimiter) {
  test::TempDir dir("hashing_csv");
  write_text(dir.file("in.csv"), "I1,C1,y\n4,x,1\n,y,0\n");
  ConvertOptions o;
  o.label = "y";
  o.hashing.categorical = {"C1"};
  o.hashing.bits = 8;
  convert(dir.file("in.csv"), dir.file("out.h5"), o);
  const SparseRows r = read_sparse(dir.file("out.h5"));
  EXPECT_EQ(r.cols, 1 + 256);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0],
            (std::map<int64_t, double>{{0, 4.0}, {1 + murmur3_x86_32("C1=x", 0) % 256, 1.0}}));
  EXPECT_EQ(r.rows[1], (std::map<int64_t, double>{{1 + murmur3_x86_32("C1=y", 0) % 256, 1.0}}));
}

// A .txt file is TSV when its first line has a tab and no ':'; LIBSVM with tabs stays LIBSVM.
TEST(HashedConvert, TxtWithTabsIsTsv) {
  test::TempDir dir("hashing_txt");
  write_text(dir.file("t.txt"), "x\tC\ty\n2\tu\t1\n");
  ConvertOptions o;
  o.hashing.categorical = {"C"};
  o.hashing.bits = 3;
  convert(dir.file("t.txt"), dir.file("t.h5"), o);
  const SparseRows r = read_sparse(dir.file("t.h5"));
  EXPECT_EQ(r.rows.at(0),
            (std::map<int64_t, double>{{0, 2.0}, {1 + murmur3_x86_32("C=u", 0) % 8, 1.0}}));
  write_text(dir.file("l.txt"), "1\t1:2\t3:1\n");
  const ConvertStats s = convert(dir.file("l.txt"), dir.file("l.h5"), ConvertOptions{});
  EXPECT_EQ(s.features, 3);
}

// "X1", ..., "Xn".
std::vector<std::string> numbered(char prefix, int n) {
  std::vector<std::string> names;
  for (int i = 1; i <= n; ++i) names.push_back(std::string(1, prefix) + std::to_string(i));
  return names;
}

TEST(HashedConvert, ThreadsAndBlocksDoNotChangeTheOutput) {
  test::TempDir dir("hashing_threads");
  CtrSynthOptions so;
  so.rows = 3000;
  so.seed = 5;
  synthesize_ctr(dir.file("ctr.tsv"), so);
  ConvertOptions o;
  o.hashing.log1p = numbered('I', 13);
  o.hashing.categorical = numbered('C', 26);
  o.columns = {"label"};
  o.columns.insert(o.columns.end(), o.hashing.log1p.begin(), o.hashing.log1p.end());
  o.columns.insert(o.columns.end(), o.hashing.categorical.begin(), o.hashing.categorical.end());
  o.label = "label";
  o.hashing.bits = 12;
  o.hashing.crosses = {{"C1", "C2"}, {"C3", "C14"}};
  o.hashing.missing_indicator = true;
  o.threads = 1;
  convert(dir.file("ctr.tsv"), dir.file("one.h5"), o);
  const SparseRows one = read_sparse(dir.file("one.h5"));
  ASSERT_EQ(one.rows.size(), 3000u);
  for (const auto& [threads, block] : {std::pair<int, size_t>{4, 1}, {2, 5000}, {3, 0}}) {
    o.threads = threads;
    o.block_bytes = block;
    convert(dir.file("ctr.tsv"), dir.file("many.h5"), o);
    const SparseRows many = read_sparse(dir.file("many.h5"));
    EXPECT_EQ(many.rows, one.rows) << threads << " threads, blocks of " << block;
    EXPECT_EQ(many.y, one.y);
  }
}

// The progress callback of convert: once a block, in input order, the counting pass flagged and
// first, each pass ending at the input's size and row count.
TEST(ConvertProgressReport, OncePerBlockEndingAtTheInputSize) {
  test::TempDir dir("hashing_progress");
  std::string text;
  for (int i = 0; i < 50; ++i) text += kTable;
  write_text(dir.file("in.tsv"), text);
  ConvertOptions o = table_options(4);
  o.block_bytes = 64;
  o.threads = 2;
  o.shards = 2;  // the row count first: a counting pass
  std::vector<ConvertProgress> seen;
  o.progress = [&seen](const ConvertProgress& p) { seen.push_back(p); };
  convert(dir.file("in.tsv"), dir.file("out.h5"), o);
  ASSERT_GT(seen.size(), 4u);
  size_t ends = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    const ConvertProgress& p = seen[i];
    EXPECT_EQ(p.total_bytes, text.size());
    EXPECT_LE(p.bytes, p.total_bytes);
    const bool first_of_pass = i == 0 || p.counting != seen[i - 1].counting;
    if (!first_of_pass) {
      EXPECT_GE(p.bytes, seen[i - 1].bytes) << i;
      EXPECT_GE(p.rows, seen[i - 1].rows) << i;
    }
    EXPECT_EQ(p.counting, i < seen.size() / 2) << i;  // as many blocks in both passes
    if (i + 1 == seen.size() || seen[i + 1].counting != p.counting) {
      ++ends;
      EXPECT_EQ(p.bytes, text.size()) << i;
      EXPECT_EQ(p.rows, 200) << i;
    }
  }
  EXPECT_EQ(ends, 2u);
}

// The message of the ConfigError convert throws.
std::string refusal(const std::string& in, const std::string& out, const ConvertOptions& o) {
  try {
    convert(in, out, o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(HashedConvert, RefusalsNameTheOptionAndColumn) {
  test::TempDir dir("hashing_errors");
  write_text(dir.file("in.tsv"), kTable);
  const std::string in = dir.file("in.tsv"), out = dir.file("out.h5");
  ConvertOptions o = table_options(4);
  o.hashing.categorical = {"C1", "C9"};
  o.hashing.crosses.clear();
  EXPECT_NE(refusal(in, out, o).find("--categorical: column 'C9' not in the header"),
            std::string::npos);
  o = table_options(4);
  o.hashing.crosses = {{"C1", "I2"}};
  EXPECT_NE(refusal(in, out, o).find("--cross C1:I2: column 'I2' is not one of --categorical"),
            std::string::npos);
  for (int bits : {0, 29}) {
    EXPECT_NE(refusal(in, out, table_options(bits)).find("--hash-bits: must be between 1 and 28"),
              std::string::npos);
  }
  o = table_options(4);
  o.layout = OutputLayout::Dense;
  EXPECT_NE(refusal(in, out, o).find("--dense"), std::string::npos);
  o = table_options(4);
  o.hashing.log1p = {"C1"};
  EXPECT_NE(refusal(in, out, o).find("--log1p: column 'C1'"), std::string::npos);
  write_text(dir.file("in.txt"), "1 1:2\n");
  EXPECT_NE(refusal(dir.file("in.txt"), out, table_options(4))
                .find("--categorical: applies to "
                      "CSV/TSV input only"),
            std::string::npos);
  // A categorical value where a number belongs is a data error naming the line and column.
  o = table_options(4);
  o.hashing.categorical = {"C1"};
  o.hashing.crosses.clear();
  try {
    convert(in, out, o);
    ADD_FAILURE() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(":1: column 'C2' (field 5): bad number 'b'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::ifstream(out).good());
}

TEST(SynthCtr, SchemaDeterminismAndTruth) {
  test::TempDir dir("synth_ctr");
  CtrSynthOptions o;
  o.rows = 5000;
  o.seed = 3;
  o.threads = 1;
  const CtrSynthResult a = synthesize_ctr(dir.file("a.tsv"), o);
  o.threads = 3;
  synthesize_ctr(dir.file("b.tsv"), o);
  const std::string text = read_bytes(dir.file("a.tsv"));
  EXPECT_EQ(text, read_bytes(dir.file("b.tsv")));
  o.seed = 4;
  synthesize_ctr(dir.file("c.tsv"), o);
  EXPECT_NE(text, read_bytes(dir.file("c.tsv")));
  std::istringstream lines(text);
  std::string line;
  int64_t n = 0, missing = 0, cells = 0;
  while (std::getline(lines, line)) {
    ++n;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) f.push_back(c);
    if (line.back() == '\t') f.emplace_back();
    ASSERT_EQ(f.size(), 40u) << "line " << n;
    ASSERT_TRUE(f[0] == "0" || f[0] == "1");
    for (size_t j = 1; j < 40; ++j) {
      ++cells;
      if (f[j].empty()) {
        ++missing;
      } else if (j <= 13) {
        EXPECT_EQ(f[j].find_first_not_of("0123456789"), std::string::npos) << f[j];
      } else {
        EXPECT_EQ(f[j].size(), 8u);
        EXPECT_EQ(f[j].find_first_not_of("0123456789abcdef"), std::string::npos) << f[j];
      }
    }
  }
  EXPECT_EQ(n, 5000);
  EXPECT_GT(missing, cells / 20);
  EXPECT_LT(missing, cells / 3);
  EXPECT_GT(a.positive_rate, 0.1);
  EXPECT_LT(a.positive_rate, 0.5);
  EXPECT_EQ(a.held_out_rows, 500);
  // Below the entropy of the click rate: the features carry signal.
  const double p = a.positive_rate;
  EXPECT_LT(a.log_loss, -(p * std::log(p) + (1 - p) * std::log(1 - p)));
  const std::string truth = read_bytes(dir.file("a.tsv.truth.json"));
  EXPECT_NE(truth.find("\"held_out_log_loss\""), std::string::npos);
  EXPECT_NE(truth.find("\"name\": \"C26\""), std::string::npos);
}

}  // namespace
}  // namespace logreg::data
