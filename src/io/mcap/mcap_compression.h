// Chunk compression for MCAP: none (""), LZ4 frame format ("lz4", liblz4's LZ4F API, as the
// reference C++ reader) and Zstandard ("zstd", libzstd). Both libraries are optional at build time
// (cmake/dependencies.cmake: fovea_compression); without one, its chunks are refused with an
// error that says so, and uncompressed bags still work.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fovea::io::mcap {

enum class Compression { kNone, kLz4, kZstd };

std::string_view compression_name(Compression c);                 // "", "lz4", "zstd" (the MCAP strings)
Result<Compression> parse_compression(std::string_view name);       // those, plus "none" for kNone
bool compression_available(Compression c);                         // built in?

// Compresses `input` into one frame. zstd_level: libzstd's level (1 = fast).
Result<std::vector<uint8_t>> compress(Compression c, std::span<const uint8_t> input, int zstd_level = 1);

// Decompresses one chunk's records into exactly `uncompressed_size` bytes; fewer or more is an
// error, as is any malformed frame. Output grows as data really comes out, so a lying size costs
// no memory up front; sizes above `max_size` are refused before anything is read.
Result<std::vector<uint8_t>> decompress(Compression c, std::span<const uint8_t> input, uint64_t uncompressed_size,
                                        uint64_t max_size);

}  // namespace fovea::io::mcap
