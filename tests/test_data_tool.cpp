// The data tool's library (synth, convert, info, shard writer): exact arrays for small inputs,
// statistics for generated data, identical rows for any shard count, and bad lines that name
// their line number and leave no file behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/info.hpp"
#include "logreg/data/shard_writer.hpp"
#include "logreg/data/synth.hpp"
#include "logreg/data/text_input.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg::data {
namespace {

namespace fs = std::filesystem;

using test::read_bytes;
using test::read_dataset;
using test::write_text;

// Every file name in `dir` (to see that nothing, not even a temporary, is left behind).
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The rows of one or several files, concatenated (CSR offsets rebased).
struct Rows {
  bool sparse = false;
  int64_t rows = 0, cols = 0;
  std::vector<double> x;  // dense, row-major
  std::vector<int64_t> indptr{0};
  std::vector<int64_t> indices;
  std::vector<double> data;
  std::vector<double> y;
  std::vector<int64_t> file_rows;
};

Rows read_rows(const std::vector<std::string>& files) {
  Rows r;
  for (const auto& path : files) {
    h5::File f(path, h5::File::Mode::ReadOnly);
    r.sparse = f.object_type("X") == H5O_TYPE_GROUP;
    int64_t n = 0;
    if (r.sparse) {
      auto shape = f.read_int_attribute("X", "shape");
      EXPECT_EQ(shape.size(), 2u);
      n = shape[0];
      r.cols = shape[1];
      auto p = read_dataset<int64_t>(f, "X/indptr", H5T_NATIVE_INT64);
      EXPECT_EQ(static_cast<int64_t>(p.size()), n + 1) << path;
      EXPECT_EQ(p.front(), 0) << path;
      const int64_t base = r.indptr.back();
      for (size_t i = 1; i < p.size(); ++i) r.indptr.push_back(base + p[i]);
      auto idx = read_dataset<int64_t>(f, "X/indices", H5T_NATIVE_INT64);
      auto val = read_dataset<double>(f, "X/data", H5T_NATIVE_DOUBLE);
      EXPECT_EQ(static_cast<int64_t>(idx.size()), p.back()) << path;
      r.indices.insert(r.indices.end(), idx.begin(), idx.end());
      r.data.insert(r.data.end(), val.begin(), val.end());
    } else {
      auto shape = f.open_dataset("X").shape();
      EXPECT_EQ(shape.size(), 2u);
      n = static_cast<int64_t>(shape[0]);
      r.cols = static_cast<int64_t>(shape[1]);
      auto x = read_dataset<double>(f, "X", H5T_NATIVE_DOUBLE);
      r.x.insert(r.x.end(), x.begin(), x.end());
    }
    auto y = read_dataset<double>(f, "y", H5T_NATIVE_DOUBLE);
    EXPECT_EQ(static_cast<int64_t>(y.size()), n) << path;
    r.y.insert(r.y.end(), y.begin(), y.end());
    r.rows += n;
    r.file_rows.push_back(n);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Shard splitting and names

TEST(DataToolShardRows, SplitsInOrderAsEvenlyAsPossible) {
  EXPECT_EQ(shard_rows(10, 3, 0).begin, 0);
  EXPECT_EQ(shard_rows(10, 3, 0).end, 3);
  EXPECT_EQ(shard_rows(10, 3, 1).end, 6);
  EXPECT_EQ(shard_rows(10, 3, 2).end, 10);
  for (Index n : {1, 2, 7, 100, 1001}) {
    for (int k = 1; k <= std::min<Index>(n, 9); ++k) {
      Index prev = 0, lo = n, hi = 0;
      for (int s = 0; s < k; ++s) {
        RowRange r = shard_rows(n, k, s);
        EXPECT_EQ(r.begin, prev);
        lo = std::min(lo, r.size());
        hi = std::max(hi, r.size());
        prev = r.end;
      }
      EXPECT_EQ(prev, n);
      EXPECT_LE(hi - lo, 1) << n << " rows in " << k << " shards";
      EXPECT_GE(lo, 1);
    }
  }
}

TEST(DataToolShardPaths, DerivesNamesFromTheStem) {
  EXPECT_EQ(shard_paths("data/train.h5", 1), std::vector<std::string>{"data/train.h5"});
  EXPECT_EQ(shard_paths("data/train.h5", 3),
            (std::vector<std::string>{"data/train_0.h5", "data/train_1.h5", "data/train_2.h5"}));
  EXPECT_EQ(shard_paths("out", 2), (std::vector<std::string>{"out_0.h5", "out_1.h5"}));
}

// ---------------------------------------------------------------------------------------------
// synth

SynthOptions synth_options(Index rows, Index features, double density, uint64_t seed,
                           int shards = 1) {
  SynthOptions o;
  o.rows = rows;
  o.features = features;
  o.density = density;
  o.seed = seed;
  o.shards = shards;
  return o;
}

TEST(DataToolSynth, DenseShapesLabelsAndTrueModel) {
  test::TempDir dir("synth_dense");
  const auto opt = synth_options(3000, 7, 1.0, 5);
  const SynthResult res = synthesize(dir.file("d.h5"), opt);
  ASSERT_EQ(res.files, std::vector<std::string>{dir.file("d.h5")});
  EXPECT_EQ(res.nnz, 3000 * 7);
  const Rows r = read_rows(res.files);
  EXPECT_FALSE(r.sparse);
  EXPECT_EQ(r.rows, 3000);
  EXPECT_EQ(r.cols, 7);
  // x ~ N(0, 1): moments within a generous statistical tolerance (21000 draws).
  double sum = 0, sq = 0;
  for (double v : r.x) {
    sum += v;
    sq += v * v;
  }
  const double n = static_cast<double>(r.x.size());
  EXPECT_NEAR(sum / n, 0.0, 0.05);
  EXPECT_NEAR(sq / n, 1.0, 0.05);

  h5::File f(res.files[0], h5::File::Mode::ReadOnly);
  const std::vector<double> w = h5::read_vector(f, "true_coef");
  const double b = h5::read_scalar(f, "true_intercept");
  const TrueModel model = draw_true_model(opt);
  EXPECT_EQ(w, model.coef);
  EXPECT_EQ(b, model.intercept);
  ASSERT_EQ(w.size(), 7u);

  // Labels are 0/1 and follow the model: the sign of the true margin predicts most of them.
  int64_t ones = 0, agree = 0;
  for (int64_t i = 0; i < r.rows; ++i) {
    const double yi = r.y[static_cast<size_t>(i)];
    ASSERT_TRUE(yi == 0.0 || yi == 1.0) << "row " << i;
    double z = b;
    for (int64_t j = 0; j < 7; ++j)
      z += r.x[static_cast<size_t>(i * 7 + j)] * w[static_cast<size_t>(j)];
    ones += yi == 1.0;
    agree += (z > 0) == (yi == 1.0);
  }
  EXPECT_GT(ones, 300);
  EXPECT_LT(ones, 2700);
  EXPECT_GT(static_cast<double>(agree) / 3000.0, 0.65);
}

TEST(DataToolSynth, CsrShapesAndNonZeroCount) {
  test::TempDir dir("synth_csr");
  const Index n = 4000, d = 500;
  const double rho = 0.02;
  const SynthResult res = synthesize(dir.file("s.h5"), synth_options(n, d, rho, 11));
  const Rows r = read_rows(res.files);
  ASSERT_TRUE(r.sparse);
  EXPECT_EQ(r.rows, n);
  EXPECT_EQ(r.cols, d);
  const double mean = static_cast<double>(n) * d * rho;
  const double sd = std::sqrt(mean * (1 - rho));
  EXPECT_NEAR(static_cast<double>(r.data.size()), mean, 5 * sd);
  EXPECT_EQ(res.nnz, static_cast<int64_t>(r.data.size()));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = r.indptr[i]; k < r.indptr[i + 1]; ++k) {
      ASSERT_GE(r.indices[k], 0);
      ASSERT_LT(r.indices[k], d);
      if (k > r.indptr[i]) {
        ASSERT_LT(r.indices[k - 1], r.indices[k]) << "row " << i;
      }
    }
  }
  // Columns are used uniformly: no column id is systematically favoured.
  std::vector<int64_t> per_col(static_cast<size_t>(d), 0);
  for (int64_t c : r.indices) ++per_col[static_cast<size_t>(c)];
  const auto [lo, hi] = std::minmax_element(per_col.begin(), per_col.end());
  EXPECT_GT(*lo, 40);  // mean 80 per column
  EXPECT_LT(*hi, 130);
  for (double v : r.y) ASSERT_TRUE(v == 0.0 || v == 1.0);
  h5::File f(res.files[0], h5::File::Mode::ReadOnly);
  EXPECT_EQ(h5::read_vector(f, "true_coef").size(), static_cast<size_t>(d));
}

class DataToolSynthShards : public ::testing::TestWithParam<double> {};

TEST_P(DataToolSynthShards, ConcatenatedRowsAreIdenticalForAnyShardCount) {
  test::TempDir dir("synth_shards");
  const double density = GetParam();
  const SynthResult one = synthesize(dir.file("one.h5"), synth_options(60001, 40, density, 3, 1));
  const SynthResult three =
      synthesize(dir.file("three.h5"), synth_options(60001, 40, density, 3, 3));
  ASSERT_EQ(three.files, (std::vector<std::string>{dir.file("three_0.h5"), dir.file("three_1.h5"),
                                                   dir.file("three_2.h5")}));
  const Rows a = read_rows(one.files);
  const Rows b = read_rows(three.files);
  EXPECT_EQ(b.file_rows, (std::vector<int64_t>{20000, 20000, 20001}));
  EXPECT_EQ(a.rows, b.rows);
  // Byte-identical values, not merely close.
  EXPECT_EQ(0, std::memcmp(a.y.data(), b.y.data(), a.y.size() * sizeof(double)));
  ASSERT_EQ(a.x.size(), b.x.size());
  // memcmp with an empty vector's null pointer is undefined (UBSan), so compare only non-empty.
  if (!a.x.empty()) {
    EXPECT_EQ(0, std::memcmp(a.x.data(), b.x.data(), a.x.size() * sizeof(double)));
  }
  EXPECT_EQ(a.indptr, b.indptr);
  EXPECT_EQ(a.indices, b.indices);
  // Every row is drawn afresh (rows of different generator batches do not repeat).
  std::vector<double> values = a.sparse ? a.data : a.x;
  std::sort(values.begin(), values.end());
  EXPECT_EQ(std::adjacent_find(values.begin(), values.end()), values.end());
  ASSERT_EQ(a.data.size(), b.data.size());
  if (!a.data.empty()) {
    EXPECT_EQ(0, std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(double)));
  }
  for (const auto& path : three.files) {
    h5::File f(path, h5::File::Mode::ReadOnly);
    EXPECT_EQ(h5::read_vector(f, "true_coef"),
              draw_true_model(synth_options(60001, 40, density, 3)).coef);
  }
}

