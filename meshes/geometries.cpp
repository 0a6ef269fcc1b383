#include "resorb/meshes/geometries.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/io/gmsh.hpp"

#include <fmt/format.h>
#include <gmsh.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace resorb::meshes {

namespace {

/// Bounding box (xmin, ymin, zmin, xmax, ymax, zmax) of an entity.
std::array<double, 6> bounds(int dim, int tag) {
  std::array<double, 6> b{};
  gmsh::model::getBoundingBox(dim, tag, b[0], b[1], b[2], b[3], b[4], b[5]);
  return b;
}

std::set<int> boundary_surfaces(const std::vector<int>& volumes) {
  std::set<int> out;
  for (int v : volumes) {
    std::vector<int> up, down;
    gmsh::model::getAdjacencies(3, v, up, down);
    out.insert(down.begin(), down.end());
  }
  return out;
}

void add_group(int dim, const std::vector<int>& entities, int tag, const std::string& name) {
  RESORB_REQUIRE(!entities.empty(), Error,
                 fmt::format("geometry: group '{}' came out empty", name));
  gmsh::model::addPhysicalGroup(dim, entities, tag);
  gmsh::model::setPhysicalName(dim, tag, name);
}

/// Runs @p build on rank 0 inside a Gmsh session and shares any error with all ranks.
template <class Build>
mesh::MeshData build_on_root(MPI_Comm comm, const char* what, Build build) {
  mesh::MeshData data;
  data.source = what;
  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    try {
      const io::GmshSession session;
      gmsh::clear();
      gmsh::model::add(what);
      build();
      data = io::mesh_data_from_gmsh_model(1e-3, what);
      gmsh::clear();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      std::string gmsh_error;
      gmsh::logger::getLastError(gmsh_error);
      error = fmt::format("{}: Gmsh failed: {}", what, gmsh_error);
    }
  }
  mpi::throw_first_error<InputError>(comm, error);
  return data;
}

} // namespace

namespace {
/// Throws InputError naming @p geometry and @p name unless the length @p value (m) is > 0.
void require_positive_length(const char* geometry, const char* name, double value) {
  RESORB_REQUIRE(std::isfinite(value) && value > 0.0, InputError,
                 fmt::format("{} geometry: {} = {} m must be positive", geometry, name, value));
}
} // namespace

void ScrewInBoneGeometry::validate() const {
  auto positive = [](double v, const char* name) {
    require_positive_length("screw-in-bone", name, v);
  };
  positive(bone_radius, "bone_radius");
  positive(bone_length, "bone_length");
  positive(cortical_thickness, "cortical_thickness");
  positive(implant_radius, "implant_radius");
  positive(implant_depth, "implant_depth");
  positive(head_height, "head_height");
  positive(mesh_size, "mesh_size");
  positive(implant_mesh_size, "implant_mesh_size");
  RESORB_REQUIRE(implant_radius < bone_radius - cortical_thickness, InputError,
                 "screw-in-bone geometry: implant_radius must be smaller than the "
                 "cancellous core radius (bone_radius - cortical_thickness)");
  RESORB_REQUIRE(!(implant_depth >= bone_length || implant_depth <= cortical_thickness), InputError,
                 "screw-in-bone geometry: implant_depth must exceed cortical_thickness "
                 "and stay inside the bone (less than bone_length)");
}

