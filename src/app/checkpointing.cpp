// Checkpoint policy of a training run (checkpointing.hpp; README, "Batch jobs"): fingerprints,
// the checks before resuming, the broadcast of the state from rank 0 and collective saving.
#include "logreg/app/checkpointing.hpp"

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/io/safe_output.hpp"
#include "logreg/solvers/legacy_state.hpp"

namespace logreg {

namespace {

const char* const kDamaged =
    " (a damaged or foreign checkpoint; delete it or set checkpoint.resume: never)";

// Solver field names are identifiers: they travel in the broadcast's layout text.
bool is_field_name(const std::string& name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

// Every vector of a checkpoint has the run's dimension and finite entries, and every scalar is
// finite, before any of it is used or broadcast (a damaged or foreign file must fail here, not in
// a collective). Which fields a solver needs is its own check when it resumes.
void validate_state(const std::string& path, const Checkpoint& c, Index dim) {
  auto check = [&](const std::string& what, const Vec& v) {
    if (v.size() != dim) {
      throw DataError(path + ": " + what + " has " + std::to_string(v.size()) +
                      " entries, this run has " + std::to_string(dim) + " parameters" + kDamaged);
    }
    for (Index i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) {
        throw DataError(path + ": " + what + " entry " + std::to_string(i) + " is " +
                        std::to_string(v[i]) + kDamaged);
      }
    }
  };
  if (c.state.iteration < 0) throw DataError(path + ": negative iteration" + kDamaged);
  check("x", c.state.x);
  for (const auto& [name, v] : c.state.vectors) {
    if (!is_field_name(name))
      throw DataError(path + ": state/" + name + " is no solver field" + kDamaged);
    check("state/" + name, v);
  }
  for (const auto& [name, v] : c.state.scalars) {
    if (!is_field_name(name))
      throw DataError(path + ": state@" + name + " is no solver field" + kDamaged);
    if (!std::isfinite(v)) throw DataError(path + ": state@" + name + " is not finite" + kDamaged);
  }
  if (!std::isfinite(c.elapsed_s) || c.elapsed_s < 0) {
    throw DataError(path + ": elapsed_s is " + std::to_string(c.elapsed_s) + kDamaged);
  }
  if (c.best) {
    check("best/x", c.best->x);
    if (c.best->iteration < 0 || c.best->since < 0) {
      throw DataError(path + ": best point at iteration " + std::to_string(c.best->iteration) +
                      ", " + std::to_string(c.best->since) + " evaluations since" + kDamaged);
    }
  }
}

std::string g17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A resumed state as broadcast from rank 0: `layout` names the fields, one per line, after the
// count of numbers ("numbers N", "x D", "vector NAME D", "scalar NAME", "best D", "elapsed"), and
// `numbers` holds the iteration and then each field's numbers in that order (a best point: score,
// iteration, since, objective, val_logloss, val_accuracy, val_auc, x; elapsed: its seconds).
struct Packed {
  std::string layout;
  std::vector<double> numbers;
};

Packed pack(const SolverState& s, const std::optional<BestPoint>& best, double elapsed_s) {
  Packed p;
  std::ostringstream layout;
  auto add = [&](const Vec& v) {
    p.numbers.insert(p.numbers.end(), v.data(), v.data() + v.size());
  };
  p.numbers.push_back(static_cast<double>(s.iteration));
  layout << "x " << s.x.size() << "\n";
  add(s.x);
  for (const auto& [name, v] : s.vectors) {
    layout << "vector " << name << " " << v.size() << "\n";
    add(v);
  }
  for (const auto& [name, v] : s.scalars) {
    layout << "scalar " << name << "\n";
    p.numbers.push_back(v);
  }
  if (best) {
    layout << "best " << best->x.size() << "\n";
    p.numbers.insert(p.numbers.end(), {best->score, static_cast<double>(best->iteration),
                                       static_cast<double>(best->since), best->objective,
                                       best->val_logloss, best->val_accuracy, best->val_auc});
    add(best->x);
  }
  layout << "elapsed\n";
  p.numbers.push_back(elapsed_s);
  p.layout = "numbers " + std::to_string(p.numbers.size()) + "\n" + layout.str();
  return p;
}

SolverState unpack(const Packed& p, const std::string& solver, std::optional<BestPoint>& best,
                   double& elapsed_s) {
  SolverState s;
  s.solver = solver;
  size_t at = 0;
  auto next = [&] { return p.numbers.at(at++); };
  auto take = [&](size_t n) {
    Vec v = Eigen::Map<const Vec>(p.numbers.data() + at, static_cast<Index>(n));
    at += n;
    return v;
  };
  s.iteration = static_cast<int>(next());
  best.reset();
  std::istringstream in(p.layout);
  std::string kind, name;
  size_t n = 0;
  in >> kind >> n;  // numbers N
  while (in >> kind) {
    if (kind == "x")
      in >> n, s.x = take(n);
    else if (kind == "vector")
      in >> name >> n, s.vectors[name] = take(n);
    else if (kind == "scalar")
      in >> name, s.scalars[name] = next();
    else if (kind == "best") {
      in >> n;
      BestPoint b;
      b.score = next(), b.iteration = static_cast<int>(next()), b.since = static_cast<int>(next());
      b.objective = next(), b.val_logloss = next(), b.val_accuracy = next(), b.val_auc = next();
      b.x = take(n);
      best = std::move(b);
    } else if (kind == "elapsed") {
      elapsed_s = next();
    }
  }
  return s;
}

// What early stopping's best point depends on (metric and validation files); empty when early
// stopping is off.
std::string best_fingerprint(const Config& c) {
  if (!c.early_stopping.enabled()) return "";
  std::ostringstream os;
  os << "early_stopping.metric=" << to_string(c.early_stopping.metric) << "\n";
  for (size_t k = 0; k < c.data.validation.size(); ++k) {
    os << "data.validation" << k << "=" << c.data.validation[k] << "\n";
  }
  return os.str();
}

}  // namespace

std::string config_fingerprint(const Config& c) {
  std::ostringstream os;
  os << "data.features=" << c.data.features << "\n"
     << "data.labels=" << c.data.labels << "\n"
     << "data.weights=" << c.data.weights << "\n"
     << "data.dtype=" << to_string(c.data.dtype) << "\n"
     << "model.fit_intercept=" << (c.model.fit_intercept ? "true" : "false") << "\n"
     << "model.l2=" << g17(c.model.l2) << "\n"
     << "model.l1=" << g17(c.model.l1) << "\n"
     << "model.standardize=" << (c.model.standardize ? "true" : "false") << "\n"
     << "solver.name=" << to_string(c.effective_solver()) << "\n"
     << "solver.learning_rate="
     << (c.solver.learning_rate > 0 ? g17(c.solver.learning_rate) : "auto") << "\n"
     << "solver.memory=" << c.solver.memory << "\n";
  // The keys added with the multinomial family appear only when set, so a checkpoint of an
  // earlier version still matches a config that does not use them.
  if (c.model.family != Family::Auto) os << "model.family=" << to_string(c.model.family) << "\n";
  if (c.model.class_weight.balanced) os << "model.class_weight=balanced\n";
  for (const auto& [name, w] : c.model.class_weight.weights) {
    os << "model.class_weight." << name << "=" << g17(w) << "\n";
  }
  if (!c.model.init.empty()) os << "model.init=" << c.model.init << "\n";
  return os.str();
}

std::string data_fingerprint(const DataLayout& layout) {
  std::ostringstream os;
  os << "data.rows=" << layout.rows << "\n"
     << "data.features=" << layout.cols << "\n"
     << "data.layout=" << (layout.sparse ? "csr" : "dense") << "\n"
     << "data.nnz=" << layout.nnz << "\n"
     << "data.files=" << layout.files.size() << "\n";
  for (size_t k = 0; k < layout.files.size(); ++k) {
    struct stat st {};
    stat(layout.files[k].path.c_str(), &st);
    os << "data.file" << k << "=" << layout.files[k].path << " (" << layout.files[k].rows
       << " rows, " << st.st_size << " bytes)\n";
  }
  return os.str();
}

Checkpointer::Checkpointer(Communicator& comm, const Config& config, const DataLayout& layout)
    : comm_(comm),
      path_(config.checkpoint.path),
      resume_(config.checkpoint.resume),
      best_fingerprint_(best_fingerprint(config)) {
  fingerprints_.config_fingerprint = config_fingerprint(config);
  fingerprints_.data_fingerprint = data_fingerprint(layout);
}

std::optional<Checkpoint> Checkpointer::read_resumable(Index dim, std::ostream& out) const {
  ensure_parent_directory(path_, "checkpoint.path");
  remove_stale_temporaries(path_);
  if (resume_ == ResumeMode::Never) return std::nullopt;
  std::optional<Checkpoint> c = read_checkpoint(path_);
  if (!c) {
    if (resume_ == ResumeMode::Require) {
      throw ConfigError("checkpoint.resume is 'require' but " + path_ + " does not exist");
    }
    return std::nullopt;
  }
  const std::string hint = "; delete it or set checkpoint.resume: never to start afresh";
  std::string diff =
      fingerprint_difference(fingerprints_.config_fingerprint, c->config_fingerprint);
  if (!diff.empty()) {
    throw ConfigError("checkpoint " + path_ + " was written for another configuration (" + diff +
                      ")" + hint);
  }
  diff = fingerprint_difference(fingerprints_.data_fingerprint, c->data_fingerprint);
  if (!diff.empty()) {
    throw ConfigError("checkpoint " + path_ + " was written for other data (" + diff + ")" + hint);
  }
  if (c->state.x.size() != dim) {
    throw ConfigError("checkpoint " + path_ + " holds " + std::to_string(c->state.x.size()) +
                      " parameters, this run has " + std::to_string(dim));
  }
  if (c->format_version == 1) {  // named as format 2 names them (README, "Batch jobs")
    try {
      c->state = upgrade_v1_state(c->state);
    } catch (const DataError& e) {
      throw DataError(path_ + ": " + e.what() + kDamaged);
    }
  }
  validate_state(path_, *c, dim);
  if (best_fingerprint_.empty()) {
    c->best.reset();  // early stopping is off now: nothing to select
  } else if (c->best) {
    diff = fingerprint_difference(best_fingerprint_, c->best->fingerprint);
    if (!diff.empty()) {
      throw ConfigError("checkpoint " + path_ +
                        " chose its best point by another early-stopping rule (" + diff + ")" +
                        hint);
    }
  }
  out << "resuming from " << path_ << " at iteration " << c->state.iteration;
  if (c->best) out << " (early stopping: best so far at iteration " << c->best->iteration << ")";
  if (!best_fingerprint_.empty() && !c->best) out << " (it holds no best point for early stopping)";
  if (c->format_version == 1) out << " (checkpoint format 1, converted)";
  out << "\n";
  out.flush();
  return c;
}

SolverState Checkpointer::start_state(Index dim, const std::string& solver, std::ostream& out) {
  SolverState fresh;
  fresh.solver = solver;
  fresh.x = Vec::Zero(dim);
  if (!enabled()) return fresh;
  Packed packed;
  collectively(comm_, [&] {
    if (!comm_.is_root()) return;
    if (std::optional<Checkpoint> c = read_resumable(dim, out)) {
      packed = pack(c->state, c->best, c->elapsed_s);
    }
  });
  comm_.broadcast(packed.layout, 0);
  if (packed.layout.empty()) return fresh;
  std::istringstream first(packed.layout);
  std::string numbers;
  size_t count = 0;
  first >> numbers >> count;
  packed.numbers.resize(count);
  comm_.broadcast(packed.numbers, 0);
  return unpack(packed, solver, resumed_best_, resumed_elapsed_);
}

void Checkpointer::save(const SolverState& state) {
  save([&] { return state; });
}

void Checkpointer::save(const std::function<SolverState()>& snapshot) {
  if (!enabled()) return;
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<SolverState> gathered;
  if (snapshot_everywhere_) gathered = snapshot();  // collective
  collectively(comm_, [&] {
    if (!comm_.is_root()) return;
    Checkpoint c = fingerprints_;
    c.state = gathered ? std::move(*gathered) : snapshot();
    if (best_source_) {
      c.best = best_source_();
      if (c.best) c.best->fingerprint = best_fingerprint_;
    }
    if (elapsed_source_) c.elapsed_s = elapsed_source_();
    write_checkpoint(path_, c);
  });
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace logreg
