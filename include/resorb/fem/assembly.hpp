#pragma once
/// @file
/// Assembly of element vectors into ghosted PETSc vectors: the scatter and volume loads.
/// Element matrices go through la::MatrixAssembler, driven by the cell loop of the physics
/// (src/fem/cell_loop.hpp) with kernels from kernels/.

#include "resorb/fem/dof_map.hpp"

#include <petscvec.h>

#include <array>
#include <functional>
#include <span>

namespace resorb::fem {

class DirichletConstraints;

/// Adds element vector @p fe (block_size values per node, node-major) at local @p nodes of
/// vector @p b (block size @p block_size; local numbering through its local-to-global map).
void add_element_vector(Vec b, std::span<const LocalIndex> nodes, int block_size, const double* fe);

/// A volume load density: writes block_size values at physical point @p x.
using CellLoad = std::function<void(const std::array<double, 3>& x, double* value)>;

/// Adds ∫_Ω N_a f dx to @p b over all owned cells with a rule exact for loads of polynomial
/// degree @p load_degree. Entries at DOFs of @p skip are left out. Call VecAssemblyBegin/End
/// on @p b afterwards.
void assemble_cell_load(const DofMap& dofmap, int block_size, int load_degree, const CellLoad& f,
                        Vec b, const DirichletConstraints* skip = nullptr);

} // namespace resorb::fem
