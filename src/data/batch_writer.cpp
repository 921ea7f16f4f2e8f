#include "logreg/data/batch_writer.hpp"

namespace logreg::data {

namespace {

// Rows are handed to the writer in batches of about this many bytes.
constexpr size_t kBatchBytes = 8 << 20;
// Batches in flight when writing on a thread: one being filled, one being written, one queued.
constexpr size_t kThreadedBatches = 3;

}  // namespace

BatchWriter::BatchWriter(ShardWriter& writer, bool sparse, Index features, bool threaded)
    : writer_(writer), threaded_(threaded) {
  const size_t n = threaded_ ? kThreadedBatches : 1;
  batches_.assign(n, RowBatch(sparse, features));
  for (size_t i = 1; i < n; ++i) free_.push_back(i);
  if (threaded_) thread_ = std::thread([this] { write_loop(); });
}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  submitted_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BatchWriter::add(const ParsedBlock& b) {
  // Per row, RowBatch::bytes() grows by 8 for the label, and by 8 for the CSR offset and 12 per
  // entry, or by 8 per dense column.
  RowBatch* batch = &batches_[filling_];
  const size_t n = b.labels.size();
  size_t begin = 0;
  size_t bytes = batch->bytes();
  for (size_t i = 0; i < n; ++i) {
    bytes += batch->sparse ? 16 + 12 * static_cast<size_t>(b.indptr[i + 1] - b.indptr[i])
                           : 8 + 8 * static_cast<size_t>(batch->features);
    if (bytes >= kBatchBytes) {
      copy_rows(b, begin, i + 1);
      submit();
      batch = &batches_[filling_];
      bytes = batch->bytes();
      begin = i + 1;
    }
  }
  copy_rows(b, begin, n);
}

void BatchWriter::copy_rows(const ParsedBlock& b, size_t begin, size_t end) {
  RowBatch& batch = batches_[filling_];
  batch.labels.insert(batch.labels.end(), b.labels.begin() + begin, b.labels.begin() + end);
  if (batch.sparse) {
    const int64_t first = b.indptr[begin], last = b.indptr[end];
    const int64_t shift = static_cast<int64_t>(batch.values.size()) - first;
    for (size_t i = begin + 1; i <= end; ++i) batch.indptr.push_back(b.indptr[i] + shift);
    batch.indices.insert(batch.indices.end(), b.indices() + first, b.indices() + last);
    batch.values.insert(batch.values.end(), b.values() + first, b.values() + last);
  } else {
    const auto w = static_cast<size_t>(batch.features);
    batch.dense.insert(batch.dense.end(), b.dense.begin() + begin * w, b.dense.begin() + end * w);
  }
}

void BatchWriter::submit() {
  if (!threaded_) {
    writer_.append(batches_[filling_]);
    batches_[filling_].clear();
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  rethrow_failure();
  queue_.push_back(filling_);
  submitted_.notify_one();
  written_.wait(lock, [&] { return !free_.empty() || failure_; });
  rethrow_failure();
  filling_ = free_.back();
  free_.pop_back();
}

void BatchWriter::finish() {
  submit();
  if (!threaded_) return;
  std::unique_lock<std::mutex> lock(mutex_);
  written_.wait(lock, [&] { return (queue_.empty() && !writing_) || failure_; });
  rethrow_failure();
}

void BatchWriter::rethrow_failure() {
  if (failure_) std::rethrow_exception(failure_);
}

void BatchWriter::write_loop() {
  while (true) {
    size_t i = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      submitted_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      i = queue_.front();
      queue_.pop_front();
      writing_ = true;
    }
    std::exception_ptr failure;
    try {
      writer_.append(batches_[i]);
      batches_[i].clear();
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writing_ = false;
      if (failure) {
        failure_ = failure;
      } else {
        free_.push_back(i);
      }
    }
    written_.notify_all();
    if (failure) return;
  }
}

}  // namespace logreg::data
