#include "codec/common/json.h"

#include "codec/common/strings.h"

namespace anshin::codec::json {

Result<nlohmann::json> parse(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_bytes) return make_error(Errc::kProtocol, "json: too large");
  while (!text.empty() && (text.back() == '\0' || text.back() == '\n' || text.back() == '\r' ||
                           text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  if (text.empty()) return make_error(Errc::kProtocol, "json: empty");
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > limits.max_depth) return make_error(Errc::kProtocol, "json: nesting too deep");
    } else if (c == '}' || c == ']') {
      if (depth) --depth;
    }
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return make_error(Errc::kProtocol, std::string("json: ") + e.what());
  } catch (...) {
    return make_error(Errc::kProtocol, "json: parse failure");
  }
}

std::string scalar(const nlohmann::json& j) {
  try {
    if (j.is_string()) return bounded(j.get_ref<const std::string&>());
    if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
    if (j.is_number()) return j.dump();
  } catch (...) {
  }
  return {};
}

const nlohmann::json* find(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string get(const nlohmann::json& j, const char* key) {
  const nlohmann::json* v = find(j, key);
  return v ? scalar(*v) : std::string();
}

}  // namespace anshin::codec::json
