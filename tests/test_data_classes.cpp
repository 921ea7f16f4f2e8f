// Class labels in the data tool: synth --classes K (a softmax model, labels 0..K-1), convert with
// --labels (integer classes, true/false, string labels mapped in byte order and named in
// y@classes, the same whatever the threads, blocks and shards), and info's class counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/info.hpp"
#include "logreg/data/synth.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg::data {
namespace {

namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A dataset of any shape, read whole; its shape into `dims` when given.
std::vector<double> dataset(const std::string& path, const std::string& name,
                            std::vector<hsize_t>* dims = nullptr) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  std::vector<hsize_t> shape;
  std::vector<double> v = h5::read_array(f, name, shape);
  if (dims) *dims = shape;
  return v;
}

// The labels of several files, concatenated.
std::vector<double> labels_of(const std::vector<std::string>& files) {
  std::vector<double> y;
  for (const auto& f : files) {
    const std::vector<double> part = dataset(f, "y");
    y.insert(y.end(), part.begin(), part.end());
  }
  return y;
}

SynthOptions synth(Index rows, Index features, int classes, double density = 1.0, int shards = 1) {
  SynthOptions o;
  o.rows = rows;
  o.features = features;
  o.classes = classes;
  o.density = density;
  o.seed = 21;
  o.shards = shards;
  return o;
}

// ---------------------------------------------------------------------------------------------
// synth --classes

// Labels 0..K-1 drawn from softmax(W x + b): per class, the mean model probability over the rows
// matches the class frequency; the true model is stored with shapes (K, d) and (K,).
TEST(DataClassesSynth, LabelsFollowTheSoftmaxModel) {
  test::TempDir dir("classes_synth");
  const Index n = 20000, d = 6;
  const int k = 4;
  const SynthOptions opt = synth(n, d, k);
  const SynthResult res = synthesize(dir.file("s.h5"), opt);
  std::vector<hsize_t> wdims, bdims, xdims;
  const std::vector<double> w = dataset(res.files[0], "true_coef", &wdims);
  const std::vector<double> b = dataset(res.files[0], "true_intercept", &bdims);
  EXPECT_EQ(wdims, (std::vector<hsize_t>{4, 6}));
  EXPECT_EQ(bdims, std::vector<hsize_t>{4});
  const TrueModel model = draw_true_model(opt);
  EXPECT_EQ(w, model.coef);
  EXPECT_EQ(b, model.intercepts);

  const std::vector<double> x = dataset(res.files[0], "X", &xdims);
  const std::vector<double> y = labels_of(res.files);
  ASSERT_EQ(xdims, (std::vector<hsize_t>{20000, 6}));
  std::vector<double> expected(k, 0.0), seen(k, 0.0);
  for (Index i = 0; i < n; ++i) {
    std::vector<double> z(b);
    for (int c = 0; c < k; ++c) {
      for (Index j = 0; j < d; ++j) z[c] += w[c * d + j] * x[i * d + j];
    }
    const double top = *std::max_element(z.begin(), z.end());
    double total = 0;
    for (double& v : z) total += (v = std::exp(v - top));
    for (int c = 0; c < k; ++c) expected[c] += z[c] / total;
    const double yi = y[static_cast<size_t>(i)];
    ASSERT_TRUE(yi >= 0 && yi < k && yi == std::floor(yi)) << "row " << i << ": " << yi;
    seen[static_cast<size_t>(yi)] += 1;
  }
  for (int c = 0; c < k; ++c) {
    EXPECT_GT(seen[c], 0.05 * n) << "class " << c;
    // Binomial standard deviation at most sqrt(n)/2 = 71 rows.
    EXPECT_NEAR(seen[c], expected[c], 350) << "class " << c;
  }
}

// The rows (X and y) are the same for any shard count, X is that of the binary data of the same
// seed, and 2 classes (the default) is the binary model of old.
TEST(DataClassesSynth, RowsDependOnTheSeedOnly) {
  test::TempDir dir("classes_synth_shards");
  for (double density : {1.0, 0.2}) {
    const SynthResult one = synthesize(dir.file("one.h5"), synth(3001, 9, 5, density));
    const SynthResult three = synthesize(dir.file("three.h5"), synth(3001, 9, 5, density, 3));
    EXPECT_EQ(labels_of(one.files), labels_of(three.files));
    const std::string x = density < 1 ? "X/data" : "X";
    std::vector<double> parts;
    for (const auto& f : three.files) {
      const std::vector<double> p = dataset(f, x);
      parts.insert(parts.end(), p.begin(), p.end());
      EXPECT_EQ(dataset(f, "true_coef"), dataset(one.files[0], "true_coef"));
    }
    EXPECT_EQ(parts, dataset(one.files[0], x));
    const SynthResult binary = synthesize(dir.file("binary.h5"), synth(3001, 9, 2, density));
    EXPECT_EQ(dataset(binary.files[0], x), dataset(one.files[0], x));
    std::vector<double> y = labels_of(one.files);
    EXPECT_EQ(*std::max_element(y.begin(), y.end()), 4.0);
  }
  EXPECT_EQ(SynthOptions{}.classes, 2);
  const SynthResult a = synthesize(dir.file("default.h5"), synth(500, 4, 2));
  std::vector<double> ya = labels_of(a.files);
  for (double v : ya) ASSERT_TRUE(v == 0 || v == 1);
  EXPECT_EQ(dataset(a.files[0], "true_coef").size(), 4u);
  std::vector<hsize_t> bdims;
  dataset(a.files[0], "true_intercept", &bdims);
  EXPECT_TRUE(bdims.empty());
}

