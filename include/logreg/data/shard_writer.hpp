// Streams rows, in global order, into one HDF5 file or K shard files in the layout the trainer
// reads (README, "HDF5 data layout"): dense `X` (n, d) or CSR group `X` {data, indices int32,
// indptr int64, @shape}, labels `y` (n,) float64. Files are written under temporary names and
// renamed only by finish(), so a failed run leaves no partial output and never clobbers an existing
// file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "logreg/data/row_batch.hpp"
#include "logreg/io/dataset.hpp"

namespace logreg::data {

// Rows of shard k when n rows are split in order into `shards` files as evenly as possible
// (sizes differ by at most one).
RowRange shard_rows(Index n, int shards, int k);

// Output file names: shards == 1 gives {out}; otherwise <dir>/<stem>_<k><ext>, k = 0..K-1
// (ext defaults to .h5 when `out` has none).
std::vector<std::string> shard_paths(const std::string& out, int shards);

struct OutputSpec {
  std::string path;  // OUT.h5; shards derive their names from it
  int shards = 1;
  bool sparse = false;
  Precision dtype = Precision::Float64;  // stored type of X (dense) or X/data (CSR)
};

// Upper bounds that size HDF5 chunks to the data, so small files stay small (< 0: unknown).
struct SizeHint {
  Index rows = -1;
  int64_t nnz = -1;
};

class ShardWriter {
 public:
  // total_rows: exact row count; required when spec.shards > 1 (< 0: unknown, one file).
  // features: column count; required for dense output, and for CSR shards because each file
  // is completed as soon as its rows are in (< 0: passed to finish(), CSR single file only).
  ShardWriter(OutputSpec spec, Index total_rows, Index features, SizeHint hint = {});
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Extra float64 datasets written into every file (e.g. the true model of synth): of shape
  // `dims` (row-major values; {} is a scalar).
  void add_array(const std::string& name, std::vector<uint64_t> dims, std::vector<double> values);
  void add_vector(const std::string& name, std::vector<double> values) {
    const uint64_t n = values.size();
    add_array(name, {n}, std::move(values));
  }
  void add_scalar(const std::string& name, double value) { add_array(name, {}, {value}); }
  // The names of the classes 0..K-1 of string labels, written into every file as attribute
  // `classes` of `y` (README, "HDF5 data layout").
  void set_class_names(std::vector<std::string> names) { class_names_ = std::move(names); }
  // The names of the features (one per column of X), written into every file as dataset
  // `feature_names` (README, "HDF5 data layout"); none when empty.
  void set_feature_names(std::vector<std::string> names) { feature_names_ = std::move(names); }

  void append(const RowBatch& batch);

  // Completes and renames every file; returns the final paths in shard order.
  std::vector<std::string> finish(Index features = -1);

  Index rows() const { return rows_; }
  int64_t nnz() const { return nnz_; }

 private:
  class FileWriter;
  struct Extra {
    std::string name;
    std::vector<uint64_t> dims;
    std::vector<double> values;
  };
  void check_free_space() const;
  void open_next();
  void close_current();

  OutputSpec spec_;
  Index total_rows_;
  Index features_;
  SizeHint hint_;
  std::vector<std::string> paths_;
  std::vector<std::string> temps_;  // created and not yet renamed
  std::vector<Extra> extras_;
  std::vector<std::string> class_names_;
  std::vector<std::string> feature_names_;
  std::unique_ptr<FileWriter> current_;
  int next_shard_ = 0;
  Index rows_ = 0;
  int64_t nnz_ = 0;
  bool finished_ = false;
};

}  // namespace logreg::data