INSTANTIATE_TEST_SUITE_P(DenseAndCsr, DataToolSynthShards, ::testing::Values(1.0, 0.1));

TEST(DataToolSynth, SeedDeterminesTheData) {
  test::TempDir dir("synth_seed");
  const Rows a = read_rows(synthesize(dir.file("a.h5"), synth_options(200, 5, 1.0, 9)).files);
  const Rows b = read_rows(synthesize(dir.file("b.h5"), synth_options(200, 5, 1.0, 9)).files);
  const Rows c = read_rows(synthesize(dir.file("c.h5"), synth_options(200, 5, 1.0, 10)).files);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_NE(a.x, c.x);
}

TEST(DataToolSynth, Float32StorageAndTrainerCanLoadIt) {
  test::TempDir dir("synth_f32");
  SynthOptions opt = synth_options(500, 30, 0.2, 4, 2);
  opt.dtype = Precision::Float32;
  const SynthResult res = synthesize(dir.file("f.h5"), opt);
  {
    h5::File f(res.files[0], h5::File::Mode::ReadOnly);
    EXPECT_EQ(f.open_dataset("X/data").type_size(), 4u);
    EXPECT_EQ(f.open_dataset("X/indices").type_size(), 4u);
  }
  DataSource source;
  source.files = res.files;
  const DataLayout layout = scan_layout(source);
  EXPECT_EQ(layout.rows, 500);
  EXPECT_EQ(layout.cols, 30);
  EXPECT_TRUE(layout.sparse);
  EXPECT_EQ(layout.nnz, res.nnz);
  const Shard shard = load_shard(source, layout, RowRange{0, 500});
  const auto& m = std::get<CsrMatrix<double>>(shard.X);
  const Rows r = read_rows(res.files);
  EXPECT_EQ(m.indptr(), r.indptr);
  EXPECT_EQ(m.values(), r.data);
  for (Index i = 0; i < 500; ++i) EXPECT_EQ(shard.y[i], r.y[static_cast<size_t>(i)]);
}