TEST(DataClassesSynth, ClassCountOutOfRangeNamesTheOption) {
  for (int k : {1, 0, -3, kMaxSynthClasses + 1}) {
    try {
      synth(10, 2, k).validate();
      ADD_FAILURE() << "no error for " << k;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("--classes"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(synth(10, 2, kMaxSynthClasses).validate());
}

// ---------------------------------------------------------------------------------------------
// convert --labels

ConvertOptions labels_option(LabelChoice choice) {
  ConvertOptions o;
  o.labels = choice;
  return o;
}

// The message of the Error (data or usage) that converting throws, or "(no error)".
std::string convert_error(const std::string& in, const std::string& out, const ConvertOptions& o) {
  std::string message = "(no error)";
  try {
    convert(in, out, o);
  } catch (const Error& e) {
    message = e.what();
  }
  return message;
}

TEST(DataClassesConvert, IntegerClassesPassThrough) {
  test::TempDir dir("classes_int");
  write_file(dir.file("in.txt"), "0 1:1\n2 2:1\n1 1:2\n5 1:1\n3.0 2:2\n");
  for (LabelChoice choice : {LabelChoice::Auto, LabelChoice::Classes}) {
    const ConvertStats s = convert(dir.file("in.txt"), dir.file("o.h5"), labels_option(choice));
    EXPECT_EQ(labels_of(s.files), (std::vector<double>{0, 2, 1, 5, 3}));
    EXPECT_EQ(s.classes, 6);
    EXPECT_FALSE(s.minus_ones);
    EXPECT_TRUE(s.class_names.empty());
    h5::File f(s.files[0], h5::File::Mode::ReadOnly);
    EXPECT_FALSE(f.has_attribute("y", "classes"));
  }
  const std::string m =
      convert_error(dir.file("in.txt"), dir.file("b.h5"), labels_option(LabelChoice::Binary));
  EXPECT_NE(m.find("in.txt:2: bad label '2' (expected 0/1 or -1/+1)"), std::string::npos) << m;

  write_file(dir.file("pm.txt"), "-1 1:1\n+1 1:1\n");
  const ConvertStats pm = convert(dir.file("pm.txt"), dir.file("pm.h5"), ConvertOptions{});
  EXPECT_EQ(labels_of(pm.files), (std::vector<double>{0, 1}));
  EXPECT_TRUE(pm.minus_ones);
  EXPECT_EQ(pm.classes, 2);
  const std::string c =
      convert_error(dir.file("pm.txt"), dir.file("c.h5"), labels_option(LabelChoice::Classes));
  EXPECT_NE(c.find("pm.txt:1: bad label '-1' (expected a class 0, 1, 2, ...)"), std::string::npos)
      << c;
}

TEST(DataClassesConvert, TrueAndFalseAreOneAndZero) {
  test::TempDir dir("classes_bool");
  write_file(dir.file("in.csv"), "a,ok\n1,true\n2,FALSE\n3, True \n4,\"false\"\n");
  for (LabelChoice choice : {LabelChoice::Auto, LabelChoice::Binary, LabelChoice::Classes}) {
    const ConvertStats s = convert(dir.file("in.csv"), dir.file("o.h5"), labels_option(choice));
    EXPECT_EQ(labels_of(s.files), (std::vector<double>{1, 0, 1, 0}));
    EXPECT_TRUE(s.class_names.empty());
  }
  // As strings when asked: two classes named as written.
  const ConvertStats s =
      convert(dir.file("in.csv"), dir.file("s.h5"), labels_option(LabelChoice::Strings));
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"FALSE", "True", "false", "true"}));
}

// String labels, one padded and quoted, one in upper case, one a number (a string here).
constexpr const char* kSpecies =
    "x1,species,x2\n1,setosa,2\n2,virginica,1\n3, \"versicolor\" ,0\n4,Setosa,1\n5,setosa,1\n"
    "6,1,1\n";

