// Permutation: a keyed pseudo-random bijection on [0, n) for visiting every probe of a plan exactly
// once, in scattered order, without storing anything (16 words of state for any n up to 2^64 - 1).
//
// Construction (our own, after the idea of masscan's "blackrock" and zmap's cyclic-group walk, no code
// taken from either): the domain is widened to [0, 2^b) with b = bit_width(n - 1), split into a high
// half of ceil(b/2) bits and a low half of floor(b/2) bits, and enciphered with an alternating
// (unbalanced) Feistel network: each of kRounds half-rounds XORs one half with a keyed
// multiply-xorshift hash of the other half. Every half-round is its own inverse, so the network is a
// bijection on [0, 2^b). Values that land in [n, 2^b) are enciphered again ("cycle walking") until
// they fall inside [0, n), which yields a bijection on [0, n); since 2^b < 2n the expected number of
// walks is below 2.
//
// Properties the scan relies on:
//  - at(i) for i in [0, n) is a bijection onto [0, n) (tests check n = 1, 2, 3, 1000, 65537, several
//    seeds);
//  - it is resumable: the i-th probe depends only on (n, seed, i);
//  - consecutive indices map to unrelated values (the first half-round feeds the low bits, which change
//    between neighbours, into the high bits), so consecutive probes hit different hosts and subnets;
//  - it is fast: no allocation, no branches besides the walk; about 12 ns per encipherment, 22-25 ns
//    per call on average including the walk (g++ 12 -O2, shared 2-core VM; the SpeedReport test in
//    permutation_test.cc prints the figure for the machine it runs on).
// Not cryptographic: the order is unpredictable enough to spread load, not to hide anything.
#pragma once
#include <array>
#include <cstdint>

namespace anshin::targets {

class Permutation {
 public:
  static constexpr int kRounds = 6;

  Permutation() = default;  // the empty permutation (size 0)
  Permutation(uint64_t n, uint64_t seed);

  uint64_t size() const { return n_; }

  // The image of `index`; requires index < size().
  uint64_t at(uint64_t index) const {
    uint64_t x = encipher(index);
    while (x >= n_) x = encipher(x);
    return x;
  }
  uint64_t operator()(uint64_t index) const { return at(index); }

  // The index whose image is `value` (inverse of at()); requires value < size().
  uint64_t index_of(uint64_t value) const {
    uint64_t x = decipher(value);
    while (x >= n_) x = decipher(x);
    return x;
  }

 private:
  // A keyed hash of one half; the top bits of an odd-constant product depend on every input bit.
  static uint64_t mix(uint64_t v, uint64_t key, uint64_t shift) {
    return ((v ^ key) * 0x9E3779B97F4A7C15ull) >> shift;
  }
  uint64_t encipher(uint64_t x) const {
    uint64_t hi = x >> low_bits_, lo = x & low_mask_;
    for (int r = 0; r < kRounds; r += 2) {
      hi ^= mix(lo, keys_[r], high_shift_) & high_mask_;
      lo ^= mix(hi, keys_[r + 1], low_shift_) & low_mask_;
    }
    return (hi << low_bits_) | lo;
  }
  uint64_t decipher(uint64_t x) const {
    uint64_t hi = x >> low_bits_, lo = x & low_mask_;
    for (int r = kRounds - 2; r >= 0; r -= 2) {
      lo ^= mix(hi, keys_[r + 1], low_shift_) & low_mask_;
      hi ^= mix(lo, keys_[r], high_shift_) & high_mask_;
    }
    return (hi << low_bits_) | lo;
  }

  uint64_t n_ = 0;
  uint64_t low_bits_ = 0;
  uint64_t low_mask_ = 0;
  uint64_t high_mask_ = 0;
  uint64_t low_shift_ = 63;   // 64 - width of the low half (at most 63)
  uint64_t high_shift_ = 63;  // 64 - width of the high half
  std::array<uint64_t, kRounds> keys_{};
};

}  // namespace anshin::targets
