// The numeric precision a build (or one layer) runs in. Here, below passes and engine, so the
// precision pass and the build configuration share one enum.
#pragma once

namespace fovea {

enum class Precision { kFp32, kFp16 };

}  // namespace fovea