// A CSV column whose first label is not a number: classes 0..K-1 in byte order of the distinct
// strings (cells trimmed and unquoted), named in y@classes of every shard.
TEST(DataClassesConvert, StringLabelsMapToSortedClasses) {
  test::TempDir dir("classes_strings");
  write_file(dir.file("in.csv"), kSpecies);
  const std::vector<std::string> names = {"1", "Setosa", "setosa", "versicolor", "virginica"};
  for (int shards : {1, 2, 3}) {
    ConvertOptions o;
    o.label = "species";
    o.shards = shards;
    const ConvertStats s = convert(dir.file("in.csv"), dir.file("o.h5"), o);
    EXPECT_EQ(s.class_names, names);
    EXPECT_EQ(s.classes, 5);
    EXPECT_EQ(s.passes, 2);
    EXPECT_EQ(labels_of(s.files), (std::vector<double>{2, 4, 3, 1, 2, 0}));
    for (const auto& f : s.files) {
      EXPECT_EQ(read_class_names(f, "y"), names) << f;
      const FileInfo info = inspect(f);
      EXPECT_EQ(info.labels.names, names);
      EXPECT_EQ(info.labels.classes(), 5);
      EXPECT_EQ(info.labels.convention(), "5 classes");
    }
  }
  // --labels binary refuses the first string.
  ConvertOptions o = labels_option(LabelChoice::Binary);
  o.label = "species";
  const std::string m = convert_error(dir.file("in.csv"), dir.file("b.h5"), o);
  EXPECT_NE(m.find("in.csv:2: bad label 'setosa' (expected 0/1 or -1/+1)"), std::string::npos) << m;
}

// A numeric column is read as strings only when asked: "10" sorts before "2".
TEST(DataClassesConvert, LabelsStringsReadsNumbersAsStrings) {
  test::TempDir dir("classes_forced");
  write_file(dir.file("in.csv"), "a,y\n1,2\n2,10\n3,-1\n4,2.0\n");
  const ConvertStats s =
      convert(dir.file("in.csv"), dir.file("o.h5"), labels_option(LabelChoice::Strings));
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"-1", "10", "2", "2.0"}));
  EXPECT_EQ(labels_of(s.files), (std::vector<double>{2, 1, 0, 3}));
  write_file(dir.file("in.txt"), "1 1:1\n");
  const std::string m =
      convert_error(dir.file("in.txt"), dir.file("l.h5"), labels_option(LabelChoice::Strings));
  EXPECT_NE(m.find("--labels strings: applies to CSV input only"), std::string::npos) << m;
}

// The mapping and the files are the same whatever the thread count, block size and shards; rows
// parsed by the fast path and by the full parser (quoted, padded cells) agree.
TEST(DataClassesConvert, StringLabelsAreTheSameForAnyThreadsAndBlocks) {
  test::TempDir dir("classes_threads");
  const char* kinds[] = {"cat", "dog", "émeu", "ant", "Zebra", "cat dog"};
  std::string text = "a,b,label\n";
  for (int i = 0; i < 3000; ++i) {
    const std::string name = kinds[(i * 7 + i / 13) % 6];
    const std::string cell = i % 11 == 0 ? " \"" + name + "\" " : name;
    text += std::to_string(i) + ".5," + std::to_string(i % 3) + "," + cell +
            (i % 5 == 0 ? "\r\n" : "\n");
    if (i % 97 == 0) text += "\n";
  }
  write_file(dir.file("in.csv"), text);
  const std::vector<std::string> names = {"Zebra", "ant", "cat", "cat dog", "dog", "émeu"};
  ConvertOptions base;
  base.threads = 1;
  const ConvertStats one = convert(dir.file("in.csv"), dir.file("one.h5"), base);
  EXPECT_EQ(one.class_names, names);
  const std::vector<double> want = labels_of(one.files);
  for (int i = 0; i < 3000; ++i) {
    const std::string name = kinds[(i * 7 + i / 13) % 6];
    ASSERT_EQ(names[static_cast<size_t>(want[static_cast<size_t>(i)])], name) << "row " << i;
  }
  for (const auto& [threads, block, shards] :
       {std::tuple<int, size_t, int>{4, 1, 1}, {2, 100, 3}, {3, 5000, 2}}) {
    ConvertOptions o = base;
    o.threads = threads;
    o.block_bytes = block;
    o.shards = shards;
    const ConvertStats s = convert(dir.file("in.csv"), dir.file("many.h5"), o);
    EXPECT_EQ(s.class_names, names);
    EXPECT_EQ(labels_of(s.files), want) << threads << " threads, blocks of " << block;
    for (const auto& f : s.files) EXPECT_EQ(read_class_names(f, "y"), names);
  }
}

