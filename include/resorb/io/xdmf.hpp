#pragma once
/// @file
/// Parallel output of a mesh and its fields as XDMF 3 (XML) + HDF5 (heavy data), readable by
/// ParaView and VisIt.

#include "resorb/fem/field.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace resorb::io {

/// Values attached to mesh vertices: `components` values per OWNED vertex, in local owned
/// order (row i belongs to local vertex i, 0 <= i < vertex_map().num_owned()).
///
/// The component count selects the XDMF AttributeType: 1 Scalar, 3 Vector, 6 Tensor6 (stored
/// xx, xy, xz, yy, yz, zz), 9 Tensor (row-major), any other count Matrix.
struct PointField {
  std::string name;           ///< attribute and dataset name: non-empty, no '/', unique
  int components = 1;         ///< values per vertex, >= 1
  std::vector<double> values; ///< components * num_owned values, vertex-major
  std::string unit;           ///< unit of the values, e.g. "m" or "Pa" (may be empty)
};

/// The vertex values of a finite-element field (fem::Field::vertex_values()), named and with
/// the unit of the field. For P2 the edge nodes are not written.
[[nodiscard]] PointField point_field(const fem::Field& field);

/// Values attached to cells: `components` values per owned cell, in local cell order.
/// Component counts map to AttributeType as for PointField.
using CellField = fem::CellField;

/// Writes `<directory>/<basename>.h5` and `<directory>/<basename>.xdmf` (XDMF 3,
/// ParaView-readable).
///
/// The HDF5 file holds
/// - `/mesh/geometry`: N x 3 doubles, metres, all global vertices in global-id order;
/// - `/mesh/topology`: C x 4 int64 global vertex ids, cells ordered rank by rank;
/// - `/mesh/cell_tag`: C int32 material tags (XDMF cell attribute "cell_tag");
/// - `/fields/<name>`: N x components (point fields) or C x components (cell fields) doubles,
///   each with a string attribute "unit".
///
/// The XDMF file has one Uniform grid with a Tetrahedron topology, XYZ geometry and one
/// Attribute per field (Center "Node" or "Cell", named `<name>`), whose unit is given in an
/// `<Information Name="unit" Value="..."/>` child. Field names must be unique over both lists
/// and a cell field may not be called "cell_tag".
///
/// Collective over mesh.comm(): every rank passes the same field names, component counts and
/// units, with its own values. The files are first written under temporary names
/// (`<basename>.h5.part`, `<basename>.xdmf.part`) and renamed by rank 0 after all ranks are done,
/// the .xdmf last, so a failure never leaves a file pair that looks complete. Existing output of
/// the same name is replaced. The directory is created if needed.
///
/// Any failure, on any rank, makes every rank throw the same error.
/// @throws resorb::Error naming the file on any HDF5 or file-system failure, or naming the
///         field when a field has the wrong number of values or an invalid name or component
///         count, or when the field lists differ between ranks.
void write_xdmf(const mesh::TetMesh& mesh, const std::filesystem::path& directory,
                std::string_view basename, std::span<const PointField> point_fields,
                std::span<const CellField> cell_fields);

/// A time series of fields on one mesh, for ParaView's time controls: step k's fields go to
/// `<directory>/<basename>_<kkkk>.h5` (step 0's file holds the mesh as well, as
/// write_xdmf() lays it out), and every write() rewrites `<basename>.xdmf`, a temporal
/// collection of the steps so far (time in s). As with write_xdmf(), each file is written
/// under a temporary name and renamed when complete, so the .xdmf on disk always lists
/// complete steps, even when the run is killed.
class XdmfTimeSeries {
public:
  /// A series with no steps yet; nothing is written until write().
  XdmfTimeSeries(const mesh::TetMesh& mesh, std::filesystem::path directory, std::string basename);
  /// Writes the fields of time @p time (s) as the next step. The fields' names, components
  /// and units must be the same at every step. Collective.
  /// @throws resorb::Error as write_xdmf()
  void write(double time, std::span<const PointField> point_fields,
             std::span<const CellField> cell_fields);
  /// Continues a series whose first steps (at @p times) an earlier, interrupted run wrote:
  /// the next write() is step times.size(), and later steps of that run are replaced.
  void continue_after(std::span<const double> times);
  /// Times of the steps written, s.
  [[nodiscard]] const std::vector<double>& times() const { return times_; }

private:
  [[nodiscard]] std::string step_file(std::size_t step) const;
  const mesh::TetMesh& mesh_;
  std::filesystem::path directory_;
  std::string basename_;
  std::vector<double> times_;
};

} // namespace resorb::io
