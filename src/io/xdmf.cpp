#include "resorb/io/xdmf.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

namespace resorb::io {

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Collective error handling

/// Runs @p f and returns the message of the exception it throws, if any. Foreign exceptions
/// (bad_alloc, filesystem errors) get @p context in front of their message.
template <class F>
std::optional<std::string> capture(std::string_view context, F&& f) {
  try {
    std::forward<F>(f)();
    return std::nullopt;
  } catch (const Error& e) {
    return std::string(e.what());
  } catch (const std::exception& e) {
    return fmt::format("write_xdmf: {}: {}", context, e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// HDF5 helpers

/// Owns an HDF5 identifier and closes it with the matching H5?close function.
class Handle {
public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (id_ >= 0)
      close_(id_);
  }
  [[nodiscard]] hid_t get() const { return id_; }
  /// Closes now and returns the status (the destructor ignores it).
  herr_t close() {
    const herr_t status = close_(id_);
    id_ = -1;
    return status;
  }

private:
  hid_t id_;
  Closer close_;
};

/// Turns off HDF5's printing of its error stack to stderr for the lifetime of the object; the
/// stack goes into our exception messages instead.
class QuietHdf5 {
public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// The descriptions on HDF5's current error stack, innermost last.
std::string hdf5_error_stack() {
  std::vector<std::string> lines;
  auto walk = [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
    auto& v = *static_cast<std::vector<std::string>*>(out);
    if (e->desc == nullptr || *e->desc == '\0')
      return 0;
    std::string line(e->desc); // may hold newlines (a ctime() string): keep one line
    std::replace(line.begin(), line.end(), '\n', ' ');
    if (std::find(v.begin(), v.end(), line) == v.end())
      v.push_back(std::move(line));
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk, &lines);
  H5Eclear2(H5E_DEFAULT);
  if (lines.empty())
    return {};
  // The innermost entries say why (errno, MPI error); keep the last three.
  const auto first = lines.size() > 3 ? lines.end() - 3 : lines.begin();
  std::string out = " (";
  for (auto it = first; it != lines.end(); ++it) {
    if (it != first)
      out += "; ";
    out += *it;
  }
  return out + ")";
}

/// Context for checking HDF5 calls: the file being written, for error messages.
struct Hdf5Checker {
  const fs::path& file;

  /// Throws Error naming the file when @p id is negative; returns @p id otherwise.
  hid_t id(hid_t id, std::string_view what) const {
    if (id < 0)
      fail(what);
    return id;
  }
  /// Throws Error naming the file when @p status is negative.
  void status(herr_t status, std::string_view what) const {
    if (status < 0)
      fail(what);
  }
  [[noreturn]] void fail(std::string_view what) const {
    throw Error(fmt::format("write_xdmf: HDF5 error writing '{}': {} failed{}", file.string(), what,
                            hdf5_error_stack()));
  }
};

/// Writes a scalar fixed-length UTF-8 string attribute @p name = @p value on @p object.
void write_string_attribute(const Hdf5Checker& h5, hid_t object, const char* name,
                            const std::string& value) {
  const Handle type(h5.id(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  h5.status(H5Tset_size(type.get(), std::max<std::size_t>(value.size(), 1)), "H5Tset_size");
  h5.status(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  h5.status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
  const Handle space(h5.id(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
  const Handle attribute(
      h5.id(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            fmt::format("H5Acreate2 of attribute '{}'", name)),
      H5Aclose);
  h5.status(H5Awrite(attribute.get(), type.get(), value.c_str()),
            fmt::format("H5Awrite of attribute '{}'", name));
}

/// A block of rows of a global 1-D (columns == 0) or 2-D (rows x columns) dataset.
struct Rows {
  GlobalIndex global_rows = 0; ///< rows over all ranks
  GlobalIndex offset = 0;      ///< first row written by this rank
  GlobalIndex local_rows = 0;  ///< rows written by this rank (may be 0)
  hsize_t columns = 0;         ///< 0 for a 1-D dataset
};

/// Creates dataset @p path of @p file_type and writes this rank's rows from @p data
/// (collective). Returns the open dataset, e.g. for attributes.
Handle write_rows(const Hdf5Checker& h5, hid_t file, hid_t dxpl, const std::string& path,
                  hid_t file_type, hid_t memory_type, const Rows& rows, const void* data) {
  const int rank = rows.columns == 0 ? 1 : 2;
  const std::array<hsize_t, 2> global_dims{static_cast<hsize_t>(rows.global_rows), rows.columns};
  const Handle file_space(
      h5.id(H5Screate_simple(rank, global_dims.data(), nullptr), "H5Screate_simple"), H5Sclose);
  const Handle dcpl(h5.id(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"), H5Pclose);
  // Every element is written below: skip writing fill values first.
  h5.status(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  const Handle lcpl(h5.id(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate"), H5Pclose);
  h5.status(H5Pset_create_intermediate_group(lcpl.get(), 1), "H5Pset_create_intermediate_group");
  Handle dataset(h5.id(H5Dcreate2(file, path.c_str(), file_type, file_space.get(), lcpl.get(),
                                  dcpl.get(), H5P_DEFAULT),
                       fmt::format("H5Dcreate2 of dataset '{}'", path)),
                 H5Dclose);

  // A rank with no rows still takes part in the collective write, selecting nothing.
  const bool empty = rows.local_rows == 0;
  const std::array<hsize_t, 2> local_dims{empty ? 1 : static_cast<hsize_t>(rows.local_rows),
                                          rows.columns};
  const Handle memory_space(
      h5.id(H5Screate_simple(rank, local_dims.data(), nullptr), "H5Screate_simple"), H5Sclose);
  if (empty) {
    h5.status(H5Sselect_none(memory_space.get()), "H5Sselect_none");
    h5.status(H5Sselect_none(file_space.get()), "H5Sselect_none");
  } else {
    const std::array<hsize_t, 2> start{static_cast<hsize_t>(rows.offset), 0};
    const std::array<hsize_t, 2> count{static_cast<hsize_t>(rows.local_rows), rows.columns};
    h5.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                  count.data(), nullptr),
              "H5Sselect_hyperslab");
  }
  static constexpr std::array<double, 9> dummy{}; // HDF5 wants a buffer even for no elements
  h5.status(H5Dwrite(dataset.get(), memory_type, memory_space.get(), file_space.get(), dxpl,
                     empty || data == nullptr ? dummy.data() : data),
            fmt::format("H5Dwrite of dataset '{}'", path));
  return dataset;
}

// ---------------------------------------------------------------------------------------------
// Argument checks

/// XDMF AttributeType for a component count.
std::string_view attribute_type(int components) {
  switch (components) {
  case 1:
    return "Scalar";
  case 3:
    return "Vector";
  case 6:
    return "Tensor6";
  case 9:
    return "Tensor";
  default:
    return "Matrix";
  }
}

/// Description of the arguments that must agree between ranks.
template <class Field>
void append_signature(std::string& out, char kind, const Field& f) {
  out += fmt::format("{}\x1f{}\x1f{}\x1f{}\x1e", kind, f.name, f.components, f.unit);
}

/// Local argument checks; throws Error naming the offending field.
void check_arguments(const mesh::TetMesh& mesh, std::string_view basename,
                     std::span<const PointField> point_fields,
                     std::span<const CellField> cell_fields, const std::string& signature,
                     const std::string& root_signature) {
  // ':' separates the file from the dataset in an XDMF DataItem.
  if (basename.empty() || basename.find_first_of("/:") != std::string_view::npos ||
      basename == "." || basename == "..")
    throw Error(fmt::format("write_xdmf: invalid basename '{}' (empty, '.', '..' or containing "
                            "'/' or ':')",
                            basename));
  RESORB_REQUIRE(signature == root_signature, Error,
                 fmt::format("write_xdmf: output '{}': the directory, basename or field names, "
                             "components and units differ between ranks (rank {})",
                             basename, mpi::rank(mesh.comm())));
  std::set<std::string, std::less<>> names;
  auto check = [&](std::string_view kind, const auto& f, std::size_t rows, std::string_view what) {
    RESORB_REQUIRE(!(f.name.empty() || f.name.find('/') != std::string::npos || f.name == "." ||
                     f.name == ".."),
                   Error,
                   fmt::format("write_xdmf: {} field '{}': invalid name (empty, '.', '..' or "
                               "containing '/')",
                               kind, f.name));
    RESORB_REQUIRE(names.insert(f.name).second, Error,
                   fmt::format("write_xdmf: field name '{}' is used twice", f.name));
    RESORB_REQUIRE(
        f.components >= 1, Error,
        fmt::format("write_xdmf: {} field '{}': {} components", kind, f.name, f.components));
    const std::size_t expected = static_cast<std::size_t>(f.components) * rows;
    RESORB_REQUIRE(f.values.size() == expected, Error,
                   fmt::format("write_xdmf: {} field '{}' has {} values on rank {}, expected {} "
                               "({} components x {} {})",
                               kind, f.name, f.values.size(), mpi::rank(mesh.comm()), expected,
                               f.components, rows, what));
  };
  for (const auto& f : point_fields)
    check("point", f, static_cast<std::size_t>(mesh.vertex_map().num_owned()), "owned vertices");
  for (const auto& f : cell_fields) {
    RESORB_REQUIRE(f.name != "cell_tag", Error,
                   "write_xdmf: cell field 'cell_tag': the name is reserved for the cell tags");
    check("cell", f, static_cast<std::size_t>(mesh.num_cells()), "cells");
  }
}

// ---------------------------------------------------------------------------------------------
// Writers

/// Writes the heavy data to @p file (collective).
void write_hdf5(const mesh::TetMesh& mesh, const fs::path& file, const fs::path& name_in_messages,
                std::span<const PointField> point_fields, std::span<const CellField> cell_fields,
                bool with_mesh = true) {
  const MPI_Comm comm = mesh.comm();
  const Hdf5Checker h5{name_in_messages};
  const QuietHdf5 quiet;

  const auto& vertices = mesh.vertex_map();
  const GlobalIndex num_owned = vertices.num_owned();
  const GlobalIndex num_cells = mesh.num_cells();
  GlobalIndex cell_offset = 0;
  MPI_Exscan(&num_cells, &cell_offset, 1, MPI_INT64_T, MPI_SUM, comm);
  if (mpi::rank(comm) == 0)
    cell_offset = 0; // MPI_Exscan leaves rank 0's result undefined
  const Rows vertex_rows{vertices.size_global(), vertices.offset(), num_owned, 3};
  const Rows cell_rows{mesh.num_global_cells(), cell_offset, num_cells, 0};

  std::vector<GlobalIndex> topology(mesh.cells().size());
  std::transform(mesh.cells().begin(), mesh.cells().end(), topology.begin(),
                 [&](LocalIndex v) { return vertices.local_to_global(v); });

  const Handle fapl(h5.id(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose);
  h5.status(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  const Handle dxpl(h5.id(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"), H5Pclose);
  h5.status(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  // Declared before the datasets so that it is closed after them.
  Handle h5file(h5.id(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), "H5Fcreate"),
                H5Fclose);
  const hid_t f = h5file.get();
  if (with_mesh) {
    const Handle geometry = write_rows(h5, f, dxpl.get(), "/mesh/geometry", H5T_IEEE_F64LE,
                                       H5T_NATIVE_DOUBLE, vertex_rows, mesh.coordinates().data());
    write_string_attribute(h5, geometry.get(), "unit", "m");
  }
  if (with_mesh) {
    Rows rows = cell_rows;
    rows.columns = 4;
    const Handle d = write_rows(h5, f, dxpl.get(), "/mesh/topology", H5T_STD_I64LE,
                                H5T_NATIVE_INT64, rows, topology.data());
  }
  if (with_mesh) {
    static_assert(sizeof(int) == 4);
    const Handle d = write_rows(h5, f, dxpl.get(), "/mesh/cell_tag", H5T_STD_I32LE, H5T_NATIVE_INT,
                                cell_rows, mesh.cell_tags().data());
  }
  auto write_field = [&](const auto& field, Rows rows) {
    rows.columns = static_cast<hsize_t>(field.components);
    const Handle d = write_rows(h5, f, dxpl.get(), "/fields/" + field.name, H5T_IEEE_F64LE,
                                H5T_NATIVE_DOUBLE, rows, field.values.data());
    write_string_attribute(h5, d.get(), "unit", field.unit);
  };
  for (const auto& field : point_fields)
    write_field(field, vertex_rows);
  for (const auto& field : cell_fields)
    write_field(field, cell_rows);
  h5.status(h5file.close(), "H5Fclose");
}

/// Escapes text for an XML attribute value or element content.
std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// The Grid element of one mesh state: the mesh from @p mesh_h5, the fields from
/// @p fields_h5 (file names relative to the .xdmf), at @p time (s) when it is not NaN.
std::string grid_xml(const mesh::TetMesh& mesh, const std::string& mesh_h5,
                     const std::string& fields_h5, double time,
                     std::span<const PointField> point_fields,
                     std::span<const CellField> cell_fields, std::string_view indent) {
  const GlobalIndex nv = mesh.vertex_map().size_global();
  const GlobalIndex nc = mesh.num_global_cells();
  const std::string mesh_file = xml_escape(mesh_h5), fields_file = xml_escape(fields_h5);
  auto data_item = [&](std::string_view dims, std::string_view number_type, int precision,
                       const std::string& file, std::string_view dataset) {
    return fmt::format("{}    <DataItem Dimensions=\"{}\" NumberType=\"{}\" Precision=\"{}\" "
                       "Format=\"HDF\">{}:{}</DataItem>\n",
                       indent, dims, number_type, precision, file, xml_escape(dataset));
  };
  std::string xml;
  xml += fmt::format("{}<Grid Name=\"mesh\" GridType=\"Uniform\">\n", indent);
  if (!std::isnan(time))
    xml += fmt::format("{}  <Time Value=\"{:.17g}\"/>\n", indent, time);
  xml += fmt::format("{}  <Topology TopologyType=\"Tetrahedron\" NumberOfElements=\"{}\" "
                     "NodesPerElement=\"4\">\n",
                     indent, nc);
  xml += data_item(fmt::format("{} 4", nc), "Int", 8, mesh_file, "/mesh/topology");
  xml += fmt::format("{}  </Topology>\n", indent);
  xml += fmt::format("{}  <Geometry GeometryType=\"XYZ\">\n", indent);
  xml += fmt::format("{}    <Information Name=\"unit\" Value=\"m\"/>\n", indent);
  xml += data_item(fmt::format("{} 3", nv), "Float", 8, mesh_file, "/mesh/geometry");
  xml += fmt::format("{}  </Geometry>\n", indent);
  xml += fmt::format("{}  <Attribute Name=\"cell_tag\" AttributeType=\"Scalar\" "
                     "Center=\"Cell\">\n",
                     indent);
  xml += data_item(fmt::format("{}", nc), "Int", 4, mesh_file, "/mesh/cell_tag");
  xml += fmt::format("{}  </Attribute>\n", indent);
  auto attribute = [&](const auto& field, std::string_view center, GlobalIndex rows) {
    xml += fmt::format("{}  <Attribute Name=\"{}\" AttributeType=\"{}\" Center=\"{}\">\n", indent,
                       xml_escape(field.name), attribute_type(field.components), center);
    xml += fmt::format("{}    <Information Name=\"unit\" Value=\"{}\"/>\n", indent,
                       xml_escape(field.unit));
    xml += data_item(fmt::format("{} {}", rows, field.components), "Float", 8, fields_file,
                     "/fields/" + field.name);
    xml += fmt::format("{}  </Attribute>\n", indent);
  };
  for (const auto& field : point_fields)
    attribute(field, "Node", nv);
  for (const auto& field : cell_fields)
    attribute(field, "Cell", nc);
  xml += fmt::format("{}</Grid>\n", indent);
  return xml;
}

/// Writes an XDMF document whose Domain holds @p grids to @p file (rank 0 only).
void write_xml(const fs::path& file, const fs::path& name_in_messages, const std::string& grids) {
  std::string xml;
  xml += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  xml += "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n";
  xml += "  <Domain>\n";
  xml += grids;
  xml += "  </Domain>\n";
  xml += "</Xdmf>\n";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  RESORB_REQUIRE(
      out, Error,
      fmt::format("write_xdmf: cannot open '{}' for writing", name_in_messages.string()));
  out.write(xml.data(), static_cast<std::streamsize>(xml.size()));
  out.close();
  RESORB_REQUIRE(out, Error,
                 fmt::format("write_xdmf: error writing '{}'", name_in_messages.string()));
}

/// Renames @p from to @p to; throws Error naming @p to.
void rename_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  RESORB_REQUIRE(!ec, Error,
                 fmt::format("write_xdmf: cannot rename '{}' to '{}': {}", from.string(),
                             to.string(), ec.message()));
}

/// Checks the arguments, writes `<directory>/<h5_name>` (the fields, and the mesh when
/// @p with_mesh), then `<basename>.xdmf` with the Grid elements @p grids returns (rank 0),
/// each under a temporary name renamed when complete. Collective.
void write_files(const mesh::TetMesh& mesh, const fs::path& directory, std::string_view basename,
                 const std::string& h5_name, bool with_mesh,
                 std::span<const PointField> point_fields, std::span<const CellField> cell_fields,
                 const std::function<std::string()>& grids) {
  const MPI_Comm comm = mesh.comm();
  const bool root = mpi::rank(comm) == 0;

  // 1. Arguments: checked on every rank, failure agreed on before any file is touched.
  std::string signature = fmt::format("{}\x1e{}\x1e", directory.string(), basename);
  for (const auto& f : point_fields)
    append_signature(signature, 'P', f);
  for (const auto& f : cell_fields)
    append_signature(signature, 'C', f);
  std::string root_signature = signature;
  std::int64_t length = static_cast<std::int64_t>(root_signature.size());
  MPI_Bcast(&length, 1, MPI_INT64_T, 0, comm);
  root_signature.resize(static_cast<std::size_t>(length));
  MPI_Bcast(root_signature.data(), static_cast<int>(length), MPI_CHAR, 0, comm);
  if (auto error = mpi::first_error(comm, capture("checking arguments", [&] {
                                      check_arguments(mesh, basename, point_fields, cell_fields,
                                                      signature, root_signature);
                                    })))
    throw Error(*error);

  const std::string name(basename);
  const fs::path h5_file = directory / h5_name;
  const fs::path xdmf_file = directory / (name + ".xdmf");
  const fs::path h5_part = directory / (h5_name + ".part");
  const fs::path xdmf_part = directory / (name + ".xdmf.part");
  auto remove_parts = [&] {
    if (root) {
      std::error_code ec;
      fs::remove(h5_part, ec);
      fs::remove(xdmf_part, ec);
    }
  };

  // 2. Directory (rank 0).
  if (auto error = mpi::first_error(
          comm, capture(fmt::format("creating directory '{}'", directory.string()), [&] {
            if (root && !directory.empty())
              fs::create_directories(directory);
          })))
    throw Error(*error);

  // 3. Heavy data (all ranks, collective HDF5 calls).
  if (auto error = mpi::first_error(
          comm, capture(fmt::format("writing '{}'", h5_file.string()), [&] {
            write_hdf5(mesh, h5_part, h5_file, point_fields, cell_fields, with_mesh);
          }))) {
    remove_parts();
    throw Error(*error);
  }

  // 4. Light data and renames (rank 0, after every rank closed the HDF5 file). The old .xdmf
  // goes first and the new one comes last, so an .xdmf only ever points at complete data.
  if (auto error =
          mpi::first_error(comm, capture(fmt::format("writing '{}'", xdmf_file.string()), [&] {
                             if (!root)
                               return;
                             write_xml(xdmf_part, xdmf_file, grids());
                             std::error_code ec;
                             fs::remove(xdmf_file, ec);
                             RESORB_REQUIRE(!ec, Error,
                                            fmt::format("write_xdmf: cannot replace '{}': {}",
                                                        xdmf_file.string(), ec.message()));
                             rename_file(h5_part, h5_file);
                             rename_file(xdmf_part, xdmf_file);
                           }))) {
    remove_parts();
    throw Error(*error);
  }
}

} // namespace

void write_xdmf(const mesh::TetMesh& mesh, const std::filesystem::path& directory,
                std::string_view basename, std::span<const PointField> point_fields,
                std::span<const CellField> cell_fields) {
  const std::string h5 = std::string(basename) + ".h5";
  write_files(mesh, directory, basename, h5, true, point_fields, cell_fields, [&] {
    return grid_xml(mesh, h5, h5, std::nan(""), point_fields, cell_fields, "    ");
  });
}

XdmfTimeSeries::XdmfTimeSeries(const mesh::TetMesh& mesh, std::filesystem::path directory,
                               std::string basename)
    : mesh_(mesh), directory_(std::move(directory)), basename_(std::move(basename)) {
}

std::string XdmfTimeSeries::step_file(std::size_t step) const {
  return fmt::format("{}_{:04d}.h5", basename_, step);
}

void XdmfTimeSeries::write(double time, std::span<const PointField> point_fields,
                           std::span<const CellField> cell_fields) {
  const std::size_t step = times_.size();
  write_files(mesh_, directory_, basename_, step_file(step), step == 0, point_fields, cell_fields,
              [&] {
                // Every step has the fields of this one (a series keeps its fields).
                std::string grids = "    <Grid Name=\"time series\" GridType=\"Collection\" "
                                    "CollectionType=\"Temporal\">\n"
                                    "      <Information Name=\"time unit\" Value=\"s\"/>\n";
                for (std::size_t k = 0; k <= step; ++k)
                  grids += grid_xml(mesh_, step_file(0), step_file(k), k < step ? times_[k] : time,
                                    point_fields, cell_fields, "      ");
                return grids + "    </Grid>\n";
              });
  times_.push_back(time);
}

void XdmfTimeSeries::continue_after(std::span<const double> times) {
  times_.assign(times.begin(), times.end());
}

PointField point_field(const fem::Field& field) {
  return {field.name(), field.block_size(), field.vertex_values(), field.unit()};
}

} // namespace resorb::io
