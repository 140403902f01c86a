// SharedText: an immutable text that many findings can hold without a copy each, and TextPool, which
// makes equal texts one object. A 2,000-device scan renders the same finding texts (the same policy,
// CVE or hygiene finding, in every shipped language) for thousands of devices; interned, each distinct
// text is kept once (docs/performance.md "Memory per identified device").
//
//   TextPool pool;
//   SharedText a = pool.intern("Telnet is open"), b = pool.intern(std::string("Telnet is open"));
//   a.same_object(b);  // true: one string in memory
//
// A SharedText is a value: copying it shares the text, assigning replaces it, the text itself never
// changes. Copies may be read and destroyed on any thread (the count is a shared_ptr's).
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_set>

namespace anshin {

class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string text)  // NOLINT(google-explicit-constructor): a text is assigned like a string
      : text_(text.empty() ? nullptr : std::make_shared<const std::string>(std::move(text))) {}
  SharedText(const char* text) : SharedText(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  explicit SharedText(std::shared_ptr<const std::string> text) : text_(std::move(text)) {}

  const std::string& str() const { return text_ ? *text_ : empty_string(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }     // NOLINT(google-explicit-constructor)
  size_t find(std::string_view part, size_t from = 0) const { return str().find(part, from); }
  const char* c_str() const { return str().c_str(); }
  const char* data() const { return str().data(); }
  size_t size() const { return str().size(); }
  bool empty() const { return str().empty(); }
  // Whether both hold the very same string object (not merely equal texts).
  bool same_object(const SharedText& other) const { return text_ == other.text_; }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.str() == b.str(); }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const SharedText& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string a, const SharedText& b) { return a += b.str(); }
  friend std::string operator+(const char* a, const SharedText& b) { return std::string(a) + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& t) { return out << t.str(); }

 private:
  friend class TextPool;
  static const std::string& empty_string();
  std::shared_ptr<const std::string> text_;
};

// Equal texts as one SharedText. Thread-safe. The texts outlive the pool as long as a SharedText holds
// them; the pool itself holds every text interned until it is destroyed or cleared, so a pool belongs to
// one bounded piece of work (a scan, a snapshot read), never to a long-running process.
class TextPool {
 public:
  SharedText intern(std::string_view text);
  SharedText intern_shared(const SharedText& text);  // the pool's object for an equal text (`text`'s own if new)
  size_t size() const;                        // distinct texts held
  size_t bytes() const;                       // their characters

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    size_t operator()(const std::shared_ptr<const std::string>& s) const { return (*this)(std::string_view(*s)); }
  };
  struct Equal {
    using is_transparent = void;
    static std::string_view view(std::string_view s) { return s; }
    static std::string_view view(const std::shared_ptr<const std::string>& s) { return *s; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const { return view(a) == view(b); }
  };
  SharedText intern_locked(std::string_view text, std::shared_ptr<const std::string> own);
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<const std::string>, Hash, Equal> texts_;
  size_t bytes_ = 0;
};

}  // namespace anshin