TEST(DataToolSynth, InvalidOptionsNameTheOption) {
  auto message = [](SynthOptions o) -> std::string {
    try {
      o.validate();
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(message(synth_options(0, 5, 1.0, 0)).find("--rows"), std::string::npos);
  EXPECT_NE(message(synth_options(-3, 5, 1.0, 0)).find("--rows"), std::string::npos);
  EXPECT_NE(message(synth_options(10, 0, 1.0, 0)).find("--features"), std::string::npos);
  EXPECT_NE(message(synth_options(10, 5, 0.0, 0)).find("--density"), std::string::npos);
  EXPECT_NE(message(synth_options(10, 5, 1.5, 0)).find("--density"), std::string::npos);
  EXPECT_NE(message(synth_options(10, 5, NAN, 0)).find("--density"), std::string::npos);
  EXPECT_NE(message(synth_options(10, 5, 1.0, 0, 0)).find("--shards"), std::string::npos);
  EXPECT_NE(message(synth_options(10, 5, 1.0, 0, 11)).find("--shards"), std::string::npos);
  EXPECT_EQ(message(synth_options(10, 5, 1.0, 0, 10)), "(no error)");
  test::TempDir dir("synth_bad");
  EXPECT_THROW(synthesize(dir.file("x.h5"), synth_options(10, 5, 1.0, 0, 11)), ConfigError);
  EXPECT_TRUE(listing(dir.path()).empty());
}

// ---------------------------------------------------------------------------------------------
// convert: LIBSVM

ConvertOptions convert_options(OutputLayout layout = OutputLayout::Auto, int shards = 1) {
  ConvertOptions o;
  o.layout = layout;
  o.shards = shards;
  return o;
}

TEST(DataToolConvertLibsvm, PlusMinusLabelsGiveExactCsrArrays) {
  test::TempDir dir("libsvm_pm");
  write_text(dir.file("in.txt"),
             "+1 1:0.5 3:-2 # trailing comment\n"
             "-1 2:1.5\n"
             "\n"
             "# a comment line\n"
             "+1 4:1e-3\t5:7\r\n"
             "-1\n");
  const ConvertStats s = convert(dir.file("in.txt"), dir.file("out.h5"), convert_options());
  EXPECT_EQ(s.rows, 4);
  EXPECT_EQ(s.features, 5);
  EXPECT_EQ(s.nnz, 5);
  EXPECT_TRUE(s.sparse);
  EXPECT_EQ(s.passes, 1);
  const Rows r = read_rows(s.files);
  ASSERT_TRUE(r.sparse);
  EXPECT_EQ(r.rows, 4);
  EXPECT_EQ(r.cols, 5);
  EXPECT_EQ(r.indptr, (std::vector<int64_t>{0, 2, 3, 5, 5}));
  EXPECT_EQ(r.indices, (std::vector<int64_t>{0, 2, 1, 3, 4}));
  EXPECT_EQ(r.data, (std::vector<double>{0.5, -2.0, 1.5, 1e-3, 7.0}));
  EXPECT_EQ(r.y, (std::vector<double>{1, 0, 1, 0}));
  h5::File f(s.files[0], h5::File::Mode::ReadOnly);
  EXPECT_EQ(f.open_dataset("X/indices").type_size(), 4u);  // int32 column ids
  EXPECT_EQ(f.open_dataset("X/indptr").type_size(), 8u);
}

TEST(DataToolConvertLibsvm, ZeroOneLabelsAndDenseOutput) {
  test::TempDir dir("libsvm_01");
  write_text(dir.file("in.svm"), "1 2:3\n0 1:1 2:2\n1 3:4");  // no final newline
  const ConvertStats s =
      convert(dir.file("in.svm"), dir.file("out.h5"), convert_options(OutputLayout::Dense));
  EXPECT_FALSE(s.sparse);
  EXPECT_EQ(s.passes, 2);  // d must be known before the dense X is created
  const Rows r = read_rows(s.files);
  ASSERT_FALSE(r.sparse);
  EXPECT_EQ(r.rows, 3);
  EXPECT_EQ(r.cols, 3);
  EXPECT_EQ(r.x, (std::vector<double>{0, 3, 0, 1, 2, 0, 0, 0, 4}));
  EXPECT_EQ(r.y, (std::vector<double>{1, 0, 1}));
}

TEST(DataToolConvertLibsvm, ShardsSplitRowsEvenlyAndConcatenateToTheWhole) {
  test::TempDir dir("libsvm_shards");
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += (i % 3 ? "-1" : "+1");
    for (int j = 1; j <= 6; ++j) {
      if ((i + j) % 2)
        text.append(" ").append(std::to_string(j)).append(":").append(std::to_string(i * 10 + j));
    }
    text += "\n";
  }
  write_text(dir.file("in.txt"), text);
  const ConvertStats whole = convert(dir.file("in.txt"), dir.file("all.h5"), convert_options());
  const ConvertStats parts =
      convert(dir.file("in.txt"), dir.file("part.h5"), convert_options(OutputLayout::Auto, 3));
  ASSERT_EQ(parts.files, (std::vector<std::string>{dir.file("part_0.h5"), dir.file("part_1.h5"),
                                                   dir.file("part_2.h5")}));
  const Rows a = read_rows(whole.files);
  const Rows b = read_rows(parts.files);
  EXPECT_EQ(b.file_rows, (std::vector<int64_t>{3, 3, 4}));
  EXPECT_EQ(a.indptr, b.indptr);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(b.cols, 6);  // every shard states the global d, even one that lacks column 6
  EXPECT_THROW(
      convert(dir.file("in.txt"), dir.file("p.h5"), convert_options(OutputLayout::Auto, 11)),
      ConfigError);
}

// Round trip through text of a data set large enough to span many batches, HDF5 chunks and
// shard boundaries inside a batch.
TEST(DataToolConvertLibsvm, LargeRoundTripMatchesSynth) {
  test::TempDir dir("libsvm_big");
  const SynthResult syn = synthesize(dir.file("syn.h5"), synth_options(30000, 3000, 0.02, 21));
  const Rows src = read_rows(syn.files);
  {
    std::ofstream out(dir.file("big.txt"));
    char buf[64];
    for (int64_t i = 0; i < src.rows; ++i) {
      out << (src.y[static_cast<size_t>(i)] == 1.0 ? "+1" : "-1");
      for (int64_t k = src.indptr[i]; k < src.indptr[i + 1]; ++k) {
        std::snprintf(buf, sizeof buf, " %lld:%.17g", static_cast<long long>(src.indices[k] + 1),
                      src.data[static_cast<size_t>(k)]);
        out << buf;
      }
      out << "\n";
    }
  }
  for (int shards : {1, 4}) {
    const ConvertStats s = convert(dir.file("big.txt"), dir.file("big.h5"),
                                   convert_options(OutputLayout::Auto, shards));
    const Rows r = read_rows(s.files);
    EXPECT_EQ(r.rows, src.rows);
    EXPECT_LE(r.cols, src.cols);  // d = largest index present
    EXPECT_GT(r.cols, src.cols - 5);
    EXPECT_EQ(r.indptr, src.indptr);
    EXPECT_EQ(r.indices, src.indices);
    EXPECT_EQ(r.data, src.data);
    EXPECT_EQ(r.y, src.y);
  }
}

TEST(DataToolConvertLibsvm, VeryLongLineIsRead) {
  test::TempDir dir("libsvm_long");
  std::string line = "+1";
  for (int j = 1; j <= 700000; ++j)
    line.append(" ").append(std::to_string(j)).append(":1");  // ~6 MB
  write_text(dir.file("long.txt"), "-1 2:5\n" + line + "\n-1 1:2\n");
  const ConvertStats s = convert(dir.file("long.txt"), dir.file("o.h5"), convert_options());
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.features, 700000);
  EXPECT_EQ(s.nnz, 700002);
  const Rows r = read_rows(s.files);
  EXPECT_EQ(r.indptr, (std::vector<int64_t>{0, 1, 700001, 700002}));
  EXPECT_EQ(r.indices.back(), 0);
  EXPECT_EQ(r.data.back(), 2.0);
}

