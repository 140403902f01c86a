#include "kbops/bundle.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>

#include "core/embedded.h"
#include "i18n/catalog.h"
#include "kbops/place.h"

namespace anshin::kbops {
namespace {

constexpr std::string_view kMagic = "ANSHIN-KB-BUNDLE/1\n";
constexpr size_t kMaxPathBytes = 200;
constexpr size_t kMaxManifestBytes = 64 * 1024;

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Error bad(std::string key, std::vector<i18n::Arg> args = {}) {
  return i18n::error(Errc::kInvalidInput, std::move(key), args);
}

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

std::optional<std::string> from_hex(std::string_view h) {
  if (h.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(h.data() + i, h.data() + i + 2, v, 16);
    if (ec != std::errc() || p != h.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// Takes one "\n"-terminated line off the front of `in` (at most `max` bytes), without the newline.
std::optional<std::string_view> take_line(std::string_view& in, size_t max) {
  size_t nl = in.substr(0, max + 1).find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl + 1);
  return line;
}

std::optional<size_t> parse_size(std::string_view s) {
  size_t v = 0;
  if (s.empty() || s.size() > 10) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool valid_path(std::string_view p) {
  if (p.empty() || p.size() > kMaxPathBytes || p.front() == '/' || p.front() == '.') return false;
  if (!p.ends_with(".yaml") || p.find("..") != std::string_view::npos || p.find("//") != std::string_view::npos)
    return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '/';
  });
}

Pkey raw_public_key(const std::array<unsigned char, 32>& raw) {
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
}

bool ed25519_verify(const TrustedKey& key, std::string_view message, std::string_view signature) {
  Pkey pk = raw_public_key(key.raw);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!pk || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pk.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace

std::string key_id(const std::array<unsigned char, 32>& raw) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(raw.data(), raw.size(), digest);
  return to_hex(digest, 8);
}

Result<TrustedKey> parse_public_key_pem(std::string_view pem, std::string origin) {
  if (pem.size() > 16 * 1024) return bad("kbops.key_malformed", {{"path", origin}});
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pk(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!pk || EVP_PKEY_get_base_id(pk.get()) != EVP_PKEY_ED25519) return bad("kbops.key_malformed", {{"path", origin}});
  TrustedKey k;
  size_t len = k.raw.size();
  if (EVP_PKEY_get_raw_public_key(pk.get(), k.raw.data(), &len) != 1 || len != k.raw.size())
    return bad("kbops.key_malformed", {{"path", origin}});
  k.id = key_id(k.raw);
  k.origin = std::move(origin);
  return k;
}

std::filesystem::path default_keys_dir() {
  const char* v = std::getenv("ANSHIN_KB_KEYS_DIR");
  return (v != nullptr && *v != '\0') ? std::filesystem::path(v) : std::filesystem::path("/etc/anshin/kb-keys");
}

std::vector<TrustedKey> trusted_keys(const std::filesystem::path& extra_dir, std::vector<std::string>* problems) {
  std::vector<TrustedKey> out;
  auto add = [&](Result<TrustedKey> k) {
    if (k) out.push_back(std::move(*k));
    else if (problems) problems->push_back(k.error().message);
  };
  for (const auto& f : embedded::keys_kb())
    if (std::string_view(f.path).ends_with(".pem")) add(parse_public_key_pem(f.contents, std::string("built-in:") + f.path));
  std::error_code ec;
  if (extra_dir.empty() || !std::filesystem::is_directory(extra_dir, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(extra_dir, ec))
    if (e.path().extension() == ".pem") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::string text(16 * 1024 + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    add(parse_public_key_pem(text, p.string()));
  }
  return out;
}

Result<Bundle> open_bundle(std::string_view bytes, const std::vector<TrustedKey>& keys) {
  if (bytes.size() > kMaxBundleBytes) return bad("kbops.bundle_too_large");
  if (!bytes.starts_with(kMagic)) return bad("kbops.not_a_bundle");
  std::string_view in = bytes.substr(kMagic.size());
  auto key_line = take_line(in, 64);
  auto sig_line = take_line(in, 200);
  auto blank = take_line(in, 0);
  if (!key_line || !key_line->starts_with("key ") || !sig_line || !sig_line->starts_with("signature ") || !blank)
    return bad("kbops.unsigned");
  const std::string_view id = key_line->substr(4);
  auto signature = from_hex(sig_line->substr(10));
  if (!signature || signature->size() != 64) return bad("kbops.unsigned");
  auto key = std::find_if(keys.begin(), keys.end(), [&](const TrustedKey& k) { return k.id == id; });
  if (key == keys.end()) return bad("kbops.unknown_key", {{"key", std::string(id.substr(0, 16))}});
  if (!ed25519_verify(*key, in, *signature)) return bad("kbops.bad_signature", {{"key", key->id}});
  return decode_bundle_payload(in);
}

Result<Bundle> decode_bundle_payload(std::string_view in) {
  Bundle b;
  auto head = take_line(in, 32);
  if (!head || !head->starts_with("manifest ")) return bad("kbops.payload_malformed");
  auto mlen = parse_size(head->substr(9));
  if (!mlen || *mlen > kMaxManifestBytes || *mlen + 1 > in.size() || in[*mlen] != '\n') return bad("kbops.payload_malformed");
  try {
    auto j = nlohmann::json::parse(in.substr(0, *mlen));
    if (j.at("schema").get<std::string>() != "anshin.kb-bundle/1") return bad("kbops.payload_malformed");
    b.manifest.kb_version = j.at("kb_version").get<std::string>();
    b.manifest.format_version = j.at("format_version").get<int>();
    b.manifest.created = j.value("created", "");
    b.manifest.files = j.at("files").get<size_t>();
  } catch (const std::exception&) {
    return bad("kbops.payload_malformed");
  }
  in.remove_prefix(*mlen + 1);
  while (true) {
    auto line = take_line(in, 16 + kMaxPathBytes);
    if (!line) return bad("kbops.payload_malformed");
    if (*line == "end") break;
    if (!line->starts_with("file ") || b.files.size() >= kMaxBundleFiles) return bad("kbops.payload_malformed");
    std::string_view rest = line->substr(5);
    size_t sp = rest.find(' ');
    auto len = sp == std::string_view::npos ? std::nullopt : parse_size(rest.substr(0, sp));
    if (!len || *len + 1 > in.size() || in[*len] != '\n') return bad("kbops.payload_malformed");
    std::string_view path = rest.substr(sp + 1);
    if (!valid_path(path)) return bad("kbops.bad_path", {{"path", std::string(path.substr(0, kMaxPathBytes))}});
    if (std::any_of(b.files.begin(), b.files.end(), [&](const BundleFile& f) { return f.path == path; }))
      return bad("kbops.payload_malformed");
    b.files.push_back({std::string(path), std::string(in.substr(0, *len))});
    in.remove_prefix(*len + 1);
  }
  if (!in.empty() || b.files.size() != b.manifest.files) return bad("kbops.payload_malformed");
  // The manifest must agree with the kb.yaml it carries.
  auto meta_file = std::find_if(b.files.begin(), b.files.end(), [](const BundleFile& f) { return f.path == "kb.yaml"; });
  if (meta_file == b.files.end()) return bad("kbops.payload_malformed");
  auto meta = kb_meta_from_yaml(meta_file->contents);
  if (!meta || meta->kb_version != b.manifest.kb_version || meta->format_version != b.manifest.format_version)
    return bad("kbops.payload_malformed");
  if (b.manifest.format_version != kSupportedFormat)
    return bad("kbops.bad_format", {{"format", std::to_string(b.manifest.format_version)}});
  return b;
}

Result<std::string> make_bundle(const std::vector<BundleFile>& files, std::string_view private_key_pem,
                                std::string_view created) {
  auto meta_file = std::find_if(files.begin(), files.end(), [](const BundleFile& f) { return f.path == "kb.yaml"; });
  if (meta_file == files.end()) return bad("kbops.payload_malformed");
  auto meta = kb_meta_from_yaml(meta_file->contents);
  if (!meta) return meta.error();
  nlohmann::json manifest = {{"schema", "anshin.kb-bundle/1"}, {"kb_version", meta->kb_version},
                             {"format_version", meta->format_version}, {"created", std::string(created)},
                             {"files", files.size()}};
  const std::string mtext = manifest.dump();
  std::string payload = "manifest " + std::to_string(mtext.size()) + "\n" + mtext + "\n";
  for (const auto& f : files) {
    if (!valid_path(f.path)) return bad("kbops.bad_path", {{"path", f.path}});
    payload += "file " + std::to_string(f.contents.size()) + " " + f.path + "\n" + f.contents + "\n";
  }
  payload += "end\n";

  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  Pkey pk(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!pk || EVP_PKEY_get_base_id(pk.get()) != EVP_PKEY_ED25519) return bad("kbops.private_key_malformed");
  std::array<unsigned char, 32> raw{};
  size_t raw_len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pk.get(), raw.data(), &raw_len) != 1) return bad("kbops.private_key_malformed");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pk.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) != 1)
    return bad("kbops.private_key_malformed");
  return std::string(kMagic) + "key " + key_id(raw) + "\nsignature " + to_hex(sig, sig_len) + "\n\n" + payload;
}

Result<std::vector<BundleFile>> bundle_files_from_dir(const std::filesystem::path& data_dir) {
  std::vector<BundleFile> out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(data_dir / "kb.yaml", ec))
    return bad("kbops.not_a_kb_dir", {{"path", data_dir.string()}});
  for (auto it = std::filesystem::recursive_directory_iterator(data_dir, ec); !ec && it != std::filesystem::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".yaml") continue;
    std::string rel = std::filesystem::relative(it->path(), data_dir).generic_string();
    if (rel.starts_with("i18n/")) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out.push_back({rel, std::move(text)});
  }
  if (ec) return i18n::error(Errc::kIo, "kbops.cannot_read", {{"path", data_dir.string()}, {"reason", ec.message()}});
  std::sort(out.begin(), out.end(), [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace anshin::kbops
