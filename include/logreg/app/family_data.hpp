// Data and objects of a run's family (README, "Multinomial"): the training data loaded with
// labels the family can read and its classes decided, the validation and test sets checked
// against those classes, and the family's objective and evaluator. Collective.
#pragma once

#include <memory>

#include "logreg/app/classes.hpp"
#include "logreg/app/load.hpp"
#include "logreg/dist/evaluator.hpp"
#include "logreg/dist/training_objective.hpp"

namespace logreg {

struct TrainData {
  LoadedData data;  // labels mapped to class indices
  ClassInfo classes;
};

// data.train with model.family's label rules; rank 0 reports classes without rows to `notes`.
TrainData load_train(Communicator& comm, const Config& config, std::string* notes = nullptr);

// A validation or test set (data.train's layout and classes; weights are not read: the metrics
// are unweighted, like scikit-learn's defaults). DataError when its feature count differs or a
// label is not one of the classes.
LoadedData load_evaluation_data(Communicator& comm, const Config& config,
                                const std::vector<std::string>& files, const char* key,
                                Index n_features, const ClassInfo& classes);

std::unique_ptr<TrainingObjective> make_objective(Shard shard, const ClassInfo& classes,
                                                  Communicator& comm,
                                                  const RegularizationParams& params);
std::unique_ptr<ModelEvaluator> make_evaluator(Shard shard, const ClassInfo& classes,
                                               Communicator& comm);

// The early-stopping metric must be defined on the validation set: AUC needs, for every class,
// rows in it and rows not in it. ConfigError otherwise.
void check_stop_metric(const Config& config, const ClassInfo& classes,
                       const LoadedData& validation);

}  // namespace logreg
