# lib3mf 1.8 (Debian lib3mf-dev): its pkg-config file asks to link -lzip, whose development
# package it does not depend on; the shared library carries that dependency itself.
find_path(LIB3MF_INCLUDE_DIR Model/COM/NMR_DLLInterfaces.h PATH_SUFFIXES lib3mf)
find_library(LIB3MF_LIBRARY 3MF)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Lib3MF REQUIRED_VARS LIB3MF_LIBRARY LIB3MF_INCLUDE_DIR)
if(Lib3MF_FOUND AND NOT TARGET Lib3MF::Lib3MF)
  add_library(Lib3MF::Lib3MF UNKNOWN IMPORTED)
  set_target_properties(Lib3MF::Lib3MF PROPERTIES IMPORTED_LOCATION ${LIB3MF_LIBRARY}
                                                  INTERFACE_INCLUDE_DIRECTORIES ${LIB3MF_INCLUDE_DIR})
endif()
