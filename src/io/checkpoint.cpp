#include "logreg/io/checkpoint.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <sstream>

#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

namespace {

constexpr int64_t kFormatVersion = 1;

void write_vec(h5::File& f, const std::string& name, const Vec& v) {
  h5::write_vector(f, name, v.data(), static_cast<hsize_t>(v.size()));
}

Vec read_vec(const h5::File& f, const std::string& name) {
  std::vector<double> v = h5::read_vector(f, name);
  return Eigen::Map<Vec>(v.data(), static_cast<Index>(v.size()));
}

}  // namespace

void write_checkpoint(const std::string& path, const Checkpoint& c,
                      const std::function<void()>& before_rename) {
  write_hdf5_atomically(
      path,
      [&](h5::File& f) {
        f.write_attribute("/", "format_version", std::vector<int64_t>{kFormatVersion});
        f.write_attribute("/", "solver", c.state.solver);
        f.write_attribute("/", "iteration", std::vector<int64_t>{c.state.iteration});
        f.write_attribute("/", "config", c.config_fingerprint);
        f.write_attribute("/", "data", c.data_fingerprint);
        write_vec(f, "x", c.state.x);
        f.create_group("history");
        f.write_attribute("history", "count",
                          std::vector<int64_t>{static_cast<int64_t>(c.state.vectors.size())});
        for (size_t i = 0; i < c.state.vectors.size(); ++i) {
          write_vec(f, "history/" + std::to_string(i), c.state.vectors[i]);
        }
        h5::write_vector(f, "scalars", c.state.scalars.data(), c.state.scalars.size());
        if (c.best) {
          f.create_group("best");
          f.write_attribute("best", "fingerprint", c.best->fingerprint);
          const std::vector<double> values = c.best->values();
          h5::write_vector(f, "best/values", values.data(), values.size());
          write_vec(f, "best/x", c.best->x);
        }
      },
      before_rename);
}

std::optional<Checkpoint> read_checkpoint(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  h5::File f(path, h5::File::Mode::ReadOnly);
  if (!f.has_attribute("/", "format_version") ||
      f.read_int_attribute("/", "format_version").at(0) != kFormatVersion) {
    throw DataError(path + ": not a logreg_dist checkpoint (or from an incompatible version)");
  }
  Checkpoint c;
  c.state.solver = f.read_string_attribute("/", "solver");
  c.state.iteration = static_cast<int>(f.read_int_attribute("/", "iteration").at(0));
  c.config_fingerprint = f.read_string_attribute("/", "config");
  c.data_fingerprint = f.read_string_attribute("/", "data");
  c.state.x = read_vec(f, "x");
  const int64_t count = f.read_int_attribute("history", "count").at(0);
  for (int64_t i = 0; i < count; ++i) c.state.vectors.push_back(read_vec(f, "history/" + std::to_string(i)));
  c.state.scalars = h5::read_vector(f, "scalars");
  if (f.exists("best")) {
    const std::vector<double> values = h5::read_vector(f, "best/values");
    if (values.size() != BestPoint::kValues) {
      throw DataError(path + ": best/values has " + std::to_string(values.size()) +
                      " entries, expected " + std::to_string(BestPoint::kValues));
    }
    c.best = BestPoint{};
    c.best->fingerprint = f.read_string_attribute("best", "fingerprint");
    c.best->set_values(values);
    c.best->x = read_vec(f, "best/x");
  }
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
