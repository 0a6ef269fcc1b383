#include "resorb/fem/field.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

namespace resorb::fem {

Field::Field(const DofMap& dofmap, int block_size, std::string name, std::string unit)
    : dofmap_(&dofmap), block_size_(block_size), name_(std::move(name)), unit_(std::move(unit)),
      values_(la::create_ghosted_vector(dofmap, block_size)) {
  RESORB_REQUIRE(block_size >= 1, Error,
                 fmt::format("field '{}': block size {} must be positive", name_, block_size));
}

void Field::update_ghosts() const {
  la::update_ghosts(values_.get());
}

std::vector<double> Field::vertex_values() const {
  const auto b = static_cast<std::size_t>(block_size_);
  const LocalIndex nv = dofmap_->mesh().vertex_map().num_owned();
  std::vector<double> out(b * static_cast<std::size_t>(nv));
  const la::LocalRead values(values_.get());
  for (LocalIndex v = 0; v < nv; ++v) {
    const auto node = static_cast<std::size_t>(dofmap_->vertex_node(v));
    for (std::size_t i = 0; i < b; ++i)
      out[b * static_cast<std::size_t>(v) + i] = values[static_cast<PetscInt>(b * node + i)];
  }
  return out;
}

} // namespace resorb::fem
