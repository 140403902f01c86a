#include "targets/permutation.h"

#include <algorithm>
#include <bit>

namespace anshin::targets {

namespace {
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
}  // namespace

Permutation::Permutation(uint64_t n, uint64_t seed) : n_(n) {
  const uint64_t bits = n <= 1 ? 0 : static_cast<uint64_t>(std::bit_width(n - 1));  // 2^bits >= n
  const uint64_t low = bits / 2, high = bits - low;                                  // high, low <= 32
  low_bits_ = low;
  low_mask_ = (uint64_t{1} << low) - 1;
  high_mask_ = (uint64_t{1} << high) - 1;
  low_shift_ = 64 - std::max<uint64_t>(low, 1);
  high_shift_ = 64 - std::max<uint64_t>(high, 1);
  uint64_t state = seed ^ (n * 0xD1B54A32D192ED03ull);
  for (uint64_t& k : keys_) k = splitmix64(state);
}

}  // namespace anshin::targets
