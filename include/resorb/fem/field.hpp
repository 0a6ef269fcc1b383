#pragma once
/// @file
/// Fields: what physics computes and io writes. A Field is a finite-element function (values
/// at the nodes of a DofMap); a CellField is plain per-cell data. Neither knows which physics
/// made it, so io writes both without including physics.

#include "resorb/fem/dof_map.hpp"
#include "resorb/la/petsc.hpp"

#include <string>
#include <vector>

namespace resorb::fem {

/// Values attached to cells: `components` values per owned cell, in local cell order.
///
/// The component count selects how viewers show it: 1 scalar, 3 vector, 6 symmetric tensor
/// (xx, xy, xz, yy, yz, zz), 9 tensor (row-major).
struct CellField {
  std::string name;           ///< name in output files: non-empty, no '/', unique per file
  int components = 1;         ///< values per cell, >= 1
  std::vector<double> values; ///< components * num_cells values, cell-major
  std::string unit;           ///< unit of the values, e.g. "Pa" (may be empty)
};

/// A finite-element function: block_size() values per node of a DofMap (node-major: entry
/// block_size · node + component), held in a ghosted PETSc vector whose local form lists the
/// owned nodes, then the ghosts. The DofMap must outlive the field.
class Field {
public:
  /// A zero field. Collective.
  Field(const DofMap& dofmap, int block_size, std::string name, std::string unit);

  /// Node numbering of the values.
  [[nodiscard]] const DofMap& dofmap() const { return *dofmap_; }
  /// Values per node (1 for a scalar, 3 for a vector field).
  [[nodiscard]] int block_size() const { return block_size_; }
  /// Name in output files.
  [[nodiscard]] const std::string& name() const { return name_; }
  /// Unit of the values, e.g. "m", "mol/m^3".
  [[nodiscard]] const std::string& unit() const { return unit_; }
  /// The ghosted PETSc vector (block size block_size()).
  [[nodiscard]] Vec vec() const { return values_.get(); }

  /// Copies owned values to the ghost entries of every rank. Collective.
  void update_ghosts() const;
  /// Values at the owned mesh vertices, block_size() per vertex in local vertex order: the
  /// layout io::PointField expects. For P2 the edge nodes are not included.
  [[nodiscard]] std::vector<double> vertex_values() const;

private:
  const DofMap* dofmap_;
  int block_size_;
  std::string name_;
  std::string unit_;
  la::Vector values_;
};

} // namespace resorb::fem
