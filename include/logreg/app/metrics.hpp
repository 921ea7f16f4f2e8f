// Rank-0 sinks: the JSON-lines metrics file and the progress log. Other ranks hold inactive
// sinks, so callers need no rank checks. The metrics file is written as <path>.partial and
// moved into place when the run ends, so a previous run's file is replaced only by a complete one.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>

namespace logreg {

// Builds one JSON object; numbers print with full precision, non-finite ones as null.
class JsonObject {
 public:
  JsonObject& add(const std::string& key, double value);
  JsonObject& add(const std::string& key, long value);
  JsonObject& add(const std::string& key, int value) { return add(key, static_cast<long>(value)); }
  JsonObject& add(const std::string& key, const std::string& value);
  JsonObject& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
  JsonObject& add_raw(const std::string& key, const std::string& json);
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(const std::string& k);
  std::string body_;
};

class MetricsSink {
 public:
  MetricsSink() = default;
  // Active when `enabled` (rank 0) and `path` is not empty. With `append` (a resumed run) the
  // existing file's lines are kept and new ones follow them.
  MetricsSink(bool enabled, const std::string& path, bool append = false);
  ~MetricsSink();
  MetricsSink(const MetricsSink&) = delete;
  MetricsSink& operator=(const MetricsSink&) = delete;
  void write(const JsonObject& line);
  // The highest "iter" among the lines kept from the existing file (−1 when none): a resumed
  // run recomputes the iterations after its checkpoint, whose lines may be there already.
  int last_iteration() const { return last_iteration_; }
  // Moves <path>.partial onto <path>.
  void commit();

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  int last_iteration_ = -1;
};

}  // namespace logreg