mesh::MeshData screw_in_bone_mesh_data(MPI_Comm comm, const ScrewInBoneGeometry& g) {
  g.validate();
  // Gmsh works in millimetres here: OpenCASCADE tolerances are tuned for unit-scale models.
  const double R = g.bone_radius * 1e3, L = g.bone_length * 1e3, t = g.cortical_thickness * 1e3;
  const double a = g.implant_radius * 1e3, d = g.implant_depth * 1e3, h = g.head_height * 1e3;
  return build_on_root(comm, "screw_in_bone", [&] {
    namespace occ = gmsh::model::occ;
    const int bone = occ::addCylinder(0, 0, 0, 0, 0, L, R);
    const int core = occ::addCylinder(0, 0, 0, 0, 0, L - t, R - t);
    const int rod = occ::addCylinder(0, 0, L - d, 0, 0, d + h, a);
    gmsh::vectorpair out;
    std::vector<gmsh::vectorpair> pieces;
    occ::fragment({{3, bone}}, {{3, core}, {3, rod}}, out, pieces);
    occ::synchronize();
    // pieces[i] lists what input i became: bone, core, rod.
    std::set<int> rod_parts, core_parts, bone_parts;
    for (const auto& [dim, tag] : pieces[2])
      rod_parts.insert(tag);
    for (const auto& [dim, tag] : pieces[1])
      if (!rod_parts.count(tag))
        core_parts.insert(tag);
    for (const auto& [dim, tag] : pieces[0])
      if (!rod_parts.count(tag) && !core_parts.count(tag))
        bone_parts.insert(tag);
    const std::vector<int> implant(rod_parts.begin(), rod_parts.end());
    const std::vector<int> cancellous(core_parts.begin(), core_parts.end());
    const std::vector<int> cortical(bone_parts.begin(), bone_parts.end());
    add_group(3, cortical, 1, "cortical");
    add_group(3, cancellous, 2, "cancellous");
    add_group(3, implant, 3, "implant");

    const double tol = 1e-6 * L;
    std::vector<int> base, head, interface;
    const auto implant_surfaces = boundary_surfaces(implant);
    std::vector<int> bone_volumes = cortical;
    bone_volumes.insert(bone_volumes.end(), cancellous.begin(), cancellous.end());
    const auto bone_surfaces = boundary_surfaces(bone_volumes);
    for (int s : bone_surfaces)
      if (bounds(2, s)[5] < tol)
        base.push_back(s);
    for (int s : implant_surfaces) {
      const auto b = bounds(2, s);
      if (b[2] > L + h - tol)
        head.push_back(s);
      if (bone_surfaces.count(s))
        interface.push_back(s);
    }
    add_group(2, base, 11, "bone_base");
    add_group(2, head, 12, "implant_head");
    add_group(2, interface, 13, "implant_bone_interface");

    gmsh::option::setNumber("Mesh.MeshSizeMax", g.mesh_size * 1e3);
    gmsh::option::setNumber("Mesh.MeshSizeMin", std::min(g.mesh_size, g.implant_mesh_size) * 1e3);
    gmsh::option::setNumber("Mesh.MeshSizeFromCurvature", 12);
    gmsh::vectorpair implant_points;
    gmsh::vectorpair implant_dimtags;
    for (int v : implant)
      implant_dimtags.emplace_back(3, v);
    gmsh::model::getBoundary(implant_dimtags, implant_points, false, false, true);
    gmsh::model::mesh::setSize(implant_points, g.implant_mesh_size * 1e3);
    gmsh::option::setNumber("Mesh.Algorithm3D", 1);
    gmsh::option::setNumber("General.NumThreads", 1);
    gmsh::model::mesh::generate(3);
  });
}

void ThreadedScrewGeometry::validate() const {
  auto positive = [](double v, const char* name) {
    require_positive_length("threaded screw", name, v);
  };
  positive(major_diameter, "major_diameter");
  positive(minor_diameter, "minor_diameter");
  positive(pitch, "pitch");
  positive(threaded_length, "threaded_length");
  positive(bone_radius, "bone_radius");
  positive(bone_length, "bone_length");
  positive(cortical_thickness, "cortical_thickness");
  positive(tissue_thickness, "tissue_thickness");
  positive(mesh_size, "mesh_size");
  positive(implant_mesh_size, "implant_mesh_size");
  positive(refinement_depth, "refinement_depth");
  RESORB_REQUIRE(minor_diameter < major_diameter, InputError,
                 "threaded screw geometry: minor_diameter must be smaller than major_diameter");
  const double depth = 0.5 * (major_diameter - minor_diameter);
  RESORB_REQUIRE(2 * depth * std::tan(M_PI / 6) < pitch, InputError,
                 fmt::format("threaded screw geometry: a 60° thread {} m deep does not fit in a "
                             "pitch of {} m (need pitch > {:.3g} m)",
                             depth, pitch, 2 * depth * std::tan(M_PI / 6)));
  RESORB_REQUIRE(0.5 * major_diameter < bone_radius - cortical_thickness, InputError,
                 "threaded screw geometry: major_diameter / 2 must be smaller than the "
                 "cancellous core radius (bone_radius - cortical_thickness)");
  RESORB_REQUIRE(threaded_length > cortical_thickness + pitch && threaded_length < bone_length,
                 InputError,
                 "threaded screw geometry: threaded_length must exceed cortical_thickness + "
                 "pitch and stay inside the bone (less than bone_length)");
}