struct BadLine {
  const char* name;
  const char* text;
  int line;
  const char* expect;  // part of the message
};

class DataToolConvertBadLine : public ::testing::TestWithParam<std::tuple<BadLine, int>> {};

// Each malformed line is reported with its file and line number, whether the first (validating)
// pass or the single writing pass meets it, and neither a new file nor a temporary remains; a
// file already at the output path is left untouched.
TEST_P(DataToolConvertBadLine, NamesTheLineAndLeavesNoOutput) {
  const auto [bad, mode] = GetParam();
  test::TempDir dir(std::string("bad_") + bad.name);
  const bool csv = std::string(bad.name).rfind("csv", 0) == 0;
  const std::string in = dir.file(csv ? "in.csv" : "in.txt");
  write_text(in, bad.text);
  write_text(dir.file("out.h5"), "previous contents");
  const auto before = listing(dir.path());
  ConvertOptions opt =
      convert_options(mode == 1 ? OutputLayout::Dense : OutputLayout::Sparse, mode == 2 ? 2 : 1);
  if (csv) opt.label = "y";
  try {
    convert(in, dir.file("out.h5"), opt);
    FAIL() << "no error for " << bad.name;
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(in + ":" + std::to_string(bad.line) + ":"), std::string::npos) << what;
    EXPECT_NE(what.find(bad.expect), std::string::npos) << what;
  }
  EXPECT_EQ(listing(dir.path()), before);
  EXPECT_EQ(read_bytes(dir.file("out.h5")), "previous contents");
}

const BadLine kBadLines[] = {
    {"label_word", "+1 1:1\nfoo 1:1\n", 2, "bad label 'foo'"},
    {"label_two", "+1 1:1\n-1 2:1\n2 1:1\n", 3, "label 2 in a file whose earlier labels use -1/+1"},
    {"label_minus_after_class", "0 1:1\n3 1:1\n-1 1:1\n", 3,
     "label -1 in a file whose earlier labels use 0/1"},
    {"label_minus_after_classes", "1 1:1\n3 1:1\n-1 1:1\n", 3,
     "earlier labels include classes >= 2"},
    {"label_fraction", "1 1:1\n2.5 1:1\n", 2, "bad label '2.5'"},
    {"label_negative", "1 1:1\n-2 1:1\n", 2, "bad label '-2'"},
    {"label_huge", "1 1:1\n2147483648 1:1\n", 2, "bad label '2147483648'"},
    {"label_mix", "\n-1 1:1\n+1 2:1\n0 1:1\n", 4, "label 0"},
    {"index_zero", "+1 1:1\n-1 0:1\n", 2, "1-based"},
    {"index_negative", "+1 -3:1\n", 1, "'-3:1'"},
    {"index_word", "+1 1:1\n\n-1 x:1\n", 3, "'x:1'"},
    {"value_word", "+1 1:1\n-1 2:abc\n", 2, "'2:abc'"},
    {"value_nan", "+1 1:nan\n", 1, "not a finite number"},
    {"value_inf", "+1 1:1 2:-inf\n", 1, "not a finite number"},
    {"value_empty", "+1 1:\n", 1, "'1:'"},
    {"missing_colon", "# header comment\n+1 1:1 7\n", 2, "expected index:value"},
    {"decreasing", "+1 1:1\n+1 1:1\n-1 5:1 3:1\n", 3, "increasing"},
    {"duplicate", "+1 2:1 2:1\n", 1, "increasing"},
    {"late_error", "+1 1:1\n-1 1:2\n+1 1:3\n-1 1:4\n+1 1:5\n-1 1:q\n", 6, "'1:q'"},
    {"csv_cell", "a,y,b\n1,0,2\n3,1,x\n", 3, "column 'b'"},
    {"csv_fields", "a,y,b\n1,0,2\n3,1\n", 3, "fields"},
    {"csv_label", "a,y,b\n1,0,2\n3,7.5,1\n", 3, "bad label '7.5'"},
    {"csv_label_word_late", "a,y,b\n1,0,2\n3,cat,1\n", 3, "--labels strings reads them all"},
    {"csv_string_label_empty", "a,y,b\n1,cat,2\n3,,1\n", 3, "empty label"},
    {"csv_string_label_cell", "a,y,b\n1,cat,2\n3,dog,x\n", 3, "column 'b'"},
    {"csv_empty_cell", "a,y,b\n1,0,2\n,1,1\n", 3, "column 'a'"},
};

std::string bad_line_name(const ::testing::TestParamInfo<std::tuple<BadLine, int>>& info) {
  const char* modes[] = {"sparse", "dense", "shards"};
  return std::string(std::get<0>(info.param).name) + "_" + modes[std::get<1>(info.param)];
}

// Modes: 0 one CSR file (single pass), 1 dense (validating first pass), 2 two CSR shards.
INSTANTIATE_TEST_SUITE_P(AllModes, DataToolConvertBadLine,
                         ::testing::Combine(::testing::ValuesIn(kBadLines),
                                            ::testing::Values(0, 1, 2)),
                         bad_line_name);

// A bad line after several batches have been written (single pass): the partly written
// temporary file is removed too.
TEST(DataToolConvertBadLine, LateErrorRemovesThePartialFile) {
  test::TempDir dir("bad_late");
  std::string svm, csv = "a,b,c,y\n";
  for (int i = 0; i < 150000; ++i) {
    svm += "+1 1:1 2:2 3:3 4:4 5:5 6:6 7:7 8:8 9:9 10:10\n-1 1:1\n";
    csv += "1,2,3,1\n0,1,0,0\n";
  }
  svm += "+1 1:x\n";
  csv += "1,2,3,0.5\n";
  write_text(dir.file("in.txt"), svm);
  write_text(dir.file("in.csv"), csv);
  const auto before = listing(dir.path());
  try {
    convert(dir.file("in.txt"), dir.file("a.h5"), ConvertOptions{});
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("in.txt:300001:"), std::string::npos) << e.what();
  }
  try {
    convert(dir.file("in.csv"), dir.file("b.h5"), ConvertOptions{});
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("in.csv:300002:"), std::string::npos) << e.what();
  }
  EXPECT_EQ(listing(dir.path()), before);
}

// ---------------------------------------------------------------------------------------------
// convert: blocks parsed on several threads

