// Hashed categorical features for `logreg_data convert --categorical` (README, "Data tool",
// "Hashed categorical features"): a cell `value` of column `name` becomes the feature
// MurmurHash3_x86_32("name=value", seed) mod 2^bits, a cross of two columns the feature of
// "name1=value1^name2=value2". The hash reads its bytes explicitly little-endian in uint32
// arithmetic, so a string lands in the same bucket on every platform.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logreg::data {

// Austin Appleby's MurmurHash3_x86_32 (public domain), from its definition.
uint32_t murmur3_x86_32(std::string_view bytes, uint32_t seed);

constexpr int kMaxHashBits = 28;

// What a missing numeric cell (README, "Data tool", "Missing values") becomes: Default is Error
// for plain CSV and Zero for TSV, --columns and hashed input (their behaviour before --missing).
enum class MissingPolicy { Default, Error, Zero, Mean };

// The column options of delimited input: hashing, transforms, missing values, a dropped index.
struct HashingOptions {
  std::vector<std::string> categorical;  // --categorical: columns hashed as strings
  int bits = 20;                         // --hash-bits: 2^bits buckets
  uint32_t seed = 0;                     // --hash-seed
  std::vector<std::pair<std::string, std::string>> crosses;  // --cross C1:C2
  std::vector<std::string> log1p;                            // --log1p: numeric columns
  // --missing-indicator: an indicator per numeric column that has missing cells
  bool missing_indicator = false;
  MissingPolicy missing = MissingPolicy::Default;  // --missing
  bool drop_index = false;                         // --drop-index: the first column is an index

  bool hashing() const { return !categorical.empty(); }
  // Whether any option asks for more than plain numeric columns.
  bool any() const {
    return hashing() || !log1p.empty() || missing_indicator || missing != MissingPolicy::Default ||
           drop_index;
  }
  // Whether converting needs a first pass over the data for the column statistics: the mean of
  // each column, or which columns have missing cells.
  bool needs_column_stats() const { return missing == MissingPolicy::Mean || missing_indicator; }
  // Throws ConfigError for --hash-bits out of 1..kMaxHashBits, --missing-indicator with --missing
  // error, or a --cross of a column that is not --categorical (the columns themselves are checked
  // against the header by the parser).
  void validate() const;
};

// The bucket of `key` (already "name=value" or a cross) in [0, 2^bits).
inline uint32_t hash_bucket(std::string_view key, const HashingOptions& opt) {
  return murmur3_x86_32(key, opt.seed) & ((uint32_t{1} << opt.bits) - 1u);
}

}  // namespace logreg::data
