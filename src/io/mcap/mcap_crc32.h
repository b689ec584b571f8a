// CRC-32 as MCAP uses it (the zlib / IEEE 802.3 one: reflected polynomial 0xEDB88320, initial value
// and final xor 0xFFFFFFFF), for chunk, data-section and summary checksums. Incremental: feed the
// bytes in any number of pieces.
#pragma once

#include <cstdint>
#include <span>

namespace fovea::io::mcap {

class Crc32 {
 public:
  void update(std::span<const uint8_t> bytes);
  uint32_t value() const { return ~state_; }

 private:
  uint32_t state_ = 0xFFFFFFFFu;
};

inline uint32_t crc32_of(std::span<const uint8_t> bytes) {
  Crc32 c;
  c.update(bytes);
  return c.value();
}

}  // namespace fovea::io::mcap
