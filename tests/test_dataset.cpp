// HDF5 shard reading: partitions, multi-file concatenation, errors naming file/row/value, and
// the guards on inputs (non-regular files, stat and HDF5 open errors, CSR column ids).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

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

// Classes mode keeps integer labels as they are and counts them by value (index v + 1 for label
// v), each rank over its own rows; Binary mode (the default) still refuses a label 2.
TEST_F(DatasetTest, ClassesModeKeepsLabelsAndCountsThemByValue) {
  Vec y(8);
  y << 0, 2, 1, 3, 2, -1, 0, 2;
  test::write_dense_h5(dir_.file("c1.h5"), X_.topRows(5), y.head(5));
  test::write_dense_h5(dir_.file("c2.h5"), X_.bottomRows(3), y.tail(3));
  DataSource src = source({dir_.file("c1.h5"), dir_.file("c2.h5")});
  src.labels_mode = LabelMode::Classes;
  const DataLayout layout = scan_layout(src);
  LabelCounts all;
  const Shard whole = load_shard(src, layout, {0, 8}, &all);
  EXPECT_EQ(whole.y, y);
  EXPECT_EQ(all.by_value, (std::vector<double>{1, 2, 1, 3, 1}));  // -1, 0, 1, 2, 3
  EXPECT_EQ(all.zeros, 2);
  EXPECT_EQ(all.ones, 1);
  EXPECT_EQ(all.minus_ones, 1);

  std::vector<double> sum(5, 0.0);
  for (int r = 0; r < 3; ++r) {
    LabelCounts c;
    const RowRange range = partition_rows(src, layout, r, 3);
    const Shard s = load_shard(src, layout, range, &c);
    EXPECT_EQ(s.y, y.segment(range.begin, range.size())) << "rank " << r;
    const double top = s.y.size() > 0 ? s.y.maxCoeff() : -2;
    EXPECT_EQ(c.by_value.size(), static_cast<size_t>(top + 2)) << "rank " << r;
    for (size_t v = 0; v < c.by_value.size(); ++v) sum[v] += c.by_value[v];
  }
  EXPECT_EQ(sum, all.by_value);

  LabelCounts none;
  load_shard(src, layout, {3, 3}, &none);
  EXPECT_TRUE(none.by_value.empty());

  src.labels_mode = LabelMode::Binary;
  const std::string e = load_error(src);
  EXPECT_NE(e.find("c1.h5:/y: row 1: label 2 is not 0/1 or -1/+1"), std::string::npos) << e;
}

// Classes mode refuses what is not an integer in [-1, 2^31-1], naming file, dataset, row and
// value.
TEST_F(DatasetTest, ClassesModeRefusesLabelsThatAreNotClasses) {
  const struct {
    double value;
    const char* text;
  } bad[] = {{2.5, "label 2.5 "},
             {-2, "label -2 "},
             {2147483648.0, "label 2147483648 "},
             {std::nan(""), "label nan "},
             {-HUGE_VAL, "label -inf "}};
  for (const auto& b : bad) {
    Vec y = Vec::Zero(4);
    y[3] = b.value;
    test::write_dense_h5(dir_.file("bad.h5"), X_.topRows(4), y);
    DataSource src = source({dir_.file("a.h5"), dir_.file("bad.h5")});
    src.labels_mode = LabelMode::Classes;
    const std::string e = load_error(src);
    EXPECT_NE(e.find("bad.h5:/y: row 9 (row 3 of " + dir_.file("bad.h5") + "): "),
              std::string::npos)
        << e;
    EXPECT_NE(e.find(std::string(b.text) + "is not a class label (an integer from -1 to "
                                           "65535)"),
              std::string::npos)
        << e;
  }
  Vec y = Vec::Zero(4);
  y[2] = 65535.0;
  test::write_dense_h5(dir_.file("top.h5"), X_.topRows(4), y);
  DataSource src = source({dir_.file("top.h5")});
  src.labels_mode = LabelMode::Classes;
  LabelCounts c;
  const Shard s = load_shard(src, scan_layout(src), {0, 2}, &c);  // the large label not read
  EXPECT_EQ(c.by_value, (std::vector<double>{0, 2}));
  EXPECT_FALSE(c.add_class(0.5));
  EXPECT_FALSE(c.add_class(-3));
  EXPECT_EQ(c.by_value.size(), 2u);
}

