// Helpers shared by the tests: temporary directories, small HDF5 data sets, reference solvers.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "logreg/core/shard.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/solvers/solver.hpp"

namespace logreg::test {

// A fresh directory under the build tree, removed with its contents at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes a dense data set (X row-major n×d, y, optional weights) to an HDF5 file.
void write_dense_h5(const std::string& path, const RowMatrix<double>& X, const Vec& y,
                    const Vec* weights = nullptr);

// Writes the same rows as a CSR group X/{data,indices,indptr} with attribute shape.
void write_csr_h5(const std::string& path, const RowMatrix<double>& X, const Vec& y,
                  const Vec* weights = nullptr);

// Deterministic random logistic data: X ~ N(0,1), y ~ Bernoulli(σ(X w* + b*)).
void random_problem(Index n, Index d, unsigned seed, RowMatrix<double>& X, Vec& y);

// A whole data set in one shard (for serial reference computations).
Shard dense_shard(const RowMatrix<double>& X, const Vec& y, const Vec* weights = nullptr);

// The same rows in storage M (DenseMatrix<T> or CsrMatrix<T>; CSR stores the non-zeros), with
// labels and optional weights.
template <typename M>
Shard shard_as(const RowMatrix<double>& X, const Vec& y, const Vec* weights = nullptr) {
  Shard s = dense_shard(X, y, weights);
  using T = typename M::Scalar;
  if constexpr (std::is_same_v<M, DenseMatrix<T>>) {
    s.X = DenseMatrix<T>(X.cast<T>());
  } else {
    std::vector<int64_t> ptr{0};
    std::vector<int32_t> idx;
    std::vector<T> val;
    for (Index i = 0; i < X.rows(); ++i) {
      for (Index j = 0; j < X.cols(); ++j) {
        if (X(i, j) != 0) idx.push_back(static_cast<int32_t>(j)), val.push_back(static_cast<T>(X(i, j)));
      }
      ptr.push_back(static_cast<int64_t>(idx.size()));
    }
    s.X = CsrMatrix<T>(X.cols(), ptr, idx, val);
  }
  return s;
}

// A multiclass data set of tests/fixtures/multinomial (its X, y and class count K).
struct ClassData {
  RowMatrix<double> X;
  Vec y;
  int K = 0;
};
ClassData read_class_fixture(const std::string& name);  // "digits", "wine", "iris", "anes96"

// Reads a numeric CSV with a header; last column = label. Throws on failure.
void read_csv(const std::string& path, RowMatrix<double>& X, Vec& y);

// Standardizes the columns of X in place (population standard deviation).
void standardize_columns(RowMatrix<double>& X);

// Exact minimizer of J by Newton's method with a dense Hessian (Eigen LDLT), independent of the
// library's solvers: the reference optimum for tests. Returns θ = [w; b].
Vec newton_reference(const RowMatrix<double>& X, const Vec& y, double l2, bool fit_intercept,
                     const Vec* weights = nullptr);

// J(θ) computed directly from its definition (naive, independent of the library).
double reference_objective(const RowMatrix<double>& X, const Vec& y, const Vec& theta, double l2,
                           double l1 = 0.0, const Vec* weights = nullptr);

// Exact (single-process) metrics, the references for the distributed ones:
// mean log-loss from margins; accuracy with class 1 when p > 0.5; ROC AUC with ties counted ½
// (Mann–Whitney U), NaN when one class is absent.
double mean_log_loss_from_margins(ConstVecRef z, ConstVecRef y);
double accuracy(ConstVecRef p, ConstVecRef y);
double roc_auc(ConstVecRef p, ConstVecRef y);

// Rows [lo, hi) of X and y as one rank's shard in dense or CSR storage, with their global offset.
Shard row_block(const RowMatrix<double>& X, const Vec& y, Index lo, Index hi, bool csr);

// Whole text files, byte for byte.
void write_text(const std::string& path, const std::string& text);
std::string read_bytes(const std::string& path);

// A dataset's values, flattened, read as `type`.
template <typename T>
std::vector<T> read_dataset(const h5::File& f, const std::string& name, hid_t type) {
  h5::Dataset ds = f.open_dataset(name);
  hsize_t n = 1;
  for (hsize_t d : ds.shape()) n *= d;
  std::vector<T> v(n);
  if (n > 0) ds.read_all(type, v.data());
  return v;
}

// A fit from x0 with `solver` to ‖∇J‖∞ ≤ tol (at most max_iter iterations), no observer.
inline SolveResult fit(Objective& obj, SolverKind solver, double tol, int max_iter, Vec x0) {
  SolverParams sp;
  sp.name = solver;
  sp.tol = tol;
  sp.max_iter = max_iter;
  SolverState st;
  st.solver = to_string(solver);
  st.x = std::move(x0);
  return minimize(obj, st, sp, [](const IterationReport&) { return true; });
}

}  // namespace logreg::test
