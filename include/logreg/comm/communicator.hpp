// The only door to inter-rank communication. Passed by reference to whoever needs it; there is no
// global communicator. SerialCommunicator lets most of the code run and be tested without MPI.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace logreg {

// The outcome every rank agreed on: the largest exit code seen and the message of the lowest
// rank that reported it.
struct AgreedError {
  int code = 0;
  std::string message;
  int origin_rank = -1;
  explicit operator bool() const { return code != 0; }
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual void allreduce_sum(std::span<double> values) = 0;
  virtual void allreduce_max(std::span<double> values) = 0;
  virtual void allreduce_min(std::span<double> values) = 0;
  virtual void broadcast(std::span<double> values, int root) = 0;
  virtual void broadcast(std::string& text, int root) = 0;
  // Gathers one block of doubles per rank onto every rank (variable lengths).
  virtual void allgather(std::span<const double> mine, std::vector<double>& all,
                         std::vector<int>& counts) = 0;
  // The same with the lengths known on every rank (counts[r] from rank r; mine is counts[rank()]
  // long): the blocks in rank order into `all`, Σ counts long, without exchanging the lengths.
  virtual void allgather_into(std::span<const double> mine, std::span<double> all,
                              std::span<const int> counts) = 0;
  // Sums `in` (Σ counts long, the same layout on every rank) over the ranks and leaves block r of
  // the sum (counts[r] entries, after the blocks of the ranks before it) in `out` on rank r.
  virtual void reduce_scatter_sum(std::span<const double> in, std::span<double> out,
                                  std::span<const int> counts) = 0;
  // Gathers one block of doubles per rank onto rank 0, in rank order (`all` is left empty on
  // the other ranks).
  virtual void gather_to_root(std::span<const double> mine, std::vector<double>& all) = 0;
  virtual void barrier() = 0;
  // Collective: every rank passes its own error (code 0 = fine) and gets the same verdict.
  AgreedError agree_on_error(int code, const std::string& message);
  // Last resort for a failure inside a collective phase: ends the whole job.
  [[noreturn]] virtual void abort(int code) = 0;

  bool is_root() const { return rank() == 0; }
};

class SerialCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allreduce_sum(std::span<double>) override {}
  void allreduce_max(std::span<double>) override {}
  void allreduce_min(std::span<double>) override {}
  void broadcast(std::span<double>, int) override {}
  void broadcast(std::string&, int) override {}
  void allgather(std::span<const double> mine, std::vector<double>& all,
                 std::vector<int>& counts) override;
  void allgather_into(std::span<const double> mine, std::span<double> all,
                      std::span<const int>) override {
    std::copy(mine.begin(), mine.end(), all.begin());
  }
  void reduce_scatter_sum(std::span<const double> in, std::span<double> out,
                          std::span<const int>) override {
    std::copy(in.begin(), in.end(), out.begin());
  }
  void gather_to_root(std::span<const double> mine, std::vector<double>& all) override {
    all.assign(mine.begin(), mine.end());
  }
  void barrier() override {}
  [[noreturn]] void abort(int code) override;
};

// Wraps a duplicate of MPI_COMM_WORLD. MPI must be initialized and outlive this object; it does
// not finalize MPI (finalizing from a destructor can hang a failing job).
class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator();
  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allreduce_sum(std::span<double> values) override;
  void allreduce_max(std::span<double> values) override;
  void allreduce_min(std::span<double> values) override;
  void broadcast(std::span<double> values, int root) override;
  void broadcast(std::string& text, int root) override;
  void allgather(std::span<const double> mine, std::vector<double>& all,
                 std::vector<int>& counts) override;
  void allgather_into(std::span<const double> mine, std::span<double> all,
                      std::span<const int> counts) override;
  void reduce_scatter_sum(std::span<const double> in, std::span<double> out,
                          std::span<const int> counts) override;
  void gather_to_root(std::span<const double> mine, std::vector<double>& all) override;
  void barrier() override;
  [[noreturn]] void abort(int code) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0;
  int size_ = 1;
};

// Runs `fn` on every rank, catches any exception, and agrees on failure collectively: if any rank
// failed, every rank throws the same logreg::Error (message of the lowest failing rank). Use it
// around phases that may fail on some ranks only (I/O, validation) and contain no collective
// that a failing rank could skip.
void collectively(Communicator& comm, const std::function<void()>& fn);

}  // namespace logreg