mesh::MeshData threaded_screw_mesh_data(MPI_Comm comm, const ThreadedScrewGeometry& g) {
  g.validate();
  // Millimetres inside Gmsh, as above.
  const double R = g.bone_radius * 1e3, L = g.bone_length * 1e3, t = g.cortical_thickness * 1e3;
  const double T = g.tissue_thickness * 1e3, p = g.pitch * 1e3;
  const double r_minor = 0.5 * g.minor_diameter * 1e3, r_major = 0.5 * g.major_diameter * 1e3;
  const double bottom = L - g.threaded_length * 1e3;
  return build_on_root(comm, "threaded_screw", [&] {
    namespace occ = gmsh::model::occ;
    // The screw: core, shank, and one ring per pitch revolved from the thread's profile
    // (which reaches into the core so that the fuse has no coincident faces).
    const double flank = (r_major - r_minor) * std::tan(M_PI / 6);
    const double base = 2 * flank, inner = 0.5 * r_minor;
    const double angle = g.quarter ? 0.5 * M_PI : 2 * M_PI;
    auto cylinder = [angle](double z0, double height, double radius) {
      return occ::addCylinder(0, 0, z0, 0, 0, height, radius, -1, angle);
    };
    gmsh::vectorpair parts{{3, cylinder(bottom, L - bottom, r_minor)},
                           {3, cylinder(L, T, r_major)}};
    for (double z = bottom + 0.5 * (p - base); z + base < L - 0.1 * p; z += p) {
      std::vector<int> points{occ::addPoint(inner, 0, z), occ::addPoint(r_minor, 0, z),
                              occ::addPoint(r_major, 0, z + flank),
                              occ::addPoint(r_minor, 0, z + base),
                              occ::addPoint(inner, 0, z + base)};
      std::vector<int> lines;
      for (std::size_t i = 0; i < points.size(); ++i)
        lines.push_back(occ::addLine(points[i], points[(i + 1) % points.size()]));
      const int face = occ::addPlaneSurface({occ::addCurveLoop(lines)});
      gmsh::vectorpair ring;
      occ::revolve({{2, face}}, 0, 0, 0, 0, 0, 1, angle, ring);
      for (const auto& dt : ring)
        if (dt.first == 3)
          parts.push_back(dt);
    }
    gmsh::vectorpair screw, map;
    std::vector<gmsh::vectorpair> fused;
    occ::fuse({parts.front()}, {parts.begin() + 1, parts.end()}, screw, fused);
    const int tissue = cylinder(0, L + T, R + T);
    const int bone = cylinder(0, L, R);
    const int core = cylinder(0, L - t, R - t);
    gmsh::vectorpair tools{{3, bone}, {3, core}};
    tools.insert(tools.end(), screw.begin(), screw.end());
    gmsh::vectorpair out;
    std::vector<gmsh::vectorpair> pieces;
    occ::fragment({{3, tissue}}, tools, out, pieces);
    occ::synchronize();
    // pieces: tissue, bone, core, then the screw's volumes.
    std::set<int> screw_parts, core_parts, bone_parts, tissue_parts;
    for (std::size_t i = 3; i < pieces.size(); ++i)
      for (const auto& [dim, tag] : pieces[i])
        screw_parts.insert(tag);
    auto collect = [&](const gmsh::vectorpair& from, std::set<int>& into,
                       std::initializer_list<const std::set<int>*> taken) {
      for (const auto& [dim, tag] : from)
        if (std::none_of(taken.begin(), taken.end(), [&](auto* s) { return s->count(tag); }))
          into.insert(tag);
    };
    collect(pieces[2], core_parts, {&screw_parts});
    collect(pieces[1], bone_parts, {&screw_parts, &core_parts});
    collect(pieces[0], tissue_parts, {&screw_parts, &core_parts, &bone_parts});
    const std::vector<int> implant(screw_parts.begin(), screw_parts.end());
    const std::vector<int> cancellous(core_parts.begin(), core_parts.end());
    const std::vector<int> cortical(bone_parts.begin(), bone_parts.end());
    const std::vector<int> soft(tissue_parts.begin(), tissue_parts.end());
    add_group(3, cortical, 1, "cortical");
    add_group(3, cancellous, 2, "cancellous");
    add_group(3, implant, 3, "implant");
    add_group(3, soft, 4, "tissue");

    const double tol = 1e-6 * L;
    std::vector<int> host_volumes = cortical;
    host_volumes.insert(host_volumes.end(), cancellous.begin(), cancellous.end());
    host_volumes.insert(host_volumes.end(), soft.begin(), soft.end());
    const auto host_surfaces = boundary_surfaces(host_volumes);
    const auto implant_surfaces = boundary_surfaces(implant);
    std::vector<int> bases, head, interface, outer, symmetry_x, symmetry_y;
    for (int s : implant_surfaces) {
      const auto b = bounds(2, s);
      if (g.quarter && (b[3] < tol || b[4] < tol))
        continue;
      if (b[2] > L + T - tol)
        head.push_back(s);
      else if (host_surfaces.count(s))
        interface.push_back(s);
    }
    std::set<int> inner_surfaces = implant_surfaces;
    for (const auto& group : {cortical, cancellous}) {
      const auto b = boundary_surfaces(group);
      inner_surfaces.insert(b.begin(), b.end());
    }
    std::set<int> all_surfaces = host_surfaces;
    all_surfaces.insert(implant_surfaces.begin(), implant_surfaces.end());
    for (int s : all_surfaces) {
      const auto b = bounds(2, s);
      if (g.quarter && b[3] < tol)
        symmetry_x.push_back(s);
      else if (g.quarter && b[4] < tol)
        symmetry_y.push_back(s);
    }
    for (int s : host_surfaces) {
      const auto b = bounds(2, s);
      if (g.quarter && (b[3] < tol || b[4] < tol))
        continue;
      if (b[5] < tol)
        bases.push_back(s);
      else if (!inner_surfaces.count(s) && boundary_surfaces(soft).count(s))
        outer.push_back(s);
    }
    add_group(2, bases, 11, "base");
    add_group(2, head, 12, "implant_head");
    add_group(2, interface, 13, "implant_surface");
    add_group(2, outer, 14, "tissue_surface");
    if (g.quarter) {
      add_group(2, symmetry_x, 15, "symmetry_x");
      add_group(2, symmetry_y, 16, "symmetry_y");
    }

    // Sizes: implant_mesh_size within refinement_depth of the screw's surface (both sides),
    // growing to mesh_size over ten times that.
    namespace field = gmsh::model::mesh::field;
    const int distance = field::add("Distance");
    std::vector<double> faces(interface.begin(), interface.end());
    field::setNumbers(distance, "FacesList", faces);
    const int threshold = field::add("Threshold");
    field::setNumber(threshold, "InField", distance);
    field::setNumber(threshold, "SizeMin", g.implant_mesh_size * 1e3);
    field::setNumber(threshold, "SizeMax", g.mesh_size * 1e3);
    field::setNumber(threshold, "DistMin", g.refinement_depth * 1e3);
    field::setNumber(threshold, "DistMax", 11 * g.refinement_depth * 1e3);
    field::setAsBackgroundMesh(threshold);
    gmsh::option::setNumber("Mesh.MeshSizeExtendFromBoundary", 0);
    gmsh::option::setNumber("Mesh.MeshSizeFromPoints", 0);
    gmsh::option::setNumber("Mesh.MeshSizeFromCurvature", 0);
    gmsh::option::setNumber("Mesh.Algorithm3D", 1);
    gmsh::option::setNumber("General.NumThreads", 1);
    gmsh::model::mesh::generate(3);
  });
}

