// Common numeric types. θ is stored as [w (d); b] and every vector of length d+1 follows it.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace logreg {

using Index = Eigen::Index;
using Vec = Eigen::VectorXd;
using VecRef = Eigen::Ref<Vec>;
using ConstVecRef = Eigen::Ref<const Vec>;
using Mat = Eigen::MatrixXd;  // dense, column-major: small square matrices ((d+1)², not rows × d)

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace logreg
