// The knowledge base and assessor compiled into the binary, loaded once per test binary; a diagnostic
// while loading fails the test that first asked. Header-only: only *_test.cc files include it.
#pragma once
#include <gtest/gtest.h>

#include <memory>

#include "kb/kb.h"

namespace anshin::testing {

inline const kb::KnowledgeBase& shipped_kb() {
  static std::shared_ptr<const kb::KnowledgeBase> kb = [] {
    kb::Diagnostics d;
    auto r = kb::KnowledgeBase::load_embedded(d);
    for (const auto& x : d.all()) ADD_FAILURE() << kb::Diagnostics::format(x);
    return r ? *r : nullptr;
  }();
  return *kb;
}

}  // namespace anshin::testing
