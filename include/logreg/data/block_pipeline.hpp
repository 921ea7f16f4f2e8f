// Reads a text file in blocks of whole lines on one thread, parses the blocks on a pool of
// threads, and hands the parsed blocks back strictly in input order. At most 2 × threads blocks
// are in flight (being read, parsed, or parsed and waiting), each in a slot that is reused, so
// memory is bounded by the block size and never by the file.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logreg/data/parsed_block.hpp"
#include "logreg/data/text_input.hpp"

namespace logreg::data {

class BlockPipeline {
 public:
  // Parses [begin, end) into `out`; called concurrently on different blocks.
  using Parse = std::function<void(const char* begin, const char* end, ParsedBlock& out)>;

  // Reads `path` from byte `offset`. threads == 1 reads and parses on the caller's thread, with
  // no other thread started. Every parsed block has `layout`.
  BlockPipeline(const std::string& path, uint64_t offset, int threads, size_t block_bytes,
                const BlockLayout& layout, Parse parse);
  ~BlockPipeline();  // stops and joins the threads, also when the consumer gave up early
  BlockPipeline(const BlockPipeline&) = delete;
  BlockPipeline& operator=(const BlockPipeline&) = delete;

  // The next block in input order, parsed; nullptr after the last one. Valid until the next
  // call. Rethrows, in input order, a read failure or an exception thrown by `parse`.
  const ParsedBlock* next();

  // Bytes read from the offset on (all of them once next() has returned nullptr).
  uint64_t bytes_read() const;

  // The default number of parser threads: the hardware's, at least 2 and at most 8.
  static int default_threads();

 private:
  enum class State { Free, Read, Parsing, Parsed };
  struct Slot {
    explicit Slot(const BlockLayout& layout) : parsed(layout) {}
    std::vector<char> text;
    size_t size = 0;
    ParsedBlock parsed;
    std::exception_ptr failure;
    State state = State::Free;
  };

  void stop();
  void read_loop();
  void parse_loop();
  void parse_slot(Slot& slot);

  BlockReader reader_;
  Parse parse_;
  std::vector<Slot> slots_;
  bool threaded_;

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_, block_read_, block_parsed_;
  int64_t read_ = 0;      // blocks read (sequence numbers 0..read_-1)
  int64_t claimed_ = 0;   // blocks taken by a parser thread
  int64_t consumed_ = 0;  // blocks handed to the caller
  bool held_ = false;     // the caller holds block consumed_ - 1
  bool reader_done_ = false;
  std::exception_ptr read_failure_;
  uint64_t bytes_read_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace logreg::data
