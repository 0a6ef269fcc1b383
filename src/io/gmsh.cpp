#include "resorb/io/gmsh.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>
#include <gmsh.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <unordered_map>

namespace resorb::io {

namespace {
std::mutex session_mutex;
int session_count = 0;

std::string last_gmsh_error() {
  std::string error;
  try {
    gmsh::logger::getLastError(error);
  } catch (...) {
    error.clear();
  }
  return error.empty() ? "unknown Gmsh error" : error;
}

/// Runs a Gmsh call and turns whatever the SDK throws into an InputError naming @p what.
template <class F>
void gmsh_call(const std::string& what, F&& f) {
  try {
    f();
  } catch (const Error&) {
    throw;
  } catch (...) {
    throw InputError(fmt::format("{}: {}", what, last_gmsh_error()));
  }
}
} // namespace

GmshSession::GmshSession() {
  const std::lock_guard lock(session_mutex);
  if (session_count++ == 0) {
    gmsh::initialize(0, nullptr, false);
    gmsh::option::setNumber("General.Terminal", log::level() >= 2 ? 1 : 0);
    // Errors come back as exceptions (turned into InputError), never as an abort.
    gmsh::option::setNumber("General.AbortOnError", 0);
  }
}

GmshSession::~GmshSession() {
  const std::lock_guard lock(session_mutex);
  if (--session_count == 0)
    gmsh::finalize();
}

mesh::MeshData mesh_data_from_gmsh_model(double length_unit_m, const std::string& source) {
  mesh::MeshData data;
  data.source = source;
  std::vector<std::size_t> node_tags;
  std::vector<double> coords, parametric;
  gmsh_call(source, [&] { gmsh::model::mesh::getNodes(node_tags, coords, parametric); });
  std::size_t max_tag = 0;
  for (auto t : node_tags)
    max_tag = std::max(max_tag, t);
  std::vector<GlobalIndex> index_of(max_tag + 1, -1);
  for (std::size_t i = 0; i < node_tags.size(); ++i)
    index_of[node_tags[i]] = static_cast<GlobalIndex>(i);
  data.coordinates.resize(coords.size());
  std::transform(coords.begin(), coords.end(), data.coordinates.begin(),
                 [&](double x) { return x * length_unit_m; });
  auto vertex = [&](std::size_t tag) -> GlobalIndex {
    RESORB_REQUIRE(!(tag > max_tag || index_of[tag] < 0), InputError,
                   fmt::format("{}: element references node {} which is not defined", source, tag));
    return index_of[tag];
  };

  gmsh::vectorpair groups;
  gmsh_call(source, [&] { gmsh::model::getPhysicalGroups(groups); });
  bool has_volume_groups = false;
  for (const auto& [dim, tag] : groups) {
    std::string name;
    gmsh_call(source, [&] { gmsh::model::getPhysicalName(dim, tag, name); });
    if (dim == 3 || dim == 2)
      data.groups.push_back({dim, tag, name});
    has_volume_groups = has_volume_groups || dim == 3;
  }

  // Cells: each volume entity once, tagged with its (first) physical group; with no volume
  // groups at all, every volume entity counts and its entity tag is the material tag.
  gmsh::vectorpair volumes;
  gmsh_call(source, [&] { gmsh::model::getEntities(volumes, 3); });
  for (const auto& [dim, entity] : volumes) {
    std::vector<int> physical;
    gmsh_call(source, [&] { gmsh::model::getPhysicalGroupsForEntity(dim, entity, physical); });
    int tag = entity;
    if (has_volume_groups) {
      if (physical.empty())
        continue;
      tag = physical.front();
    } else if (std::none_of(data.groups.begin(), data.groups.end(),
                            [&](const auto& g) { return g.dim == 3 && g.tag == entity; })) {
      data.groups.push_back({3, entity, fmt::format("volume{}", entity)});
    }
    std::vector<int> types;
    std::vector<std::vector<std::size_t>> element_tags, element_nodes;
    gmsh_call(source, [&] {
      gmsh::model::mesh::getElements(types, element_tags, element_nodes, 3, entity);
    });
    for (std::size_t t = 0; t < types.size(); ++t) {
      const int stride = types[t] == 4 ? 4 : types[t] == 11 ? 10 : -1;
      RESORB_REQUIRE(
          stride >= 0, InputError,
          fmt::format(
              "{}: volume {} contains Gmsh element type {}; only tetrahedra (types 4 and 11) "
              "are supported",
              source, entity, types[t]));
      for (std::size_t e = 0; e < element_tags[t].size(); ++e) {
        for (int k = 0; k < 4; ++k)
          data.cells.push_back(vertex(element_nodes[t][e * static_cast<std::size_t>(stride) +
                                                       static_cast<std::size_t>(k)]));
        data.cell_tags.push_back(tag);
        data.cell_ids.push_back(static_cast<GlobalIndex>(element_tags[t][e]));
      }
    }
  }
  RESORB_REQUIRE(!data.cell_tags.empty(), InputError,
                 fmt::format("{}: the mesh contains no tetrahedra (is it a 3D mesh with "
                             "volume physical groups?)",
                             source));

  // Facets: triangles of every surface physical group.
  for (const auto& [dim, tag] : groups) {
    if (dim != 2)
      continue;
    std::vector<int> entities;
    gmsh_call(source, [&] { gmsh::model::getEntitiesForPhysicalGroup(dim, tag, entities); });
    for (int entity : entities) {
      std::vector<int> types;
      std::vector<std::vector<std::size_t>> element_tags, element_nodes;
      gmsh_call(source, [&] {
        gmsh::model::mesh::getElements(types, element_tags, element_nodes, 2, entity);
      });
      for (std::size_t t = 0; t < types.size(); ++t) {
        const int stride = types[t] == 2 ? 3 : types[t] == 9 ? 6 : -1;
        RESORB_REQUIRE(stride >= 0, InputError,
                       fmt::format("{}: surface group {} contains Gmsh element type {}; "
                                   "only triangles are supported",
                                   source, tag, types[t]));
        for (std::size_t e = 0; e < element_tags[t].size(); ++e) {
          for (int k = 0; k < 3; ++k)
            data.facets.push_back(vertex(element_nodes[t][e * static_cast<std::size_t>(stride) +
                                                          static_cast<std::size_t>(k)]));
          data.facet_tags.push_back(tag);
        }
      }
    }
  }
  return data;
}

mesh::MeshData read_gmsh_data(MPI_Comm comm, const std::filesystem::path& file,
                              double length_unit_m) {
  RESORB_REQUIRE(length_unit_m > 0.0, InputError,
                 fmt::format("{}: length unit must be positive", file.string()));
  mesh::MeshData data;
  data.source = file.string();
  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    try {
      RESORB_REQUIRE(std::ifstream(file).good(), InputError,
                     fmt::format("{}: cannot open mesh file", file.string()));
      const GmshSession session;
      gmsh_call(file.string(), [&] {
        gmsh::clear();
        gmsh::open(file.string());
      });
      // Gmsh reports some read errors only through its logger.
      std::string gmsh_error;
      gmsh::logger::getLastError(gmsh_error);
      RESORB_REQUIRE(gmsh_error.empty(), InputError,
                     fmt::format("{}: {}", file.string(), gmsh_error));
      data = mesh_data_from_gmsh_model(length_unit_m, file.string());
      gmsh::clear();
    } catch (const Error& e) {
      error = e.what();
    }
  }
  mpi::throw_first_error<InputError>(comm, error);
  return data;
}