// A LIBSVM text that exercises the fast and the full parser: comments, blank and comment-only
// lines, CRLF, tabs, qid, exponents, signs, long indices, values that need a full parse, and a
// long line. `wide`: 400 entries in the long lines and indices of 9 digits, which a dense X could
// not hold.
std::string varied_libsvm(int rows, bool wide = false) {
  std::string text = "# generated\n";
  char buf[64];
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (int i = 0; i < rows; ++i) {
    const bool positive = next() % 2;
    text += positive ? "+1" : "-1";
    if (i % 97 == 5) text += " qid:3";
    int64_t index = 0;
    const int entries = i % 53 == 7 ? (wide ? 400 : 60) : static_cast<int>(next() % 12);
    for (int k = 0; k < entries; ++k) {
      index += 1 + static_cast<int64_t>(next() % 40);
      if (wide && k == 3 && i % 11 == 0) index += 123456789;
      const uint64_t r = next();
      switch (r % 6) {
        case 0:
          std::snprintf(buf, sizeof buf, "%s%lld:%.6f", k % 3 ? " " : "\t",
                        static_cast<long long>(index),
                        static_cast<double>(r % 2000000) / 1e3 - 1e3);
          break;
        case 1:
          std::snprintf(buf, sizeof buf, " %lld:%.17g", static_cast<long long>(index),
                        static_cast<double>(r) * 1e-7);
          break;
        case 2:
          std::snprintf(buf, sizeof buf, " %lld:%lld", static_cast<long long>(index),
                        static_cast<long long>(r % 1000) - 500);
          break;
        case 3:
          std::snprintf(buf, sizeof buf, " %lld:-0.%06llu", static_cast<long long>(index),
                        static_cast<unsigned long long>(r % 1000000));
          break;
        case 4:
          std::snprintf(buf, sizeof buf, " %lld:1e-%d", static_cast<long long>(index),
                        static_cast<int>(r % 30));
          break;
        default:
          std::snprintf(buf, sizeof buf, "  %lld:+%llu.%llu", static_cast<long long>(index),
                        static_cast<unsigned long long>(r % 100000000000ull),
                        static_cast<unsigned long long>(r % 1000000000ull));
      }
      text += buf;
    }
    if (i % 89 == 3) text += "  # a comment";
    text += i % 7 == 2 ? "\r\n" : "\n";
    if (i % 101 == 50) text += "\n# comment line\n   \n";
  }
  return text;
}

ConvertOptions threaded(ConvertOptions o, int threads, size_t block_bytes) {
  o.threads = threads;
  o.block_bytes = block_bytes;
  return o;
}

size_t file_bytes(const std::vector<std::string>& files) {
  size_t n = 0;
  for (const auto& f : files) n += static_cast<size_t>(fs::file_size(f));
  return n;
}

// Bitwise equality: -0.0 and 0.0 must not be confused.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

void expect_same_rows(const Rows& a, const Rows& b, const std::string& what) {
  EXPECT_EQ(a.rows, b.rows) << what;
  EXPECT_EQ(a.cols, b.cols) << what;
  EXPECT_EQ(a.file_rows, b.file_rows) << what;
  EXPECT_EQ(a.indptr, b.indptr) << what;
  EXPECT_EQ(a.indices, b.indices) << what;
  EXPECT_EQ(a.y, b.y) << what;
  EXPECT_TRUE(same_bits(a.data, b.data)) << what;
  EXPECT_TRUE(same_bits(a.x, b.x)) << what;
}

// Many blocks (down to one line each) on several threads give the rows, files and HDF5 layout of
// the single-threaded run, in every mode: one CSR pass, dense after a counting pass, shards.
TEST(DataToolConvertThreads, ManyBlocksGiveTheOutputOfOneThread) {
  test::TempDir dir("threads_same");
  for (int mode = 0; mode < 3; ++mode) {
    const std::string text = varied_libsvm(3000, mode != 1);
    write_text(dir.file("in.txt"), text);
    ASSERT_GT(text.size(), 100000u);
    const ConvertOptions base =
        convert_options(mode == 1 ? OutputLayout::Dense : OutputLayout::Sparse, mode == 2 ? 3 : 1);
    const ConvertStats one = convert(dir.file("in.txt"), dir.file("one.h5"), threaded(base, 1, 0));
    EXPECT_EQ(one.passes, mode == 0 ? 1 : 2);
    EXPECT_EQ(one.bytes_read, static_cast<uint64_t>(one.passes) * text.size());
    const Rows want = read_rows(one.files);
    EXPECT_EQ(want.rows, 3000);
    for (const auto& [threads, block] :
         {std::pair<int, size_t>{4, 1}, {2, 300}, {3, 4096}, {1, 777}, {8, 65536}}) {
      const std::string what = "mode " + std::to_string(mode) + ", " + std::to_string(threads) +
                               " threads, blocks of " + std::to_string(block) + " bytes";
      const ConvertStats s =
          convert(dir.file("in.txt"), dir.file("many.h5"), threaded(base, threads, block));
      EXPECT_EQ(s.rows, one.rows) << what;
      EXPECT_EQ(s.features, one.features) << what;
      EXPECT_EQ(s.nnz, one.nnz) << what;
      EXPECT_EQ(s.bytes_read, one.bytes_read) << what;
      expect_same_rows(read_rows(s.files), want, what);
      // Same batches handed to HDF5, so the same chunks at the same places.
      EXPECT_EQ(file_bytes(s.files), file_bytes(one.files)) << what;
    }
  }
}

TEST(DataToolConvertThreads, CsvManyBlocksGiveTheOutputOfOneThread) {
  test::TempDir dir("threads_csv");
  // Blank lines and a byte order mark before the header.
  std::string text = std::string("\n \n\xEF\xBB\xBF") + "a, \"b\" ,c,y,d\n";
  for (int i = 0; i < 2000; ++i) {
    const std::string label = i % 3 ? "1" : "-1";
    if (i % 17 == 0) {
      text += " 1.5 ,\"0\",-2e3," + label + ",+4\r\n";
    } else if (i % 23 == 0) {
      text += "\n";
    } else {
      text += std::to_string(i) + ".25,0,-0.000" + std::to_string(i % 10) + "," + label + "," +
              std::to_string(i % 5) + "\n";
    }
  }
  write_text(dir.file("in.csv"), text);
  for (OutputLayout layout : {OutputLayout::Dense, OutputLayout::Sparse}) {
    for (int shards : {1, 2}) {
      ConvertOptions base = convert_options(layout, shards);
      base.label = "y";
      const ConvertStats one =
          convert(dir.file("in.csv"), dir.file("one.h5"), threaded(base, 1, 0));
      const Rows want = read_rows(one.files);
      for (const auto& [threads, block] : {std::pair<int, size_t>{4, 1}, {2, 100}, {3, 5000}}) {
        const std::string what = std::string(layout == OutputLayout::Dense ? "dense" : "CSR") +
                                 ", " + std::to_string(shards) + " shards, " +
                                 std::to_string(threads) + " threads, blocks of " +
                                 std::to_string(block);
        const ConvertStats s =
            convert(dir.file("in.csv"), dir.file("many.h5"), threaded(base, threads, block));
        EXPECT_EQ(s.nnz, one.nnz) << what;
        EXPECT_EQ(s.bytes_read, one.bytes_read) << what;
        expect_same_rows(read_rows(s.files), want, what);
        EXPECT_EQ(file_bytes(s.files), file_bytes(one.files)) << what;
      }
    }
  }
}