void PinInMediumGeometry::validate() const {
  auto positive = [](double v, const char* name) {
    require_positive_length("pin-in-medium", name, v);
  };
  positive(pin_radius, "pin_radius");
  positive(pin_height, "pin_height");
  positive(box_size, "box_size");
  positive(mesh_size, "mesh_size");
  positive(pin_mesh_size, "pin_mesh_size");
  RESORB_REQUIRE(pin_radius < 0.5 * box_size && pin_height < box_size, InputError,
                 "pin-in-medium geometry: the pin must fit inside the box with medium around it");
}

mesh::MeshData pin_in_medium_mesh_data(MPI_Comm comm, const PinInMediumGeometry& g) {
  g.validate();
  const double r = g.pin_radius * 1e3, h = 0.5 * g.pin_height * 1e3, b = 0.5 * g.box_size * 1e3;
  return build_on_root(comm, "pin_in_medium", [&] {
    namespace occ = gmsh::model::occ;
    const int box = occ::addBox(0, 0, 0, b, b, b);
    const int cylinder = occ::addCylinder(0, 0, -h, 0, 0, 2 * h, r);
    const int octant = occ::addBox(0, 0, 0, b, b, b);
    gmsh::vectorpair pin, out;
    std::vector<gmsh::vectorpair> pieces;
    occ::intersect({{3, cylinder}}, {{3, octant}}, pin, pieces);
    occ::fragment({{3, box}}, pin, out, pieces);
    occ::synchronize();
    std::set<int> pin_parts, medium_parts;
    for (const auto& [dim, tag] : pieces[1])
      pin_parts.insert(tag);
    for (const auto& [dim, tag] : pieces[0])
      if (!pin_parts.count(tag))
        medium_parts.insert(tag);
    const std::vector<int> pin_volumes(pin_parts.begin(), pin_parts.end());
    const std::vector<int> medium(medium_parts.begin(), medium_parts.end());
    add_group(3, medium, 1, "medium");
    add_group(3, pin_volumes, 2, "pin");
    const double tol = 1e-6 * b;
    const auto medium_surfaces = boundary_surfaces(medium);
    std::vector<int> interface, walls, symmetry;
    for (int s : boundary_surfaces(pin_volumes))
      if (medium_surfaces.count(s) && bounds(2, s)[3] > tol && bounds(2, s)[4] > tol &&
          bounds(2, s)[5] > tol)
        interface.push_back(s);
    for (int s : medium_surfaces) {
      const auto bb = bounds(2, s);
      if (bb[0] > b - tol || bb[1] > b - tol || bb[2] > b - tol)
        walls.push_back(s);
      else if (bb[3] < tol || bb[4] < tol || bb[5] < tol)
        symmetry.push_back(s);
    }
    add_group(2, interface, 1, "pin_surface");
    add_group(2, walls, 2, "walls");
    add_group(2, symmetry, 3, "symmetry");
    gmsh::option::setNumber("Mesh.MeshSizeMax", g.mesh_size * 1e3);
    gmsh::option::setNumber("Mesh.MeshSizeMin", g.pin_mesh_size * 1e3);
    // The pin's corner points carry its size; sizes in between are interpolated from the
    // boundary, which grades the medium from the pin to the walls.
    gmsh::vectorpair all_points, pin_points, pin_dimtags;
    gmsh::model::getEntities(all_points, 0);
    gmsh::model::mesh::setSize(all_points, g.mesh_size * 1e3);
    for (int v : pin_volumes)
      pin_dimtags.emplace_back(3, v);
    gmsh::model::getBoundary(pin_dimtags, pin_points, false, false, true);
    gmsh::model::mesh::setSize(pin_points, g.pin_mesh_size * 1e3);
    gmsh::option::setNumber("General.NumThreads", 1);
    gmsh::model::mesh::generate(3);
  });
}

