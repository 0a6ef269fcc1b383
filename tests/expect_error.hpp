#pragma once
// Shared test helpers: a call must throw an error whose message contains a fragment.
#include <resorb/core/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace resorb::test_support {

/// Fails the test unless @p f throws an @p E whose message contains @p fragment.
template <class E, class F>
void expect_error(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception mentioning '" << fragment << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

/// Fails the test unless @p f throws InputError with @p fragment in its message.
template <class F>
void expect_input_error(F&& f, const std::string& fragment) {
  expect_error<InputError>(std::forward<F>(f), fragment);
}

} // namespace resorb::test_support
