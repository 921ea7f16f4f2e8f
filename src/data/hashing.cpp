#include "logreg/data/hashing.hpp"

#include <algorithm>

#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

constexpr uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// Byte i of `p` as the i-th least significant byte: the same value on any byte order.
uint32_t read_le32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

uint32_t mix_block(uint32_t k) {
  k *= 0xcc9e2d51u;
  k = rotl32(k, 15);
  return k * 0x1b873593u;
}

uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

}  // namespace

uint32_t murmur3_x86_32(std::string_view bytes, uint32_t seed) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  const size_t blocks = n / 4;
  uint32_t h = seed;
  for (size_t i = 0; i < blocks; ++i) {
    h ^= mix_block(read_le32(data + 4 * i));
    h = rotl32(h, 13);
    h = h * 5u + 0xe6546b64u;
  }
  const unsigned char* tail = data + 4 * blocks;
  uint32_t k = 0;
  switch (n & 3u) {
    case 3:
      k ^= uint32_t{tail[2]} << 16;
      [[fallthrough]];
    case 2:
      k ^= uint32_t{tail[1]} << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h ^= mix_block(k);
  }
  // The length enters as in the reference, modulo 2^32.
  return fmix32(h ^ static_cast<uint32_t>(n));
}

void HashingOptions::validate() const {
  if (missing_indicator && missing == MissingPolicy::Error) {
    throw ConfigError(
        "--missing-indicator: needs missing cells to be filled (--missing zero or mean), not "
        "refused (--missing error)");
  }
  if (bits < 1 || bits > kMaxHashBits) {
    throw ConfigError("--hash-bits: must be between 1 and " + std::to_string(kMaxHashBits) +
                      " (got " + std::to_string(bits) + ")");
  }
  const auto is_categorical = [this](const std::string& c) {
    return std::find(categorical.begin(), categorical.end(), c) != categorical.end();
  };
  for (const auto& [a, b] : crosses) {
    for (const std::string& c : {a, b}) {
      if (!is_categorical(c)) {
        throw ConfigError("--cross " + a + ":" + b + ": column '" + c +
                          "' is not one of --categorical");
      }
    }
  }
}

}  // namespace logreg::data
