#include "io/mcap/mcap_compression.h"

#include <algorithm>
#include <memory>

#ifdef FOVEA_HAVE_LZ4
#include <lz4frame.h>
#endif
#ifdef FOVEA_HAVE_ZSTD
#include <zstd.h>
#endif

namespace fovea::io::mcap {
namespace {

// Output is grown in steps of at least this much (and at most doubling), never past the claimed size.
constexpr size_t kMinGrowth = size_t{1} << 16;

size_t next_capacity(size_t current, uint64_t target) {
  const uint64_t grown = std::max<uint64_t>(kMinGrowth, static_cast<uint64_t>(current) * 2);
  return static_cast<size_t>(std::min<uint64_t>(grown, target));
}

#ifdef FOVEA_HAVE_LZ4
Result<std::vector<uint8_t>> lz4_decompress(std::span<const uint8_t> input, uint64_t size) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)))
    return internal_error("lz4: cannot create a decompression context");
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(raw, LZ4F_freeDecompressionContext);
  std::vector<uint8_t> out;
  size_t in_pos = 0, out_pos = 0;
  uint8_t probe = 0;  // once all claimed bytes are out: one more must not come
  for (;;) {
    if (out_pos == out.size() && out.size() < size) out.resize(next_capacity(out.size(), size));
    const bool probing = out_pos == out.size();
    uint8_t* dst = probing ? &probe : out.data() + out_pos;
    size_t dst_size = probing ? 1 : out.size() - out_pos, src_size = input.size() - in_pos;
    const size_t hint = LZ4F_decompress(ctx.get(), dst, &dst_size, input.data() + in_pos, &src_size, nullptr);
    if (LZ4F_isError(hint)) return invalid_argument("lz4: {}", LZ4F_getErrorName(hint));
    if (probing && dst_size > 0) return invalid_argument("lz4: the data holds more than the {} bytes the chunk claims", size);
    in_pos += src_size;
    out_pos += dst_size;
    // hint 0: a frame ended; concatenated frames are allowed, so go on while input remains.
    if (hint == 0 && in_pos == input.size()) break;
    if (src_size == 0 && dst_size == 0)
      return invalid_argument("lz4: truncated frame ({} of {} bytes decompressed)", out_pos, size);
  }
  if (out_pos != size) return invalid_argument("lz4: decompressed to {} bytes, the chunk claims {}", out_pos, size);
  out.resize(out_pos);
  return out;
}

Result<std::vector<uint8_t>> lz4_compress(std::span<const uint8_t> input) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = input.size();  // lets readers check the size (and size their buffer) up front
  std::vector<uint8_t> out(LZ4F_compressFrameBound(input.size(), &prefs));
  const size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &prefs);
  if (LZ4F_isError(n)) return internal_error("lz4: {}", LZ4F_getErrorName(n));
  out.resize(n);
  return out;
}
#endif

#ifdef FOVEA_HAVE_ZSTD
Result<std::vector<uint8_t>> zstd_decompress(std::span<const uint8_t> input, uint64_t size) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return internal_error("zstd: cannot create a decompression context");
  const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) return invalid_argument("zstd: not a zstd frame");
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > size)
    return invalid_argument("zstd: the frame holds {} bytes, the chunk claims {}", declared, size);
  std::vector<uint8_t> out;
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t out_pos = 0;
  uint8_t probe = 0;  // once all claimed bytes are out: one more must not come
  for (;;) {
    if (out_pos == out.size() && out.size() < size) out.resize(next_capacity(out.size(), size));
    const bool probing = out_pos == out.size();
    ZSTD_outBuffer o = probing ? ZSTD_outBuffer{&probe, 1, 0} : ZSTD_outBuffer{out.data(), out.size(), out_pos};
    const size_t before_in = in.pos;
    const size_t r = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(r)) return invalid_argument("zstd: {}", ZSTD_getErrorName(r));
    if (probing && o.pos > 0) return invalid_argument("zstd: the data holds more than the {} bytes the chunk claims", size);
    const bool progressed = (probing ? o.pos > 0 : o.pos != out_pos) || in.pos != before_in;
    if (!probing) out_pos = o.pos;
    // r == 0: a frame ended; concatenated frames are allowed, so go on while input remains.
    if (r == 0 && in.pos == in.size) break;
    if (!progressed) return invalid_argument("zstd: truncated frame ({} of {} bytes decompressed)", out_pos, size);
  }
  if (out_pos != size) return invalid_argument("zstd: decompressed to {} bytes, the chunk claims {}", out_pos, size);
  out.resize(out_pos);
  return out;
}

Result<std::vector<uint8_t>> zstd_compress(std::span<const uint8_t> input, int level) {
  std::vector<uint8_t> out(ZSTD_compressBound(input.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), level);
  if (ZSTD_isError(n)) return internal_error("zstd: {}", ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}
#endif

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "";
}

Result<Compression> parse_compression(std::string_view name) {
  if (name.empty() || name == "none") return Compression::kNone;
  if (name == "lz4") return Compression::kLz4;
  if (name == "zstd") return Compression::kZstd;
  return unsupported("compression '{}': expected \"\" (none), \"lz4\" or \"zstd\"", name);
}

bool compression_available(Compression c) {
  switch (c) {
    case Compression::kNone: return true;
#ifdef FOVEA_HAVE_LZ4
    case Compression::kLz4: return true;
#endif
#ifdef FOVEA_HAVE_ZSTD
    case Compression::kZstd: return true;
#endif
    default: return false;
  }
}

Result<std::vector<uint8_t>> compress(Compression c, std::span<const uint8_t> input, [[maybe_unused]] int zstd_level) {
  switch (c) {
    case Compression::kNone: return std::vector<uint8_t>(input.begin(), input.end());
#ifdef FOVEA_HAVE_LZ4
    case Compression::kLz4: return lz4_compress(input);
#endif
#ifdef FOVEA_HAVE_ZSTD
    case Compression::kZstd: return zstd_compress(input, zstd_level);
#endif
    default: return unsupported("compression '{}' is not built in (liblz4-dev / libzstd-dev missing at build time)", compression_name(c));
  }
}

Result<std::vector<uint8_t>> decompress(Compression c, std::span<const uint8_t> input, uint64_t uncompressed_size,
                                        uint64_t max_size) {
  if (uncompressed_size > max_size)
    return out_of_range("uncompressed_size {} exceeds the limit of {} bytes", uncompressed_size, max_size);
  switch (c) {
    case Compression::kNone:
      if (input.size() != uncompressed_size)
        return invalid_argument("uncompressed chunk of {} bytes claims uncompressed_size {}", input.size(), uncompressed_size);
      return std::vector<uint8_t>(input.begin(), input.end());
#ifdef FOVEA_HAVE_LZ4
    case Compression::kLz4: return lz4_decompress(input, uncompressed_size);
#endif
#ifdef FOVEA_HAVE_ZSTD
    case Compression::kZstd: return zstd_decompress(input, uncompressed_size);
#endif
    default: return unsupported("compression '{}' is not built in (liblz4-dev / libzstd-dev missing at build time)", compression_name(c));
  }
}

}  // namespace fovea::io::mcap
