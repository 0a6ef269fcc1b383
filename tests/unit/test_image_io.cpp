// Reading label and CT volumes: every format and transform convention places the same voxel
// at the same world point (RAS, m), and bad files are refused with the file named.
#include "expect_error.hpp"

#include <resorb/io/image.hpp>

#include <gtest/gtest.h>
#include <nifti2_io.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

using namespace resorb;
using io::ImageGeometry, io::LabelImage, io::ScalarImage, io::Vector3;
using test_support::expect_input_error;

namespace {

std::filesystem::path scratch() {
  const auto dir = std::filesystem::path(RESORB_BINARY_DIR) / "test_image_io";
  std::filesystem::create_directories(dir);
  return dir;
}

/// A rotated (and, with @p mirrored, left-handed) geometry with unequal spacing.
ImageGeometry oblique(bool mirrored) {
  ImageGeometry g;
  g.size = {6, 5, 4};
  g.spacing = {0.5e-3, 0.8e-3, 1.2e-3};
  g.origin = {-12.5e-3, 30.25e-3, 7e-3};
  const double a = 30 * M_PI / 180, b = 20 * M_PI / 180;
  // Rz(a) Rx(b), the i axis reversed when mirrored.
  const io::Matrix3 rz{{{std::cos(a), -std::sin(a), 0}, {std::sin(a), std::cos(a), 0}, {0, 0, 1}}};
  const io::Matrix3 rx{{{1, 0, 0}, {0, std::cos(b), -std::sin(b)}, {0, std::sin(b), std::cos(b)}}};
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 3; ++c) {
      double s = 0;
      for (std::size_t k = 0; k < 3; ++k)
        s += rz[r][k] * rx[k][c];
      g.direction[r][c] = (mirrored && c == 0 ? -1.0 : 1.0) * s;
    }
  return g;
}

/// Every voxel carries its own label, so that a transposed or mirrored read shows.
LabelImage phantom(bool mirrored) {
  LabelImage image{oblique(mirrored), {}, "phantom"};
  const auto& n = image.geometry.size;
  for (std::int64_t k = 0; k < n[2]; ++k)
    for (std::int64_t j = 0; j < n[1]; ++j)
      for (std::int64_t i = 0; i < n[0]; ++i)
        image.values.push_back(static_cast<std::int32_t>(1 + i + 10 * j + 100 * k));
  return image;
}

/// The same voxels at the same world points, to float32 header precision (1e-7 relative).
void expect_same_placement(const LabelImage& a, const LabelImage& b) {
  ASSERT_EQ(a.geometry.size, b.geometry.size) << b.source;
  EXPECT_EQ(a.values, b.values) << b.source;
  for (const Vector3 ijk : {Vector3{0, 0, 0}, Vector3{5, 0, 0}, Vector3{0, 4, 0}, Vector3{5, 4, 3}})
    for (std::size_t d = 0; d < 3; ++d)
      EXPECT_NEAR(a.geometry.to_world(ijk)[d], b.geometry.to_world(ijk)[d], 1e-8)
          << b.source << " at index (" << ijk[0] << ", " << ijk[1] << ", " << ijk[2] << ")";
  EXPECT_EQ(a.geometry.handedness() > 0, b.geometry.handedness() > 0) << b.source;
}

std::string tuple(const Vector3& v) {
  char text[128];
  std::snprintf(text, sizeof text, "(%.17g,%.17g,%.17g)", v[0], v[1], v[2]);
  return text;
}

/// LPS mm of a RAS m vector.
Vector3 lps_mm(const Vector3& v) {
  return {-v[0] * 1e3, -v[1] * 1e3, v[2] * 1e3};
}

void append_raw(std::ofstream& out, const LabelImage& image) {
  out.write(reinterpret_cast<const char*>(image.values.data()),
            static_cast<std::streamsize>(image.values.size() * sizeof(std::int32_t)));
}