// The message of the error `convert` throws (or "(no error)").
std::string convert_error(const std::string& in, const std::string& out, const ConvertOptions& o) {
  try {
    convert(in, out, o);
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no error)";
}

// An error far into the file, in a late block, names its line; of two bad lines in different
// blocks the earlier one is reported, whatever the thread count, block size and timing; and no
// output is left behind.
TEST(DataToolConvertThreads, TheFirstBadLineIsReportedWhateverTheBlocks) {
  test::TempDir dir("threads_errors");
  const std::string good = varied_libsvm(4000);
  const int good_lines = static_cast<int>(std::count(good.begin(), good.end(), '\n'));
  // Bad lines inserted after `at` good lines: line numbers are 1-based.
  auto with_bad = [&](std::vector<std::pair<int, std::string>> bad) {
    std::string text;
    size_t pos = 0;
    int line = 0;
    for (const auto& [at, bad_line] : bad) {
      while (line < at) {
        const size_t nl = good.find('\n', pos);
        text.append(good, pos, nl + 1 - pos);
        pos = nl + 1;
        ++line;
      }
      text += bad_line + "\n";
    }
    text.append(good, pos, std::string::npos);
    return text;
  };
  const int late = good_lines - 10;
  // (threads, block bytes): one thread with one or many blocks, many small blocks on several
  // threads, and the defaults.
  const std::vector<std::pair<int, size_t>> kRuns = {{1, 0},    {1, 100},   {2, 1}, {4, 64},
                                                     {3, 1000}, {2, 20000}, {0, 0}};
  struct Case {
    std::string text;
    int line;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {with_bad({{late, "+1 3:1 2:1"}}), late + 1, "increasing"},
      {with_bad({{1000, "-1 5:abc"}, {late, "+1 3:1 2:1"}}), 1001, "'5:abc'"},
      {with_bad({{1000, "+1 3:1 2:1"}, {1200, "-1 5:abc"}, {late, "bad"}}), 1001, "increasing"},
      // A later line of the same small block, and lines in the next blocks, are bad too.
      {with_bad({{2000, "+1 x:1"}, {2001, "7 1:1"}, {2002, "+1 0:1"}, {2003, "1:1"}}), 2001,
       "'x:1'"},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    write_text(dir.file("in.txt"), cases[c].text);
    write_text(dir.file("out.h5"), "previous contents");
    const auto before = listing(dir.path());
    for (int mode = 0; mode < 3; ++mode) {
      const ConvertOptions base = convert_options(
          mode == 1 ? OutputLayout::Dense : OutputLayout::Sparse, mode == 2 ? 2 : 1);
      for (const auto& [threads, block] : kRuns) {
        for (int repeat = 0; repeat < (threads > 1 ? 3 : 1); ++repeat) {
          const std::string what = "case " + std::to_string(c) + ", mode " + std::to_string(mode) +
                                   ", " + std::to_string(threads) + " threads, blocks of " +
                                   std::to_string(block);
          const std::string msg =
              convert_error(dir.file("in.txt"), dir.file("out.h5"), threaded(base, threads, block));
          EXPECT_NE(msg.find(dir.file("in.txt") + ":" + std::to_string(cases[c].line) + ":"),
                    std::string::npos)
              << what << ": " << msg;
          EXPECT_NE(msg.find(cases[c].expect), std::string::npos) << what << ": " << msg;
        }
      }
    }
    EXPECT_EQ(listing(dir.path()), before);
    EXPECT_EQ(read_bytes(dir.file("out.h5")), "previous contents");
  }
}

// The label convention holds across blocks: a 0 in a late block of a -1/+1 file is an error at
// its line, and it wins over a bad token later in its own block but not over an earlier one.
TEST(DataToolConvertThreads, LabelConventionIsCheckedAcrossBlocks) {
  test::TempDir dir("threads_labels");
  std::string pm;
  for (int i = 0; i < 3000; ++i) pm += (i % 2 ? "+1 1:1 3:2\n" : "-1 2:5\n");
  auto line_of = [&](const std::string& text, const ConvertOptions& o) {
    write_text(dir.file("in.txt"), text);
    return convert_error(dir.file("in.txt"), dir.file("out.h5"), o);
  };
  for (const auto& [threads, block] : {std::pair<int, size_t>{1, 0}, {2, 1}, {4, 200}, {3, 4096}}) {
    const ConvertOptions o = threaded(ConvertOptions{}, threads, block);
    const std::string what =
        std::to_string(threads) + " threads, blocks of " + std::to_string(block);
    std::string m = line_of(pm + "0 1:1\n+1 1:2\n", o);
    EXPECT_NE(m.find("in.txt:3001: label 0 in a file whose earlier labels use -1/+1"),
              std::string::npos)
        << what << ": " << m;
    // The clash comes before a bad token on a later line of the same block...
    m = line_of(pm + "0 1:1\n+1 1:x\n", o);
    EXPECT_NE(m.find("in.txt:3001: label 0"), std::string::npos) << what << ": " << m;
    // ...and before a bad token on its own line (the label is read first)...
    m = line_of(pm + "0 1:x\n", o);
    EXPECT_NE(m.find("in.txt:3001: label 0"), std::string::npos) << what << ": " << m;
    // ...but after a bad token on an earlier line.
    m = line_of(pm + "+1 1:x\n0 1:1\n", o);
    EXPECT_NE(m.find("in.txt:3001: bad feature '1:x'"), std::string::npos) << what << ": " << m;
    // 0/1 first, then -1 far away.
    std::string zo;
    for (int i = 0; i < 3000; ++i) zo += (i % 2 ? "1 1:1\n" : "0 2:5\n");
    m = line_of(zo + "1 1:1\n-1 1:1\n", o);
    EXPECT_NE(m.find("in.txt:3002: label -1 in a file whose earlier labels use 0/1"),
              std::string::npos)
        << what << ": " << m;
  }
  // CSV: a bad cell before the label column stops the line before its label is read.
  std::string csv = "a,y,b\n";
  for (int i = 0; i < 3000; ++i) csv += (i % 2 ? "1,1,2\n" : "3,-1,4\n");
  write_text(dir.file("in.csv"), csv + "x,0,1\n");
  ConvertOptions csv_opt;
  csv_opt.label = "y";
  for (int threads : {1, 3}) {
    const std::string m =
        convert_error(dir.file("in.csv"), dir.file("c.h5"), threaded(csv_opt, threads, 64));
    EXPECT_NE(m.find("in.csv:3002: column 'a'"), std::string::npos) << m;
  }
  write_text(dir.file("in.csv"), csv + "1,0,x\n");
  for (int threads : {1, 3}) {
    const std::string m =
        convert_error(dir.file("in.csv"), dir.file("c.h5"), threaded(csv_opt, threads, 64));
    EXPECT_NE(m.find("in.csv:3002: label 0"), std::string::npos) << m;
  }
}

