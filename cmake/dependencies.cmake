# Third-party libraries, all from Debian packages (scripts/setup installs them).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)          # libonnx-dev: onnx_proto (ONNX_ML protobuf classes)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json REQUIRED)
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_path(CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas REQUIRED)
find_path(XXHASH_INCLUDE_DIR xxhash.h REQUIRED)   # libxxhash-dev: plan checksums and model hashes (header-only use)

# Frame path (vision, pipeline, io).
find_package(yaml-cpp REQUIRED)      # libyaml-cpp-dev: pipeline configuration
# Found by path rather than pkg-config, so a relocated sysroot (the GPU machine's) works too.
find_path(STB_INCLUDE_DIR stb/stb_image.h REQUIRED)       # libstb-dev: image file decode/encode
find_library(STB_LIBRARY stb REQUIRED)
add_library(fovea_stb INTERFACE)
target_include_directories(fovea_stb SYSTEM INTERFACE ${STB_INCLUDE_DIR})
target_link_libraries(fovea_stb INTERFACE ${STB_LIBRARY})
find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)          # libcpp-httplib-dev: /metrics endpoint
add_library(fovea_httplib INTERFACE)
target_include_directories(fovea_httplib SYSTEM INTERFACE ${HTTPLIB_INCLUDE_DIR})
target_link_libraries(fovea_httplib INTERFACE Threads::Threads)
# Debian's cpp-httplib is not header-only: httplib.h declares, libcpp-httplib.so implements, built
# with OpenSSL, zlib and Brotli support. Code including the header must see the same definitions
# (they change the layout of httplib::Request and Client), which pull in those libraries' headers.
# Without the library (or those headers), the /metrics server reports that it is not built in.
find_library(HTTPLIB_LIBRARY cpp-httplib)
find_path(HTTPLIB_OPENSSL_INCLUDE_DIR openssl/ssl.h)
find_path(HTTPLIB_ZLIB_INCLUDE_DIR zlib.h)
find_path(HTTPLIB_BROTLI_INCLUDE_DIR brotli/decode.h)
if(HTTPLIB_LIBRARY AND HTTPLIB_OPENSSL_INCLUDE_DIR AND HTTPLIB_ZLIB_INCLUDE_DIR AND HTTPLIB_BROTLI_INCLUDE_DIR)
  target_link_libraries(fovea_httplib INTERFACE ${HTTPLIB_LIBRARY})
  target_compile_definitions(fovea_httplib INTERFACE FOVEA_HAVE_HTTPLIB=1 CPPHTTPLIB_OPENSSL_SUPPORT
                             CPPHTTPLIB_ZLIB_SUPPORT CPPHTTPLIB_BROTLI_SUPPORT)
  message(STATUS "fovea: cpp-httplib found: /metrics endpoint enabled")
else()
  message(STATUS "fovea: libcpp-httplib (or libssl-dev, zlib1g-dev, libbrotli-dev) not found: /metrics endpoint disabled")
endif()
# OpenCV (libopencv-dev): core + imgproc (drawing, and the encoder's comparison tests) are required;
# videoio (video files) is optional, so a build for a machine without it (the GPU machine's
# sysroot) still has everything else. Found by library, not by OpenCV's CMake config, which
# insists on every module being installed.
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
find_library(OPENCV_CORE_LIB opencv_core REQUIRED)
find_library(OPENCV_IMGPROC_LIB opencv_imgproc REQUIRED)
find_library(OPENCV_VIDEOIO_LIB opencv_videoio)
add_library(fovea_opencv INTERFACE)
target_include_directories(fovea_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
target_link_libraries(fovea_opencv INTERFACE ${OPENCV_CORE_LIB} ${OPENCV_IMGPROC_LIB})
if(OPENCV_VIDEOIO_LIB)
  target_link_libraries(fovea_opencv INTERFACE ${OPENCV_VIDEOIO_LIB})
  target_compile_definitions(fovea_opencv INTERFACE FOVEA_HAVE_OPENCV_VIDEOIO=1)
  message(STATUS "fovea: OpenCV videoio found: video file sources enabled")
else()
  message(STATUS "fovea: OpenCV videoio not found: video file sources disabled")
endif()
# lz4 + zstd (liblz4-dev, libzstd-dev): MCAP chunk compression (src/io/mcap/). Each is optional, so
# a build without one (the GPU machine's sysroot) still reads and writes the other and uncompressed bags.
find_path(LZ4_INCLUDE_DIR lz4frame.h)
find_library(LZ4_LIBRARY lz4)
find_path(ZSTD_INCLUDE_DIR zstd.h)
find_library(ZSTD_LIBRARY zstd)
add_library(fovea_compression INTERFACE)
if(LZ4_INCLUDE_DIR AND LZ4_LIBRARY)
  target_include_directories(fovea_compression SYSTEM INTERFACE ${LZ4_INCLUDE_DIR})
  target_link_libraries(fovea_compression INTERFACE ${LZ4_LIBRARY})
  target_compile_definitions(fovea_compression INTERFACE FOVEA_HAVE_LZ4=1)
else()
  message(STATUS "fovea: liblz4 not found: MCAP lz4 chunks disabled")
endif()
if(ZSTD_INCLUDE_DIR AND ZSTD_LIBRARY)
  target_include_directories(fovea_compression SYSTEM INTERFACE ${ZSTD_INCLUDE_DIR})
  target_link_libraries(fovea_compression INTERFACE ${ZSTD_LIBRARY})
  target_compile_definitions(fovea_compression INTERFACE FOVEA_HAVE_ZSTD=1)
else()
  message(STATUS "fovea: libzstd not found: MCAP zstd chunks disabled")
endif()
# Cyclone DDS (cyclonedds-dev + cyclonedds-tools for idlc): the ROS 2 transport in src/io/ros2/.
# Optional so that the GPU machine's build, which has no DDS, still builds everything else.
find_package(CycloneDDS CONFIG QUIET)
if(CycloneDDS_FOUND)
  message(STATUS "fovea: Cyclone DDS found: ROS 2 transport enabled")
else()
  message(STATUS "fovea: Cyclone DDS not found: ROS 2 transport disabled")
endif()