/// NRRD in LPS (attached data) or RAS (detached .nhdr + .raw), space directions with spacing.
std::filesystem::path write_nrrd(const LabelImage& image, bool ras, const std::string& stem) {
  const auto& g = image.geometry;
  const auto header = scratch() / (stem + (ras ? ".nhdr" : ".nrrd"));
  std::ofstream out(header, std::ios::binary);
  out << "NRRD0004\ntype: int\ndimension: 3\n"
      << "space: " << (ras ? "right-anterior-superior" : "left-posterior-superior") << "\n"
      << "sizes: " << g.size[0] << " " << g.size[1] << " " << g.size[2] << "\nspace directions:";
  for (std::size_t c = 0; c < 3; ++c) {
    Vector3 axis{};
    for (std::size_t r = 0; r < 3; ++r)
      axis[r] = g.direction[r][c] * g.spacing[c];
    out << " " << tuple(ras ? Vector3{axis[0] * 1e3, axis[1] * 1e3, axis[2] * 1e3} : lps_mm(axis));
  }
  const Vector3 origin =
      ras ? Vector3{g.origin[0] * 1e3, g.origin[1] * 1e3, g.origin[2] * 1e3} : lps_mm(g.origin);
  out << "\nkinds: domain domain domain\nendian: little\nencoding: raw\nspace origin: "
      << tuple(origin) << "\n";
  if (ras) {
    out << "data file: " << stem << ".raw\n";
    std::ofstream data(scratch() / (stem + ".raw"), std::ios::binary);
    append_raw(data, image);
  } else {
    out << "\n";
    append_raw(out, image);
  }
  return header;
}

/// MetaImage (.mha, attached): TransformMatrix lists the index axes' LPS directions.
std::filesystem::path write_mha(const LabelImage& image, const std::string& stem,
                                const std::string& dim_size = "") {
  const auto& g = image.geometry;
  const auto file = scratch() / (stem + ".mha");
  std::ofstream out(file, std::ios::binary);
  out << "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
      << "CompressedData = False\nTransformMatrix =";
  for (std::size_t c = 0; c < 3; ++c) {
    const auto axis = lps_mm({g.direction[0][c], g.direction[1][c], g.direction[2][c]});
    for (double v : axis)
      out << " " << v * 1e-3;
  }
  const auto origin = lps_mm(g.origin);
  out << "\nOffset = " << origin[0] << " " << origin[1] << " " << origin[2]
      << "\nElementSpacing = " << g.spacing[0] * 1e3 << " " << g.spacing[1] * 1e3 << " "
      << g.spacing[2] * 1e3 << "\nDimSize = "
      << (dim_size.empty() ? std::to_string(g.size[0]) + " " + std::to_string(g.size[1]) + " " +
                                 std::to_string(g.size[2])
                           : dim_size)
      << "\nElementType = MET_INT\nElementDataFile = LOCAL\n";
  append_raw(out, image);
  return file;
}

/// Rewrites @p file's header through nifti_clib with @p edit applied; with @p header_only the
/// data are dropped (for headers that announce more than the buffer holds).
template <class Edit>
void edit_nifti(const std::filesystem::path& file, Edit edit, bool header_only = false) {
  nifti_image* nim = nifti_image_read(file.string().c_str(), 1);
  ASSERT_NE(nim, nullptr);
  const std::size_t bytes = nim->nvox * static_cast<std::size_t>(nim->nbyper);
  edit(*nim);
  if (!header_only) {
    // An edit that announces more data (a 4th dimension, a wider type) gets a buffer that
    // holds it, zero-filled, or nifti_clib's writer would read past the old one (ASan).
    std::size_t voxels = 1;
    for (int d = 1; d <= nim->dim[0]; ++d)
      voxels *= static_cast<std::size_t>(nim->dim[d]);
    nim->nvox = voxels;
    const std::size_t wanted = voxels * static_cast<std::size_t>(nim->nbyper);
    if (wanted > bytes) {
      void* grown = std::calloc(wanted, 1);
      ASSERT_NE(grown, nullptr);
      std::memcpy(grown, nim->data, bytes);
      std::free(nim->data);
      nim->data = grown;
    }
  }
  std::filesystem::remove(file);
  nifti_set_filenames(nim, file.string().c_str(), 0, 1);
  if (header_only)
    nifti_image_write_hdr_img(nim, 0, "wb"); // closes the file
  else
    nifti_image_write(nim);
  nifti_image_free(nim);
}

} // namespace

