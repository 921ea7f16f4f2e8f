#include "logreg/data/block_pipeline.hpp"

#include <algorithm>

namespace logreg::data {

namespace {

// More parsers than this cannot help: one thread writes the output, and a parser keeps up with
// a large share of it. It also bounds the memory of the 2 × threads blocks in flight.
constexpr int kMaxDefaultThreads = 8;

}  // namespace

BlockPipeline::BlockPipeline(const std::string& path, uint64_t offset, int threads,
                             size_t block_bytes, const BlockLayout& layout, Parse parse)
    : reader_(path, offset, block_bytes), parse_(std::move(parse)), threaded_(threads > 1) {
  const int parsers = std::max(threads, 1);
  const size_t slots = threaded_ ? 2 * static_cast<size_t>(parsers) : 1;
  slots_.reserve(slots);
  for (size_t i = 0; i < slots; ++i) slots_.emplace_back(layout);
  if (!threaded_) return;
  try {
    threads_.emplace_back([this] { read_loop(); });
    for (int i = 0; i < parsers; ++i) threads_.emplace_back([this] { parse_loop(); });
  } catch (...) {
    stop();
    throw;
  }
}

BlockPipeline::~BlockPipeline() { stop(); }

void BlockPipeline::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  slot_freed_.notify_all();
  block_read_.notify_all();
  block_parsed_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

int BlockPipeline::default_threads() {
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, kMaxDefaultThreads);
}

uint64_t BlockPipeline::bytes_read() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_read_;
}

void BlockPipeline::parse_slot(Slot& slot) {
  slot.failure = nullptr;
  try {
    parse_(slot.text.data(), slot.text.data() + slot.size, slot.parsed);
  } catch (...) {
    slot.failure = std::current_exception();
  }
}

// Fills free slots in sequence order; a slot is free once the caller has moved past its block.
void BlockPipeline::read_loop() {
  for (int64_t seq = 0;; ++seq) {
    Slot& slot = slots_[static_cast<size_t>(seq) % slots_.size()];
    {
      std::unique_lock<std::mutex> lock(mutex_);
      slot_freed_.wait(lock, [&] { return stop_ || slot.state == State::Free; });
      if (stop_) return;
    }
    size_t size = 0;
    std::exception_ptr failure;
    try {
      size = reader_.next(slot.text);  // the slot is ours alone while it is free
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      bytes_read_ = reader_.bytes_read();
      if (failure || size == 0) {
        read_failure_ = failure;
        reader_done_ = true;
      } else {
        slot.size = size;
        slot.state = State::Read;
        ++read_;
      }
    }
    if (failure || size == 0) {
      block_read_.notify_all();
      block_parsed_.notify_all();
      return;
    }
    block_read_.notify_one();
  }
}

// Takes read blocks in sequence order; blocks may finish parsing out of order.
void BlockPipeline::parse_loop() {
  while (true) {
    Slot* slot = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      block_read_.wait(lock, [&] { return stop_ || claimed_ < read_ || reader_done_; });
      if (stop_ || claimed_ == read_) return;  // stopped, or the reader is done and so is all
      slot = &slots_[static_cast<size_t>(claimed_++) % slots_.size()];
      slot->state = State::Parsing;
    }
    parse_slot(*slot);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slot->state = State::Parsed;
    }
    block_parsed_.notify_all();
  }
}

const ParsedBlock* BlockPipeline::next() {
  if (!threaded_) {
    Slot& slot = slots_[0];
    slot.size = reader_.next(slot.text);
    bytes_read_ = reader_.bytes_read();
    if (slot.size == 0) return nullptr;
    parse_slot(slot);
    if (slot.failure) std::rethrow_exception(slot.failure);
    return &slot.parsed;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (held_) {
    slots_[static_cast<size_t>(consumed_ - 1) % slots_.size()].state = State::Free;
    held_ = false;
    slot_freed_.notify_all();
  }
  Slot& slot = slots_[static_cast<size_t>(consumed_) % slots_.size()];
  // A slot holds either block consumed_ or, already freed, the block one round earlier.
  block_parsed_.wait(lock, [&] {
    return stop_ || slot.state == State::Parsed || (reader_done_ && consumed_ == read_);
  });
  if (slot.state != State::Parsed) {
    if (read_failure_) std::rethrow_exception(read_failure_);
    return nullptr;
  }
  ++consumed_;
  held_ = true;
  if (slot.failure) std::rethrow_exception(slot.failure);
  return &slot.parsed;
}

}  // namespace logreg::data
