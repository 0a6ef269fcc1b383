#pragma once
// What every image reader hands to the common conversion (image.cpp): the geometry in the
// world frame and the file's values as doubles (exact for every integer type up to 32 bits).
#include "resorb/io/image.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace resorb::io::detail {

struct RawVolume {
  ImageGeometry geometry;
  std::vector<double> values;
  bool integral = true;   // the file's type is an integer type
  double slope = 1.0;     // intensity = slope * value + intercept
  double intercept = 0.0; //
};

/// Refuses a header whose data cannot fit in the bytes behind it or in @p limits, before
/// anything is allocated: @p stored bytes raw, or at most 1032 times that when compressed
/// (deflate's largest ratio). @throws InputError naming @p file
void check_announced_size(const std::filesystem::path& file, std::int64_t voxels,
                          std::int64_t bytes_per_voxel, std::int64_t stored, bool compressed,
                          const ReadLimits& limits);

/// Checks that @p g's spacing is positive and finite and its direction orthonormal, and
/// normalises the direction's columns. @throws InputError naming @p file
void check_geometry(const std::filesystem::path& file, ImageGeometry& g);

/// NIfTI-1/2 by nifti_clib: sform when its code is set, else qform, else pixdim alone.
RawVolume read_nifti_volume(const std::filesystem::path& file, const ReadLimits& limits);

/// NRRD and MetaImage by ITK (itk_image_io.cpp), converted from ITK's LPS to RAS.
RawVolume read_itk_volume(const std::filesystem::path& file, const ReadLimits& limits);

} // namespace resorb::io::detail
