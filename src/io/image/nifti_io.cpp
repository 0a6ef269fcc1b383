// NIfTI-1 and NIfTI-2 through nifti_clib (nifti2_io reads both).
#include "io/image/raw_volume.hpp"
#include "resorb/core/error.hpp"

#include <fmt/format.h>
#include <nifti2_io.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>

#include <unistd.h>

namespace resorb::io {
namespace {

struct FreeNifti {
  void operator()(nifti_image* p) const { nifti_image_free(p); }
};
using NiftiPtr = std::unique_ptr<nifti_image, FreeNifti>;

/// Metres per unit of the header's xyz_units; unset means millimetres (what scanners and
/// segmentation tools write, and what nifti_clib itself assumes).
double metres_per_unit(int units) {
  switch (XYZT_TO_SPACE(units)) {
  case NIFTI_UNITS_METER:
    return 1.0;
  case NIFTI_UNITS_MICRON:
    return 1e-6;
  default:
    return 1e-3;
  }
}

template <class T>
void widen(const void* data, std::vector<double>& out) {
  const auto* p = static_cast<const T*>(data);
  for (std::size_t v = 0; v < out.size(); ++v)
    out[v] = static_cast<double>(p[v]);
}

/// Converts nifti's buffer of @p datatype into @p out (its size is the voxel count); false for
/// a type that is not a real scalar. With an empty @p out it only says whether it could.
bool convert(int datatype, const void* data, std::vector<double>& out, bool& integral) {
  integral = true;
  switch (datatype) {
  case DT_UINT8:
    widen<std::uint8_t>(data, out);
    return true;
  case DT_INT8:
    widen<std::int8_t>(data, out);
    return true;
  case DT_UINT16:
    widen<std::uint16_t>(data, out);
    return true;
  case DT_INT16:
    widen<std::int16_t>(data, out);
    return true;
  case DT_UINT32:
    widen<std::uint32_t>(data, out);
    return true;
  case DT_INT32:
    widen<std::int32_t>(data, out);
    return true;
  case DT_INT64:
    widen<std::int64_t>(data, out);
    return true;
  case DT_UINT64:
    widen<std::uint64_t>(data, out);
    return true;
  case DT_FLOAT32:
    integral = false;
    widen<float>(data, out);
    return true;
  case DT_FLOAT64:
    integral = false;
    widen<double>(data, out);
    return true;
  default:
    return false;
  }
}

} // namespace

namespace detail {

RawVolume read_nifti_volume(const std::filesystem::path& file, const ReadLimits& limits) {
  nifti_set_debug_level(0);
  NiftiPtr nim(nifti_image_read(file.string().c_str(), 0)); // the header only
  RESORB_REQUIRE(nim != nullptr, InputError,
                 fmt::format("{}: not a readable NIfTI-1/2 header", file.string()));
  std::vector<double> none;
  bool integral = true;
  RESORB_REQUIRE(convert(nim->datatype, nullptr, none, integral), InputError,
                 fmt::format("{}: NIfTI datatype {} ({}) is not a real scalar type", file.string(),
                             nim->datatype, nifti_datatype_string(nim->datatype)));
  for (int d = 4; d <= 7; ++d)
    RESORB_REQUIRE(nim->dim[0] < d || nim->dim[d] <= 1, InputError,
                   fmt::format("{}: dimension {} has {} entries; only 3-D images are read",
                               file.string(), d, nim->dim[d]));
  RawVolume raw;
  auto& g = raw.geometry;
  g.size = {nim->nx, nim->ny, std::max<std::int64_t>(nim->nz, 1)};
  for (std::size_t c = 0; c < 3; ++c)
    RESORB_REQUIRE(g.size[c] >= 1 && g.size[c] <= (std::int64_t{1} << 31), InputError,
                   fmt::format("{}: size {} along axis {} is absurd", file.string(), g.size[c], c));
  // A single-file NIfTI holds its data itself; nifti_clib looks for the data of X.nii.gz in
  // X.nii first when both exist.
  if ((nim->nifti_type == NIFTI_FTYPE_NIFTI1_1 || nim->nifti_type == NIFTI_FTYPE_NIFTI2_1) &&
      nim->fname != nullptr &&
      (nim->iname == nullptr || std::strcmp(nim->iname, nim->fname) != 0)) {
    std::free(nim->iname);
    nim->iname = strdup(nim->fname);
  }
  // Bounds before any allocation: what the header announces against the bytes behind it.
  const std::filesystem::path data_file = nim->iname != nullptr ? nim->iname : file.string();
  std::error_code ec;
  const auto stored = static_cast<std::int64_t>(std::filesystem::file_size(data_file, ec));
  RESORB_REQUIRE(
      !ec, InputError,
      fmt::format("{}: its data file {} cannot be read", file.string(), data_file.string()));
  check_announced_size(file, g.voxel_count(), nim->nbyper,
                       std::max<std::int64_t>(0, stored - nim->iname_offset),
                       nifti_is_gzfile(data_file.string().c_str()) != 0, limits);
  // Read here rather than by nifti_image_load(), which looks the data file up again by name.
  const auto bytes = g.voxel_count() * nim->nbyper;
  std::vector<char> buffer(static_cast<std::size_t>(bytes));
  znzFile fp = znzopen(nim->iname, "rb", nifti_is_gzfile(nim->iname));
  RESORB_REQUIRE(!znz_isnull(fp), InputError,
                 fmt::format("{}: its data file {} cannot be opened", file.string(), nim->iname));
  const bool positioned =
      znzseek(fp, static_cast<long>(nim->iname_offset), SEEK_SET) >= 0; // gzseek returns the offset
  const auto got = positioned ? nifti_read_buffer(fp, buffer.data(), bytes, nim.get()) : 0;
  znzclose(fp);
  RESORB_REQUIRE(got == bytes, InputError,
                 fmt::format("{}: the voxel data are truncated ({} of the {} bytes announced)",
                             file.string(), std::max<std::int64_t>(got, 0), bytes));
  raw.values.resize(static_cast<std::size_t>(g.voxel_count()));
  convert(nim->datatype, buffer.data(), raw.values, raw.integral);

  // The mapping: sform when set (its code says which space), else qform, else pixdim alone
  // (NIfTI's "method 1", an unplaced image at the origin).
  const double unit = metres_per_unit(nim->xyz_units);
  nifti_dmat44 a{};
  if (nim->sform_code > 0) {
    a = nim->sto_xyz;
  } else if (nim->qform_code > 0) {
    a = nim->qto_xyz;
  } else {
    std::memset(&a, 0, sizeof a);
    a.m[0][0] = nim->dx;
    a.m[1][1] = nim->dy;
    a.m[2][2] = nim->dz;
    a.m[3][3] = 1.0;
  }
  for (std::size_t c = 0; c < 3; ++c) {
    double norm = 0.0;
    for (std::size_t r = 0; r < 3; ++r)
      norm += a.m[r][c] * a.m[r][c];
    norm = std::sqrt(norm);
    g.spacing[c] = norm * unit;
    for (std::size_t r = 0; r < 3; ++r)
      g.direction[r][c] = norm > 0 ? a.m[r][c] / norm : 0.0;
    g.origin[c] = a.m[c][3] * unit;
  }
  check_geometry(file, g);
  if (std::isfinite(nim->scl_slope) && nim->scl_slope != 0.0) {
    raw.slope = nim->scl_slope;
    raw.intercept = std::isfinite(nim->scl_inter) ? nim->scl_inter : 0.0;
  }
  return raw;
}

} // namespace detail

template <class T>
void write_nifti(const std::filesystem::path& file, const Image<T>& image,
                 NiftiTransforms transforms) {
  const auto& g = image.geometry;
  RESORB_REQUIRE(image.values.size() == static_cast<std::size_t>(g.voxel_count()), Error,
                 fmt::format("{}: {} values for {} voxels", file.string(), image.values.size(),
                             g.voxel_count()));
  constexpr int datatype = std::is_same_v<T, float> ? DT_FLOAT32 : DT_INT32;
  const std::int64_t dims[8] = {3, g.size[0], g.size[1], g.size[2], 1, 1, 1, 1};
  NiftiPtr nim(nifti_make_new_nim(dims, datatype, 1));
  RESORB_REQUIRE(nim != nullptr, Error, fmt::format("{}: NIfTI image not created", file.string()));
  std::memcpy(nim->data, image.values.data(), image.values.size() * sizeof(T));
  constexpr double mm = 1e3;
  nim->xyz_units = NIFTI_UNITS_MM;
  nim->dx = nim->pixdim[1] = g.spacing[0] * mm;
  nim->dy = nim->pixdim[2] = g.spacing[1] * mm;
  nim->dz = nim->pixdim[3] = g.spacing[2] * mm;
  nifti_dmat44 a{};
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c)
      a.m[r][c] = g.direction[r][c] * g.spacing[c] * mm;
    a.m[r][3] = g.origin[r] * mm;
  }
  a.m[3][3] = 1.0;
  nim->sform_code = transforms.sform ? NIFTI_XFORM_ALIGNED_ANAT : NIFTI_XFORM_UNKNOWN;
  nim->sto_xyz = a;
  nim->qform_code = transforms.qform ? NIFTI_XFORM_SCANNER_ANAT : NIFTI_XFORM_UNKNOWN;
  double dx = 0, dy = 0, dz = 0;
  nifti_dmat44_to_quatern(a, &nim->quatern_b, &nim->quatern_c, &nim->quatern_d, &nim->qoffset_x,
                          &nim->qoffset_y, &nim->qoffset_z, &dx, &dy, &dz, &nim->qfac);
  nim->qto_xyz = a;
  // Written beside the target under a temporary name with the same extension, then renamed.
  const auto name = file.filename().string();
  const auto dot = name.find('.');
  const auto tmp =
      file.parent_path() / (".tmp-" + name.substr(0, dot) + "-" + std::to_string(::getpid()) +
                            (dot == std::string::npos ? std::string(".nii") : name.substr(dot)));
  RESORB_REQUIRE(nifti_set_filenames(nim.get(), tmp.string().c_str(), 0, 1) == 0, Error,
                 fmt::format("{}: not a NIfTI file name (.nii or .nii.gz)", file.string()));
  nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
  nifti_image_write(nim.get());
  const bool written = std::filesystem::exists(tmp) && is_nifti_file(tmp.string().c_str()) == 1;
  if (!written) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw Error(fmt::format("{}: writing the NIfTI file failed", file.string()));
  }
  std::filesystem::rename(tmp, file);
}

template void write_nifti(const std::filesystem::path&, const LabelImage&, NiftiTransforms);
template void write_nifti(const std::filesystem::path&, const ScalarImage&, NiftiTransforms);

} // namespace resorb::io
