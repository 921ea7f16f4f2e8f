// The model file: both families round-trip; a binomial file holds exactly the datasets and
// attributes it always has, plus the six inference datasets when its record has them; a
// multinomial one has coef (K, d), intercept (K,), family and the class names; files whose shapes
// do not fit their family, or with some inference datasets only, are refused naming the file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/model_io.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

// The names of the root's links (H5Lget_name_by_idx) or attributes (H5Aget_name_by_idx).
using NameAt = ssize_t (*)(hid_t, const char*, H5_index_t, H5_iter_order_t, hsize_t, char*, size_t,
                           hid_t);
std::set<std::string> root_names(const std::string& path, NameAt name_at) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  std::set<std::string> names;
  char name[256];
  for (hsize_t i = 0;
       name_at(f.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) > 0;
       ++i) {
    names.insert(name);
  }
  return names;
}
std::set<std::string> root_links(const std::string& path) {
  return root_names(path, &H5Lget_name_by_idx);
}
std::set<std::string> root_attributes(const std::string& path) {
  return root_names(path, &H5Aget_name_by_idx);
}

ModelRecord fit_attributes() {
  ModelRecord m;
  m.objective = 0.25;
  m.iterations = 17;
  m.converged = true;
  m.solver = "lbfgs";
  m.stop_reason = "gradient tolerance";
  m.l2 = 0.5;
  m.l1 = 0.0;
  m.n_samples = 1000;
  m.extra["test_accuracy"] = 0.9;
  m.strings["kernels"] = "generic";
  return m;
}

ModelRecord multinomial_model(int k, Index d) {
  ModelRecord m = fit_attributes();
  m.family = "multinomial";
  m.classes = k;
  m.coef_matrix.resize(k, d);
  for (Index c = 0; c < k; ++c) {
    for (Index j = 0; j < d; ++j) m.coef_matrix(c, j) = 0.1 * static_cast<double>(c * 10 + j) - 1;
  }
  m.intercepts = Vec::LinSpaced(k, -0.5, 0.5);
  m.n_features = d;
  return m;
}

