#include "resorb/io/stl.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

namespace resorb::io {

namespace {

constexpr std::size_t header_bytes = 80, triangle_bytes = 50;

void put_float(std::vector<char>& out, double value) {
  const auto f = static_cast<float>(value);
  char bytes[4];
  std::memcpy(bytes, &f, 4); // STL is little-endian, as every platform resorb builds on
  out.insert(out.end(), bytes, bytes + 4);
}

} // namespace

void write_stl(const std::filesystem::path& file, const mesh::TriangleSurface& surface,
               std::string_view header, double scale_to_file) {
  RESORB_REQUIRE(
      std::isfinite(scale_to_file) && scale_to_file > 0, Error,
      fmt::format("write_stl {}: scale {} must be positive", file.string(), scale_to_file));
  RESORB_REQUIRE(surface.triangles.size() < std::size_t{1} << 32, Error,
                 fmt::format("write_stl {}: {} triangles do not fit STL's 32-bit count",
                             file.string(), surface.triangles.size()));
  std::vector<char> out(header_bytes + 4, ' '); // header, then the count (set at the end)
  std::copy_n(header.begin(), std::min(header.size(), header_bytes), out.begin());
  out.reserve(out.size() + triangle_bytes * surface.triangles.size());
  std::uint32_t count = 0;
  for (std::size_t i = 0; i < surface.triangles.size(); ++i) {
    // Corners as the file stores them (float32): a sliver whose two corners round to the
    // same float point is left out (its neighbours then meet at that point; the surface
    // stays closed), so that no degenerate facet reaches the slicer.
    std::array<std::array<float, 3>, 3> corners{};
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t x = 0; x < 3; ++x)
        corners[k][x] =
            static_cast<float>(surface.vertices[surface.triangles[i][k]][x] * scale_to_file);
    if (corners[0] == corners[1] || corners[1] == corners[2] || corners[0] == corners[2])
      continue;
    const auto n = mesh::area_normal(surface, i);
    const double length = std::hypot(n[0], n[1], n[2]);
    for (const double x : n)
      put_float(out, length > 0 ? x / length : 0.0);
    for (const auto& corner : corners)
      for (const float x : corner)
        put_float(out, x);
    out.push_back(0);
    out.push_back(0);
    ++count;
  }
  std::memcpy(out.data() + header_bytes, &count, 4);
  const auto tmp = std::filesystem::path(file.string() + ".tmp");
  try {
    if (file.has_parent_path())
      std::filesystem::create_directories(file.parent_path());
    {
      std::ofstream stream(tmp, std::ios::binary);
      stream.write(out.data(), static_cast<std::streamsize>(out.size()));
      RESORB_REQUIRE(stream.good(), Error, "the write failed");
    }
    std::filesystem::rename(tmp, file);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw Error(fmt::format("write_stl: cannot write {}: {}", file.string(), e.what()));
  }
}

mesh::TriangleSurface read_stl(const std::filesystem::path& file, double scale_from_file) {
  RESORB_REQUIRE(
      std::isfinite(scale_from_file) && scale_from_file > 0, InputError,
      fmt::format("read_stl {}: scale {} must be positive", file.string(), scale_from_file));
  std::ifstream stream(file, std::ios::binary);
  RESORB_REQUIRE(stream.good(), InputError, fmt::format("read_stl: cannot open {}", file.string()));
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  RESORB_REQUIRE(!ec && size >= header_bytes + 4, InputError,
                 fmt::format("read_stl {}: {} bytes, shorter than a binary STL header",
                             file.string(), ec ? 0 : size));
  char header[header_bytes];
  std::uint32_t count = 0;
  stream.read(header, header_bytes);
  stream.read(reinterpret_cast<char*>(&count), 4);
  // The count must match the size before anything is allocated (a 1 kB file announcing
  // 10⁹ triangles is an error, not 50 GB of memory).
  RESORB_REQUIRE(size == header_bytes + 4 + std::uintmax_t{triangle_bytes} * count, InputError,
                 fmt::format("read_stl {}: {} triangles announced, but the file has {} bytes "
                             "(expected {}; ASCII STL is not read)",
                             file.string(), count, size,
                             header_bytes + 4 + std::uintmax_t{triangle_bytes} * count));
  std::vector<double> soup(9 * static_cast<std::size_t>(count));
  std::array<char, triangle_bytes> record{};
  for (std::size_t t = 0; t < count; ++t) {
    stream.read(record.data(), triangle_bytes);
    RESORB_REQUIRE(stream.good(), InputError,
                   fmt::format("read_stl {}: truncated at triangle {}", file.string(), t));
    for (std::size_t k = 0; k < 9; ++k) {
      float f = 0;
      std::memcpy(&f, record.data() + 12 + 4 * k, 4);
      soup[9 * t + k] = static_cast<double>(f) / scale_from_file;
    }
  }
  return mesh::weld(soup);
}

} // namespace resorb::io
