#include "resorb/la/block_coupling.hpp"

#include "resorb/core/error.hpp"

#include <algorithm>

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
  const auto b = static_cast<std::size_t>(components);
  return {components, std::vector<std::uint8_t>(b * b, 1)};
}

BlockCoupling BlockCoupling::diagonal(int components) {
  require_components(components);
  const auto b = static_cast<std::size_t>(components);
  std::vector<std::uint8_t> flags(b * b, 0);
  for (std::size_t i = 0; i < b; ++i)
    flags[i * b + i] = 1;
  return {components, std::move(flags)};
}

int BlockCoupling::count(int i) const {
  const auto first = between_nodes_.begin() + static_cast<std::ptrdiff_t>(i * components_);
  return static_cast<int>(std::count(first, first + components_, std::uint8_t{1}));
}

bool BlockCoupling::is_full() const {
  return std::all_of(between_nodes_.begin(), between_nodes_.end(),
                     [](std::uint8_t f) { return f != 0; });
}

} // namespace resorb::la
