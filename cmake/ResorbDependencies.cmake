# Third-party dependencies. Every one comes from Debian 12 packages (scripts/setup-debian.sh).
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(PkgConfig REQUIRED)
find_package(PETSc REQUIRED)
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "resorb needs a parallel (MPI) HDF5; install libhdf5-openmpi-dev")
endif()
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(Gmsh REQUIRED)
find_package(METIS REQUIRED)
# Header-only Boost.Graph: reverse Cuthill–McKee vertex numbering.
find_package(Boost 1.74 REQUIRED CONFIG)
find_package(KokkosFallback REQUIRED)
# Header-only CGAL 5.5 (plain double kernels only so far, so no GMP is linked).
set(CGAL_DISABLE_GMP ON)
find_package(CGAL 5.5 REQUIRED CONFIG)
# Threads for CGAL Mesh_3's parallel refinement of label images (Parallel_tag).
find_package(TBB REQUIRED CONFIG)
include(CGAL_TBB_support)
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
# NLopt's C library; its C++ header (nlopt.hpp) comes with libnlopt-cxx-dev.
find_package(NLopt 2.7 REQUIRED CONFIG)
find_package(Lib3MF REQUIRED) # 3MF print export
# Medical images: NIfTI by nifti_clib; NRRD and MetaImage by ITK's image IO (confined to
# src/io/image/itk_image_io.cpp), and ITK's filters behind CGAL's label weights (src/mesh/cgal/).
find_package(NIfTI REQUIRED)
# ITK's configuration loads its HDF5 module, which looks for a serial C++ HDF5: inside a
# function its variables cannot replace the parallel HDF5 found above.
function(resorb_find_itk)
  find_package(ITK 5.2 REQUIRED COMPONENTS ITKCommon ITKIOImageBase ITKIONRRD ITKIOMeta
                                          ITKSmoothing ITKThresholding ITKImageIntensity)
  set(ITK_LIBRARIES ${ITK_LIBRARIES} PARENT_SCOPE)
  set(ITK_INCLUDE_DIRS ${ITK_INCLUDE_DIRS} PARENT_SCOPE)
endfunction()
resorb_find_itk()
find_package(CLI11 QUIET CONFIG)
if(NOT CLI11_FOUND)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()

set(RESORB_HAVE_CUDA OFF)
if(RESORB_ENABLE_CUDA)
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # Hopper (H100, H200) unless the user names others (e.g. -DCMAKE_CUDA_ARCHITECTURES=80).
    if(NOT CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90 CACHE STRING "CUDA architectures")
    endif()
    enable_language(CUDA)
    # CMake 3.25 does not know that nvcc 12+ speaks C++20: tell it how to ask for it.
    if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
      list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
    endif()
    find_package(CUDAToolkit REQUIRED)
    set(RESORB_HAVE_CUDA ON)
  else()
    message(STATUS "resorb: nvcc not found: the CUDA path is off (matrix-free operators run on "
                   "the CPU; [solver] device = \"cuda\" is an error)")
  endif()
endif()
message(STATUS "resorb: CUDA kernels ${RESORB_HAVE_CUDA}")
