// Small, fast, portable random numbers for the synthetic data generator. Results depend only on
// the seed (not on the standard library), so a seed names the same data set everywhere.
#pragma once

#include <cmath>
#include <cstdint>

namespace logreg::data {

// SplitMix64 step: turns any 64-bit value into a well-mixed one (used for seeding).
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// xoshiro256++ (Blackman & Vigna) with Marsaglia's polar method for normals.
class Rng {
 public:
  // Independent streams for (seed, stream, index), e.g. one per data row: a row's values never
  // depend on how rows are grouped into files or batches.
  Rng(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t x = mix64(mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ULL) ^ index);
    for (auto& s : s_) s = x = mix64(x);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on the open interval (0, 1): safe to take the logarithm of.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace logreg::data