TEST_F(DatasetTest, ClassNamesAreReadFromTheLabelDataset) {
  EXPECT_TRUE(read_class_names(dir_.file("a.h5"), "y").empty());
  EXPECT_TRUE(read_class_names(dir_.file("a.h5"), "absent").empty());
  {
    h5::File f(dir_.file("a.h5"), h5::File::Mode::ReadWrite);
    f.write_string_list_attribute("y", "classes", {"cat", "dog", "émeu"});
    f.write_attribute("X", "classes", std::string("not a label dataset"));
  }
  EXPECT_EQ(read_class_names(dir_.file("a.h5"), "y"),
            (std::vector<std::string>{"cat", "dog", "émeu"}));
  {
    h5::File f(dir_.file("b.h5"), h5::File::Mode::ReadWrite);
    f.write_attribute("y", "classes", 3.0);
  }
  try {
    read_class_names(dir_.file("b.h5"), "y");
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(dir_.file("b.h5")), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("classes"), std::string::npos) << e.what();
  }
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

// Input guards: non-regular files, stat errors, literal names with glob characters, HDF5 open and
// filter failures decoded into causes, many files under a low open-file limit, and CSR rows with
// repeated or non-integral column ids.
namespace logreg {
namespace {

template <typename F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    EXPECT_EQ(e.exit_code(), 1);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

// Opening a FIFO blocks until a writer comes: a regression must end the test program at once,
// not at CTest's time limit.
struct HangGuard {
  HangGuard() { alarm(20); }
  ~HangGuard() { alarm(0); }
};

// Lowers the soft limit on open files for the life of the object.
class FileLimit {
 public:
  explicit FileLimit(rlim_t n) {
    getrlimit(RLIMIT_NOFILE, &old_);
    rlimit low = old_;
    low.rlim_cur = std::min(n, old_.rlim_cur);
    setrlimit(RLIMIT_NOFILE, &low);
  }
  ~FileLimit() { setrlimit(RLIMIT_NOFILE, &old_); }

