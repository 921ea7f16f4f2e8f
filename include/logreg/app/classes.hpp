// The family of a training run and its classes (README, "Multinomial"), decided from the labels'
// global counts, and the class weights that multiply the sample weights.
#pragma once

#include <string>
#include <vector>

#include "logreg/app/config.hpp"
#include "logreg/core/shard.hpp"

namespace logreg {

struct ClassInfo {
  Family family = Family::Binomial;  // resolved: Binomial or Multinomial
  int classes = 2;                   // K (2 for binomial)
  bool minus_one = false;            // binomial labels −1/+1 (mapped to 0/1)
  std::vector<double> counts;        // rows per class index (global, unweighted), length K
  std::vector<std::string> names;    // the classes' names: the data file's, else "0".."K−1"
                                     // (binomial −1/+1: "-1", "1")
};

// From the global counts of each label value (by_value[v + 1] rows have label v, v ≥ −1) of
// `key`'s files. ConfigError or DataError naming `where` (the labels) when the labels do not fit
// the requested family.
ClassInfo decide_classes(Family requested, const std::vector<double>& by_value,
                         const std::string& where, std::vector<std::string> names = {});

// Labels as class indices 0..K−1 (binomial −1/+1 → 0/1), in place.
void map_labels(const ClassInfo& info, Vec& y);

// One weight per class index (1 where none is given); empty when there are no class weights.
// ConfigError naming model.class_weight for a class the data does not have.
std::vector<double> class_weight_values(const ClassWeights& weights, const ClassInfo& info);

// Multiplies each row's sample weight by its class's weight (labels already mapped).
void apply_class_weights(const std::vector<double>& per_class, Shard& shard);

}  // namespace logreg
