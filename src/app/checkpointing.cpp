#include "logreg/app/checkpointing.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

namespace {

// Every vector of a checkpoint has the run's dimension and finite entries, before any of it is
// used or broadcast (a damaged or foreign file must fail here, not in a collective).
void validate_state(const std::string& path, const Checkpoint& c, Index dim) {
  const std::string hint =
      " (a damaged or foreign checkpoint; delete it or set checkpoint.resume: never)";
  auto check = [&](const std::string& what, const Vec& v) {
    if (v.size() != dim) {
      throw DataError(path + ": " + what + " has " + std::to_string(v.size()) +
                      " entries, this run has " + std::to_string(dim) + " parameters" + hint);
    }
    for (Index i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) {
        throw DataError(path + ": " + what + " entry " + std::to_string(i) + " is " +
                        std::to_string(v[i]) + hint);
      }
    }
  };
  if (c.state.iteration < 0) throw DataError(path + ": negative iteration" + hint);
  check("x", c.state.x);
  for (size_t k = 0; k < c.state.vectors.size(); ++k) {
    check("history vector " + std::to_string(k), c.state.vectors[k]);
  }
  for (size_t k = 0; k < c.state.scalars.size(); ++k) {
    if (!std::isfinite(c.state.scalars[k])) {
      throw DataError(path + ": solver scalar " + std::to_string(k) + " is not finite" + hint);
    }
  }
  if (c.best) check("best/x", c.best->x);
}

std::string g17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// [iteration, #vectors, #scalars, |x|, |v₀|, …, x, v₀, …, scalars, has best, then with a best
// point: #values, |x|, values, x] for one broadcast.
std::vector<double> pack(const SolverState& s, const std::optional<BestPoint>& best) {
  std::vector<double> out{static_cast<double>(s.iteration), static_cast<double>(s.vectors.size()),
                          static_cast<double>(s.scalars.size()), static_cast<double>(s.x.size())};
  for (const Vec& v : s.vectors) out.push_back(static_cast<double>(v.size()));
  out.insert(out.end(), s.x.data(), s.x.data() + s.x.size());
  for (const Vec& v : s.vectors) out.insert(out.end(), v.data(), v.data() + v.size());
  out.insert(out.end(), s.scalars.begin(), s.scalars.end());
  out.push_back(best ? 1.0 : 0.0);
  if (best) {
    const std::vector<double> values = best->values();
    out.push_back(static_cast<double>(values.size()));
    out.push_back(static_cast<double>(best->x.size()));
    out.insert(out.end(), values.begin(), values.end());
    out.insert(out.end(), best->x.data(), best->x.data() + best->x.size());
  }
  return out;
}

SolverState unpack(const std::vector<double>& in, const std::string& solver,
                   std::optional<BestPoint>& best) {
  SolverState s;
  s.solver = solver;
  s.iteration = static_cast<int>(in[0]);
  const size_t nv = static_cast<size_t>(in[1]), ns = static_cast<size_t>(in[2]);
  size_t at = 4 + nv;
  auto take = [&](size_t n) {
    Vec v = Eigen::Map<const Vec>(in.data() + at, static_cast<Index>(n));
    at += n;
    return v;
  };
  s.x = take(static_cast<size_t>(in[3]));
  for (size_t i = 0; i < nv; ++i) s.vectors.push_back(take(static_cast<size_t>(in[4 + i])));
  s.scalars.assign(in.begin() + static_cast<long>(at), in.begin() + static_cast<long>(at + ns));
  at += ns;
  best.reset();
  if (in[at++] != 0.0) {
    const size_t nvalues = static_cast<size_t>(in[at]), nx = static_cast<size_t>(in[at + 1]);
    at += 2;
    BestPoint b;
    b.set_values(
        {in.begin() + static_cast<long>(at), in.begin() + static_cast<long>(at + nvalues)});
    at += nvalues;
    b.x = take(nx);
    best = std::move(b);
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

SolverState Checkpointer::start_state(Index dim, const std::string& solver, std::ostream& out) {
  SolverState fresh;
  fresh.solver = solver;
  fresh.x = Vec::Zero(dim);
  if (!enabled()) return fresh;
  std::vector<double> packed;
  collectively(comm_, [&] {
    if (!comm_.is_root()) return;
    ensure_parent_directory(path_, "checkpoint.path");
    remove_stale_temporaries(path_);
    if (resume_ == ResumeMode::Never) return;
    std::optional<Checkpoint> c = read_checkpoint(path_);
    if (!c) {
      if (resume_ == ResumeMode::Require) {
        throw ConfigError("checkpoint.resume is 'require' but " + path_ + " does not exist");
      }
      return;
    }
    const std::string hint = "; delete it or set checkpoint.resume: never to start afresh";
    std::string diff = fingerprint_difference(fingerprints_.config_fingerprint, c->config_fingerprint);
    if (!diff.empty()) {
      throw ConfigError("checkpoint " + path_ + " was written for another configuration (" + diff + ")" + hint);
    }
    diff = fingerprint_difference(fingerprints_.data_fingerprint, c->data_fingerprint);
    if (!diff.empty()) {
      throw ConfigError("checkpoint " + path_ + " was written for other data (" + diff + ")" + hint);
    }
    if (c->state.x.size() != dim) {
      throw ConfigError("checkpoint " + path_ + " holds " + std::to_string(c->state.x.size()) +
                        " parameters, this run has " + std::to_string(dim));
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
      if (c->best->x.size() != dim) {
        throw DataError(path_ + ": malformed best point (" + std::to_string(c->best->x.size()) +
                        " parameters)");
      }
    }
    packed = pack(c->state, c->best);
    out << "resuming from " << path_ << " at iteration " << c->state.iteration;
    if (c->best) out << " (early stopping: best so far at iteration " << c->best->iteration << ")";
    if (!best_fingerprint_.empty() && !c->best)
      out << " (it holds no best point for early stopping)";
    out << "\n";
    out.flush();
  });
  double n = static_cast<double>(packed.size());
  comm_.broadcast({&n, 1}, 0);
  if (n == 0) return fresh;
  packed.resize(static_cast<size_t>(n));
  comm_.broadcast(packed, 0);
  return unpack(packed, solver, resumed_best_);
}

void Checkpointer::save(const SolverState& state) {
  save([&] { return state; });
}

void Checkpointer::save(const std::function<SolverState()>& snapshot) {
  if (!enabled()) return;
  const auto t0 = std::chrono::steady_clock::now();
  collectively(comm_, [&] {
    if (!comm_.is_root()) return;
    Checkpoint c = fingerprints_;
    c.state = snapshot();
    if (best_source_) {
      c.best = best_source_();
      if (c.best) c.best->fingerprint = best_fingerprint_;
    }
    write_checkpoint(path_, c);
  });
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace logreg
