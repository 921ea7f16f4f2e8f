// Regroups the rows of parsed blocks, taken in input order, into the batches ShardWriter has
// always been given (a batch ends at the first row that brings RowBatch::bytes() to 8 MB), so
// the HDF5 calls, and with them the files, are the same whatever the block size or thread
// count. Optionally writes on a thread of its own, so that writing (HDF5 and the kernel's copies
// into the page cache) overlaps regrouping; a few batches alternate, so memory stays bounded.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "logreg/data/parsed_block.hpp"
#include "logreg/data/row_batch.hpp"
#include "logreg/data/shard_writer.hpp"

namespace logreg::data {

class BatchWriter {
 public:
  // `writer` is used only by this object (and its thread) until finish() has returned.
  BatchWriter(ShardWriter& writer, bool sparse, Index features, bool threaded);
  ~BatchWriter();  // stops and joins the thread; batches not yet written are dropped
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Copies the rows of `b` (of the same layout); full batches go to the writer. Rethrows an
  // error the writer thread met.
  void add(const ParsedBlock& b);

  // Writes the last (possibly empty) batch and waits until every batch is written; rethrows an
  // error the writer thread met.
  void finish();

 private:
  void copy_rows(const ParsedBlock& b, size_t begin, size_t end);
  void submit();  // hands batches_[filling_] over and takes a free batch to fill
  void write_loop();
  void rethrow_failure();  // with mutex_ held

  ShardWriter& writer_;
  bool threaded_;
  std::vector<RowBatch> batches_;
  size_t filling_ = 0;

  std::mutex mutex_;
  std::condition_variable submitted_, written_;
  std::deque<size_t> queue_;  // batches to write, in order
  std::vector<size_t> free_;  // batches to fill
  bool writing_ = false;      // the thread holds a batch
  bool stop_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace logreg::data
