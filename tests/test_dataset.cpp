// HDF5 shard reading: partitions, multi-file concatenation, and errors naming file/row/value.
#include <gtest/gtest.h>

#include <cmath>

#include "logreg/errors.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

std::string load_error(const DataSource& src) {
  try {
    DataLayout layout = scan_layout(src);
    for (int r = 0; r < 3; ++r) load_shard(src, layout, partition_rows(src, layout, r, 3));
  } catch (const DataError& e) {
    EXPECT_EQ(e.exit_code(), 1);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::random_problem(10, 3, 1, X_, y_);
    test::write_dense_h5(dir_.file("a.h5"), X_.topRows(6), y_.head(6));
    test::write_dense_h5(dir_.file("b.h5"), X_.bottomRows(4), y_.tail(4));
  }
  DataSource source(std::vector<std::string> files) {
    DataSource s;
    s.files = std::move(files);
    return s;
  }
  test::TempDir dir_{"dataset"};
  RowMatrix<double> X_;
  Vec y_;
};

TEST_F(DatasetTest, RowsConcatenateAcrossFilesForAnyRankCount) {
  DataSource src = source({dir_.file("a.h5"), dir_.file("b.h5")});
  DataLayout layout = scan_layout(src);
  EXPECT_EQ(layout.rows, 10);
  EXPECT_EQ(layout.cols, 3);
  for (int P : {1, 2, 3, 4, 7, 13}) {
    Index next = 0;
    for (int r = 0; r < P; ++r) {
      RowRange range = partition_rows(src, layout, r, P);
      EXPECT_EQ(range.begin, next);
      EXPECT_LE(range.size(), 10 / P + 1);  // balanced
      Shard s = load_shard(src, layout, range);
      const auto& m = std::get<DenseMatrix<double>>(s.X).data();
      for (Index i = 0; i < range.size(); ++i) {
        EXPECT_EQ(m.row(i), X_.row(range.begin + i)) << "P=" << P << " r=" << r;
        EXPECT_EQ(s.y[i], y_[range.begin + i]);
      }
      next = range.end;
    }
    EXPECT_EQ(next, 10);
  }
}

TEST_F(DatasetTest, Float32HoldsHalfTheBytes) {
  DataSource src = source({dir_.file("a.h5")});
  DataLayout layout = scan_layout(src);
  Shard d = load_shard(src, layout, {0, 6});
  src.dtype = Precision::Float32;
  Shard f = load_shard(src, layout, {0, 6});
  EXPECT_EQ(f.feature_bytes() * 2, d.feature_bytes());
}

TEST_F(DatasetTest, CsrPartitionIsBalancedByNonZeros) {
  RowMatrix<double> X = RowMatrix<double>::Zero(8, 4);
  X.row(0).setOnes();  // 4 non-zeros, then 1 each
  X.row(1).setOnes();
  for (Index i = 2; i < 8; ++i) X(i, i % 4) = 1.0;
  Vec y = Vec::Zero(8);
  test::write_csr_h5(dir_.file("c.h5"), X, y);
  DataSource src = source({dir_.file("c.h5")});
  DataLayout layout = scan_layout(src);
  EXPECT_TRUE(layout.sparse);
  EXPECT_EQ(layout.nnz, 14);
  // Half of the 14 non-zeros is 7: rank 0 gets rows 0-1 (8 nnz), rank 1 the six rows of one each.
  RowRange r0 = partition_rows(src, layout, 0, 2), r1 = partition_rows(src, layout, 1, 2);
  EXPECT_EQ(r0.end, 2);
  EXPECT_EQ(r1.begin, 2);
  EXPECT_EQ(r1.end, 8);
  Shard s = load_shard(src, layout, r1);
  EXPECT_EQ(std::get<CsrMatrix<double>>(s.X).nnz(), 6);
}

TEST_F(DatasetTest, MinusOneLabelsMapToZero) {
  Vec y(4);
  y << -1, 1, -1, 1;
  test::write_dense_h5(dir_.file("pm.h5"), X_.topRows(4), y);
  DataSource src = source({dir_.file("pm.h5")});
  LabelCounts counts;
  Shard s = load_shard(src, scan_layout(src), {0, 4}, &counts);
  EXPECT_EQ(s.y, (Vec(4) << 0, 1, 0, 1).finished());
  EXPECT_EQ(counts.minus_ones, 2);
  EXPECT_EQ(counts.ones, 2);
}