std::string read_error(const std::string& path) {
  try {
    read_model(path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ModelIo, BinomialRoundTripsWithTheSameLayoutAsEver) {
  test::TempDir dir("model_binomial");
  ModelRecord m = fit_attributes();
  m.coef = Vec::LinSpaced(5, -1.0, 1.0);
  m.intercept = 0.75;
  m.n_features = 5;
  write_model(dir.file("m.h5"), m);

  EXPECT_EQ(root_links(dir.file("m.h5")), (std::set<std::string>{"coef", "intercept"}));
  EXPECT_EQ(
      root_attributes(dir.file("m.h5")),
      (std::set<std::string>{"objective", "iterations", "converged", "solver", "stop_reason", "l2",
                             "l1", "n_samples", "n_features", "test_accuracy", "kernels"}));
  h5::File f(dir.file("m.h5"), h5::File::Mode::ReadOnly);
  EXPECT_EQ(f.open_dataset("coef").shape(), std::vector<hsize_t>{5});
  EXPECT_TRUE(f.open_dataset("intercept").shape().empty());

  const ModelRecord r = read_model(dir.file("m.h5"));
  EXPECT_EQ(r.family, "binomial");
  EXPECT_FALSE(r.multinomial());
  EXPECT_EQ(r.classes, 0);
  EXPECT_EQ(r.coef, m.coef);
  EXPECT_EQ(r.intercept, 0.75);
  EXPECT_EQ(r.coef_matrix.size(), 0);
  EXPECT_EQ(r.intercepts.size(), 0);
  EXPECT_TRUE(r.class_names.empty());
  EXPECT_EQ(r.objective, 0.25);
  EXPECT_EQ(r.iterations, 17);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.solver, "lbfgs");
  EXPECT_EQ(r.stop_reason, "gradient tolerance");
  EXPECT_EQ(r.l2, 0.5);
  EXPECT_EQ(r.n_samples, 1000);
  EXPECT_EQ(r.n_features, 5);
  EXPECT_FALSE(r.inference.has_value());
}

Inference inference_of(Index d, bool intercept) {
  Inference inf;
  inf.std_error = Vec::LinSpaced(d, 0.1, 0.5);
  inf.z_value = Vec::LinSpaced(d, -3.0, 2.0);
  inf.p_value = Vec::LinSpaced(d, 1e-20, 0.9);
  const double nan = std::nan("");
  inf.intercept_std_error = intercept ? 0.25 : nan;
  inf.intercept_z_value = intercept ? 3.0 : nan;
  inf.intercept_p_value = intercept ? 0.0027 : nan;
  return inf;
}

TEST(ModelIo, InferenceRoundTripsAsSixDatasets) {
  test::TempDir dir("model_inference");
  for (bool intercept : {true, false}) {
    ModelRecord m = fit_attributes();
    m.coef = Vec::LinSpaced(5, -1.0, 1.0);
    m.intercept = intercept ? 0.75 : 0.0;
    m.n_features = 5;
    m.inference = inference_of(5, intercept);
    write_model(dir.file("m.h5"), m);

    EXPECT_EQ(
        root_links(dir.file("m.h5")),
        (std::set<std::string>{"coef", "intercept", "std_error", "z_value", "p_value",
                               "intercept_std_error", "intercept_z_value", "intercept_p_value"}));
    {
      h5::File f(dir.file("m.h5"), h5::File::Mode::ReadOnly);
      for (const char* v : {"std_error", "z_value", "p_value"}) {
        EXPECT_EQ(f.open_dataset(v).shape(), std::vector<hsize_t>{5}) << v;
      }
      EXPECT_TRUE(f.open_dataset("intercept_p_value").shape().empty());
    }
    const ModelRecord r = read_model(dir.file("m.h5"));
    ASSERT_TRUE(r.inference.has_value());
    const Inference& a = *r.inference;
    const Inference& b = *m.inference;
    EXPECT_EQ(a.std_error, b.std_error);
    EXPECT_EQ(a.z_value, b.z_value);
    EXPECT_EQ(a.p_value, b.p_value);
    if (intercept) {
      EXPECT_EQ(a.intercept_std_error, 0.25);
      EXPECT_EQ(a.intercept_z_value, 3.0);
      EXPECT_EQ(a.intercept_p_value, 0.0027);
    } else {
      EXPECT_TRUE(std::isnan(a.intercept_std_error) && std::isnan(a.intercept_z_value) &&
                  std::isnan(a.intercept_p_value));
    }
  }
}

TEST(ModelIo, InferenceThatDoesNotFitIsNeitherWrittenNorRead) {
  test::TempDir dir("model_inference_bad");
  ModelRecord m = multinomial_model(3, 4);
  m.inference = inference_of(4, true);
  EXPECT_THROW(write_model(dir.file("a.h5"), m), std::invalid_argument);
  m = fit_attributes();
  m.coef = Vec::Zero(4);
  m.inference = inference_of(3, true);
  EXPECT_THROW(write_model(dir.file("b.h5"), m), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.h5")));

  // Files written by other tools: some of the datasets only, or of another length than coef.
  m.inference = inference_of(4, true);
  write_model(dir.file("c.h5"), m);
  {
    h5::File f(dir.file("c.h5"), h5::File::Mode::ReadWrite);
    H5Ldelete(f.id(), "z_value", H5P_DEFAULT);
  }
  std::string e = read_error(dir.file("c.h5"));
  EXPECT_NE(e.find(dir.file("c.h5") + ":/z_value: missing"), std::string::npos) << e;
  m.inference = inference_of(4, true);
  write_model(dir.file("d.h5"), m);
  {
    h5::File f(dir.file("d.h5"), h5::File::Mode::ReadWrite);
    H5Ldelete(f.id(), "p_value", H5P_DEFAULT);
    const std::vector<double> three = {1, 2, 3};
    h5::write_vector(f, "p_value", three.data(), 3);
  }
  e = read_error(dir.file("d.h5"));
  EXPECT_NE(e.find(dir.file("d.h5") + ":/p_value: 3 entries for the 4 of coef"), std::string::npos)
      << e;
}

TEST(ModelIo, MultinomialRoundTripsWithItsClassNames) {
  test::TempDir dir("model_multinomial");
  ModelRecord m = multinomial_model(3, 4);
  m.class_names = {"setosa", "versicolor", "virginica"};
  write_model(dir.file("m.h5"), m);

  EXPECT_EQ(root_links(dir.file("m.h5")), (std::set<std::string>{"coef", "intercept"}));
  const std::set<std::string> attrs = root_attributes(dir.file("m.h5"));
  EXPECT_TRUE(attrs.count("family") && attrs.count("classes") && attrs.count("n_features"));
  {
    h5::File f(dir.file("m.h5"), h5::File::Mode::ReadOnly);
    EXPECT_EQ(f.open_dataset("coef").shape(), (std::vector<hsize_t>{3, 4}));
    EXPECT_EQ(f.open_dataset("intercept").shape(), std::vector<hsize_t>{3});
    EXPECT_EQ(f.read_string_attribute("/", "family"), "multinomial");
    EXPECT_EQ(f.read_string_list_attribute("/", "classes"), m.class_names);
    EXPECT_EQ(f.read_int_attribute("/", "n_features"), std::vector<int64_t>{4});
    // Row-major: coef[1, 2] is class 1, feature 2.
    std::vector<hsize_t> dims;
    const std::vector<double> coef = h5::read_array(f, "coef", dims);
    EXPECT_EQ(coef[1 * 4 + 2], m.coef_matrix(1, 2));
  }
  const ModelRecord r = read_model(dir.file("m.h5"));
  EXPECT_TRUE(r.multinomial());
  EXPECT_EQ(r.classes, 3);
  EXPECT_EQ(r.coef_matrix, m.coef_matrix);
  EXPECT_EQ(r.intercepts, m.intercepts);
  EXPECT_EQ(r.class_names, m.class_names);
  EXPECT_EQ(r.coef.size(), 0);
  EXPECT_EQ(r.n_features, 4);
  EXPECT_EQ(r.iterations, 17);
  EXPECT_EQ(r.solver, "lbfgs");
}

TEST(ModelIo, MultinomialWithoutNamesGetsTheClassIndices) {
  test::TempDir dir("model_multinomial_names");
  write_model(dir.file("m.h5"), multinomial_model(4, 2));
  const ModelRecord r = read_model(dir.file("m.h5"));
  EXPECT_EQ(r.class_names, (std::vector<std::string>{"0", "1", "2", "3"}));
}

TEST(ModelIo, InconsistentRecordsAreNotWritten) {
  test::TempDir dir("model_bad_record");
  ModelRecord m = multinomial_model(3, 4);
  m.intercepts.resize(2);
  EXPECT_THROW(write_model(dir.file("a.h5"), m), std::invalid_argument);
  m = multinomial_model(3, 4);
  m.class_names = {"a", "b"};
  EXPECT_THROW(write_model(dir.file("b.h5"), m), std::invalid_argument);
  m = multinomial_model(3, 4);
  m.classes = 1;
  EXPECT_THROW(write_model(dir.file("c.h5"), m), std::invalid_argument);
  m = fit_attributes();
  m.family = "poisson";
  EXPECT_THROW(write_model(dir.file("d.h5"), m), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.h5")));
}

// Files written by other tools (h5py) whose shapes do not fit their family.
TEST(ModelIo, ShapesThatDoNotFitTheFamilyAreRefusedNamingTheFile) {
  test::TempDir dir("model_bad_file");
  const std::vector<double> six = {1, 2, 3, 4, 5, 6};
  auto write = [&](const std::string& name, const std::string& family,
                   const std::vector<hsize_t>& coef_dims, const std::vector<hsize_t>& b_dims) {
    h5::File f(dir.file(name), h5::File::Mode::Truncate);
    h5::write_array(f, "coef", six.data(), coef_dims);
    h5::write_array(f, "intercept", six.data(), b_dims);
    if (!family.empty()) f.write_attribute("/", "family", family);
    return dir.file(name);
  };
  std::string m = read_error(write("flat.h5", "multinomial", {6}, {3}));
  EXPECT_NE(m.find(dir.file("flat.h5") + ":/coef"), std::string::npos) << m;
  EXPECT_NE(m.find("shape (K, d)"), std::string::npos) << m;
  EXPECT_NE(m.find("(6,)"), std::string::npos) << m;

  m = read_error(write("one_class.h5", "multinomial", {1, 6}, {1}));
  EXPECT_NE(m.find("K >= 2"), std::string::npos) << m;

  m = read_error(write("short_b.h5", "multinomial", {3, 2}, {2}));
  EXPECT_NE(m.find(dir.file("short_b.h5") + ":/intercept"), std::string::npos) << m;
  EXPECT_NE(m.find("(3,)"), std::string::npos) << m;

  m = read_error(write("scalar_b.h5", "multinomial", {2, 3}, {}));
  EXPECT_NE(m.find(":/intercept"), std::string::npos) << m;

  const std::string names = write("names.h5", "multinomial", {3, 2}, {3});
  {
    h5::File f(names, h5::File::Mode::ReadWrite);
    f.write_string_list_attribute("/", "classes", {"a", "b"});
  }
  m = read_error(names);
  EXPECT_NE(m.find(names + ":/@classes: 2 class names for the 3 classes"), std::string::npos) << m;

  m = read_error(write("matrix_binomial.h5", "", {2, 3}, {}));
  EXPECT_NE(m.find(dir.file("matrix_binomial.h5") + ":/coef"), std::string::npos) << m;
  EXPECT_NE(m.find("1-D"), std::string::npos) << m;

  m = read_error(write("family.h5", "ordinal", {6}, {}));
  EXPECT_NE(m.find(dir.file("family.h5")), std::string::npos) << m;
  EXPECT_NE(m.find("unknown model family 'ordinal'"), std::string::npos) << m;

  // Absent family: binomial, as every file written before the attribute existed.
  EXPECT_EQ(read_model(write("old.h5", "", {6}, {})).coef.size(), 6);
  EXPECT_EQ(read_model(write("said.h5", "binomial", {6}, {})).family, "binomial");
}

// String lists as h5py writes them: variable-length (lists of str) or fixed-size (numpy 'S').
TEST(ModelIo, StringListAttributesOfEitherKindAreRead) {
  test::TempDir dir("string_lists");
  h5::File f(dir.file("s.h5"), h5::File::Mode::Truncate);
  f.write_string_list_attribute("/", "vlen", {"", "é", "a,b"});
  EXPECT_EQ(f.read_string_list_attribute("/", "vlen"), (std::vector<std::string>{"", "é", "a,b"}));

  h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), 4);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  const hsize_t n = 3;
  h5::Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  h5::Handle a(H5Acreate2(f.id(), "fixed", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose);
  const char data[13] = "ab\0\0cdef\0\0\0\0";
  ASSERT_GE(H5Awrite(a.get(), type.get(), data), 0);
  EXPECT_EQ(f.read_string_list_attribute("/", "fixed"),
            (std::vector<std::string>{"ab", "cdef", ""}));

  f.write_attribute("/", "one", std::string("alone"));
  EXPECT_EQ(f.read_string_list_attribute("/", "one"), std::vector<std::string>{"alone"});
  f.write_attribute("/", "number", 1.5);
  EXPECT_THROW(f.read_string_list_attribute("/", "number"), DataError);
}

// README, "Outputs": scalars as scalar dataspaces, strings as variable-length UTF-8 scalars, the
// training files as three parallel attributes; a fingerprint of the ends of a file and its size.
TEST(ModelIo, ScalarAttributesAndDataFilesRoundTrip) {
  test::TempDir dir("model_provenance");
  {
    std::ofstream(dir.file("small.txt"), std::ios::binary) << "hello\n";
    std::ofstream big(dir.file("big.bin"), std::ios::binary);
    for (size_t i = 0; i < 3 * (size_t{1} << 20) + 5; ++i)
      big.put(static_cast<char>((i * 7 + 3) % 251));
  }
  const DataFileRecord small = describe_data_file(dir.file("small.txt"));
  EXPECT_EQ(small.bytes, 6);
  EXPECT_EQ(small.fingerprint, "7e677548fac39155");  // FNV-1a 64 of "hello\n" and 6 (LE)
  EXPECT_EQ(describe_data_file(dir.file("big.bin")).fingerprint, "5cfc80515ef0ccc8");
  const DataFileRecord missing = describe_data_file(dir.file("none.h5"));
  EXPECT_EQ(missing.bytes, -1);
  EXPECT_EQ(missing.fingerprint, "");

  ModelRecord m = fit_attributes();
  m.coef = Vec::LinSpaced(3, -1.0, 1.0);
  m.n_features = 3;
  m.strings["config"] = "data:\n  train: t.h5\n";
  m.data_files = {small, missing};
  write_model(dir.file("m.h5"), m);
  h5::File f(dir.file("m.h5"), h5::File::Mode::ReadOnly);
  for (const char* name : {"iterations", "converged", "n_samples", "n_features", "objective"}) {
    h5::Handle a(H5Aopen_by_name(f.id(), "/", name, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    h5::Handle space(H5Aget_space(a.get()), H5Sclose);
    EXPECT_EQ(H5Sget_simple_extent_type(space.get()), H5S_SCALAR) << name;
  }
  for (const char* name : {"solver", "stop_reason", "kernels", "config"}) {
    h5::Handle a(H5Aopen_by_name(f.id(), "/", name, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    h5::Handle type(H5Aget_type(a.get()), H5Tclose);
    EXPECT_GT(H5Tis_variable_str(type.get()), 0) << name;
    EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8) << name;
  }
  EXPECT_EQ(f.read_string_attribute("/", "config"), "data:\n  train: t.h5\n");
  const ModelRecord r = read_model(dir.file("m.h5"));
  EXPECT_EQ(r.iterations, 17);
  EXPECT_EQ(r.stop_reason, "gradient tolerance");
  ASSERT_EQ(r.data_files.size(), 2u);
  EXPECT_EQ(r.data_files[0].path, small.path);
  EXPECT_EQ(r.data_files[0].bytes, 6);
  EXPECT_EQ(r.data_files[0].fingerprint, small.fingerprint);
  EXPECT_EQ(r.data_files[1].bytes, -1);
}

// Models written before: one-element integer arrays and fixed-length strings.
TEST(ModelIo, OlderAttributeLayoutsAreRead) {
  test::TempDir dir("model_old");
  {
    h5::File f(dir.file("old.h5"), h5::File::Mode::Truncate);
    const Vec coef = Vec::Ones(2);
    h5::write_vector(f, "coef", coef.data(), 2);
    h5::write_scalar(f, "intercept", 0.5);
    f.write_attribute("/", "iterations", std::vector<int64_t>{9});
    f.write_attribute("/", "converged", std::vector<int64_t>{1});
    f.write_attribute("/", "n_samples", std::vector<int64_t>{40});
    f.write_attribute("/", "solver", std::string("gd"));
  }
  const ModelRecord r = read_model(dir.file("old.h5"));
  EXPECT_EQ(r.iterations, 9);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.n_samples, 40);
  EXPECT_EQ(r.solver, "gd");
  EXPECT_TRUE(r.data_files.empty());
}

}  // namespace
}  // namespace logreg
