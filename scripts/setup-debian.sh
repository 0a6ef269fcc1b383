#!/usr/bin/env bash
# Installs exactly the Debian 12 packages resorb needs to build, test and run.
# Idempotent and quiet: when everything is installed it only runs dpkg-query.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # parallel stack
  openmpi-bin libopenmpi-dev libpetsc-real-dev libhdf5-openmpi-dev libmetis-dev
  # geometry, linear algebra, device kernels
  libgmsh-dev libeigen3-dev libtrilinos-kokkos-dev libboost-graph-dev libcgal-dev libtbb-dev
  # input/output and command line
  libtomlplusplus-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  # tests and benchmarks (independent HDF5 reader for the output checks)
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-h5py python3-numpy
  # medical images: NIfTI (nifti_clib), NRRD and MetaImage (ITK's image IO)
  libnifti-dev libinsighttoolkit5-dev
  # design optimization (NLopt) and 3MF print export
  libnlopt-dev libnlopt-cxx-dev lib3mf-dev
  # an independent checker of the exported STL surfaces
  admesh
  # plots of the examples' time series (PNG)
  python3-matplotlib
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-debian.sh: missing packages ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "setup-debian.sh: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
