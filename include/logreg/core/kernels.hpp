// The passes over a shard (margins, residuals, Xᵀr, Hessian-vector products), compiled once per
// instruction set and chosen at start-up from the processor the program runs on, so one binary
// built anywhere runs everywhere at full speed (docs/kernels.md).
//
// Summation-order contract, kept by every kernel set and by dense and CSR storage alike:
//  * x·w accumulates xⱼwⱼ into lane j mod 8, in increasing j, and combines the lanes by the
//    fixed tree ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7));
//  * Xᵀr adds rᵢxᵢ into g row after row, in increasing i;
//  * squared products are rᵢ·(xᵢⱼ·xᵢⱼ);
//  * every accumulation step is one multiply-add: fused (rounded once) in the sets with FMA,
//    a rounded product then a rounded sum in the others;
//  * sums over rows (the loss, the intercept's entries of X̂ᵀr and X̂ᵀDX̂) add row i of the shard
//    into lane i mod 8, in increasing i, combined by the same tree (blocks of rows start at
//    multiples of eight, so the sums do not depend on the blocking);
//  * the residuals use one exp and one log1p, built from the same IEEE operations in every set.
// So the same rows give the same bits whether stored dense or CSR, and on every processor of a
// family: the FMA sets (x86-64-v3, x86-64-v4) agree bit for bit, and so do the others
// (x86-64-v2, generic); the two families differ in the last bits.
//
// This header is included by the per-instruction-set translation units: it declares types only,
// no code that could be emitted there (see src/core/kernels/README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace logreg {

// Rows [0, rows) of a row-major dense block.
template <typename T>
struct DenseView {
  const T* x = nullptr;
  std::ptrdiff_t rows = 0, cols = 0;
};

// Rows [0, rows) of a CSR block: row i holds entries [indptr[i], indptr[i+1]) of values and
// indices (positions are absolute, so a range of rows of a bigger matrix is indptr + i0).
template <typename T>
struct CsrView {
  const T* values = nullptr;
  const int32_t* indices = nullptr;
  const int64_t* indptr = nullptr;
  std::ptrdiff_t rows = 0, cols = 0;
};

// The fused pass: margins, residuals r = s(σ(z) − y), loss Σ sℓ and X̂ᵀr in one sweep over the
// rows (X̂ = [X 1]; vectors of length d+1 end with the intercept's entry).
struct PassArgs {
  enum class Margins {
    FromTheta,  // z = X̂ θ
    Along,      // zd = X̂ dir, z = z0 + α·zd (one product, one sum per row)
    Given,      // z holds the margins already
  };
  Margins margins = Margins::FromTheta;
  const double* theta = nullptr;  // θ (FromTheta) or the direction (Along), d+1
  const double* z0 = nullptr;     // Along
  double alpha = 0.0;             // Along
  double* zd = nullptr;           // Along: receives X̂ dir
  double* z = nullptr;            // the rows' margins (written unless Given)
  const double* y = nullptr;      // labels in {0, 1}
  const double* s = nullptr;      // sample weights; nullptr = all 1
  double* grad = nullptr;         // d+1: receives X̂ᵀr
  double* diag = nullptr;         // optional, d+1: receives diag(X̂ᵀDX̂), D = sσ(1 − σ)
  double* sums = nullptr;         // optional with diag, d+1: receives X̂ᵀD
};

// The passes of one storage type M (DenseView<T> or CsrView<T>) over all rows of the view.
template <typename M>
struct MatrixKernels {
  double (*loss_grad)(const M& x, const PassArgs& args);  // returns Σ sᵢℓᵢ
  void (*margins)(const M& x, const double* theta, double* z);     // z = X̂ θ
  void (*transpose_add)(const M& x, const double* r, double* g);  // g[0, d) += Xᵀr
  void (*squared_transpose_add)(const M& x, const double* r, double* g);  // g += (X∘X)ᵀr
  // out (d+1) = X̂ᵀ D X̂ v: one pass.
  void (*hessian_apply)(const M& x, const double* D, const double* v, double* out);
};

