// The table a kernel set's translation unit exports (kernels.hpp, KernelSet): the binary passes
// (passes.hpp), the multinomial ones (multinomial_passes.hpp) and the fold passes
// (fold_passes.hpp), compiled for the lanes header included before this file. Each set_*.cpp
// includes one lanes header and this file.
#pragma once

#include "passes.hpp"
// After passes.hpp: the multinomial passes use its prefetch and zeroing.
#include "fold_passes.hpp"
#include "multinomial_passes.hpp"

namespace {

const logreg::KernelSet kSet = {
    LOGREG_KERNEL_SET_NAME,
    LOGREG_KERNEL_SET_INSTRUCTIONS,
    LOGREG_KERNEL_SET_FMA,
    matrix_kernels<DenseView<double>>(),
    matrix_kernels<DenseView<float>>(),
    matrix_kernels<CsrView<double>>(),
    matrix_kernels<CsrView<float>>(),
    {&loss_residual, &line_sums, &hessian_weights, &exp_neg_rows, &log1p_unit_rows},
    &read_sum,
    multinomial_kernels<DenseView<double>>(),
    multinomial_kernels<DenseView<float>>(),
    multinomial_kernels<CsrView<double>>(),
    multinomial_kernels<CsrView<float>>(),
    fold_kernels<DenseView<double>>(),
    fold_kernels<DenseView<float>>(),
    fold_kernels<CsrView<double>>(),
    fold_kernels<CsrView<float>>(),
};

}  // namespace
