// Knowledge-base bundles (docs/kb-format.md "Bundles"): the data/ folder in one file, signed with
// Ed25519, so `anshin kb update FILE` takes new knowledge without a rebuild.
//
// Layout (text header, then the signed payload):
//   ANSHIN-KB-BUNDLE/1\n
//   key <16 hex: the signing key's id>\n
//   signature <128 hex: Ed25519 over the payload bytes>\n
//   \n
//   payload: "manifest <len>\n" <JSON> "\n"  then per file "file <len> <path>\n" <bytes> "\n"  then "end\n"
// The signature is checked before any payload byte is interpreted. Bundles are hostile input: every
// length is bounded, paths are relative, lower-case [a-z0-9_.-/] names ending in .yaml, never "..".
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::kbops {

inline constexpr size_t kMaxBundleBytes = 64u << 20;  // 64 MiB
inline constexpr size_t kMaxBundleFiles = 4096;

struct BundleFile {
  std::string path;      // inside the KB root: "kb.yaml", "cves/axis.yaml"
  std::string contents;
};

struct BundleManifest {
  std::string kb_version;
  int format_version = 0;
  std::string created;   // RFC 3339, informative
  size_t files = 0;
};

struct Bundle {
  BundleManifest manifest;
  std::vector<BundleFile> files;
};

// An Ed25519 public key anshin trusts. `id` = first 8 bytes of SHA-256(raw key), hex.
struct TrustedKey {
  std::string id;
  std::array<unsigned char, 32> raw{};
  std::string origin;    // "built-in:keys/kb/x.pem" or the file path
};

// The id of a raw Ed25519 public key.
std::string key_id(const std::array<unsigned char, 32>& raw);

// A PEM "PUBLIC KEY" holding an Ed25519 key.
Result<TrustedKey> parse_public_key_pem(std::string_view pem, std::string origin);

// The keys compiled into the binary (keys/kb/*.pem) plus every *.pem in `extra_dir` (normally
// /etc/anshin/kb-keys; $ANSHIN_KB_KEYS_DIR replaces it). A malformed file there is skipped and named
// in `problems`; it never stops the others.
std::vector<TrustedKey> trusted_keys(const std::filesystem::path& extra_dir, std::vector<std::string>* problems);
std::filesystem::path default_keys_dir();

// Checks the envelope and the signature against `keys`, then decodes the payload.
Result<Bundle> open_bundle(std::string_view bytes, const std::vector<TrustedKey>& keys);
// The payload alone (after the signature was checked): manifest and files.
Result<Bundle> decode_bundle_payload(std::string_view payload);

// Builds a signed bundle of `files` with the Ed25519 private key in PEM form. The manifest's version
// is read from the files' kb.yaml.
Result<std::string> make_bundle(const std::vector<BundleFile>& files, std::string_view private_key_pem,
                                std::string_view created);

// The files of a data/ folder that belong in a bundle: every *.yaml except the message catalogs (i18n/),
// which belong to the program.
Result<std::vector<BundleFile>> bundle_files_from_dir(const std::filesystem::path& data_dir);

}  // namespace anshin::kbops