TEST(ImageIo, EveryConventionPlacesTheSameVoxelAtTheSamePoint) {
  for (const bool mirrored : {false, true}) {
    const auto reference = phantom(mirrored);
    const std::string tag = mirrored ? "mirrored" : "right";
    const auto both = scratch() / (tag + "_both.nii.gz");
    io::write_nifti(both, reference);
    expect_same_placement(reference, io::read_label_image(both));

    const auto sform = scratch() / (tag + "_sform.nii");
    io::write_nifti(sform, reference, {.sform = true, .qform = false});
    expect_same_placement(reference, io::read_label_image(sform));

    const auto qform = scratch() / (tag + "_qform.nii");
    io::write_nifti(qform, reference, {.sform = false, .qform = true});
    expect_same_placement(reference, io::read_label_image(qform));

    // Both set and disagreeing: the sform wins (a qform shifted by 5 cm is ignored).
    const auto conflict = scratch() / (tag + "_conflict.nii");
    io::write_nifti(conflict, reference);
    edit_nifti(conflict, [](nifti_image& nim) { nim.qoffset_x += 50.0; });
    expect_same_placement(reference, io::read_label_image(conflict));

    expect_same_placement(reference, io::read_label_image(write_nrrd(reference, false, tag)));
    expect_same_placement(reference, io::read_label_image(write_nrrd(reference, true, tag)));
    expect_same_placement(reference, io::read_label_image(write_mha(reference, tag)));
  }
}

TEST(ImageIo, GeometryMapsIndicesToWorldAndBack) {
  const auto g = oblique(true);
  EXPECT_NEAR(g.handedness(), -1.0, 1e-12);
  const Vector3 ijk{1.25, 3.5, 2.0};
  const auto back = g.to_index(g.to_world(ijk));
  for (std::size_t d = 0; d < 3; ++d)
    EXPECT_NEAR(back[d], ijk[d], 1e-12);
  // The bounds hold every voxel's corners and touch them.
  const auto box = g.world_bounds();
  for (double i : {-0.5, 5.5})
    for (double j : {-0.5, 4.5})
      for (double k : {-0.5, 3.5}) {
        const auto x = g.to_world({i, j, k});
        for (std::size_t d = 0; d < 3; ++d) {
          EXPECT_GE(x[d], box[0][d] - 1e-15);
          EXPECT_LE(x[d], box[1][d] + 1e-15);
        }
      }
}

TEST(ImageIo, FloatLabelsAreRoundedAndIntensitiesRescaled) {
  // TotalSegmentator's float64 labels, and an int16 CT with scl_slope / scl_inter.
  const auto file = scratch() / "float_labels.nii";
  ScalarImage floats{oblique(false), {}, ""};
  for (std::int64_t v = 0; v < floats.geometry.voxel_count(); ++v)
    floats.values.push_back(static_cast<float>(v % 7) + 1e-5f);
  io::write_nifti(file, floats);
  const auto labels = io::read_label_image(file);
  for (std::size_t v = 0; v < labels.values.size(); ++v)
    ASSERT_EQ(labels.values[v], static_cast<std::int32_t>(v % 7));
  floats.values[17] = 2.5f;
  io::write_nifti(file, floats);
  expect_input_error([&] { (void)io::read_label_image(file); }, "voxel (5, 2, 0) holds 2.5");

  const auto ct = scratch() / "scaled_ct.nii";
  io::write_nifti(ct, phantom(false));
  edit_nifti(ct, [](nifti_image& nim) {
    nim.scl_slope = 0.5;
    nim.scl_inter = -1024;
  });
  const auto hu = io::read_scalar_image(ct);
  const auto raw = phantom(false);
  for (std::size_t v = 0; v < hu.values.size(); ++v)
    ASSERT_EQ(hu.values[v], 0.5f * static_cast<float>(raw.values[v]) - 1024.0f);
}

