# FindPETSc: PETSc through pkg-config (Debian's petsc-dev ships PETSc.pc).
# Defines the imported target PETSc::PETSc.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PETSC_PC QUIET IMPORTED_TARGET PETSc)
if(NOT PETSC_PC_FOUND)
  pkg_check_modules(PETSC_PC QUIET IMPORTED_TARGET petsc)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PETSc REQUIRED_VARS PETSC_PC_FOUND VERSION_VAR PETSC_PC_VERSION)
if(PETSc_FOUND AND NOT TARGET PETSc::PETSc)
  add_library(PETSc::PETSc INTERFACE IMPORTED)
  target_link_libraries(PETSc::PETSc INTERFACE PkgConfig::PETSC_PC)
  set(PETSc_VERSION ${PETSC_PC_VERSION})
endif()
