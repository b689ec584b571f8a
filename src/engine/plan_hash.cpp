// xxHash (libxxhash-dev), compiled inline here so no library is linked: section checksums and
// the model content hash that plan headers and engine-cache names carry.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <fmt/format.h>

#include "engine/plan_container.h"
#include "engine/plan_file.h"

namespace fovea {

uint64_t plan_container::checksum(std::span<const std::byte> bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::string hash_model_bytes(std::span<const std::byte> bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return fmt::format("xxh3-128:{:016x}{:016x}", h.high64, h.low64);
}

}  // namespace fovea