TEST(ImageIo, BadFilesAreNamedAndNothingHugeIsAllocated) {
  const auto dir = scratch();
  expect_input_error([&] { (void)io::read_label_image(dir / "missing.nii"); },
                     "missing.nii: no such image file");
  { std::ofstream(dir / "labels.png") << "not an image"; }
  expect_input_error([&] { (void)io::read_label_image(dir / "labels.png"); },
                     "unknown image format");
  { std::ofstream(dir / "garbage.nii") << std::string(400, 'x'); }
  expect_input_error([&] { (void)io::read_label_image(dir / "garbage.nii"); },
                     "garbage.nii: not a readable NIfTI");

  // Truncated: the data cut in half.
  const auto truncated = dir / "truncated.nii";
  io::write_nifti(truncated, phantom(false));
  std::filesystem::resize_file(truncated, 352 + 6 * 5 * 4 * 4 / 2);
  expect_input_error([&] { (void)io::read_label_image(truncated); }, "truncated.nii");

  // 10⁹ voxels announced in a small file, raw and compressed: refused before allocating.
  for (const char* name : {"absurd.nii", "absurd_gz.nii.gz"}) {
    const auto file = dir / name;
    io::write_nifti(file, phantom(false));
    edit_nifti(
        file,
        [](nifti_image& nim) {
          nim.nx = nim.dim[1] = 1000;
          nim.ny = nim.dim[2] = 1000;
          nim.nz = nim.dim[3] = 1000;
          nim.nvox = 1000000000;
        },
        true);
    expect_input_error([&] { (void)io::read_label_image(file); }, "announces 1000000000 voxels");
  }
  // X.nii beside X.nii.gz: each file's own data are read (nifti_clib would take X.nii's).
  io::write_nifti(dir / "absurd.nii.gz", phantom(false));
  EXPECT_EQ(io::read_label_image(dir / "absurd.nii.gz").values, phantom(false).values);
  expect_input_error(
      [&] {
        (void)io::read_label_image(write_mha(phantom(false), "absurd", "100000 100000 100000"));
      },
      "announces 1000000000000000 voxels");
  io::ReadLimits small;
  small.max_voxels = 100;
  expect_input_error([&] { (void)io::read_label_image(write_mha(phantom(false), "limit"), small); },
                     "more than the 100 allowed");

  // A 4-D series and a complex datatype.
  const auto series = dir / "series.nii";
  io::write_nifti(series, phantom(false));
  edit_nifti(series, [](nifti_image& nim) {
    nim.nz = nim.dim[3] = 2;
    nim.nt = nim.dim[4] = 2;
    nim.dim[0] = nim.ndim = 4;
  });
  expect_input_error([&] { (void)io::read_label_image(series); }, "only 3-D images");
  const auto complex = dir / "complex.nii";
  io::write_nifti(complex, phantom(false));
  edit_nifti(complex, [](nifti_image& nim) {
    nim.datatype = DT_COMPLEX64;
    nim.nbyper = 8;
    nim.nx = nim.dim[1] = 3;
  });
  expect_input_error([&] { (void)io::read_label_image(complex); }, "not a real scalar type");

  // A singular sform (an axis of length 0).
  const auto singular = dir / "singular.nii";
  io::write_nifti(singular, phantom(false), {.sform = true, .qform = false});
  edit_nifti(singular, [](nifti_image& nim) {
    for (int r = 0; r < 3; ++r)
      nim.sto_xyz.m[r][1] = 0.0;
  });
  expect_input_error([&] { (void)io::read_label_image(singular); }, "singular");
}

TEST(ImageIo, AFailedWriteKeepsTheOldFile) {
  const auto file = scratch() / "kept.nii";
  io::write_nifti(file, phantom(false));
  const auto before = std::filesystem::file_size(file);
  LabelImage bad = phantom(false);
  bad.values.pop_back();
  EXPECT_THROW(io::write_nifti(file, bad), Error);
  EXPECT_EQ(std::filesystem::file_size(file), before);
  EXPECT_EQ(io::read_label_image(file).values, phantom(false).values);
}
