// Checkpoint files (README, "Batch jobs: checkpoints, signals, requeue", which describes format 2
// field by field). Format 1 files are still read, for resuming a run started before format 2.
#include "logreg/io/checkpoint.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

namespace {

constexpr int64_t kFormatV1 = 1;

void write_vec(h5::File& f, const std::string& name, const Vec& v) {
  h5::write_vector(f, name, v.data(), static_cast<hsize_t>(v.size()));
}

Vec read_vec(const h5::File& f, const std::string& name) {
  std::vector<double> v = h5::read_vector(f, name);
  return Eigen::Map<Vec>(v.data(), static_cast<Index>(v.size()));
}

int64_t read_int(const h5::File& f, const std::string& object, const std::string& attr) {
  return f.read_int_attribute(object, attr).at(0);
}

template <class Info>
herr_t collect_name(hid_t, const char* name, const Info*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

// The names of the members of group `object`, or of its attributes, in name order.
std::vector<std::string> names(const h5::File& f, const std::string& object, bool attributes) {
  std::vector<std::string> out;
  hsize_t at = 0;
  const herr_t status = attributes
                            ? H5Aiterate_by_name(f.id(), object.c_str(), H5_INDEX_NAME, H5_ITER_INC,
                                                 &at, collect_name<H5A_info_t>, &out, H5P_DEFAULT)
                            : H5Literate_by_name(f.id(), object.c_str(), H5_INDEX_NAME, H5_ITER_INC,
                                                 &at, collect_name<H5L_info_t>, &out, H5P_DEFAULT);
  if (status < 0) {
    throw DataError(f.path() + ":/" + object + ": cannot list its " +
                    (attributes ? "attributes" : "members"));
  }
  return out;
}

// Group "state": one dataset per named vector, one float64 attribute per named scalar.
void write_state(h5::File& f, const SolverState& s) {
  f.create_group("state");
  for (const auto& [name, v] : s.vectors) write_vec(f, "state/" + name, v);
  for (const auto& [name, v] : s.scalars) f.write_attribute("state", name, v);
}

void read_state(const h5::File& f, SolverState& s) {
  for (const std::string& name : names(f, "state", false)) {
    s.vectors[name] = read_vec(f, "state/" + name);
  }
  for (const std::string& name : names(f, "state", true)) {
    s.scalars[name] = f.read_double_attribute("state", name);
  }
}

// Format 1: datasets history/0, history/1, … and one array `scalars`, named here by position.
void read_state_v1(const h5::File& f, SolverState& s) {
  const int64_t count = read_int(f, "history", "count");
  for (int64_t i = 0; i < count; ++i) {
    s.vectors[std::to_string(i)] = read_vec(f, "history/" + std::to_string(i));
  }
  const std::vector<double> scalars = h5::read_vector(f, "scalars");
  for (size_t i = 0; i < scalars.size(); ++i) s.scalars[std::to_string(i)] = scalars[i];
}

// Group "best": the numbers as attributes, the point as dataset best/x.
void write_best(h5::File& f, const BestPoint& b) {
  f.create_group("best");
  f.write_attribute("best", "fingerprint", b.fingerprint);
  f.write_attribute("best", "score", b.score);
  f.write_attribute("best", "iteration", std::vector<int64_t>{b.iteration});
  f.write_attribute("best", "since", std::vector<int64_t>{b.since});
  f.write_attribute("best", "objective", b.objective);
  f.write_attribute("best", "val_logloss", b.val_logloss);
  f.write_attribute("best", "val_accuracy", b.val_accuracy);
  f.write_attribute("best", "val_auc", b.val_auc);
  write_vec(f, "best/x", b.x);
}

BestPoint read_best(const h5::File& f, int64_t version) {
  BestPoint b;
  b.fingerprint = f.read_string_attribute("best", "fingerprint");
  b.x = read_vec(f, "best/x");
  if (version == kFormatV1) {  // one array: score, iteration, since, objective, the val_ metrics
    const std::vector<double> v = h5::read_vector(f, "best/values");
    if (v.size() != 7) {
      throw DataError(f.path() + ":/best/values has " + std::to_string(v.size()) +
                      " entries, expected 7");
    }
    b.score = v[0], b.iteration = static_cast<int>(v[1]), b.since = static_cast<int>(v[2]);
    b.objective = v[3], b.val_logloss = v[4], b.val_accuracy = v[5], b.val_auc = v[6];
    return b;
  }
  b.score = f.read_double_attribute("best", "score");
  b.iteration = static_cast<int>(read_int(f, "best", "iteration"));
  b.since = static_cast<int>(read_int(f, "best", "since"));
  b.objective = f.read_double_attribute("best", "objective");
  b.val_logloss = f.read_double_attribute("best", "val_logloss");
  b.val_accuracy = f.read_double_attribute("best", "val_accuracy");
  b.val_auc = f.read_double_attribute("best", "val_auc");
  return b;
}

}  // namespace

void write_checkpoint(const std::string& path, const Checkpoint& c,
                      const std::function<void()>& before_rename) {
  write_hdf5_atomically(
      path,
      [&](h5::File& f) {
        f.write_attribute("/", "format_version", std::vector<int64_t>{kCheckpointFormat});
        f.write_attribute("/", "solver", c.state.solver);
        f.write_attribute("/", "iteration", std::vector<int64_t>{c.state.iteration});
        f.write_attribute("/", "config", c.config_fingerprint);
        f.write_attribute("/", "data", c.data_fingerprint);
        f.write_attribute("/", "elapsed_s", c.elapsed_s);
        write_vec(f, "x", c.state.x);
        write_state(f, c.state);
        if (c.best) write_best(f, *c.best);
      },
      before_rename);
}

std::optional<Checkpoint> read_checkpoint(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  h5::File f(path, h5::File::Mode::ReadOnly);
  const int64_t version =
      f.has_attribute("/", "format_version") ? read_int(f, "/", "format_version") : 0;
  if (version == 0) throw DataError(path + ": not a logreg_dist checkpoint (no format_version)");
  if (version != kCheckpointFormat && version != kFormatV1) {
    throw DataError(path + ": checkpoint format " + std::to_string(version) +
                    ", this logreg_dist reads formats 1 and 2; delete it or set "
                    "checkpoint.resume: never to start afresh");
  }
  Checkpoint c;
  c.format_version = static_cast<int>(version);
  c.state.solver = f.read_string_attribute("/", "solver");
  c.state.iteration = static_cast<int>(read_int(f, "/", "iteration"));
  c.config_fingerprint = f.read_string_attribute("/", "config");
  c.data_fingerprint = f.read_string_attribute("/", "data");
  if (f.has_attribute("/", "elapsed_s")) c.elapsed_s = f.read_double_attribute("/", "elapsed_s");
  c.state.x = read_vec(f, "x");
  if (version == kFormatV1)
    read_state_v1(f, c.state);
  else
    read_state(f, c.state);
  if (f.exists("best")) c.best = read_best(f, version);
  return c;
}

std::string fingerprint_difference(const std::string& now, const std::string& saved) {
  std::istringstream a(now), b(saved);
  std::string la, lb;
  while (true) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "";
    if (ha && hb && la == lb) continue;
    auto key = [](const std::string& l) { return l.substr(0, l.find('=')); };
    auto value = [](const std::string& l) {
      const size_t eq = l.find('=');
      return eq == std::string::npos ? std::string("(none)") : l.substr(eq + 1);
    };
    if (ha && hb && key(la) == key(lb)) {
      return key(la) + ": now " + value(la) + ", in the checkpoint " + value(lb);
    }
    return "now '" + (ha ? la : std::string("(nothing)")) + "', in the checkpoint '" +
           (hb ? lb : std::string("(nothing)")) + "'";
  }
}

}  // namespace logreg
