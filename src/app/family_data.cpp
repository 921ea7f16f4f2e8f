#include "logreg/app/family_data.hpp"

#include "logreg/core/local_objective.hpp"
#include "logreg/core/multinomial.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/multiclass_evaluator.hpp"
#include "logreg/dist/multinomial_objective.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

LabelMode label_mode(Family family) {
  return family == Family::Binomial ? LabelMode::Binary : LabelMode::Classes;
}

// Global rows of each class index of an evaluation set loaded in Classes mode; DataError for a
// label outside 0..K−1.
std::vector<double> class_rows(const LoadedData& d, const ClassInfo& classes, const char* key) {
  std::vector<double> rows(static_cast<size_t>(classes.classes), 0.0);
  for (size_t i = 0; i < d.label_values.size(); ++i) {
    if (d.label_values[i] == 0) continue;
    const long label = static_cast<long>(i) - 1;
    if (label < 0 || label >= classes.classes) {
      throw DataError(std::string(key) + ": has label " + std::to_string(label) +
                      ", but data.train has " + std::to_string(classes.classes) + " classes (0.." +
                      std::to_string(classes.classes - 1) + ")");
    }
    rows[static_cast<size_t>(label)] = d.label_values[i];
  }
  return rows;
}

}  // namespace

TrainData load_train(Communicator& comm, const Config& config, std::string* notes) {
  DataSource source = config.data;
  source.labels_mode = label_mode(config.model.family);
  TrainData t{load_distributed(comm, config.data.train, "data.train", source), {}};
  const LabelCounts& c = t.data.labels;
  if (source.labels_mode == LabelMode::Binary) {
    t.classes =
        decide_classes(Family::Binomial, {c.minus_ones, c.zeros, c.ones}, "data.train labels");
  } else {
    // Names of string classes, kept by `logreg_data convert` on the label dataset.
    std::vector<std::string> names;
    collectively(comm, [&] {
      names = read_class_names(t.data.layout.files.front().path, config.data.labels);
    });
    t.classes = decide_classes(config.model.family, t.data.label_values,
                               t.data.layout.files.front().path + ":/" + config.data.labels,
                               std::move(names));
  }
  map_labels(t.classes, t.data.shard.y);
  if (notes) {
    for (int k = 0; k < t.classes.classes; ++k) {
      if (t.classes.counts[static_cast<size_t>(k)] == 0) {
        *notes += "note: class " + t.classes.names[static_cast<size_t>(k)] +
                  " has no rows in data.train\n";
      }
    }
  }
  return t;
}

LoadedData load_evaluation_data(Communicator& comm, const Config& config,
                                const std::vector<std::string>& files, const char* key,
                                Index n_features, const ClassInfo& classes) {
  DataSource source = config.data;
  source.weights.clear();
  source.labels_mode = label_mode(classes.family);
  LoadedData d = load_distributed(comm, files, key, source);
  if (d.layout.cols != n_features) {
    throw DataError(std::string(key) + ": has " + std::to_string(d.layout.cols) +
                    " features but data.train has " + std::to_string(n_features));
  }
  if (classes.family == Family::Multinomial) class_rows(d, classes, key);
  return d;
}

std::unique_ptr<TrainingObjective> make_objective(Shard shard, const ClassInfo& classes,
                                                  Communicator& comm,
                                                  const RegularizationParams& params) {
  if (classes.family == Family::Binomial) {
    return std::make_unique<DistributedObjective>(make_local_objective(std::move(shard)), comm,
                                                  params);
  }
  return std::make_unique<MultinomialObjective>(
      std::make_unique<LocalMultinomial>(std::move(shard), classes.classes), comm, params);
}

std::unique_ptr<ModelEvaluator> make_evaluator(Shard shard, const ClassInfo& classes,
                                               Communicator& comm) {
  if (classes.family == Family::Binomial) {
    return std::make_unique<DistributedEvaluator>(make_local_objective(std::move(shard)), comm);
  }
  return std::make_unique<MulticlassEvaluator>(std::move(shard), classes.classes, comm);
}

void check_stop_metric(const Config& config, const ClassInfo& classes,
                       const LoadedData& validation) {
  if (config.early_stopping.metric != StopMetric::ValAuc) return;
  std::vector<double> rows;
  if (classes.family == Family::Binomial) {
    rows = {validation.labels.zeros + validation.labels.minus_ones, validation.labels.ones};
  } else {
    rows = class_rows(validation, classes, "data.validation");
  }
  double total = 0;
  for (double r : rows) total += r;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (rows[k] > 0 && rows[k] < total) continue;
    const bool binomial = classes.family == Family::Binomial;
    const std::string why =
        binomial
            ? std::string("are all ") + (rows[1] == 0 ? "negative" : "positive")
            : (rows[k] == 0 ? "include none of class " : "are all of class ") + classes.names[k];
    throw ConfigError("early_stopping.metric: val_auc is undefined on data.validation, whose " +
                      std::to_string(static_cast<long long>(total)) + " rows " + why +
                      "; use val_logloss or val_accuracy, or a validation set with " +
                      (binomial ? "both classes" : "every class"));
  }
}

}  // namespace logreg