// The trainer's loader reads string-label output in Classes mode.
TEST(DataClassesConvert, ConvertedClassesLoadInClassesMode) {
  test::TempDir dir("classes_load");
  write_file(dir.file("in.csv"), "a,b,y\n1,0,b\n0,1,c\n1,1,a\n2,2,c\n");
  const ConvertStats s = convert(dir.file("in.csv"), dir.file("o.h5"), ConvertOptions{});
  DataSource src;
  src.files = s.files;
  src.labels_mode = LabelMode::Classes;
  const DataLayout layout = scan_layout(src);
  LabelCounts counts;
  const Shard shard = load_shard(src, layout, {0, 4}, &counts);
  EXPECT_EQ(shard.y, (Vec(4) << 1, 2, 0, 2).finished());
  EXPECT_EQ(counts.by_value, (std::vector<double>{0, 1, 1, 2}));
}

// More distinct strings than kMaxStringLabels: refused at the line of the first one too many.
TEST(DataClassesConvert, TooManyDistinctStringsAreRefused) {
  test::TempDir dir("classes_many");
  std::string text = "a,y\n";
  for (size_t i = 0; i <= kMaxStringLabels; ++i) text += "1,c" + std::to_string(i) + "\n";
  write_file(dir.file("in.csv"), text);
  ConvertOptions o;
  o.block_bytes = 4096;
  const std::string m = convert_error(dir.file("in.csv"), dir.file("o.h5"), o);
  EXPECT_NE(m.find("in.csv:" + std::to_string(kMaxStringLabels + 2) + ": label 'c65536'"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("column 'y'"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(dir.file("o.h5")));
}

// ---------------------------------------------------------------------------------------------
// info

TEST(DataClassesInfo, CountsClassesAndShowsTheirNames) {
  test::TempDir dir("classes_info");
  RowMatrix<double> X = RowMatrix<double>::Ones(6, 2);
  Vec y(6);
  y << 0, 2, 1, 2, 3, 2;
  test::write_dense_h5(dir.file("k.h5"), X, y);
  const FileInfo a = inspect(dir.file("k.h5"));
  EXPECT_TRUE(a.labels.multiclass());
  EXPECT_EQ(a.labels.convention(), "4 classes");
  EXPECT_EQ(a.labels.by_class, (std::vector<int64_t>{1, 1, 3, 1}));
  std::string text = describe(a);
  EXPECT_NE(text.find("labels     y 4 classes: counts 0: 1, 1: 1, 2: 3, 3: 1\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("classes    "), std::string::npos) << text;

  {
    h5::File f(dir.file("k.h5"), h5::File::Mode::ReadWrite);
    f.write_string_list_attribute("y", "classes", {"a", "b", "c", "d", "e"});
  }
  text = describe(inspect(dir.file("k.h5")));
  EXPECT_NE(text.find("y 5 classes: counts 0: 1, 1: 1, 2: 3, 3: 1, 4: 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("classes    0: a, 1: b, 2: c, 3: d, 4: e\n"), std::string::npos) << text;

  y << 0, 1, 1, 0, 1, 1;
  test::write_dense_h5(dir.file("two.h5"), X, y);
  {
    h5::File f(dir.file("two.h5"), h5::File::Mode::ReadWrite);
    f.write_string_list_attribute("y", "classes", {"ham", "spam"});
  }
  text = describe(inspect(dir.file("two.h5")));
  EXPECT_NE(text.find("y 0/1: 4 positive, 2 negative"), std::string::npos) << text;
  EXPECT_NE(text.find("classes    0: ham, 1: spam\n"), std::string::npos) << text;

  y << -1, 1, 2, 1, 1, 1;
  test::write_dense_h5(dir.file("mix.h5"), X, y);
  EXPECT_EQ(inspect(dir.file("mix.h5")).labels.convention(), "invalid (mixes -1 and classes >= 2)");
  y << 0, 1, 2.5, 1, 1, 1;
  test::write_dense_h5(dir.file("frac.h5"), X, y);
  EXPECT_EQ(inspect(dir.file("frac.h5")).labels.convention(),
            "invalid (1 values neither 0/1, -1/+1 nor a class 0, 1, 2, ...)");

  // Many classes: the first 20 counts, then how many in all.
  Vec many = Vec::LinSpaced(30, 0, 29);
  test::write_dense_h5(dir.file("many.h5"), RowMatrix<double>::Ones(30, 1), many);
  text = describe(inspect(dir.file("many.h5")));
  EXPECT_NE(text.find("y 30 classes: counts 0: 1, "), std::string::npos) << text;
  EXPECT_NE(text.find("19: 1, ... (30 in all)\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace logreg::data