// Per-row pieces on n rows (s == nullptr means unit weights).
struct RowKernels {
  // r = s(σ(z) − y); adds Σ sℓ(z, y) (summed over rows as above) to *loss; with h, h = sσ(1 − σ).
  void (*loss_residual)(std::ptrdiff_t n, const double* z, const double* y, const double* s,
                        double* r, double* h, double* loss);
  // Σ sℓ(z0 + α zd) and Σ s(σ(z0 + α zd) − y) zd: a line-search trial without a pass over X.
  void (*line_sums)(std::ptrdiff_t n, const double* z0, const double* zd, double alpha,
                    const double* y, const double* s, double* loss, double* slope);
  void (*hessian_weights)(std::ptrdiff_t n, const double* z, const double* s, double* d);
  // e^x and log1p(x) elementwise (exp: x ≤ 0; log1p: 0 ≤ x ≤ 1), the residuals' own functions.
  void (*exp_neg)(std::ptrdiff_t n, const double* x, double* out);
  void (*log1p_unit)(std::ptrdiff_t n, const double* x, double* out);
};

// The multinomial (softmax) pass over K classes (include/logreg/core/multinomial.hpp), as sums
// over the rows of the view. Parameters are class-major, K·(d+1) of them: row k of W (d entries)
// at k·d, then the K intercepts. Per block of rows it computes Z = X Wᵀ + b, the probabilities
// P = softmax(Z) row by row (from e^(z − max z), never overflowing), the residuals
// R = s(P − onehot(y)), the loss Σ s(log Σₖ e^zₖ − z_y) and G = Rᵀ X̂ (X̂ = [X 1]).
// Summation order, the same in every set and for dense and CSR storage (so both storages give
// the same bits, and so do all sets of a family):
//  * zₖ = xᵢ·wₖ accumulates into lane j mod 8 in increasing j, combined by the tree of x·w above,
//    then bₖ is added;
//  * Σₖ e^(zₖ − max) in increasing k; the log of that sum (in [1, K]) and the e^ are the
//    kernels' own (exp and log1p of the binary residuals);
//  * G[k][j] += rᵢₖxᵢⱼ row after row, in increasing i, one multiply-add each;
//  * sums over rows (the loss, the intercepts' entries) put row i into lane i mod 8, as above.
// The fold passes (below) take the same arguments, with K the number of models.
struct MultinomialArgs {
  std::ptrdiff_t classes = 0;       // K ≥ 2
  const double* theta = nullptr;    // K·(d+1): the parameters (loss_grad) or the direction v
  const double* y = nullptr;        // loss_grad: labels 0 … K−1 (fold passes: 0 or 1)
  const double* s = nullptr;        // sample weights; nullptr = all 1
  double* probabilities = nullptr;  // loss_grad: optional output, rows × K (row-major);
                                    // hessian and curvature: the input, the probabilities at θ
                                    // (fold passes: the margins Z instead)
  double* grad = nullptr;           // K·(d+1): G (loss_grad), H v (hessian), diag(H) (curvature)
  double* sums = nullptr;           // curvature only, optional, K·(d+1): X̂ᵀDₖ for each class
  double* work = nullptr;           // scratch (kMultinomialWorkPerClass below)
  const double* fold = nullptr;     // fold passes: each row's fold 0 … K−1, as a double
  double* losses = nullptr;         // fold passes' loss_grad: the K models' losses
};

// Rows per block of a multinomial pass at most; the scratch holds two blocks of K values.
constexpr std::ptrdiff_t kMultinomialBlockRows = 256;
// The scratch of a multinomial pass, in doubles: K·kMultinomialWorkPerClass + 8 + 9·K₈ (two
// blocks, the row sums, a row's lanes; K₈ = K rounded up to a multiple of 8), and for CSR
// storage 2·d·K₈ more, for W and G held transposed (a non-zero's K weights side by side).
// A fold pass needs kFoldWorkPerModel·K more after that: each model's loss in eight row lanes.
constexpr std::ptrdiff_t kMultinomialWorkPerClass = 2 * kMultinomialBlockRows + 8;
constexpr std::ptrdiff_t kFoldWorkPerModel = 8;

// The multinomial passes of one storage type M, over all rows of the view.
template <typename M>
struct MultinomialKernels {
  double (*loss_grad)(const M& x, const MultinomialArgs& args);  // returns Σ sᵢℓᵢ
  // grad = Σ sᵢHᵢv, Hᵢ = (diag(pᵢ) − pᵢpᵢᵀ) ⊗ x̂ᵢx̂ᵢᵀ at the probabilities pᵢ given: one pass.
  void (*hessian_apply)(const M& x, const MultinomialArgs& args);
  // grad = diag(Σ sᵢHᵢ) and (optional) sums = X̂ᵀDₖ per class, Dᵢₖ = sᵢpᵢₖ(1 − pᵢₖ): one pass.
  void (*curvature)(const M& x, const MultinomialArgs& args);
};

