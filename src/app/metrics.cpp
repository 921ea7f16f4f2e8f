#include "logreg/app/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "logreg/errors.hpp"
#include "logreg/io/atomic_file.hpp"

namespace logreg {

void JsonObject::key(const std::string& k) {
  if (!body_.empty()) body_ += ",";
  body_ += "\"" + k + "\":";
}

JsonObject& JsonObject::add(const std::string& k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    body_ += "null";
  } else {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    body_ += buf;
  }
  return *this;
}

JsonObject& JsonObject::add(const std::string& k, long value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::add(const std::string& k, const std::string& value) {
  key(k);
  body_ += "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') body_ += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      body_ += buf;
      continue;
    }
    body_ += c;
  }
  body_ += "\"";
  return *this;
}

JsonObject& JsonObject::add_raw(const std::string& k, const std::string& json) {
  key(k);
  body_ += json;
  return *this;
}

MetricsSink::MetricsSink(bool enabled, const std::string& path, bool append) : path_(path) {
  if (!enabled || path.empty()) return;
  ensure_parent_directory(path, "output.metrics");
  file_ = std::fopen((path + ".partial").c_str(), "w");
  if (!file_) throw DataError("output.metrics: cannot write " + path + ".partial");
  if (append) {
    std::ifstream old(path);
    std::string line;
    while (std::getline(old, line)) {
      if (line.empty()) continue;  // (a line cut short by a crash is kept, then ended)
      std::fputs(line.c_str(), file_);
      std::fputc('\n', file_);
      static const std::string key = "{\"iter\":";
      if (line.compare(0, key.size(), key) == 0) {
        last_iteration_ = std::max(last_iteration_, std::atoi(line.c_str() + key.size()));
      }
    }
  }
}

MetricsSink::~MetricsSink() {
  if (file_) std::fclose(file_);
}

void MetricsSink::write(const JsonObject& line) {
  if (!file_) return;
  std::fputs(line.str().c_str(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

void MetricsSink::commit() {
  if (!file_) return;
  std::fclose(file_);
  file_ = nullptr;
  commit_file(path_ + ".partial", path_);
}

}  // namespace logreg
