// Replay main for fuzz targets under GCC (fmt's FMT_FUZZ_LINKMAIN idea): runs
// LLVMFuzzerTestOneInput over every file in the directories or files given on the command line,
// so the seed corpora are ordinary tests. Exit 0 when every input ran; a crash is a test failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {
bool run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file() && run_file(e.path())) ++ran;
    } else if (run_file(p)) {
      ++ran;
    }
  }
  // Also exercise the empty input and a few degenerate ones, so an empty corpus still tests something.
  const uint8_t zeros[64] = {};
  LLVMFuzzerTestOneInput(zeros, 0);
  LLVMFuzzerTestOneInput(zeros, 1);
  LLVMFuzzerTestOneInput(zeros, sizeof zeros);
  std::printf("replayed %zu corpus inputs\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "no corpus inputs found: every fuzz target needs seeds in tests/fuzz_corpus/<target>/\n");
    return 1;
  }
  return 0;
}
