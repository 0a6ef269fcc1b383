#pragma once
/// @file
/// 3-D medical images (label volumes and CT intensities) and their voxel-to-world mapping.
///
/// World frame: RAS+ in metres (x towards the patient's right → left is −x, y anterior,
/// z superior), the frame of NIfTI and 3D Slicer. Files in LPS+ (DICOM, ITK, NRRD's
/// "left-posterior-superior", MetaImage) are converted on reading: x_RAS = −x_LPS,
/// y_RAS = −y_LPS. A voxel index (i, j, k) is the voxel's centre, i fastest in memory.
///
/// Readers: NIfTI-1 and NIfTI-2 (.nii, .nii.gz) by nifti_clib, NRRD (.nrrd, .nhdr) and
/// MetaImage (.mha, .mhd) by ITK. Every size a header announces is checked against the bytes
/// the file can hold before anything is allocated.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace resorb::io {

/// A point or vector in the world frame, m.
using Vector3 = std::array<double, 3>;
/// A 3×3 matrix, row-major.
using Matrix3 = std::array<std::array<double, 3>, 3>;

/// Where an image's voxels lie: x = origin + direction · diag(spacing) · (i, j, k).
struct ImageGeometry {
  std::array<std::int64_t, 3> size{0, 0, 0}; ///< voxels along i, j, k
  Vector3 spacing{1, 1, 1};                  ///< voxel size along i, j, k, m (> 0)
  Vector3 origin{0, 0, 0};                   ///< world position of voxel (0, 0, 0)'s centre, m
  /// Columns: the world directions of the i, j, k axes (orthonormal; its determinant may be
  /// −1, a mirrored index order, which is not an inverted geometry).
  Matrix3 direction{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};

  /// Number of voxels.
  [[nodiscard]] std::int64_t voxel_count() const { return size[0] * size[1] * size[2]; }
  /// World position of the (fractional) index @p ijk.
  [[nodiscard]] Vector3 to_world(const Vector3& ijk) const;
  /// Fractional index of the world point @p x (inverse of to_world()).
  [[nodiscard]] Vector3 to_index(const Vector3& x) const;
  /// det(direction): +1 or −1.
  [[nodiscard]] double handedness() const;
  /// The world box that holds every voxel (centres ± half a voxel), as {lo, hi}.
  [[nodiscard]] std::array<Vector3, 2> world_bounds() const;
};

/// A scalar image: one value per voxel, i fastest, then j, then k.
template <class T>
struct Image {
  ImageGeometry geometry; ///< where the voxels lie
  std::vector<T> values;  ///< geometry.voxel_count() values
  std::string source;     ///< the file it was read from, for messages

  /// The value at voxel (i, j, k) (no bounds check).
  [[nodiscard]] T at(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return values[static_cast<std::size_t>(i + geometry.size[0] * (j + geometry.size[1] * k))];
  }
};

/// A label volume (segmentation): one integer label per voxel, 0 = background.
using LabelImage = Image<std::int32_t>;
/// An intensity volume (CT in Hounsfield units after the file's rescaling).
using ScalarImage = Image<float>;

/// Bounds on what a reader allocates.
struct ReadLimits {
  /// Most voxels an image may have (default 2³¹, 8 GiB as float).
  std::int64_t max_voxels = std::int64_t{1} << 31;
};

/// Reads a label volume. Integer data as it is; floating-point data rounded to the nearest
/// integer (TotalSegmentator writes float64 labels), refused when a value is further than
/// 10⁻³ from one. Labels must fit in 32 bits.
/// @throws InputError naming the file: unknown format, malformed or truncated file, a size
///         beyond @p limits or beyond what the file holds, several components or a 4th
///         dimension > 1, non-integral or out-of-range labels, a sheared or singular mapping
[[nodiscard]] LabelImage read_label_image(const std::filesystem::path& file,
                                          const ReadLimits& limits = {});

/// Reads an intensity volume, with the file's linear rescaling applied (NIfTI scl_slope and
/// scl_inter). @throws InputError as read_label_image(), and for non-finite values
[[nodiscard]] ScalarImage read_scalar_image(const std::filesystem::path& file,
                                            const ReadLimits& limits = {});

/// Which transforms write_nifti() puts in the header (both describe the same mapping).
struct NiftiTransforms {
  bool sform = true; ///< sform_code 2 (aligned anatomical)
  bool qform = true; ///< qform_code 1 (scanner anatomical), with qfac = handedness
};

/// Writes @p image as NIfTI-1 (.nii or .nii.gz by the extension): int32 labels or float32
/// intensities, mm units, the mapping in the transforms @p transforms selects. Written to a
/// temporary file and renamed, so a failure leaves an existing file as it was.
/// @throws Error naming the file when it cannot be written
template <class T>
void write_nifti(const std::filesystem::path& file, const Image<T>& image,
                 NiftiTransforms transforms = {});

} // namespace resorb::io
