#include "logreg/app/predict.hpp"

#include <cstdio>
#include <ostream>

#include "logreg/app/load.hpp"
#include "logreg/core/evaluation.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/core/logistic.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/atomic_file.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/model_io.hpp"

namespace logreg {

int run_predict(Communicator& comm, const CliOptions& cli, std::ostream& out) {
  // θ from rank 0, shared with all.
  std::vector<double> theta_buf;
  std::string shape;
  collectively(comm, [&] {
    if (!comm.is_root()) return;
    ModelRecord m = read_model(cli.model_path);
    theta_buf.assign(m.coef.data(), m.coef.data() + m.coef.size());
    theta_buf.push_back(m.intercept);
    ensure_parent_directory(cli.output_path, "--output");
  });
  double len = static_cast<double>(theta_buf.size());
  comm.broadcast({&len, 1}, 0);
  theta_buf.resize(static_cast<size_t>(len));
  comm.broadcast(theta_buf, 0);
  const Vec theta = Eigen::Map<const Vec>(theta_buf.data(), static_cast<Index>(theta_buf.size()));
  const Index d = theta.size() - 1;

  // Labels are used when the first data file has them.
  DataSource source;
  source.features = cli.features;
  bool has_labels = false;
  collectively(comm, [&] {
    auto files = expand_paths({cli.data_path}, "--data");
    h5::File f(files.front(), h5::File::Mode::ReadOnly);
    has_labels = f.exists(cli.labels);
  });
  if (has_labels) source.labels = cli.labels;
  else source.labels.clear();
  LoadedData data = load_distributed(comm, {cli.data_path}, "--data", source);
  if (data.layout.cols != d) {
    throw DataError(cli.data_path + ": has " + std::to_string(data.layout.cols) +
                    " features but the model " + cli.model_path + " has " + std::to_string(d));
  }
  auto local = make_local_objective(std::move(data.shard));
  Vec z(local->rows());
  local->margins(theta, z);
  Vec prob = z.unaryExpr([](double v) { return sigmoid(v); });

  // Rows are gathered in rank order, which is the global row order.
  std::vector<double> all_prob, all_z, all_y;
  std::vector<int> counts;
  comm.allgather({prob.data(), static_cast<size_t>(prob.size())}, all_prob, counts);
  if (has_labels) {
    comm.allgather({z.data(), static_cast<size_t>(z.size())}, all_z, counts);
    const Vec& y = local->shard().y;
    comm.allgather({y.data(), static_cast<size_t>(y.size())}, all_y, counts);
  }
  collectively(comm, [&] {
    if (!comm.is_root()) return;
    const std::string tmp = temporary_path_for(cli.output_path);
    try {
      {
        h5::File f(tmp, h5::File::Mode::Truncate);
        h5::write_vector(f, "prob", all_prob.data(), all_prob.size());
      }
      commit_file(tmp, cli.output_path);
    } catch (...) {
      std::remove(tmp.c_str());
      throw;
    }
  });
  if (comm.is_root()) {
    const Index n = static_cast<Index>(all_prob.size());
    out << "wrote " << n << " probabilities to " << cli.output_path << "\n";
    if (has_labels) {
      Eigen::Map<const Vec> p(all_prob.data(), n), zz(all_z.data(), n), y(all_y.data(), n);
      char buf[256];
      std::snprintf(buf, sizeof buf, "log_loss %.10f  accuracy %.6f  auc %.6f\n",
                    mean_log_loss_from_margins(zz, y), accuracy(p, y), roc_auc(p, y));
      out << buf;
    }
  }
  return kExitOk;
}

}  // namespace logreg
