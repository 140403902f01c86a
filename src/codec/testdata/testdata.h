// Test helper: reads a file below src/codec/testdata/.
#pragma once
#include <fstream>
#include <iterator>
#include <string>

namespace anshin::codec::testing {
inline std::string read_testdata(const std::string& rel) {
  std::ifstream in(std::string(ANSHIN_SOURCE_DIR) + "/src/codec/testdata/" + rel, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace anshin::codec::testing
