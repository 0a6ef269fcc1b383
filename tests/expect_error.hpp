#pragma once
// Shared test helper: a call must throw InputError whose message contains a fragment.
#include <resorb/core/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace resorb::test_support {

/// Fails the test unless @p f throws InputError with @p fragment in its message.
template <class F>
void expect_input_error(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no InputError mentioning '" << fragment << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

} // namespace resorb::test_support
