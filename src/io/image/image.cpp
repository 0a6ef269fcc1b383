#include "resorb/io/image.hpp"

#include "io/image/raw_volume.hpp"
#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace resorb::io {

Vector3 ImageGeometry::to_world(const Vector3& ijk) const {
  Vector3 x = origin;
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 3; ++c)
      x[r] += direction[r][c] * spacing[c] * ijk[c];
  return x;
}

Vector3 ImageGeometry::to_index(const Vector3& x) const {
  // The direction is orthonormal: its inverse is its transpose.
  Vector3 ijk{0, 0, 0};
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t r = 0; r < 3; ++r)
      ijk[c] += direction[r][c] * (x[r] - origin[r]);
    ijk[c] /= spacing[c];
  }
  return ijk;
}

double ImageGeometry::handedness() const {
  const auto& d = direction;
  return d[0][0] * (d[1][1] * d[2][2] - d[1][2] * d[2][1]) -
         d[0][1] * (d[1][0] * d[2][2] - d[1][2] * d[2][0]) +
         d[0][2] * (d[1][0] * d[2][1] - d[1][1] * d[2][0]);
}

std::array<Vector3, 2> ImageGeometry::world_bounds() const {
  const double inf = std::numeric_limits<double>::infinity();
  std::array<Vector3, 2> box{{{inf, inf, inf}, {-inf, -inf, -inf}}};
  for (int corner = 0; corner < 8; ++corner) {
    Vector3 ijk{};
    for (std::size_t c = 0; c < 3; ++c)
      ijk[c] = (corner >> c & 1) != 0 ? static_cast<double>(size[c]) - 0.5 : -0.5;
    const auto x = to_world(ijk);
    for (std::size_t d = 0; d < 3; ++d) {
      box[0][d] = std::min(box[0][d], x[d]);
      box[1][d] = std::max(box[1][d], x[d]);
    }
  }
  return box;
}

namespace detail {

void check_announced_size(const std::filesystem::path& file, std::int64_t voxels,
                          std::int64_t bytes_per_voxel, std::int64_t stored, bool compressed,
                          const ReadLimits& limits) {
  RESORB_REQUIRE(voxels > 0, InputError,
                 fmt::format("{}: the header announces no voxels", file.string()));
  RESORB_REQUIRE(voxels <= limits.max_voxels, InputError,
                 fmt::format("{}: the header announces {} voxels, more than the {} allowed "
                             "(ReadLimits::max_voxels)",
                             file.string(), voxels, limits.max_voxels));
  // Deflate's largest expansion is 1032:1 (RFC 1951 blocks of 258-byte matches).
  const double capacity = static_cast<double>(stored) * (compressed ? 1032.0 : 1.0);
  const double bytes = static_cast<double>(voxels) * static_cast<double>(bytes_per_voxel);
  RESORB_REQUIRE(bytes <= capacity, InputError,
                 fmt::format("{}: the header announces {} voxels ({:.0f} bytes) but the data "
                             "holds only {} bytes{}: a truncated file or a corrupt header",
                             file.string(), voxels, bytes, stored,
                             compressed ? " compressed (at most 1032 times that)" : ""));
}

void check_geometry(const std::filesystem::path& file, ImageGeometry& g) {
  for (std::size_t c = 0; c < 3; ++c) {
    RESORB_REQUIRE(
        g.size[c] >= 1, InputError,
        fmt::format("{}: size {} along axis {} is not positive", file.string(), g.size[c], c));
    RESORB_REQUIRE(std::isfinite(g.spacing[c]) && g.spacing[c] > 0, InputError,
                   fmt::format("{}: voxel spacing {} m along axis {} is not positive and finite "
                               "(a singular voxel-to-world mapping)",
                               file.string(), g.spacing[c], c));
    RESORB_REQUIRE(std::isfinite(g.origin[c]), InputError,
                   fmt::format("{}: the origin is not finite", file.string()));
  }
  // Columns orthonormal: float headers carry about 1e-7; shear beyond 1e-4 is refused,
  // because a mesh of the voxel grid then cannot be placed by a rotation.
  double worst = 0.0;
  for (std::size_t a = 0; a < 3; ++a)
    for (std::size_t b = 0; b < 3; ++b) {
      double dot = 0.0;
      for (std::size_t r = 0; r < 3; ++r)
        dot += g.direction[r][a] * g.direction[r][b];
      worst = std::max(worst, std::abs(dot - (a == b ? 1.0 : 0.0)));
    }
  RESORB_REQUIRE(std::isfinite(worst) && worst <= 1e-4, InputError,
                 fmt::format("{}: the voxel axes are sheared or not orthogonal (|DᵀD − I| = "
                             "{:.3g}); resample the image onto an orthogonal grid",
                             file.string(), worst));
}

} // namespace detail

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

detail::RawVolume read_volume(const std::filesystem::path& file, const ReadLimits& limits) {
  RESORB_REQUIRE(std::filesystem::is_regular_file(file), InputError,
                 fmt::format("{}: no such image file", file.string()));
  const auto name = lower(file.filename().string());
  if (ends_with(name, ".nii") || ends_with(name, ".nii.gz") || ends_with(name, ".hdr"))
    return detail::read_nifti_volume(file, limits);
  if (ends_with(name, ".nrrd") || ends_with(name, ".nhdr") || ends_with(name, ".mha") ||
      ends_with(name, ".mhd"))
    return detail::read_itk_volume(file, limits);
  throw InputError(fmt::format("{}: unknown image format (expected .nii, .nii.gz, .nrrd, "
                               ".nhdr, .mha or .mhd)",
                               file.string()));
}

std::string voxel_name(const ImageGeometry& g, std::size_t index) {
  const auto i = static_cast<std::int64_t>(index);
  return fmt::format("voxel ({}, {}, {})", i % g.size[0], i / g.size[0] % g.size[1],
                     i / (g.size[0] * g.size[1]));
}

} // namespace

LabelImage read_label_image(const std::filesystem::path& file, const ReadLimits& limits) {
  auto raw = read_volume(file, limits);
  LabelImage image{raw.geometry, std::vector<std::int32_t>(raw.values.size()), file.string()};
  for (std::size_t v = 0; v < raw.values.size(); ++v) {
    const double value = raw.slope * raw.values[v] + raw.intercept;
    const double label = std::round(value);
    RESORB_REQUIRE(std::isfinite(value) && std::abs(value - label) <= 1e-3, InputError,
                   fmt::format("{}: {} holds {}, which is not an integer label (is this an "
                               "intensity image?)",
                               file.string(), voxel_name(raw.geometry, v), value));
    RESORB_REQUIRE(label >= std::numeric_limits<std::int32_t>::min() &&
                       label <= std::numeric_limits<std::int32_t>::max(),
                   InputError,
                   fmt::format("{}: {} holds label {}, beyond 32 bits", file.string(),
                               voxel_name(raw.geometry, v), label));
    image.values[v] = static_cast<std::int32_t>(label);
  }
  return image;
}

ScalarImage read_scalar_image(const std::filesystem::path& file, const ReadLimits& limits) {
  auto raw = read_volume(file, limits);
  ScalarImage image{raw.geometry, std::vector<float>(raw.values.size()), file.string()};
  for (std::size_t v = 0; v < raw.values.size(); ++v) {
    const double value = raw.slope * raw.values[v] + raw.intercept;
    RESORB_REQUIRE(
        std::isfinite(value), InputError,
        fmt::format("{}: {} holds {}", file.string(), voxel_name(raw.geometry, v), value));
    image.values[v] = static_cast<float>(value);
  }
  return image;
}

} // namespace resorb::io
