// The path table (include/logreg/app/path_table.hpp).
#include "logreg/app/path_table.hpp"

#include "logreg/app/metrics.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string number(double v) { return config_number(v); }

std::string csv(const Selection& s) {
  std::string t = "index,penalty,lambda,l2,l1,iterations,passes,objective,nnz";
  if (s.folds > 0) {
    t += ",metric,cv_mean,cv_sd,cv_se";
    for (int k = 0; k < s.folds; ++k) t += ",cv_fold_" + std::to_string(k);
    t += ",selected";
  }
  t += ",status\n";
  for (size_t i = 0; i < s.points.size(); ++i) {
    const PathPoint& p = s.points[i];
    t += std::to_string(i) + "," + s.penalty + "," + number(p.lambda) + "," + number(p.l2) + "," +
         number(p.l1) + "," + std::to_string(p.iterations) + "," + std::to_string(p.passes) + "," +
         number(p.objective) + "," + number(p.nnz);
    if (s.folds > 0) {
      t += std::string(",") + to_string(s.metric) + "," + number(p.cv_mean) + "," +
           number(p.cv_sd) + "," + number(p.cv_se);
      for (double v : p.cv) t += "," + number(v);
      t += static_cast<int>(i) == s.chosen ? ",1" : ",0";
    }
    t += "," + p.status + "\n";
  }
  return t;
}

std::string jsonl(const Selection& s) {
  std::string t;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const PathPoint& p = s.points[i];
    JsonObject o;
    o.add("index", static_cast<long>(i))
        .add("penalty", s.penalty)
        .add("lambda", p.lambda)
        .add("l2", p.l2)
        .add("l1", p.l1)
        .add("iterations", p.iterations)
        .add("passes", p.passes)
        .add("objective", p.objective)
        .add("nnz", p.nnz);
    if (s.folds > 0) {
      std::string folds = "[";
      for (size_t k = 0; k < p.cv.size(); ++k) folds += (k ? "," : "") + number(p.cv[k]);
      o.add("metric", to_string(s.metric))
          .add("cv_mean", p.cv_mean)
          .add("cv_sd", p.cv_sd)
          .add("cv_se", p.cv_se)
          .add_raw("cv_folds", folds + "]")
          .add("selected", static_cast<int>(i) == s.chosen ? 1 : 0);
    }
    o.add("status", p.status);
    t += o.str() + "\n";
  }
  return t;
}

}  // namespace

std::string path_table(const Selection& selection, bool as_jsonl) {
  return as_jsonl ? jsonl(selection) : csv(selection);
}

void write_path_table(const std::string& path, const Selection& selection) {
  AtomicTextFile out(path, "output.path: cannot write " + path + ": ");
  out.write(path_table(selection, ends_with(path, ".jsonl")));
  out.commit();
}

}  // namespace logreg
