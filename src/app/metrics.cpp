#include "logreg/app/metrics.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "logreg/errors.hpp"
#include "logreg/io/safe_output.hpp"

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

namespace {

bool regular_file(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

MetricsSink::MetricsSink(bool enabled, const std::string& path, bool append) : path_(path) {
  if (!enabled || path.empty()) return;
  ensure_parent_directory(path, "output.metrics");
  const std::string partial = path + ".partial";
  // A run killed outright leaves its lines in the .partial only; a finished one in the file.
  std::vector<std::string> kept;
  if (append) {
    const std::string from = regular_file(partial) ? partial : path;
    std::ifstream old(from);
    std::string line;
    while (std::getline(old, line)) {
      if (old.eof()) break;  // no newline: a line cut short by a crash
      if (line.empty()) continue;
      kept.push_back(line);
      static const std::string key = "{\"iter\":";
      if (line.compare(0, key.size(), key) == 0) {
        last_iteration_ = std::max(last_iteration_, std::atoi(line.c_str() + key.size()));
      }
    }
  }
  std::string tmp;
  const int fd = create_temporary(partial, tmp);
  file_ = ::fdopen(fd, "w");
  if (!file_) {
    ::close(fd);
    std::remove(tmp.c_str());
    throw DataError("output.metrics: cannot write " + tmp);
  }
  for (const std::string& line : kept) {
    std::fputs(line.c_str(), file_);
    std::fputc('\n', file_);
  }
  if (std::fflush(file_) != 0) {
    const std::string why = std::strerror(errno);
    std::fclose(file_);
    file_ = nullptr;
    std::remove(tmp.c_str());
    throw DataError("output.metrics: cannot write " + tmp + ": " + why);
  }
  commit_file(tmp, partial);  // the live file gets its documented name; a link there is replaced
}

MetricsSink::~MetricsSink() {
  if (file_) std::fclose(file_);
}

void MetricsSink::fail(const char* what) {
  if (error_.empty()) {
    error_ = "output.metrics: cannot " + std::string(what) + " " + path_ +
             ".partial: " + std::strerror(errno);
  }
}

void MetricsSink::write(const JsonObject& line) {
  if (!file_ || !error_.empty()) return;
  if (std::fputs(line.str().c_str(), file_) < 0 || std::fputc('\n', file_) == EOF ||
      std::fflush(file_) != 0) {
    fail("write");
  }
}

void MetricsSink::commit() {
  if (!file_) return;
  if (std::fclose(file_) != 0) fail("write");
  file_ = nullptr;
  if (!error_.empty()) throw DataError(error_);
  commit_file(path_ + ".partial", path_);
}

}  // namespace logreg
