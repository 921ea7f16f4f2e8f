#include "logreg/comm/communicator.hpp"

#include <mpi.h>

#include <cstdlib>
#include <exception>
#include <vector>

#include "logreg/errors.hpp"

namespace logreg {

AgreedError Communicator::agree_on_error(int code, const std::string& message) {
  // One reduce decides whether anything failed and which rank speaks for it.
  double buf[2] = {static_cast<double>(code),
                   code != 0 ? -static_cast<double>(rank()) : -static_cast<double>(size())};
  allreduce_max(buf);
  AgreedError agreed;
  agreed.code = static_cast<int>(buf[0]);
  if (agreed.code == 0) return agreed;
  agreed.origin_rank = static_cast<int>(-buf[1]);
  agreed.message = message;
  broadcast(agreed.message, agreed.origin_rank);
  // The speaking rank's code may be lower than the maximum; keep the maximum, it is the severest.
  return agreed;
}

void collectively(Communicator& comm, const std::function<void()>& fn) {
  int code = 0;
  std::string message;
  try {
    fn();
  } catch (const Error& e) {
    code = e.exit_code();
    message = e.what();
  } catch (const std::bad_alloc&) {
    code = kExitRuntime;
    message = out_of_memory_message(comm.rank());
  } catch (const std::exception& e) {
    code = kExitRuntime;
    message = e.what();
  }
  AgreedError agreed = comm.agree_on_error(code, message);
  if (agreed) throw Error(agreed.code, agreed.message);
}

void SerialCommunicator::allgather(std::span<const double> mine, std::vector<double>& all,
                                   std::vector<int>& counts) {
  all.assign(mine.begin(), mine.end());
  counts.assign(1, static_cast<int>(mine.size()));
}

void SerialCommunicator::abort(int code) { std::_Exit(code); }

struct MpiCommunicator::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
};

MpiCommunicator::MpiCommunicator() : impl_(std::make_unique<Impl>()) {
  MPI_Comm_dup(MPI_COMM_WORLD, &impl_->comm);
  MPI_Comm_rank(impl_->comm, &rank_);
  MPI_Comm_size(impl_->comm, &size_);
}

MpiCommunicator::~MpiCommunicator() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && impl_->comm != MPI_COMM_NULL) MPI_Comm_free(&impl_->comm);
}

void MpiCommunicator::allreduce_sum(std::span<double> v) {
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM,
                impl_->comm);
}

void MpiCommunicator::allreduce_max(std::span<double> v) {
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MAX,
                impl_->comm);
}

void MpiCommunicator::allreduce_min(std::span<double> v) {
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MIN,
                impl_->comm);
}

void MpiCommunicator::broadcast(std::span<double> v, int root) {
  MPI_Bcast(v.data(), static_cast<int>(v.size()), MPI_DOUBLE, root, impl_->comm);
}

void MpiCommunicator::broadcast(std::string& text, int root) {
  long long n = static_cast<long long>(text.size());
  MPI_Bcast(&n, 1, MPI_LONG_LONG, root, impl_->comm);
  text.resize(static_cast<size_t>(n));
  if (n > 0) MPI_Bcast(text.data(), static_cast<int>(n), MPI_CHAR, root, impl_->comm);
}

void MpiCommunicator::allgather(std::span<const double> mine, std::vector<double>& all,
                                std::vector<int>& counts) {
  int n = static_cast<int>(mine.size());
  counts.assign(size_, 0);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, impl_->comm);
  std::vector<int> displs(size_, 0);
  for (int r = 1; r < size_; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  all.resize(static_cast<size_t>(displs.back() + counts.back()));
  MPI_Allgatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE,
                 impl_->comm);
}

void MpiCommunicator::allgather_into(std::span<const double> mine, std::span<double> all,
                                     std::span<const int> counts) {
  std::vector<int> displs(static_cast<size_t>(size_), 0);
  for (int r = 1; r < size_; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), counts.data(),
                 displs.data(), MPI_DOUBLE, impl_->comm);
}

void MpiCommunicator::reduce_scatter_sum(std::span<const double> in, std::span<double> out,
                                         std::span<const int> counts) {
  MPI_Reduce_scatter(in.data(), out.data(), counts.data(), MPI_DOUBLE, MPI_SUM, impl_->comm);
}

void MpiCommunicator::gather_to_root(std::span<const double> mine, std::vector<double>& all) {
  int n = static_cast<int>(mine.size());
  std::vector<int> counts(rank_ == 0 ? size_ : 0), displs(rank_ == 0 ? size_ : 0);
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, impl_->comm);
  all.clear();
  if (rank_ == 0) {
    for (int r = 1; r < size_; ++r) displs[r] = displs[r - 1] + counts[r - 1];
    all.resize(static_cast<size_t>(displs.back() + counts.back()));
  }
  MPI_Gatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, 0,
              impl_->comm);
}

void MpiCommunicator::barrier() { MPI_Barrier(impl_->comm); }

void MpiCommunicator::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace logreg
