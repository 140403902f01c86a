// The assessor over the shipped data (data/policies, data/cves, data/findings, data/models), loaded once
// per test binary. Header-only: only *_test.cc files of modules that may use assess include it.
#pragma once
#include <gtest/gtest.h>

#include "assess/assess.h"
#include "support/kb.h"

namespace anshin::testing {

inline const assess::Assessor& shipped_assessor() {
  static const assess::Assessor* a = [] {
    kb::Diagnostics d;
    auto r = assess::Assessor::load(shipped_kb(), d);
    for (const auto& x : d.all()) ADD_FAILURE() << kb::Diagnostics::format(x);
    return new assess::Assessor(std::move(*r));
  }();
  return *a;
}

}  // namespace anshin::testing