 private:
  rlimit old_{};
};

bool python_has_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") == 0;
}

// A CSR file whose column ids are stored with `index_type` (an integer or a float type).
void write_csr_raw(const std::string& path, const std::vector<double>& indices, hid_t index_type,
                   const std::vector<int64_t>& indptr, int64_t cols) {
  h5::File f(path, h5::File::Mode::Truncate);
  f.create_group("X");
  const hsize_t nnz = indices.size(), rows = indptr.size() - 1;
  const std::vector<double> data(nnz, 1.0), y(rows, 0.0);
  h5::write_vector(f, "X/data", data.data(), nnz);
  f.create_dataset("X/indices", index_type, {nnz})
      .write_rows(0, nnz, H5T_NATIVE_DOUBLE, indices.data());
  f.create_dataset("X/indptr", H5T_STD_I64LE, {rows + 1})
      .write_rows(0, rows + 1, H5T_NATIVE_INT64, indptr.data());
  f.write_attribute("X", "shape", std::vector<int64_t>{static_cast<int64_t>(rows), cols});
  h5::write_vector(f, "y", y.data(), rows);
}

TEST_F(DatasetTest, NonRegularFilesAreRefusedBeforeOpening) {
  HangGuard guard;
  const std::string fifo = dir_.file("pipe.h5");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(data_error([&] { expand_paths({fifo}, "data.train"); }),
            "data.train: " + fifo + " is not a regular file (a FIFO)");
  EXPECT_EQ(data_error([&] { h5::File f(fifo, h5::File::Mode::ReadOnly); }),
            fifo + " is not a regular file (a FIFO)");
  EXPECT_FALSE(h5::is_hdf5(fifo));

  const std::string sub = dir_.file("sub.h5");
  ASSERT_EQ(mkdir(sub.c_str(), 0700), 0);
  EXPECT_EQ(data_error([&] { expand_paths({sub}, "data.test"); }),
            "data.test: " + sub + " is not a regular file (a directory)");
  // A glob match is checked as well.
  EXPECT_EQ(data_error([&] { expand_paths({dir_.file("su*")}, "data.validation"); }),
            "data.validation: " + sub + " is not a regular file (a directory)");

  const std::string sock = dir_.file("sock.h5");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock.c_str());
  const int s = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(bind(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  close(s);
  EXPECT_EQ(data_error([&] { expand_paths({sock}, "--data"); }),
            "--data: " + sock + " is not a regular file (a socket)");

  struct stat st {};
  if (stat("/dev/zero", &st) == 0 && S_ISCHR(st.st_mode)) {
    EXPECT_EQ(data_error([&] { expand_paths({"/dev/zero"}, "data.train"); }),
              "data.train: /dev/zero is not a regular file (a character device)");
  }
}

TEST_F(DatasetTest, StatErrorsNameTheirCause) {
  const std::string a = dir_.file("loop_a.h5"), b = dir_.file("loop_b.h5");
  ASSERT_EQ(symlink("loop_b.h5", a.c_str()), 0);
  ASSERT_EQ(symlink("loop_a.h5", b.c_str()), 0);
  EXPECT_EQ(data_error([&] { expand_paths({a}, "data.train"); }),
            "data.train: " + a + ": too many levels of symbolic links");
  EXPECT_EQ(data_error([&] { h5::File f(a, h5::File::Mode::ReadOnly); }),
            a + ": too many levels of symbolic links");

  const std::string dangling = dir_.file("dangling.h5");
  ASSERT_EQ(symlink("nowhere.h5", dangling.c_str()), 0);
  EXPECT_EQ(data_error([&] { expand_paths({dangling}, "data.train"); }),
            "data.train: " + dangling + ": broken symbolic link (its target does not exist)");

  const std::string below_file = dir_.file("a.h5") + "/x.h5";
  EXPECT_EQ(data_error([&] { expand_paths({below_file}, "data.train"); }),
            "data.train: " + below_file + ": not a directory");
  EXPECT_EQ(data_error([&] { expand_paths({dir_.file("nope.h5")}, "data.train"); }),
            "data.train: file not found: " + dir_.file("nope.h5"));

  if (geteuid() != 0) {  // root reads anything
    const std::string secret = dir_.file("secret.h5");
    test::write_dense_h5(secret, X_.topRows(2), y_.head(2));
    ASSERT_EQ(chmod(secret.c_str(), 0), 0);
    EXPECT_EQ(data_error([&] { expand_paths({secret}, "data.train"); }),
              "data.train: " + secret + ": permission denied");
  }
}

TEST_F(DatasetTest, AnExistingNameWithGlobCharactersIsLiteral) {
  const std::string literal = dir_.file("train[1].h5");
  test::write_dense_h5(literal, X_.topRows(6), y_.head(6));
  test::write_dense_h5(dir_.file("train1.h5"), X_.topRows(4), y_.head(4));  // the pattern's match
  const auto files = expand_paths({literal}, "data.train");
  EXPECT_EQ(files, std::vector<std::string>{literal});
  EXPECT_EQ(scan_layout(source(files)).rows, 6);
  // A name that does not exist is still a pattern.
  EXPECT_EQ(expand_paths({dir_.file("t[r]ain1.h5")}, "data.train"),
            std::vector<std::string>{dir_.file("train1.h5")});
}

TEST_F(DatasetTest, MissingFilterIsNamedWhenTheDataIsScanned) {
  if (!python_has_h5py()) GTEST_SKIP() << "needs /usr/bin/python3 with h5py";
  const std::string lzf = dir_.file("lzf.h5");
  const std::string cmd = "/usr/bin/python3 -c 'import h5py, numpy as np; f = h5py.File(\"" + lzf +
                          "\", \"w\"); f.create_dataset(\"X\", data=np.ones((20, 3)), "
                          "compression=\"lzf\"); f[\"y\"] = np.zeros(20)'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string e = data_error([&] { scan_layout(source({lzf})); });
  EXPECT_EQ(e.rfind(lzf + ":/X: compressed with HDF5 filter 'lzf' (id 32000), which this HDF5 "
                          "library does not have",
                    0),
            0u)
      << e;
}

TEST_F(DatasetTest, OptionalFilterSkippedOnWriteIsNoObstacle) {
  // HDF5 skips an optional filter it lacks when writing: the chunks are stored as they are.
  const std::string path = dir_.file("optional.h5");
  {
    h5::File f(path, h5::File::Mode::Truncate);
    h5::Handle space(H5Screate_simple(2, std::vector<hsize_t>{6, 3}.data(), nullptr), H5Sclose);
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    const hsize_t chunk[2] = {3, 3};
    H5Pset_chunk(dcpl.get(), 2, chunk);
    H5Pset_filter(dcpl.get(), 32000, H5Z_FLAG_OPTIONAL, 0, nullptr);
    h5::Handle ds(
        H5Dcreate2(f.id(), "X", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        H5Dclose);
    ASSERT_GE(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       RowMatrix<double>(X_.topRows(6)).data()),
              0);
    h5::write_vector(f, "y", y_.data(), 6);
  }
  DataSource src = source({path});
  Shard s = load_shard(src, scan_layout(src), {0, 6});
  EXPECT_EQ(std::get<DenseMatrix<double>>(s.X).data(), X_.topRows(6));
}

TEST_F(DatasetTest, FileLockedByAWriterIsNamed) {
  const std::string path = dir_.file("locked.h5");
  test::write_dense_h5(path, X_.topRows(6), y_.head(6));
  int ready[2], hold[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(hold), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // a writer holding the file open (HDF5 locks it exclusively)
    close(ready[0]);
    close(hold[1]);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    char c = f >= 0 ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(1);
    while (read(hold[0], &c, 1) > 0) {
    }
    _exit(0);
  }
  close(ready[1]);
  close(hold[0]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  const std::string e = data_error([&] { scan_layout(source({path})); });
  EXPECT_EQ(e, path +
                   ": cannot open HDF5 file: it is locked by another process that has it open "
                   "for writing; wait until that process closes it, or set "
                   "HDF5_USE_FILE_LOCKING=FALSE if you know the writer has finished");
  close(hold[1]);
  close(ready[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(scan_layout(source({path})).rows, 6);
}

TEST_F(DatasetTest, FileLeftOpenForWritingNamesH5clear) {
  const std::string path = dir_.file("swmr.h5");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // an SWMR writer that dies without closing the file
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (f < 0 || H5Fstart_swmr_write(f) < 0 || H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) _exit(1);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string e = data_error([&] { scan_layout(source({path})); });
  EXPECT_EQ(e, path +
                   ": cannot open HDF5 file: it is marked as open for writing (a writer, e.g. "
                   "in SWMR mode, is still running or crashed); if no process is writing it, "
                   "clear the mark with 'h5clear -s " +
                   path + "'");
}

TEST_F(DatasetTest, TruncationAndTooManyOpenFilesAreToldApart) {
  // A truncated file keeps its message.
  RowMatrix<double> X;
  Vec y;
  test::random_problem(5000, 20, 3, X, y);
  const std::string big = dir_.file("big.h5"), cut = dir_.file("cut.h5");
  test::write_dense_h5(big, X, y);
  std::filesystem::copy_file(big, cut);
  std::filesystem::resize_file(cut, 100000);
  EXPECT_EQ(data_error([&] { scan_layout(source({cut})); }),
            cut + ": cannot open HDF5 file (truncated or corrupt?)");

  // Every descriptor taken: the open fails with EMFILE, which is named.
  std::string e;
  {
    FileLimit limit(64);
    std::vector<int> fds;
    const int base = open(big.c_str(), O_RDONLY);
    ASSERT_GE(base, 0);
    for (int fd; (fd = dup(base)) >= 0;) fds.push_back(fd);
    e = data_error([&] { h5::File f(big, h5::File::Mode::ReadOnly); });
    for (int fd : fds) close(fd);
    close(base);
  }
  EXPECT_NE(e.find(big + ": cannot open HDF5 file: too many open files"), std::string::npos) << e;
}

TEST_F(DatasetTest, ManyFilesAreOpenedOneAtATime) {
  // 300 CSR files of 2 rows under a limit of 64 open files: partitioning by non-zeros reads the
  // row pointers of every file, loading reads each rank's files.
  RowMatrix<double> X;
  Vec y;
  test::random_problem(600, 4, 5, X, y);
  std::vector<std::string> files;
  for (int k = 0; k < 300; ++k) {
    files.push_back(dir_.file("part_" + std::to_string(k) + ".h5"));
    test::write_csr_h5(files.back(), X.middleRows(2 * k, 2), y.segment(2 * k, 2));
  }
  FileLimit limit(64);
  DataSource src = source(files);
  DataLayout layout = scan_layout(src);
  EXPECT_EQ(layout.rows, 600);
  Index rows = 0;
  for (int r = 0; r < 3; ++r) {
    rows += load_shard(src, layout, partition_rows(src, layout, r, 3)).y.size();
  }
  EXPECT_EQ(rows, 600);
}

TEST_F(DatasetTest, CsrColumnIdsMustBeUniqueIntegersPerRow) {
  // Row 2 stores column 3 twice (the entries of one row need not be sorted).
  write_csr_raw(dir_.file("dup.h5"), {0, 1, 2, 3, 3, 1, 3}, H5T_STD_I64LE, {0, 2, 4, 7}, 4);
  EXPECT_EQ(load_error(source({dir_.file("dup.h5")})),
            dir_.file("dup.h5") + ":/X/indices: column id 3 repeated in row 2");
  // Across files the row is global and also given within its file.
  write_csr_raw(dir_.file("dup1.h5"), {0, 1, 2, 2}, H5T_STD_I32LE, {0, 2, 4}, 4);
  write_csr_raw(dir_.file("ok.h5"), {0, 1, 2, 3}, H5T_STD_I32LE, {0, 1, 2, 3, 4}, 4);
  EXPECT_EQ(load_error(source({dir_.file("ok.h5"), dir_.file("dup1.h5")})),
            dir_.file("dup1.h5") + ":/X/indices: column id 2 repeated in row 5 (row 1 of " +
                dir_.file("dup1.h5") + ")");
  // Unsorted rows without repeats are fine.
  write_csr_raw(dir_.file("unsorted.h5"), {3, 0, 2, 1}, H5T_STD_I64LE, {0, 3, 4}, 4);
  DataSource src = source({dir_.file("unsorted.h5")});
  EXPECT_EQ(std::get<CsrMatrix<double>>(load_shard(src, scan_layout(src), {0, 2}).X).nnz(), 4);

  // Column ids stored as floats must be integral: HDF5 would truncate 1.5 to 1.
  write_csr_raw(dir_.file("frac.h5"), {0, 1, 1.5, 2}, H5T_IEEE_F64LE, {0, 2, 3, 4}, 4);
  EXPECT_EQ(load_error(source({dir_.file("frac.h5")})),
            dir_.file("frac.h5") + ":/X/indices: non-integral column id 1.5 at row 1");
  write_csr_raw(dir_.file("huge.h5"), {0, 1e30}, H5T_IEEE_F64LE, {0, 1, 2}, 4);
  EXPECT_EQ(load_error(source({dir_.file("huge.h5")})),
            dir_.file("huge.h5") + ":/X/indices: column id 1e+30 out of range [0, 4) at row 1");
  // Integral floats are column ids like any other.
  write_csr_raw(dir_.file("float_ids.h5"), {0, 2, 1, 3}, H5T_IEEE_F32LE, {0, 2, 4}, 4);
  src = source({dir_.file("float_ids.h5")});
  const auto m = std::get<CsrMatrix<double>>(load_shard(src, scan_layout(src), {0, 2}).X);
  EXPECT_EQ(m.nnz(), 4);
}

}  // namespace
}  // namespace logreg