TEST_F(DatasetTest, ErrorsNameTheCulprit) {
  // Bad label value: names file, dataset, row and value.
  Vec y = y_.head(6);
  y[4] = 2.0;
  test::write_dense_h5(dir_.file("badlabel.h5"), X_.topRows(6), y);
  std::string e = load_error(source({dir_.file("badlabel.h5")}));
  EXPECT_NE(e.find("badlabel.h5:/y"), std::string::npos) << e;
  EXPECT_NE(e.find("row 4"), std::string::npos) << e;
  EXPECT_NE(e.find("label 2"), std::string::npos) << e;

  // Row numbers are global and also given within the file.
  e = load_error(source({dir_.file("a.h5"), dir_.file("badlabel.h5")}));
  EXPECT_NE(e.find("row 10 (row 4 of"), std::string::npos) << e;

  // Non-finite feature: names row and column.
  RowMatrix<double> X = X_.topRows(6);
  X(3, 2) = std::nan("");
  test::write_dense_h5(dir_.file("nan.h5"), X, y_.head(6));
  e = load_error(source({dir_.file("nan.h5")}));
  EXPECT_NE(e.find("nan.h5:/X"), std::string::npos) << e;
  EXPECT_NE(e.find("row 3, column 2"), std::string::npos) << e;

  // Negative weight.
  Vec w = Vec::Ones(6);
  w[5] = -0.5;
  test::write_dense_h5(dir_.file("w.h5"), X_.topRows(6), y_.head(6), &w);
  DataSource ws = source({dir_.file("w.h5")});
  ws.weights = "w";
  e = load_error(ws);
  EXPECT_NE(e.find("row 5"), std::string::npos) << e;
  EXPECT_NE(e.find("-0.5"), std::string::npos) << e;

  // Feature count mismatch between files.
  RowMatrix<double> X4 = RowMatrix<double>::Ones(2, 4);
  test::write_dense_h5(dir_.file("d4.h5"), X4, Vec::Zero(2));
  e = load_error(source({dir_.file("a.h5"), dir_.file("d4.h5")}));
  EXPECT_NE(e.find("d4.h5: has 4 features but"), std::string::npos) << e;

  // Label count mismatch.
  {
    h5::File f(dir_.file("short.h5"), h5::File::Mode::Truncate);
    auto ds = f.create_dataset("X", H5T_IEEE_F64LE, {3, 2});
    std::vector<double> v(6, 1.0);
    ds.write_rows(0, 3, H5T_NATIVE_DOUBLE, v.data());
    h5::write_vector(f, "y", v.data(), 2);
  }
  e = load_error(source({dir_.file("short.h5")}));
  EXPECT_NE(e.find("short.h5:/y: has 2 entries but 'X' has 3 rows"), std::string::npos) << e;

  // Missing dataset, wrong rank, missing file, not HDF5.
  DataSource missing = source({dir_.file("a.h5")});
  missing.features = "features";
  e = load_error(missing);
  EXPECT_NE(e.find("features 'features' not found"), std::string::npos) << e;
  {
    h5::File f(dir_.file("rank1.h5"), h5::File::Mode::Truncate);
    std::vector<double> v(3, 1.0);
    h5::write_vector(f, "X", v.data(), 3);
    h5::write_vector(f, "y", v.data(), 3);
  }
  e = load_error(source({dir_.file("rank1.h5")}));
  EXPECT_NE(e.find("expected a 2-D dataset"), std::string::npos) << e;
  EXPECT_THROW(expand_paths({dir_.file("nope.h5")}, "data.train"), DataError);
  EXPECT_THROW(expand_paths({dir_.file("nope_*.h5")}, "data.train"), DataError);
  {
    FILE* f = std::fopen(dir_.file("text.h5").c_str(), "w");
    std::fputs("not hdf5\n", f);
    std::fclose(f);
  }
  e = load_error(source({dir_.file("text.h5")}));
  EXPECT_NE(e.find("text.h5: not an HDF5 file"), std::string::npos) << e;
}

TEST_F(DatasetTest, BrokenCsrIsRejected) {
  RowMatrix<double> X = RowMatrix<double>::Identity(4, 4);
  test::write_csr_h5(dir_.file("csr.h5"), X, Vec::Zero(4));
  {  // column id out of range
    h5::File f(dir_.file("csr.h5"), h5::File::Mode::ReadWrite);
    auto idx = f.open_dataset("X/indices");
    int64_t bad = 9;
    idx.write_rows(2, 1, H5T_NATIVE_INT64, &bad);
  }
  std::string e = load_error(source({dir_.file("csr.h5")}));
  EXPECT_NE(e.find("column id 9 out of range [0, 4)"), std::string::npos) << e;
  EXPECT_NE(e.find("row 2"), std::string::npos) << e;
  test::write_csr_h5(dir_.file("csr2.h5"), X, Vec::Zero(4));
  {  // decreasing row pointer
    h5::File f(dir_.file("csr2.h5"), h5::File::Mode::ReadWrite);
    auto ptr = f.open_dataset("X/indptr");
    int64_t bad = 0;
    ptr.write_rows(2, 1, H5T_NATIVE_INT64, &bad);
  }
  e = load_error(source({dir_.file("csr2.h5")}));
  EXPECT_NE(e.find("indptr: decreasing"), std::string::npos) << e;
}

}  // namespace
}  // namespace logreg

namespace logreg {
namespace {

TEST(Hdf5, ReadsUtf8VariableLengthStringAttributes) {
  // The attribute form h5py writes by default (f.attrs["solver"] = "lbfgs").
  test::TempDir dir("h5str");
  const std::string path = dir.file("s.h5");
  {
    h5::File f(path, h5::File::Mode::Truncate);
    h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    h5::Handle attr(H5Acreate2(f.id(), "solver", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
    const char* value = "lbfgs";
    ASSERT_GE(H5Awrite(attr.get(), type.get(), &value), 0);
  }
  h5::File f(path, h5::File::Mode::ReadOnly);
  EXPECT_EQ(f.read_string_attribute("/", "solver"), "lbfgs");
}

}  // namespace
}  // namespace logreg
