#include "model/shared_text.h"

namespace anshin {

const std::string& SharedText::empty_string() {
  static const std::string empty;
  return empty;
}

SharedText TextPool::intern_locked(std::string_view text, std::shared_ptr<const std::string> own) {
  if (text.empty()) return {};
  std::lock_guard lock(mutex_);
  if (auto it = texts_.find(text); it != texts_.end()) return SharedText(*it);
  if (!own) own = std::make_shared<const std::string>(text);
  bytes_ += own->size();
  texts_.insert(own);
  return SharedText(std::move(own));
}

SharedText TextPool::intern(std::string_view text) { return intern_locked(text, nullptr); }

SharedText TextPool::intern_shared(const SharedText& text) {
  // A new text is kept as the object `text` already holds (no copy).
  return intern_locked(text.str(), text.text_);
}

size_t TextPool::size() const {
  std::lock_guard lock(mutex_);
  return texts_.size();
}

size_t TextPool::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace anshin
