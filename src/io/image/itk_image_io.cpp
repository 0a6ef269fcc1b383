// NRRD and MetaImage through ITK. ITK's headers stay in this file (resorb_itk object library).
#include "io/image/raw_volume.hpp"
#include "resorb/core/error.hpp"

#include <fmt/format.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageIOFactory.h>
#include <itkMetaImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <mutex>
#include <string>

namespace resorb::io::detail {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r");
  const auto last = s.find_last_not_of(" \t\r");
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Where a header's voxel data are and how many bytes they can hold: NRRD's "data file" /
/// "encoding" and MetaImage's "ElementDataFile" / "CompressedData" (the header text up to
/// the first blank line or binary data). stored < 0: a file list, not checked here.
struct DataExtent {
  std::int64_t stored = -1;
  bool compressed = false;
};

DataExtent data_extent(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line, data_name;
  bool compressed = false;
  for (int count = 0; count < 256 && std::getline(in, line) && !trim(line).empty(); ++count) {
    const auto sep = line.find_first_of(":=");
    if (sep == std::string::npos)
      continue;
    const auto key = lower(trim(line.substr(0, sep)));
    auto value = trim(line.substr(sep + 1));
    if (!value.empty() && value[0] == '=')
      value = trim(value.substr(1)); // NRRD's "key:=value"
    if (key == "elementdatafile") {
      data_name = value;
      break; // MetaImage: the last header field
    }
    if (key == "data file" || key == "datafile")
      data_name = value;
    if (key == "encoding")
      compressed = lower(value) != "raw";
    if (key == "compresseddata")
      compressed = lower(value) == "true";
  }
  DataExtent e;
  e.compressed = compressed;
  std::error_code ec;
  if (data_name.empty() || lower(data_name) == "local") {
    e.stored = static_cast<std::int64_t>(std::filesystem::file_size(file, ec));
  } else if (data_name.find(' ') != std::string::npos || lower(data_name) == "list" ||
             data_name.find('%') != std::string::npos) {
    return {}; // several slice files: ITK checks each as it reads
  } else {
    std::filesystem::path data = data_name;
    if (data.is_relative())
      data = file.parent_path() / data;
    e.stored = static_cast<std::int64_t>(std::filesystem::file_size(data, ec));
    RESORB_REQUIRE(
        !ec, InputError,
        fmt::format("{}: its data file {} cannot be read", file.string(), data.string()));
  }
  return e;
}

void register_factories() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::MetaImageIOFactory::RegisterOneFactory();
  });
}

} // namespace

RawVolume read_itk_volume(const std::filesystem::path& file, const ReadLimits& limits) {
  register_factories();
  const auto name = file.string();
  auto io = itk::ImageIOFactory::CreateImageIO(name.c_str(), itk::IOFileModeEnum::ReadMode);
  RESORB_REQUIRE(io, InputError,
                 fmt::format("{}: not a readable NRRD or MetaImage file", file.string()));
  RawVolume raw;
  auto& g = raw.geometry;
  try {
    io->SetFileName(name);
    io->ReadImageInformation();
    const unsigned dims = io->GetNumberOfDimensions();
    RESORB_REQUIRE(dims == 3 || (dims == 4 && io->GetDimensions(3) == 1), InputError,
                   fmt::format("{}: a {}-D image; only 3-D images are read", file.string(), dims));
    RESORB_REQUIRE(io->GetNumberOfComponents() == 1, InputError,
                   fmt::format("{}: {} components per voxel; only scalar images are read",
                               file.string(), io->GetNumberOfComponents()));
    using C = itk::IOComponentEnum;
    const auto type = io->GetComponentType();
    RESORB_REQUIRE(type != C::UNKNOWNCOMPONENTTYPE, InputError,
                   fmt::format("{}: unknown voxel type", file.string()));
    raw.integral = type != C::FLOAT && type != C::DOUBLE;
    for (unsigned d = 0; d < 3; ++d) {
      g.size[d] = static_cast<std::int64_t>(io->GetDimensions(d));
      RESORB_REQUIRE(
          g.size[d] >= 1 && g.size[d] <= (std::int64_t{1} << 31), InputError,
          fmt::format("{}: size {} along axis {} is absurd", file.string(), g.size[d], d));
    }
    const auto extent = data_extent(file);
    if (extent.stored >= 0)
      check_announced_size(file, g.voxel_count(), static_cast<std::int64_t>(io->GetComponentSize()),
                           extent.stored, extent.compressed, limits);
    else
      RESORB_REQUIRE(g.voxel_count() <= limits.max_voxels, InputError,
                     fmt::format("{}: the header announces {} voxels, more than the {} allowed",
                                 file.string(), g.voxel_count(), limits.max_voxels));
    // ITK's world is LPS in mm; resorb's is RAS in m: negate x and y, scale.
    constexpr double mm = 1e-3;
    for (unsigned c = 0; c < 3; ++c) {
      g.spacing[c] = io->GetSpacing(c) * mm;
      const auto axis = io->GetDirection(c); // world direction of index axis c
      for (unsigned r = 0; r < 3; ++r)
        g.direction[r][c] = (r < 2 ? -1.0 : 1.0) * (r < axis.size() ? axis[r] : 0.0);
      g.origin[c] = (c < 2 ? -1.0 : 1.0) * io->GetOrigin(c) * mm;
    }
    check_geometry(file, g);
    using Volume = itk::Image<double, 3>;
    auto reader = itk::ImageFileReader<Volume>::New();
    reader->SetFileName(name);
    reader->SetImageIO(io);
    reader->Update();
    const auto* volume = reader->GetOutput();
    const auto count = static_cast<std::size_t>(g.voxel_count());
    RESORB_REQUIRE(volume->GetLargestPossibleRegion().GetNumberOfPixels() == count, InputError,
                   fmt::format("{}: read {} voxels of {}", file.string(),
                               volume->GetLargestPossibleRegion().GetNumberOfPixels(), count));
    raw.values.assign(volume->GetBufferPointer(), volume->GetBufferPointer() + count);
  } catch (const itk::ExceptionObject& e) {
    throw InputError(fmt::format("{}: {}", file.string(), trim(e.GetDescription())));
  }
  return raw;
}

} // namespace resorb::io::detail
