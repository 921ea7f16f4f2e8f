#include "logreg/data/text_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

constexpr size_t kReadBytes = 4 << 20;

}  // namespace

LineReader::LineReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw DataError(path + ": cannot open input: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      fd_ = -1;
      throw DataError(path + ": is a directory, not an input file");
    }
    file_size_ = static_cast<uint64_t>(st.st_size);
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  buffer_.resize(kReadBytes);
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::refill() {
  if (eof_) return false;
  // Keep the partial line, moved to the front; grow the buffer when one line fills it.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw DataError(path_ + ": read failed: " + std::strerror(errno));
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
    return true;
  }
}

bool LineReader::next(std::string_view& line) {
  size_t scanned = begin_;
  while (true) {
    const char* start = buffer_.data() + scanned;
    const void* nl = std::memchr(start, '\n', end_ - scanned);
    if (nl != nullptr) {
      const size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.data());
      line = std::string_view(buffer_.data() + begin_, pos - begin_);
      begin_ = pos + 1;
      break;
    }
    const size_t offset = end_ - begin_;  // bytes already scanned, relative to the line start
    if (!refill()) {
      if (begin_ == end_) return false;
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // no final newline
      begin_ = end_;
      break;
    }
    scanned = begin_ + offset;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++line_number_;
  return true;
}

BlockReader::BlockReader(const std::string& path, uint64_t offset, size_t block_bytes)
    : path_(path), block_bytes_(std::max<size_t>(block_bytes, 1)) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw DataError(path + ": cannot open input: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw DataError(path + ": is a directory, not an input file");
  }
  if (offset > 0 && ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw DataError(path + ": cannot seek in input: " + std::strerror(err));
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

BlockReader::~BlockReader() {
  if (fd_ >= 0) ::close(fd_);
}

size_t BlockReader::next(std::vector<char>& block) {
  size_t size = carry_.size();
  size_t limit = size + block_bytes_;
  if (block.size() < limit + kBlockPadding) block.resize(limit + kBlockPadding);
  if (size > 0) std::memcpy(block.data(), carry_.data(), size);
  carry_.clear();
  size_t scanned = size;  // the carried bytes hold no '\n'
  while (true) {
    while (!eof_ && size < limit) {
      const ssize_t n = ::read(fd_, block.data() + size, limit - size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw DataError(path_ + ": read failed: " + std::strerror(errno));
      if (n == 0) eof_ = true;
      size += static_cast<size_t>(n);
      bytes_read_ += static_cast<uint64_t>(n);
    }
    if (eof_) {
      block[size] = '\0';
      return size;
    }
    const void* nl = ::memrchr(block.data() + scanned, '\n', size - scanned);
    if (nl != nullptr) {
      const size_t cut = static_cast<size_t>(static_cast<const char*>(nl) - block.data()) + 1;
      carry_.assign(block.data() + cut, block.data() + size);
      block[cut] = '\0';
      return cut;
    }
    // One line longer than the block: read on until it ends.
    scanned = size;
    limit *= 2;
    if (block.size() < limit + kBlockPadding) block.resize(limit + kBlockPadding);
  }
}

std::string_view line_at(const char* p, const char* end, const char*& next) {
  const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  const char* stop = nl != nullptr ? nl : end;
  next = nl != nullptr ? nl + 1 : end;
  if (stop > p && stop[-1] == '\r') --stop;
  return std::string_view(p, static_cast<size_t>(stop - p));
}

bool parse_double(std::string_view token, double& value) {
  const char* end = token.data() + token.size();
  if (!token.empty() && token.front() == '+') {
    token.remove_prefix(1);
    if (!token.empty() && token.front() == '-') return false;
  }
  if (token.empty()) return false;
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  return ec == std::errc() && ptr == end && std::isfinite(value);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string line_where(const std::string& path, int64_t line) {
  return path + ":" + std::to_string(line);
}

}  // namespace logreg::data
