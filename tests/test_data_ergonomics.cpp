// Bringing your own data (README, "Data tool: `logreg_data`"): missing values, index columns,
// yes/no labels, 0-based LIBSVM, a fixed width, and feature names in shards and models.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/csv_parser.hpp"
#include "logreg/data/label_rule.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/model_io.hpp"
#include "test_support.hpp"

namespace logreg::data {
namespace {

using test::read_dataset;
using test::write_text;

std::vector<double> dense_x(const std::string& path) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  return read_dataset<double>(f, "X", H5T_NATIVE_DOUBLE);
}

std::vector<std::string> names_in(const std::string& path) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  return h5::read_string_list(f, "feature_names");
}

// A message of `fn`'s exception of type E, or "" when it throws none.
template <typename E, typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

TEST(MissingCells, TheDocumentedSpellings) {
  for (const char* s : {"", "NaN", "nan", "NA", "N/A", "null"}) EXPECT_TRUE(is_missing_cell(s));
  for (const char* s : {"0", "NULL", "na", "none", "-"}) EXPECT_FALSE(is_missing_cell(s)) << s;
}

TEST(LabelWords, YesNoAndTrueFalseInAnyCase) {
  double v = -1;
  for (const char* s : {"yes", "Yes", "YES", "true", "True"}) {
    ASSERT_TRUE(parse_label_number(s, v)) << s;
    EXPECT_EQ(v, 1.0);
  }
  for (const char* s : {"no", "No", "false", "FALSE"}) {
    ASSERT_TRUE(parse_label_number(s, v)) << s;
    EXPECT_EQ(v, 0.0);
  }
  EXPECT_FALSE(parse_label_number("maybe", v));
}

// Many rows with missing cells, converted with the column means: the means those of the
// non-missing values, the output the same for any thread count.
TEST(MissingMean, MeansOfThePresentValuesForAnyThreadCount) {
  test::TempDir dir("ergonomics_mean");
  std::string text = "a,b,c,y\n";
  double sum_a = 0, sum_b = 0;
  int n_a = 0, n_b = 0;
  for (int i = 0; i < 400; ++i) {
    const bool miss_a = i % 7 == 3, miss_b = i % 5 == 1;
    const double a = 0.1 * i, b = 1000.0 - i;
    if (!miss_a) sum_a += a, ++n_a;
    if (!miss_b) sum_b += b, ++n_b;
    text += (miss_a ? std::string("NA") : std::to_string(a)) + "," +
            (miss_b ? std::string("") : std::to_string(b)) + "," + std::to_string(i % 3) + "," +
            std::to_string(i % 2) + "\n";
  }
  write_text(dir.file("in.csv"), text);
  ConvertOptions o;
  o.hashing.missing = MissingPolicy::Mean;
  o.hashing.missing_indicator = true;
  o.threads = 1;
  const ConvertStats s = convert(dir.file("in.csv"), dir.file("one.h5"), o);
  EXPECT_EQ(s.features, 5);  // a, b, c, and indicators of a and b only
  EXPECT_EQ(names_in(dir.file("one.h5")),
            (std::vector<std::string>{"a", "b", "c", "missingindicator_a", "missingindicator_b"}));
  const std::vector<double> one = dense_x(dir.file("one.h5"));
  ASSERT_EQ(one.size(), 400u * 5);
  // Row 3 misses a, row 1 misses b (values written with 6 decimals: close to the sums above).
  EXPECT_NEAR(one[3 * 5 + 0], sum_a / n_a, 1e-9);
  EXPECT_EQ(one[3 * 5 + 3], 1.0);
  EXPECT_NEAR(one[1 * 5 + 1], sum_b / n_b, 1e-9);
  EXPECT_EQ(one[1 * 5 + 4], 1.0);
  EXPECT_EQ(one[0 * 5 + 3] + one[0 * 5 + 4], 0.0);
  // Blocks do not depend on the thread count, so neither does the order of the sums.
  for (int threads : {2, 4}) {
    o.threads = threads;
    convert(dir.file("in.csv"), dir.file("many.h5"), o);
    EXPECT_EQ(dense_x(dir.file("many.h5")), one) << threads << " threads";
  }
  // Other blocks add the per-block sums in another order: the same to rounding.
  for (size_t block : {64, 1000}) {
    o.block_bytes = block;
    convert(dir.file("in.csv"), dir.file("small.h5"), o);
    const std::vector<double> small = dense_x(dir.file("small.h5"));
    ASSERT_EQ(small.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_NEAR(small[i], one[i], 1e-13 * std::abs(one[i])) << "blocks of " << block << ", " << i;
    }
  }
}