mesh::MeshData hollow_cylinder_mesh_data(MPI_Comm comm, double a, double b, double h,
                                         double mesh_size) {
  RESORB_REQUIRE(a > 0 && b > a && h > 0 && mesh_size > 0, InputError,
                 "hollow cylinder: need 0 < a < b, h > 0 and a positive mesh size");
  const double A = a * 1e3, B = b * 1e3, H = h * 1e3;
  return build_on_root(comm, "hollow_cylinder", [&] {
    namespace occ = gmsh::model::occ;
    const int outer = occ::addCylinder(0, 0, 0, 0, 0, H, B);
    const int inner = occ::addCylinder(0, 0, 0, 0, 0, H, A);
    gmsh::vectorpair ring, map;
    std::vector<gmsh::vectorpair> pieces;
    occ::cut({{3, outer}}, {{3, inner}}, ring, pieces);
    const int box = occ::addBox(0, 0, 0, 2 * B, 2 * B, H);
    gmsh::vectorpair quarter;
    occ::intersect(ring, {{3, box}}, quarter, pieces);
    occ::synchronize();
    std::vector<int> volumes;
    for (const auto& [dim, tag] : quarter)
      volumes.push_back(tag);
    add_group(3, volumes, 1, "wall");
    std::vector<int> inner_s, outer_s, x0, y0, bottom, top;
    const double tol = 1e-6 * B;
    for (int s : boundary_surfaces(volumes)) {
      const auto bb = bounds(2, s);
      if (bb[3] < tol)
        x0.push_back(s);
      else if (bb[4] < tol)
        y0.push_back(s);
      else if (bb[5] < tol)
        bottom.push_back(s);
      else if (bb[2] > H - tol)
        top.push_back(s);
      else if (bb[3] < A + tol && bb[4] < A + tol)
        inner_s.push_back(s);
      else
        outer_s.push_back(s);
    }
    add_group(2, inner_s, 1, "inner");
    add_group(2, outer_s, 2, "outer");
    add_group(2, x0, 3, "x0");
    add_group(2, y0, 4, "y0");
    add_group(2, bottom, 5, "bottom");
    add_group(2, top, 6, "top");
    gmsh::option::setNumber("Mesh.MeshSizeMax", mesh_size * 1e3);
    gmsh::option::setNumber("Mesh.MeshSizeMin", 0.5 * mesh_size * 1e3);
    gmsh::option::setNumber("General.NumThreads", 1);
    gmsh::model::mesh::generate(3);
  });
}

} // namespace resorb::meshes
