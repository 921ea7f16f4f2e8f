#include "logreg/app/predict.hpp"

#include <cstdio>
#include <ostream>

#include "logreg/app/kernel_report.hpp"
#include "logreg/app/load.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/core/logistic.hpp"
#include "logreg/dist/evaluator.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/model_io.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

int run_predict(Communicator& comm, const CliOptions& cli, std::ostream& out) {
  select_kernels(comm);  // a bad LOGREG_KERNELS fails here, on every rank
  // θ from rank 0, shared with all.
  std::vector<double> theta_buf;
  bool has_labels = false;
  std::unique_ptr<OutputLock> lock;
  collectively(comm, [&] {
    if (!comm.is_root()) return;
    // Before anything is written: the output must be neither the model nor a data file.
    auto files = expand_paths(cli.data_paths, "--data");
    FileRoles roles;
    roles.input("--model", cli.model_path);
    for (const auto& f : files) roles.input("--data", f);
    roles.output("--output", cli.output_path);
    roles.check();
    ModelRecord m = read_model(cli.model_path);
    theta_buf.assign(m.coef.data(), m.coef.data() + m.coef.size());
    theta_buf.push_back(m.intercept);
    ensure_parent_directory(cli.output_path, "--output");
    lock = std::make_unique<OutputLock>("--output", cli.output_path);
    // Labels are used when the first data file has them.
    has_labels = h5::File(files.front(), h5::File::Mode::ReadOnly).exists(cli.labels);
  });
  double head[2] = {static_cast<double>(theta_buf.size()), has_labels ? 1.0 : 0.0};
  comm.broadcast(head, 0);
  theta_buf.resize(static_cast<size_t>(head[0]));
  has_labels = head[1] > 0;
  comm.broadcast(theta_buf, 0);
  const Vec theta = Eigen::Map<const Vec>(theta_buf.data(), static_cast<Index>(theta_buf.size()));
  const Index d = theta.size() - 1;

  DataSource source;
  source.features = cli.features;
  source.labels = has_labels ? cli.labels : std::string();
  LoadedData data = load_distributed(comm, cli.data_paths, "--data", source);
  if (data.layout.cols != d) {
    throw DataError(data.layout.files.front().path + ": has " + std::to_string(data.layout.cols) +
                    " features but the model " + cli.model_path + " has " + std::to_string(d));
  }
  DistributedEvaluator evaluator(make_local_objective(std::move(data.shard)), comm);
  Vec z(evaluator.local().rows());
  evaluator.local().margins(theta, z);
  const Vec prob = z.unaryExpr([](double v) { return sigmoid(v); });

  // Rank blocks are contiguous and in rank order, so gathering restores the row order.
  std::vector<double> all;
  comm.gather_to_root({prob.data(), static_cast<size_t>(prob.size())}, all);
  collectively(comm, [&] {
    if (!comm.is_root()) return;
    write_hdf5_atomically(cli.output_path, [&](h5::File& f) {
      h5::write_vector(f, "prob", all.data(), all.size());
      f.write_attribute("/", "model", cli.model_path);
    });
  });
  EvalMetrics m;
  if (has_labels) m = evaluator.evaluate(theta);
  if (comm.is_root()) {
    out << "wrote " << all.size() << " probabilities to " << cli.output_path << "\n";
    if (has_labels) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "log_loss %.10f  accuracy %.6f  auc %.6f\n", m.log_loss,
                    m.accuracy, m.auc);
      out << buf;
    }
  }
  return kExitOk;
}

}  // namespace logreg
