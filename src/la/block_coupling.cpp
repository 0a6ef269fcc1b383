#include "resorb/la/block_coupling.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

namespace resorb::la {

namespace {
void require_components(int components) {
  RESORB_REQUIRE(
      components >= 1, Error,
      fmt::format("block coupling: {} components per node, need at least 1", components));
}
} // namespace

BlockCoupling BlockCoupling::full(int components) {
  require_components(components);
  BlockCoupling c;
  for (int i = 0; i < components; ++i) {
    for (int j = 0; j < components; ++j)
      c.partners_.push_back(j);
    c.start_.push_back(static_cast<int>(c.partners_.size()));
  }
  return c;
}

BlockCoupling BlockCoupling::diagonal(int components) {
  require_components(components);
  BlockCoupling c;
  for (int i = 0; i < components; ++i) {
    c.partners_.push_back(i);
    c.start_.push_back(static_cast<int>(c.partners_.size()));
  }
  return c;
}

} // namespace resorb::la
