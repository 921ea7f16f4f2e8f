// Rank-0 sinks: the JSON-lines metrics file and the progress log. Other ranks hold inactive
// sinks, so callers need no rank checks. The metrics file is written as <path>.partial and
// moved into place when the run ends, so a previous run's file is replaced only by a complete
// one. The .partial is made as a new file and renamed into place (a link planted there is
// replaced, never written through); a resumed run carries over every complete line of the
// previous run's .partial (or, when there is none, of its finished file).
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
  // earlier lines are kept and new ones follow them.
  MetricsSink(bool enabled, const std::string& path, bool append = false);
  ~MetricsSink();
  MetricsSink(const MetricsSink&) = delete;
  MetricsSink& operator=(const MetricsSink&) = delete;
  // A failed write (disk full) is remembered, not thrown: the run goes on, and commit() reports it.
  void write(const JsonObject& line);
  // The highest "iter" among the lines kept from the existing file (−1 when none): a resumed
  // run recomputes the iterations after its checkpoint, whose lines may be there already.
  int last_iteration() const { return last_iteration_; }
  // Moves <path>.partial onto <path>; throws DataError when any write failed (the .partial is
  // then left as it is and <path> untouched).
  void commit();

 private:
  void fail(const char* what);

  std::FILE* file_ = nullptr;
  std::string path_;
  std::string error_;
  int last_iteration_ = -1;
};

}  // namespace logreg