// ---------------------------------------------------------------------------------------------
// convert: CSV

TEST(DataToolConvertCsv, NamedLabelColumnNotLast) {
  test::TempDir dir("csv_label");
  write_text(dir.file("in.csv"),
             "f1, \"label\" ,f2,f3\n"
             "1.5,1,2,0\n"
             "\n"
             "-3,-1,0,+4\n"
             "0,1,1e2,-0.25\r\n");
  ConvertOptions opt;
  opt.label = "label";
  const ConvertStats s = convert(dir.file("in.csv"), dir.file("out.h5"), opt);
  EXPECT_FALSE(s.sparse);
  EXPECT_EQ(s.passes, 1);  // d comes from the header
  const Rows r = read_rows(s.files);
  ASSERT_FALSE(r.sparse);
  EXPECT_EQ(r.rows, 3);
  EXPECT_EQ(r.cols, 3);
  EXPECT_EQ(r.x, (std::vector<double>{1.5, 2, 0, -3, 0, 4, 0, 100, -0.25}));
  EXPECT_EQ(r.y, (std::vector<double>{1, 0, 1}));

  // The same file as CSR keeps only the non-zero cells.
  opt.layout = OutputLayout::Sparse;
  opt.shards = 2;
  const ConvertStats sp = convert(dir.file("in.csv"), dir.file("sp.h5"), opt);
  const Rows c = read_rows(sp.files);
  EXPECT_EQ(c.file_rows, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(c.cols, 3);
  EXPECT_EQ(c.indptr, (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(c.indices, (std::vector<int64_t>{0, 1, 0, 2, 1, 2}));
  EXPECT_EQ(c.data, (std::vector<double>{1.5, 2, -3, 4, 100, -0.25}));
  EXPECT_EQ(c.y, (std::vector<double>{1, 0, 1}));
}

TEST(DataToolConvertCsv, DefaultLabelIsTheLastColumn) {
  test::TempDir dir("csv_last");
  write_text(dir.file("in.csv"), "a,b,target\n1,2,0\n3,4,1\n");
  const ConvertStats s = convert(dir.file("in.csv"), dir.file("out.h5"), ConvertOptions{});
  const Rows r = read_rows(s.files);
  EXPECT_EQ(r.x, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(r.y, (std::vector<double>{0, 1}));
}

TEST(DataToolConvertCsv, MissingLabelColumnIsAUsageErrorNamingIt) {
  test::TempDir dir("csv_missing");
  write_text(dir.file("in.csv"), "a,b,target\n1,2,0\n");
  ConvertOptions opt;
  opt.label = "outcome";
  try {
    convert(dir.file("in.csv"), dir.file("out.h5"), opt);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'outcome'"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
}

TEST(DataToolConvert, FormatFollowsTheExtensionUnlessGiven) {
  EXPECT_EQ(resolve_format("a/b.csv", InputFormat::Auto), InputFormat::Csv);
  EXPECT_EQ(resolve_format("a/b.CSV", InputFormat::Auto), InputFormat::Csv);
  EXPECT_EQ(resolve_format("a/b.txt", InputFormat::Auto), InputFormat::Libsvm);
  EXPECT_EQ(resolve_format("heart_scale", InputFormat::Auto), InputFormat::Libsvm);
  EXPECT_EQ(resolve_format("b.csv", InputFormat::Libsvm), InputFormat::Libsvm);
}

TEST(DataToolConvert, EmptyOrMissingInputIsADataError) {
  test::TempDir dir("convert_empty");
  write_text(dir.file("empty.txt"), "# nothing\n\n");
  EXPECT_THROW(convert(dir.file("empty.txt"), dir.file("o.h5"), ConvertOptions{}), DataError);
  EXPECT_THROW(convert(dir.file("absent.txt"), dir.file("o.h5"), ConvertOptions{}), DataError);
  EXPECT_FALSE(fs::exists(dir.file("o.h5")));
}

// ---------------------------------------------------------------------------------------------
// info

TEST(DataToolInfo, DescribesSynthAndForeignFiles) {
  test::TempDir dir("info");
  const SynthResult syn = synthesize(dir.file("s.h5"), synth_options(300, 50, 0.1, 2));
  const FileInfo a = inspect(syn.files[0]);
  EXPECT_EQ(a.rows, 300);
  EXPECT_EQ(a.features, 50);
  EXPECT_TRUE(a.sparse);
  EXPECT_EQ(a.dtype, "float64");
  EXPECT_EQ(a.index_dtype, "int32");
  EXPECT_EQ(a.nnz, syn.nnz);
  EXPECT_NEAR(a.density, static_cast<double>(syn.nnz) / (300.0 * 50.0), 1e-12);
  EXPECT_TRUE(a.labels.present);
  EXPECT_EQ(a.labels.convention(), "0/1");
  EXPECT_EQ(a.labels.positives() + a.labels.negatives(), 300);
  EXPECT_TRUE(a.has_true_coef);
  const std::string text = describe(a);
  EXPECT_NE(text.find("rows       300"), std::string::npos) << text;
  EXPECT_NE(text.find("CSR"), std::string::npos) << text;

  RowMatrix<double> X(4, 2);
  X << 1, 2, 3, 4, 5, 6, 7, 8;
  Vec y(4), w(4);
  y << 1, -1, -1, 1;
  w << 1, 1, 2, 0.5;
  test::write_dense_h5(dir.file("pm.h5"), X, y, &w);
  const FileInfo b = inspect(dir.file("pm.h5"));
  EXPECT_FALSE(b.sparse);
  EXPECT_EQ(b.nnz, 8);
  EXPECT_EQ(b.labels.convention(), "-1/+1");
  EXPECT_EQ(b.labels.positives(), 2);
  EXPECT_EQ(b.labels.negatives(), 2);
  EXPECT_EQ(b.weights, std::vector<std::string>{"w"});
  EXPECT_FALSE(b.has_true_coef);
}

TEST(DataToolInfo, BadFilesAreDataErrorsNamingThem) {
  test::TempDir dir("info_bad");
  auto message = [](const std::string& path) -> std::string {
    try {
      inspect(path);
    } catch (const DataError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(message(dir.file("absent.h5")).find(dir.file("absent.h5")), std::string::npos);
  write_text(dir.file("text.h5"), "not hdf5");
  EXPECT_NE(message(dir.file("text.h5")).find("not an HDF5 file"), std::string::npos);
  {
    h5::File f(dir.file("nox.h5"), h5::File::Mode::Truncate);
    h5::write_scalar(f, "something", 1.0);
  }
  const std::string nox = message(dir.file("nox.h5"));
  EXPECT_NE(nox.find(dir.file("nox.h5")), std::string::npos) << nox;
  EXPECT_NE(nox.find("'X'"), std::string::npos) << nox;
}

// ---------------------------------------------------------------------------------------------
// text input helpers

TEST(DataToolTextInput, ParseDoubleIsStrict) {
  double v = 0;
  EXPECT_TRUE(parse_double("+1", v));
  EXPECT_EQ(v, 1.0);
  EXPECT_TRUE(parse_double("-2.5e-3", v));
  EXPECT_EQ(v, -2.5e-3);
  for (const char* bad : {"", "+", "+-1", "1x", "x", "nan", "inf", "1e999", " 1"}) {
    EXPECT_FALSE(parse_double(bad, v)) << bad;
  }
}

// The fast decimal scanner agrees bit for bit with the full parse wherever it accepts a number,
// and accepts the common spellings.
TEST(DataToolTextInput, ScanDecimalMatchesTheFullParse) {
  uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 11;
  };
  std::vector<std::string> tokens = {"0",
                                     "-0",
                                     "+0",
                                     "-0.0",
                                     "1",
                                     "+1",
                                     "-1",
                                     "0.5",
                                     "-0.000001",
                                     "12345678",
                                     "123456789",
                                     "1234567.1234567",
                                     "0.12345678",
                                     "9007199254740993",
                                     "9007199254740992",
                                     "1234567890123456789",
                                     "12345678901234567890",
                                     "0.1234567890123456789",
                                     "00000001.5",
                                     "1.",
                                     ".5",
                                     "1e5",
                                     "1.5e-3",
                                     "--1",
                                     "+-1",
                                     "-",
                                     "+",
                                     ""};
  char buf[64];
  for (int i = 0; i < 200000; ++i) {
    const uint64_t r = next();
    const int digits = static_cast<int>(r % 21);
    std::string t = (r >> 5) % 3 == 0 ? "-" : ((r >> 5) % 3 == 1 ? "+" : "");
    for (int k = 0; k < digits; ++k) t += static_cast<char>('0' + next() % 10);
    if (t.empty() || t == "-" || t == "+") t += "7";
    if ((r >> 8) % 2) {
      t += '.';
      const int frac = static_cast<int>((r >> 9) % 21);
      for (int k = 0; k < frac; ++k) t += static_cast<char>('0' + next() % 10);
    }
    tokens.push_back(t);
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(r % 12),
                  static_cast<double>(next() % 100000000) / 997.0);
    tokens.emplace_back(buf);
  }
  int accepted = 0;
  for (const std::string& t : tokens) {
    std::vector<char> padded(t.begin(), t.end());
    padded.insert(padded.end(), kBlockPadding, '\0');
    double fast = 0, full = 0;
    // Stopping before the end ("1e5" at 'e') leaves the token to the full parse too.
    const char* end = scan_decimal(padded.data(), fast);
    if (end != padded.data() + t.size()) continue;
    ++accepted;
    ASSERT_TRUE(parse_double(t, full)) << t;
    ASSERT_EQ(0, std::memcmp(&fast, &full, sizeof fast)) << t << ": " << fast << " vs " << full;
  }
  EXPECT_GT(accepted, 200000);
  double v = 0;
  for (const char* t : {"1.", ".5", "1e5", "--1", "+-1", "-", "+", "", "12345678901234567890"}) {
    std::vector<char> padded(t, t + std::strlen(t));
    padded.insert(padded.end(), kBlockPadding, '\0');
    const char* end = scan_decimal(padded.data(), v);
    EXPECT_TRUE(end == nullptr || *end != '\0') << t;  // left to the full parse
  }
}

TEST(DataToolTextInput, LeadingDigitsCountsAndConverts) {
  uint64_t state = 3;
  for (int i = 0; i < 100000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const int n = static_cast<int>((state >> 40) % 9);
    std::string t = std::to_string(state >> 20).substr(0, static_cast<size_t>(n));
    t += "::x:0123456789";  // a non-digit, then more digits that must not count
    uint64_t value = 0;
    ASSERT_EQ(leading_digits(t.data(), value), n) << t;
    if (n > 0 && n < 8) {
      EXPECT_EQ(value, std::stoull(t.substr(0, static_cast<size_t>(n)))) << t;
    }
  }
  uint64_t value = 0;
  EXPECT_EQ(leading_digits("00000042:", value), 8);
  EXPECT_EQ(leading_digits("0000042:1", value), 7);
  EXPECT_EQ(value, 42u);
  EXPECT_EQ(leading_digits("/9876543", value), 0);  // '/' and ':' surround the digits
  EXPECT_EQ(leading_digits("9:876543", value), 1);
  EXPECT_EQ(value, 9u);
}

TEST(DataToolTextInput, BlockReaderCutsAfterNewlines) {
  test::TempDir dir("blocks");
  std::string text;
  for (int i = 0; i < 500; ++i) text += std::string(static_cast<size_t>(i % 37), 'x') + "\n";
  text += std::string(5000, 'y') + "\n" + "no final newline";
  write_text(dir.file("t.txt"), text);
  for (size_t block : {size_t{1}, size_t{10}, size_t{64}, size_t{1000}, size_t{1} << 20}) {
    for (uint64_t offset : {uint64_t{0}, uint64_t{3}}) {
      BlockReader reader(dir.file("t.txt"), offset, block);
      std::vector<char> buf;
      std::string all;
      while (const size_t n = reader.next(buf)) {
        ASSERT_GE(buf.size(), n + kBlockPadding);
        EXPECT_EQ(buf[n], '\0');
        const std::string b(buf.data(), n);
        all += b;
        if (all.size() < text.size() - offset) {
          EXPECT_EQ(b.back(), '\n') << block;  // only the last block may end without one
        }
      }
      EXPECT_EQ(all, text.substr(offset)) << block;
      EXPECT_EQ(reader.bytes_read(), text.size() - offset);
    }
  }
}

TEST(DataToolTextInput, LineReaderCountsLinesAndHandlesEndings) {
  test::TempDir dir("lines");
  write_text(dir.file("t.txt"), "a\r\n\nbb\nlast");
  LineReader reader(dir.file("t.txt"));
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) lines.emplace_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "", "bb", "last"}));
  EXPECT_EQ(reader.line_number(), 4);
  EXPECT_EQ(reader.bytes_read(), 11u);
}

}  // namespace
}  // namespace logreg::data
