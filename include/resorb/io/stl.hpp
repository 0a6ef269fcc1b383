#pragma once
/// @file
/// Binary STL, the format every slicer reads: writing a surface for printing, and reading
/// one back (tests, and implants given as STL).

#include "resorb/mesh/triangle_surface.hpp"

#include <filesystem>
#include <string_view>

namespace resorb::io {

/// Writes @p surface to @p file as binary STL: an 80-byte header (@p header, cut at 80),
/// the triangle count, and per triangle its unit normal, three corners (float32, in
/// millimetres when @p scale_to_file is 1e3: STL has no units, slicers assume mm) and a zero
/// attribute. Triangles whose corners coincide in float32 are left out (slivers; the
/// surface stays closed). Written to FILE.tmp and renamed, so an existing FILE stays whole on
/// failure.
/// @throws Error naming the file when it cannot be written
void write_stl(const std::filesystem::path& file, const mesh::TriangleSurface& surface,
               std::string_view header, double scale_to_file = 1e3);

/// Reads a binary STL written in units of 1 / @p scale_from_file m, welding its corners
/// (mesh::weld on the float coordinates). @throws InputError naming the file when it is
/// missing, truncated, or its triangle count does not match its size
[[nodiscard]] mesh::TriangleSurface read_stl(const std::filesystem::path& file,
                                             double scale_from_file = 1e3);

} // namespace resorb::io