mesh::TetMesh read_gmsh(MPI_Comm comm, const std::filesystem::path& file, double length_unit_m) {
  return mesh::TetMesh::distribute(comm, read_gmsh_data(comm, file, length_unit_m));
}

namespace {
template <class T>
std::vector<T> gather_to_root(MPI_Comm comm, const std::vector<T>& local) {
  const int p = mpi::size(comm);
  std::vector<std::vector<T>> send(static_cast<std::size_t>(p));
  send[0] = local;
  auto recv = mpi::exchange(comm, send);
  std::vector<T> all;
  for (auto& r : recv)
    all.insert(all.end(), r.begin(), r.end());
  return all;
}
} // namespace

void write_gmsh(const mesh::TetMesh& mesh, const std::filesystem::path& file, double length_unit_m,
                bool binary) {
  const MPI_Comm comm = mesh.comm();
  const IndexMap& vmap = mesh.vertex_map();
  std::vector<double> coords(mesh.coordinates().begin(),
                             mesh.coordinates().begin() + 3 * vmap.num_owned());
  std::vector<GlobalIndex> cells;
  for (auto v : mesh.cells())
    cells.push_back(vmap.local_to_global(v));
  std::vector<int> cell_tags(mesh.cell_tags().begin(), mesh.cell_tags().end());
  std::vector<GlobalIndex> facets;
  std::vector<int> facet_tags;
  for (const auto& f : mesh.facets()) {
    for (int k : mesh::facet_vertices[static_cast<std::size_t>(f.local_facet)])
      facets.push_back(vmap.local_to_global(
          mesh.cells()[4 * static_cast<std::size_t>(f.cell) + static_cast<std::size_t>(k)]));
    facet_tags.push_back(f.tag);
  }
  // Owned vertex blocks arrive rank by rank, i.e. in global order.
  coords = gather_to_root(comm, coords);
  cells = gather_to_root(comm, cells);
  cell_tags = gather_to_root(comm, cell_tags);
  facets = gather_to_root(comm, facets);
  facet_tags = gather_to_root(comm, facet_tags);

  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    try {
      const GmshSession session;
      const auto tmp = file.string() + ".tmp.msh";
      gmsh_call(file.string(), [&] {
        gmsh::clear();
        gmsh::model::add("resorb");
        std::vector<std::size_t> node_tags(coords.size() / 3);
        for (std::size_t i = 0; i < node_tags.size(); ++i)
          node_tags[i] = i + 1;
        std::vector<double> scaled(coords.size());
        std::transform(coords.begin(), coords.end(), scaled.begin(),
                       [&](double x) { return x / length_unit_m; });
        std::map<int, std::vector<std::size_t>> by_tag;
        for (std::size_t c = 0; c < cell_tags.size(); ++c)
          for (int k = 0; k < 4; ++k)
            by_tag[cell_tags[c]].push_back(static_cast<std::size_t>(cells[4 * c + k]) + 1);
        bool nodes_added = false;
        std::size_t element = 1;
        for (auto& [tag, nodes] : by_tag) {
          gmsh::model::addDiscreteEntity(3, tag);
          if (!nodes_added) {
            gmsh::model::mesh::addNodes(3, tag, node_tags, scaled);
            nodes_added = true;
          }
          std::vector<std::size_t> ids(nodes.size() / 4);
          for (auto& id : ids)
            id = element++;
          gmsh::model::mesh::addElementsByType(tag, 4, ids, nodes);
          gmsh::model::addPhysicalGroup(3, {tag}, tag);
          gmsh::model::setPhysicalName(3, tag, mesh.group_name(3, tag));
        }
        std::map<int, std::vector<std::size_t>> facets_by_tag;
        for (std::size_t f = 0; f < facet_tags.size(); ++f)
          for (int k = 0; k < 3; ++k)
            facets_by_tag[facet_tags[f]].push_back(static_cast<std::size_t>(facets[3 * f + k]) + 1);
        for (auto& [tag, nodes] : facets_by_tag) {
          gmsh::model::addDiscreteEntity(2, tag);
          std::vector<std::size_t> ids(nodes.size() / 3);
          for (auto& id : ids)
            id = element++;
          gmsh::model::mesh::addElementsByType(tag, 2, ids, nodes);
          gmsh::model::addPhysicalGroup(2, {tag}, tag);
          gmsh::model::setPhysicalName(2, tag, mesh.group_name(2, tag));
        }
        gmsh::option::setNumber("Mesh.MshFileVersion", 4.1);
        gmsh::option::setNumber("Mesh.Binary", binary ? 1 : 0);
        gmsh::write(tmp);
        gmsh::clear();
      });
      std::filesystem::rename(tmp, file);
    } catch (const std::exception& e) {
      error = fmt::format("writing {}: {}", file.string(), e.what());
    }
  }
  mpi::throw_first_error<Error>(comm, error);
}

} // namespace resorb::io
