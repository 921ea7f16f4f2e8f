#include "logreg/app/predict.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "logreg/app/kernel_report.hpp"
#include "logreg/app/load.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/core/logistic.hpp"
#include "logreg/dist/evaluator.hpp"
#include "logreg/dist/multiclass_evaluator.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/model_io.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

namespace {

// The model as every rank needs it: θ in the file's layout, and K (0 for binomial).
struct PredictModel {
  Vec theta;
  int classes = 0;
  bool has_labels = false;
};

// Rank 0 checks the files' roles, reads the model and locks the output; all ranks receive θ.
PredictModel read_predict_model(Communicator& comm, const CliOptions& cli,
                                std::unique_ptr<OutputLock>& lock) {
  std::vector<double> theta;
  double head[3] = {0, 0, 0};  // |θ|, has labels, K
  collectively(comm, [&] {
    if (!comm.is_root()) return;
    // Before anything is written: the output must be neither the model nor a data file.
    auto files = expand_paths(cli.data_paths, "--data");
    FileRoles roles;
    roles.input("--model", cli.model_path);
    for (const auto& f : files) roles.input("--data", f);
    roles.output("--output", cli.output_path);
    roles.check();
    const ModelRecord m = read_model(cli.model_path);
    theta = m.theta();
    head[2] = m.multinomial() ? m.classes : 0;
    ensure_parent_directory(cli.output_path, "--output");
    lock = std::make_unique<OutputLock>("--output", cli.output_path);
    // Labels are used when the first data file has them.
    head[1] = h5::File(files.front(), h5::File::Mode::ReadOnly).exists(cli.labels) ? 1 : 0;
    head[0] = static_cast<double>(theta.size());
  });
  comm.broadcast(head, 0);
  theta.resize(static_cast<size_t>(head[0]));
  comm.broadcast(theta, 0);
  PredictModel m;
  m.theta = Eigen::Map<const Vec>(theta.data(), static_cast<Index>(theta.size()));
  m.has_labels = head[1] > 0;
  m.classes = static_cast<int>(head[2]);
  return m;
}

// The rows' class probabilities (binomial: P(y = 1), one per row; multinomial: K per row, row
// major), and the metrics when the data has labels.
std::vector<double> local_probabilities(Communicator& comm, const PredictModel& model,
                                        Shard shard, EvalMetrics* metrics) {
  if (model.classes == 0) {
    DistributedEvaluator evaluator(make_local_objective(std::move(shard)), comm);
    Vec z(evaluator.local().rows());
    evaluator.local().margins(model.theta, z);
    if (metrics) *metrics = evaluator.evaluate(model.theta);
    std::vector<double> p(static_cast<size_t>(z.size()));
    for (Index i = 0; i < z.size(); ++i) p[static_cast<size_t>(i)] = sigmoid(z[i]);
    return p;
  }
  MulticlassEvaluator evaluator(std::move(shard), model.classes, comm);
  const RowMatrix<double> P = evaluator.probabilities(model.theta);
  if (metrics) *metrics = evaluator.evaluate(model.theta);
  return std::vector<double>(P.data(), P.data() + P.size());
}

void write_predictions(const CliOptions& cli, const std::vector<double>& all, int classes) {
  write_hdf5_atomically(cli.output_path, [&](h5::File& f) {
    if (classes == 0) {
      h5::write_vector(f, "prob", all.data(), all.size());
    } else {
      const hsize_t n = all.size() / static_cast<size_t>(classes);
      h5::Dataset prob = f.create_dataset("prob", H5T_IEEE_F64LE, {n, static_cast<hsize_t>(classes)});
      prob.write_rows(0, n, H5T_NATIVE_DOUBLE, all.data());
      // The most probable class (the lowest on a tie, like numpy's argmax).
      std::vector<double> label(n);
      for (hsize_t i = 0; i < n; ++i) {
        const double* row = all.data() + i * static_cast<hsize_t>(classes);
        label[i] = static_cast<double>(std::max_element(row, row + classes) - row);
      }
      h5::write_vector(f, "label", label.data(), n);
    }
    f.write_attribute("/", "model", cli.model_path);
  });
}

}  // namespace

int run_predict(Communicator& comm, const CliOptions& cli, std::ostream& out) {
  select_kernels(comm);  // a bad LOGREG_KERNELS fails here, on every rank
  std::unique_ptr<OutputLock> lock;
  const PredictModel model = read_predict_model(comm, cli, lock);
  const int K = model.classes;
  const Index d = model.theta.size() / (K == 0 ? 1 : K) - 1;

  DataSource source;
  source.features = cli.features;
  source.labels = model.has_labels ? cli.labels : std::string();
  source.labels_mode = K == 0 ? LabelMode::Binary : LabelMode::Classes;
  LoadedData data = load_distributed(comm, cli.data_paths, "--data", source);
  if (data.layout.cols != d) {
    throw DataError(data.layout.files.front().path + ": has " + std::to_string(data.layout.cols) +
                    " features but the model " + cli.model_path + " has " + std::to_string(d));
  }
  if (K > 0 && model.has_labels && static_cast<long>(data.label_values.size()) - 2 >= K) {
    throw DataError(data.layout.files.front().path + ":/" + cli.labels + ": has label " +
                    std::to_string(data.label_values.size() - 2) + ", but the model " +
                    cli.model_path + " has " + std::to_string(K) + " classes");
  }
  if (K > 0 && model.has_labels && !data.label_values.empty() && data.label_values[0] > 0) {
    throw DataError(data.layout.files.front().path + ":/" + cli.labels +
                    ": label -1 is not a class of the multinomial model " + cli.model_path);
  }
  EvalMetrics m;
  const std::vector<double> mine =
      local_probabilities(comm, model, std::move(data.shard), model.has_labels ? &m : nullptr);
  // Rank blocks are contiguous and in rank order, so gathering restores the row order.
  std::vector<double> all;
  comm.gather_to_root(mine, all);
  collectively(comm, [&] {
    if (comm.is_root()) write_predictions(cli, all, K);
  });
  if (comm.is_root()) {
    if (K == 0) {
      out << "wrote " << all.size() << " probabilities to " << cli.output_path << "\n";
    } else {
      out << "wrote " << all.size() / static_cast<size_t>(K) << " rows of " << K
          << " class probabilities and their labels to " << cli.output_path << "\n";
    }
    if (model.has_labels) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "log_loss %.10f  accuracy %.6f  auc %.6f\n", m.log_loss,
                    m.accuracy, m.auc);
      out << buf;
    }
  }
  return kExitOk;
}

}  // namespace logreg