// The fold passes of cross-validation (include/logreg/core/folds.hpp): K binary logistic models
// on the same rows in one sweep, model k leaving out the rows of fold k. Parameters, blocks and
// scratch as in the multinomial pass; per block of rows Z = X Wᵀ + b, then per row and model the
// binary residual rᵢₖ = sᵢₖ(σ(zᵢₖ) − yᵢ) and loss sᵢₖℓ(zᵢₖ, yᵢ) with sᵢₖ = sᵢ·[foldᵢ ≠ k] (the
// binary pass's own σ, loss and curvature), then G = Rᵀ X̂. The Hessian product and the curvature
// take Dᵢₖ = sᵢₖσ(1 − σ) from the margins given. The summation order is the multinomial pass's,
// which is the binary pass's per model: model k's sums are those of the binary pass with weights
// sᵢₖ, bit for bit, in every set and for dense and CSR storage.
//  * loss_grad returns Σₖ losses[k] (the models' losses summed in increasing k); with
//    `probabilities`, it writes the margins Z there (rows × K, every row, held out or not);
//  * hessian_apply: grad = X̂ᵀDₖX̂vₖ per model; curvature: grad = diag(X̂ᵀDₖX̂), sums = X̂ᵀDₖ.

struct KernelSet {
  const char* name;          // x86-64-v4, x86-64-v3, x86-64-v2, generic
  const char* instructions;  // what it uses, for the start-up line
  bool fused_multiply_add;   // its family (see the contract above)
  MatrixKernels<DenseView<double>> dense_f64;
  MatrixKernels<DenseView<float>> dense_f32;
  MatrixKernels<CsrView<double>> csr_f64;
  MatrixKernels<CsrView<float>> csr_f32;
  RowKernels rows;
  double (*read_sum)(const double* a, std::size_t n);  // the benchmarks' read-bandwidth probe
  MultinomialKernels<DenseView<double>> multinomial_dense_f64;
  MultinomialKernels<DenseView<float>> multinomial_dense_f32;
  MultinomialKernels<CsrView<double>> multinomial_csr_f64;
  MultinomialKernels<CsrView<float>> multinomial_csr_f32;
  MultinomialKernels<DenseView<double>> folds_dense_f64;
  MultinomialKernels<DenseView<float>> folds_dense_f32;
  MultinomialKernels<CsrView<double>> folds_csr_f64;
  MultinomialKernels<CsrView<float>> folds_csr_f32;

  template <typename M>
  const MatrixKernels<M>& get() const;
  template <typename M>
  const MultinomialKernels<M>& multinomial() const;
  template <typename M>
  const MultinomialKernels<M>& folds() const;
};

template <>
inline const MatrixKernels<DenseView<double>>& KernelSet::get() const { return dense_f64; }
template <>
inline const MatrixKernels<DenseView<float>>& KernelSet::get() const { return dense_f32; }
template <>
inline const MatrixKernels<CsrView<double>>& KernelSet::get() const { return csr_f64; }
template <>
inline const MatrixKernels<CsrView<float>>& KernelSet::get() const { return csr_f32; }

// Of a table's four entries, the one for storage M.
template <typename M, typename D64, typename D32, typename C64, typename C32>
inline const auto& for_storage(const D64& dense_f64, const D32& dense_f32, const C64& csr_f64,
                               const C32& csr_f32) {
  if constexpr (std::is_same_v<M, DenseView<double>>) return dense_f64;
  if constexpr (std::is_same_v<M, DenseView<float>>) return dense_f32;
  if constexpr (std::is_same_v<M, CsrView<double>>) return csr_f64;
  if constexpr (std::is_same_v<M, CsrView<float>>) return csr_f32;
}

template <typename M>
inline const MultinomialKernels<M>& KernelSet::multinomial() const {
  return for_storage<M>(multinomial_dense_f64, multinomial_dense_f32, multinomial_csr_f64,
                        multinomial_csr_f32);
}

template <typename M>
inline const MultinomialKernels<M>& KernelSet::folds() const {
  return for_storage<M>(folds_dense_f64, folds_dense_f32, folds_csr_f64, folds_csr_f32);
}

// The sets of each instruction-set TU (defined there; only x86-64 builds have the x86 ones).
namespace kernel_sets {
const KernelSet& generic();
const KernelSet& x86_64_v2();
const KernelSet& x86_64_v3();
const KernelSet& x86_64_v4();
}  // namespace kernel_sets

}  // namespace logreg
