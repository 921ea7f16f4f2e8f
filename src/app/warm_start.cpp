#include "logreg/app/warm_start.hpp"

#include "logreg/errors.hpp"
#include "logreg/io/model_io.hpp"

namespace logreg {

namespace {

// θ in the model file's layout: [w; b] for binomial, [W row by row; b] for multinomial.
std::vector<double> model_theta(const ModelRecord& m, const std::string& path,
                                const ClassInfo& classes, Index features) {
  const bool multinomial = m.family == "multinomial";
  const int K = multinomial ? m.classes : 2;
  if (multinomial != (classes.family == Family::Multinomial) || K != classes.classes) {
    throw ConfigError("model.init: " + path + " is a " + m.family + " model" +
                      (multinomial ? " of " + std::to_string(K) + " classes" : "") +
                      ", but this run fits a " + to_string(classes.family) + " model" +
                      (classes.family == Family::Multinomial
                           ? " of " + std::to_string(classes.classes) + " classes"
                           : ""));
  }
  if (m.n_features != features) {
    throw ConfigError("model.init: " + path + " has " + std::to_string(m.n_features) +
                      " features, data.train has " + std::to_string(features));
  }
  return m.theta();
}

}  // namespace

Vec warm_start(Communicator& comm, const std::string& path, const ClassInfo& classes,
               Index features, const TrainingObjective& objective) {
  std::vector<double> theta;
  collectively(comm, [&] {
    if (comm.is_root()) theta = model_theta(read_model(path), path, classes, features);
  });
  const Index n = (features + 1) * (classes.family == Family::Multinomial ? classes.classes : 1);
  theta.resize(static_cast<size_t>(n));
  comm.broadcast(theta, 0);
  return objective.from_model(Eigen::Map<const Vec>(theta.data(), n));
}

}  // namespace logreg
