# nifti_clib (Debian libnifti2-dev, libniftiio-dev, libznz-dev): its CMake package file points
# at /usr/lib instead of the multiarch directory, so the library is found here.
find_path(NIFTI_INCLUDE_DIR nifti2_io.h PATH_SUFFIXES nifti)
find_library(NIFTI2_LIBRARY nifti2)
find_library(NIFTI_ZNZ_LIBRARY znz)
find_package(ZLIB REQUIRED)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(NIfTI REQUIRED_VARS NIFTI2_LIBRARY NIFTI_ZNZ_LIBRARY
                                                      NIFTI_INCLUDE_DIR)
if(NIfTI_FOUND AND NOT TARGET NIfTI::nifti2)
  add_library(NIfTI::nifti2 UNKNOWN IMPORTED)
  set_target_properties(NIfTI::nifti2 PROPERTIES
    IMPORTED_LOCATION ${NIFTI2_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${NIFTI_INCLUDE_DIR}
    INTERFACE_LINK_LIBRARIES "${NIFTI_ZNZ_LIBRARY};ZLIB::ZLIB;m")
  # znzlib's header switches gzip support on with HAVE_ZLIB.
  set_property(TARGET NIfTI::nifti2 APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS HAVE_ZLIB)
endif()
