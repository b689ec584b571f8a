#include "core/npy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace fovea {
namespace {

const std::string kFixtures = std::string(FOVEA_SOURCE_DIR) + "/tests/data/npy/";

std::vector<std::byte> to_bytes(const std::string& s) {
  std::vector<std::byte> b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

// A v1.0 file with the given header dict text and data bytes (header not padded).
std::vector<std::byte> make_npy(const std::string& dict, const std::string& data) {
  std::string s = "\x93NUMPY";
  s += '\x01';
  s += '\x00';
  s += static_cast<char>(dict.size() & 0xff);
  s += static_cast<char>(dict.size() >> 8);
  s += dict + data;
  return to_bytes(s);
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("fovea_npy_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

template <typename T>
void expect_round_trip(std::vector<T> values, Dims dims) {
  Tensor t = Tensor::from_vector<T>(values, dims);
  auto bytes = encode_npy(t);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  EXPECT_EQ((bytes->size() - t.nbytes()) % 64, 0u) << "header must be padded to 64 bytes";
  auto back = parse_npy(*bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->dtype(), t.dtype());
  EXPECT_EQ(back->dims(), t.dims());
  EXPECT_EQ(std::memcmp(back->raw_data(), t.raw_data(), t.nbytes()), 0);
}

TEST(NpyTest, RoundTripEveryDType) {
  expect_round_trip<float>({1.5f, -2.f, 3.f, 0.f, 5.f, 6.f}, {2, 3});
  expect_round_trip<double>({1e300, -1.0}, {2});
  expect_round_trip<Half>({float_to_half(1.f), float_to_half(-0.5f)}, {2, 1});
  expect_round_trip<int8_t>({-128, 127, 0}, {3});
  expect_round_trip<int16_t>({-300, 300}, {1, 2});
  expect_round_trip<int32_t>({-70000, 70000}, {2});
  expect_round_trip<int64_t>({-(int64_t{1} << 40), 7}, {2, 1, 1});
  expect_round_trip<uint8_t>({0, 255}, {2});
  expect_round_trip<uint16_t>({65535}, {1});
  expect_round_trip<uint32_t>({4000000000u}, {1});
  expect_round_trip<uint64_t>({~uint64_t{0}}, {1});
  expect_round_trip<bool>({true, false, true}, {3});
  expect_round_trip<float>({42.f}, {});        // scalar: shape ()
  expect_round_trip<float>({}, {0, 3});         // empty
}

TEST(NpyTest, RoundTripThroughAFile) {
  const std::string path = temp_path("rt.npy");
  Tensor t = Tensor::from_vector<float>({1, 2, 3, 4}, {4});
  ASSERT_TRUE(write_npy_file(path, t).is_ok());
  auto back = read_npy_file(path);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->dims(), Dims({4}));
  EXPECT_EQ(back->values<float>()[3], 4.f);
  std::filesystem::remove(path);
}

TEST(NpyTest, ReadsNumpyFixtures) {
  auto f4 = read_npy_file(kFixtures + "f4_2x3.npy");
  ASSERT_TRUE(f4.is_ok()) << f4.status().to_string();
  EXPECT_EQ(f4->dtype(), DType::kFloat32);
  EXPECT_EQ(f4->dims(), Dims({2, 3}));
  EXPECT_EQ(f4->values<float>()[0], -1.f);
  EXPECT_EQ(f4->values<float>()[5], 1.5f);

  auto f8 = read_npy_file(kFixtures + "f8_be_3.npy");  // big-endian, byte-swapped on load
  ASSERT_TRUE(f8.is_ok()) << f8.status().to_string();
  EXPECT_EQ(f8->dtype(), DType::kFloat64);
  EXPECT_EQ(f8->values<double>()[1], -2.25);
  EXPECT_EQ(f8->values<double>()[2], 1e300);

  auto i8 = read_npy_file(kFixtures + "i8_be_2x2.npy");
  ASSERT_TRUE(i8.is_ok()) << i8.status().to_string();
  EXPECT_EQ(i8->values<int64_t>()[1], -2);
  EXPECT_EQ(i8->values<int64_t>()[3], int64_t{1} << 40);

  auto b1 = read_npy_file(kFixtures + "b1_4.npy");
  ASSERT_TRUE(b1.is_ok()) << b1.status().to_string();
  EXPECT_EQ(b1->dtype(), DType::kBool);
  EXPECT_FALSE(b1->values<bool>()[1]);
  EXPECT_TRUE(b1->values<bool>()[3]);

  auto f2 = read_npy_file(kFixtures + "f2_3.npy");
  ASSERT_TRUE(f2.is_ok()) << f2.status().to_string();
  EXPECT_EQ(half_to_float(f2->values<Half>()[1]), -0.5f);
  EXPECT_EQ(half_to_float(f2->values<Half>()[2]), 65504.f);

  auto u2 = read_npy_file(kFixtures + "u2_scalar.npy");
  ASSERT_TRUE(u2.is_ok()) << u2.status().to_string();
  EXPECT_EQ(u2->rank(), 0u);
  EXPECT_EQ(u2->values<uint16_t>()[0], 513);

  auto v2 = read_npy_file(kFixtures + "u1_v2.npy");
  ASSERT_TRUE(v2.is_ok()) << v2.status().to_string();
  EXPECT_EQ(v2->values<uint8_t>()[2], 255);

  auto v3 = read_npy_file(kFixtures + "i2_v3.npy");
  ASSERT_TRUE(v3.is_ok()) << v3.status().to_string();
  EXPECT_EQ(v3->dims(), Dims({2, 1}));
  EXPECT_EQ(v3->values<int16_t>()[0], -7);
  EXPECT_EQ(v3->values<int16_t>()[1], 300);
}

TEST(NpyTest, FortranOrderIsRefusedClearly) {
  auto r = read_npy_file(kFixtures + "i4_fortran.npy");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("fortran_order"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("i4_fortran.npy"), std::string::npos) << r.status().message();
}

TEST(NpyTest, TruncatedFilesAreRefused) {
  std::ifstream in(kFixtures + "f4_2x3.npy", std::ios::binary);
  std::string full((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(full.size(), 152u);
  for (size_t n : {0, 3, 8, 9, 10, 50, 127, 128, 151}) {
    auto r = parse_npy(to_bytes(full.substr(0, n)), "cut.npy");
    EXPECT_FALSE(r.is_ok()) << "accepted a file cut at " << n;
    EXPECT_NE(r.status().message().find("cut.npy"), std::string::npos) << r.status().message();
  }
  // Same through the file reader.
  const std::string path = temp_path("cut.npy");
  std::ofstream(path, std::ios::binary) << full.substr(0, 140);
  auto r = read_npy_file(path);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().message();
  std::filesystem::remove(path);
  // Extra bytes after the data.
  EXPECT_FALSE(parse_npy(to_bytes(full + "xx")).is_ok());
}

TEST(NpyTest, HugeShapeIsRefusedBeforeAllocating) {
  auto r = parse_npy(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 100000), }", ""));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("shape"), std::string::npos) << r.status().message();
  auto big = parse_npy(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000,), }", "abcd"));
  ASSERT_FALSE(big.is_ok());
  EXPECT_NE(big.status().message().find("truncated"), std::string::npos) << big.status().message();
  auto overflow = parse_npy(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", ""));
  EXPECT_FALSE(overflow.is_ok());
}

TEST(NpyTest, BadHeadersNameTheField) {
  struct Case {
    std::string dict;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "descr"},
      {"{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }", "descr"},
      {"{'descr': '!f4', 'fortran_order': False, 'shape': (1,), }", "descr"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "descr"},
      {"{'fortran_order': False, 'shape': (1,), }", "descr"},
      {"{'descr': '<f4', 'shape': (1,), }", "fortran_order"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "fortran_order"},
      {"{'descr': '<f4', 'fortran_order': False, }", "shape"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "shape"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "shape"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, }", "shape"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "descr"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "extra"},
      {"{'descr': '<f4 ", "descr"},
      {"'descr': '<f4'", "header"},
      {"", "header"},
  };
  for (const Case& c : cases) {
    auto r = parse_npy(make_npy(c.dict, "abcd"), "bad.npy");
    ASSERT_FALSE(r.is_ok()) << "accepted header " << c.dict;
    EXPECT_NE(r.status().message().find(c.field), std::string::npos) << c.dict << " -> " << r.status().message();
    EXPECT_NE(r.status().message().find("bad.npy"), std::string::npos) << r.status().message();
  }
  // Bad magic and unsupported versions.
  auto good = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "abcd");
  EXPECT_TRUE(parse_npy(good).is_ok());
  auto bad_magic = good;
  bad_magic[1] = std::byte{'X'};
  EXPECT_FALSE(parse_npy(bad_magic).is_ok());
  auto v4 = good;
  v4[6] = std::byte{4};
  auto r = parse_npy(v4);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("version"), std::string::npos);
}

TEST(NpyTest, MissingFileIsAnIoError) {
  auto r = read_npy_file("/nonexistent/x.npy");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/x.npy"), std::string::npos);
}

// Cross-check with NumPy itself when Debian's python3-numpy is installed.
TEST(NpyTest, NumpyReadsWhatWeWrite) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no numpy";
  const std::string path = temp_path("cross.npy");
  ASSERT_TRUE(write_npy_file(path, Tensor::from_vector<int64_t>({1, -2, 3, 4, 5, 6}, {3, 1, 2})).is_ok());
  const std::string check = "/usr/bin/python3 -c \"import numpy as np; a = np.load('" + path +
                            "'); assert a.dtype == np.int64 and a.shape == (3, 1, 2) and a.flat[1] == -2\"";
  EXPECT_EQ(std::system(check.c_str()), 0);
  ASSERT_TRUE(write_npy_file(path, Tensor::from_vector<bool>({true, false}, {2})).is_ok());
  const std::string check_bool = "/usr/bin/python3 -c \"import numpy as np; a = np.load('" + path +
                                 "'); assert a.dtype == np.bool_ and list(a) == [True, False]\"";
  EXPECT_EQ(std::system(check_bool.c_str()), 0);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fovea