TEST(MissingOptions, RefusalsNameTheOption) {
  test::TempDir dir("ergonomics_refusals");
  write_text(dir.file("in.csv"), "a,y\n1,0\n,1\n");
  write_text(dir.file("in.svm"), "1 1:2\n");
  ConvertOptions o;
  o.hashing.missing = MissingPolicy::Error;
  o.hashing.missing_indicator = true;
  EXPECT_NE(error_of<ConfigError>([&] {
              convert(dir.file("in.csv"), dir.file("o.h5"), o);
            }).find("--missing-indicator: needs missing cells to be filled"),
            std::string::npos);
  ConvertOptions m;
  m.hashing.missing = MissingPolicy::Zero;
  EXPECT_NE(error_of<ConfigError>([&] {
              convert(dir.file("in.svm"), dir.file("o.h5"), m);
            }).find("--missing: applies to CSV/TSV input only"),
            std::string::npos);
  EXPECT_NE(error_of<DataError>([&] {
              convert(dir.file("in.csv"), dir.file("o.h5"), ConvertOptions{});
            }).find("in.csv:3: column 'a' (field 1): missing value ''"),
            std::string::npos);
}

TEST(IndexColumn, RefusedOrDroppedAndNotInTheNames) {
  test::TempDir dir("ergonomics_index");
  write_text(dir.file("in.csv"), "index,a,y\n0,5,yes\n1,6,no\n");
  EXPECT_NE(error_of<DataError>([&] {
              convert(dir.file("in.csv"), dir.file("o.h5"), ConvertOptions{});
            }).find("--drop-index"),
            std::string::npos);
  ConvertOptions o;
  o.hashing.drop_index = true;
  const ConvertStats s = convert(dir.file("in.csv"), dir.file("o.h5"), o);
  EXPECT_EQ(s.features, 1);
  EXPECT_EQ(dense_x(dir.file("o.h5")), (std::vector<double>{5, 6}));
  EXPECT_EQ(names_in(dir.file("o.h5")), std::vector<std::string>{"a"});
}

TEST(LibsvmIndices, ZeroBasedAndFixedWidth) {
  test::TempDir dir("ergonomics_libsvm");
  write_text(dir.file("in.svm"), "1 0:1 2:3\n0 1:2\n");
  ConvertOptions o;
  o.zero_based = true;
  o.features = 4;
  o.layout = OutputLayout::Dense;
  const ConvertStats s = convert(dir.file("in.svm"), dir.file("o.h5"), o);
  EXPECT_EQ(s.features, 4);
  EXPECT_EQ(dense_x(dir.file("o.h5")), (std::vector<double>{1, 0, 3, 0, 0, 2, 0, 0}));
  o.features = 2;
  EXPECT_NE(error_of<DataError>([&] {
              convert(dir.file("in.svm"), dir.file("p.h5"), o);
            }).find("in.svm:1: feature index 2 is beyond --features 2"),
            std::string::npos);
}

TEST(FeatureNames, AgreementAcrossFilesIsChecked) {
  test::TempDir dir("ergonomics_names");
  write_text(dir.file("a.csv"), "x,z,y\n1,2,0\n3,4,1\n");
  write_text(dir.file("b.csv"), "x,w,y\n1,2,0\n3,4,1\n");
  for (const char* stem : {"a", "b"}) {
    convert(dir.file(std::string(stem) + ".csv"), dir.file(std::string(stem) + ".h5"),
            ConvertOptions{});
  }
  DataLayout layout;
  layout.files = {{dir.file("a.h5"), 2, 2, false, 4}, {dir.file("a.h5"), 2, 2, false, 4}};
  EXPECT_EQ(read_feature_names(layout), (std::vector<std::string>{"x", "z"}));
  layout.files[1].path = dir.file("b.h5");
  EXPECT_NE(error_of<DataError>([&] {
              read_feature_names(layout);
            }).find("name feature 1 differently ('z', 'w')"),
            std::string::npos);
}

TEST(FeatureNames, ModelRoundTripAndCountChecked) {
  test::TempDir dir("ergonomics_model");
  ModelRecord m;
  m.coef = Vec::Constant(2, 0.5);
  m.feature_names = {"âge", "income"};
  write_model(dir.file("m.h5"), m);
  EXPECT_EQ(read_model(dir.file("m.h5")).feature_names, m.feature_names);
  m.feature_names.pop_back();
  EXPECT_THROW(write_model(dir.file("n.h5"), m), std::invalid_argument);
  m.feature_names.clear();
  write_model(dir.file("n.h5"), m);
  EXPECT_TRUE(read_model(dir.file("n.h5")).feature_names.empty());
}

}  // namespace
}  // namespace logreg::data
