#pragma once
/// @file
/// 3MF (3D Manufacturing Format) export of a closed surface for printing, through lib3mf:
/// one mesh object in millimetres with the design in the model's metadata.

#include "resorb/mesh/triangle_surface.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace resorb::io {

/// A 3MF model as read back: its surface (m) and its metadata.
struct ThreeMfModel {
  mesh::TriangleSurface surface;
  std::map<std::string, std::string> metadata;
  bool manifold_and_oriented = false; ///< lib3mf's own check of the mesh object
};

/// Writes @p surface (m) as the single mesh object @p name of a 3MF package, in millimetres
/// (float coordinates, as the format stores them), with @p metadata as the model's metadata
/// (3MF's names: Title, Designer, Description, Copyright, LicenseTerms, Rating,
/// CreationDate, ModificationDate). Written to FILE.tmp and renamed, so that an existing
/// FILE stays whole on failure.
/// @throws Error naming the file and lib3mf's message when it cannot be written; InputError
///         for an empty surface or an index out of range
void write_3mf(const std::filesystem::path& file, const mesh::TriangleSurface& surface,
               const std::string& name, const std::map<std::string, std::string>& metadata);

/// Reads the first mesh object and the metadata of a 3MF package (lengths in the file's
/// millimetres, returned in m). @throws InputError naming the file when lib3mf rejects it or
/// it holds no mesh object
[[nodiscard]] ThreeMfModel read_3mf(const std::filesystem::path& file);

} // namespace resorb::io
