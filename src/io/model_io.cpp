#include "logreg/io/model_io.hpp"

#include <cstdio>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

void write_model(const std::string& path, const ModelRecord& m) {
  write_hdf5_atomically(path, [&](h5::File& f) {
    h5::write_vector(f, "coef", m.coef.data(), static_cast<hsize_t>(m.coef.size()));
    h5::write_scalar(f, "intercept", m.intercept);
    f.write_attribute("/", "objective", m.objective);
    f.write_attribute("/", "iterations", std::vector<int64_t>{m.iterations});
    f.write_attribute("/", "converged", std::vector<int64_t>{m.converged ? 1 : 0});
    f.write_attribute("/", "solver", m.solver);
    f.write_attribute("/", "stop_reason", m.stop_reason);
    f.write_attribute("/", "l2", m.l2);
    f.write_attribute("/", "l1", m.l1);
    f.write_attribute("/", "n_samples", std::vector<int64_t>{m.n_samples});
    f.write_attribute("/", "n_features", std::vector<int64_t>{m.n_features});
    for (const auto& [k, v] : m.extra) f.write_attribute("/", k, v);
    for (const auto& [k, v] : m.strings) f.write_attribute("/", k, v);
  });
}

ModelRecord read_model(const std::string& path) {
  h5::File f(path, h5::File::Mode::ReadOnly);
  ModelRecord m;
  auto coef = h5::read_vector(f, "coef");
  m.coef = Eigen::Map<Vec>(coef.data(), static_cast<Index>(coef.size()));
  m.intercept = h5::read_scalar(f, "intercept");
  m.n_features = m.coef.size();
  if (f.has_attribute("/", "objective")) m.objective = f.read_double_attribute("/", "objective");
  if (f.has_attribute("/", "iterations")) m.iterations = f.read_int_attribute("/", "iterations")[0];
  if (f.has_attribute("/", "converged")) m.converged = f.read_int_attribute("/", "converged")[0];
  if (f.has_attribute("/", "solver")) m.solver = f.read_string_attribute("/", "solver");
  if (f.has_attribute("/", "l2")) m.l2 = f.read_double_attribute("/", "l2");
  if (f.has_attribute("/", "l1")) m.l1 = f.read_double_attribute("/", "l1");
  if (f.has_attribute("/", "n_samples")) m.n_samples = f.read_int_attribute("/", "n_samples")[0];
  return m;
}

}  // namespace logreg
