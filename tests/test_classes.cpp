// The family and classes decided from the labels' global counts, and class weights
// (README, "Multinomial, class weights and warm starts").
#include <gtest/gtest.h>

#include "logreg/app/classes.hpp"
#include "logreg/errors.hpp"

namespace logreg {
namespace {

// by_value[v + 1] rows of label v.
std::vector<double> counts(std::initializer_list<std::pair<long, double>> rows) {
  std::vector<double> v;
  for (const auto& [label, n] : rows) {
    if (static_cast<long>(v.size()) < label + 2) v.resize(static_cast<size_t>(label + 2), 0.0);
    v[static_cast<size_t>(label + 1)] = n;
  }
  return v;
}

TEST(Classes, AutoIsBinomialForZeroOneAndMinusOnePlusOne) {
  ClassInfo a = decide_classes(Family::Auto, counts({{0, 5}, {1, 3}}), "y");
  EXPECT_EQ(a.family, Family::Binomial);
  EXPECT_EQ(a.classes, 2);
  EXPECT_FALSE(a.minus_one);
  EXPECT_EQ(a.counts, (std::vector<double>{5, 3}));
  ClassInfo b = decide_classes(Family::Auto, counts({{-1, 4}, {1, 2}}), "y");
  EXPECT_EQ(b.family, Family::Binomial);
  EXPECT_TRUE(b.minus_one);
  EXPECT_EQ(b.counts, (std::vector<double>{4, 2}));
  EXPECT_EQ(b.names, (std::vector<std::string>{"-1", "1"}));
  Vec y(3);
  y << -1, 1, -1;
  map_labels(b, y);
  EXPECT_EQ(y, Vec((Vec(3) << 0, 1, 0).finished()));
}

TEST(Classes, AutoIsMultinomialAboveOneAndReportsEmptyClasses) {
  ClassInfo m = decide_classes(Family::Auto, counts({{0, 5}, {1, 3}, {3, 2}}), "y");
  EXPECT_EQ(m.family, Family::Multinomial);
  EXPECT_EQ(m.classes, 4);
  EXPECT_EQ(m.counts, (std::vector<double>{5, 3, 0, 2}));
  EXPECT_EQ(m.names, (std::vector<std::string>{"0", "1", "2", "3"}));
  // Two classes asked for as multinomial: the symmetric two-class softmax.
  EXPECT_EQ(decide_classes(Family::Multinomial, counts({{0, 5}, {1, 3}}), "y").classes, 2);
  // Names from the data file replace the indices.
  EXPECT_EQ(decide_classes(Family::Auto, counts({{0, 1}, {2, 1}}), "y", {"a", "b", "c"}).names,
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Classes, RefusesLabelsTheFamilyCannotRead) {
  EXPECT_THROW(decide_classes(Family::Binomial, counts({{0, 5}, {2, 3}}), "y"), ConfigError);
  EXPECT_THROW(decide_classes(Family::Auto, counts({{-1, 5}, {0, 3}}), "y"), DataError);
  EXPECT_THROW(decide_classes(Family::Auto, counts({{-1, 5}, {2, 3}}), "y"), DataError);
  EXPECT_THROW(decide_classes(Family::Multinomial, counts({{-1, 5}, {1, 3}}), "y"), DataError);
  try {
    decide_classes(Family::Binomial, counts({{0, 5}, {2, 3}}), "t.h5:/y");
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("t.h5:/y has 0, 2"), std::string::npos) << e.what();
  }
}

TEST(Classes, BalancedWeightsAreScikitLearns) {
  ClassInfo m = decide_classes(Family::Auto, counts({{0, 6}, {1, 3}, {2, 1}}), "y");
  ClassWeights balanced;
  balanced.balanced = true;
  const std::vector<double> w = class_weight_values(balanced, m);
  // n / (K·n_k) = 10 / (3·n_k)
  EXPECT_DOUBLE_EQ(w[0], 10.0 / 18.0);
  EXPECT_DOUBLE_EQ(w[1], 10.0 / 9.0);
  EXPECT_DOUBLE_EQ(w[2], 10.0 / 3.0);
  // Weighted rows sum to n: S is unchanged.
  EXPECT_DOUBLE_EQ(6 * w[0] + 3 * w[1] + 1 * w[2], 10.0);
  EXPECT_TRUE(class_weight_values(ClassWeights{}, m).empty());
}

TEST(Classes, MappedWeightsByLabelOrName) {
  ClassInfo pm = decide_classes(Family::Auto, counts({{-1, 4}, {1, 2}}), "y");
  ClassWeights cw;
  cw.weights = {{"-1", 0.5}};
  EXPECT_EQ(class_weight_values(cw, pm), (std::vector<double>{0.5, 1.0}));
  cw.weights = {{"0", 2.0}};
  EXPECT_THROW(class_weight_values(cw, pm), ConfigError);  // no class 0 among −1/+1
  ClassInfo named = decide_classes(Family::Auto, counts({{0, 1}, {1, 1}, {2, 1}}), "y",
                                   {"cat", "dog", "eel"});
  cw.weights = {{"eel", 3.0}};
  EXPECT_EQ(class_weight_values(cw, named), (std::vector<double>{1.0, 1.0, 3.0}));

  Shard s;
  s.y = (Vec(3) << 0, 2, 2).finished();
  apply_class_weights({1.0, 1.0, 3.0}, s);
  EXPECT_EQ(s.weight, Vec((Vec(3) << 1, 3, 3).finished()));
  s.weight = (Vec(3) << 2, 0.5, 1).finished();
  apply_class_weights({1.0, 1.0, 3.0}, s);
  EXPECT_EQ(s.weight, Vec((Vec(3) << 2, 1.5, 3).finished()));
}

}  // namespace
}  // namespace logreg
