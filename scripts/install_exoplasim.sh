#!/usr/bin/env bash
# Install the ExoPlaSim GCM (PyPI exoplasim==3.4.2) into .venv and pre-build its T21 binaries.
#
# Idempotent: each step is skipped when its result is already there, so re-running is cheap.
#   1. Debian packages: gfortran (Fortran compiler), Open MPI (libopenmpi-dev, openmpi-bin),
#      plus the C/C++ toolchain (gcc, g++, make) ExoPlaSim's configure.sh checks for. No NetCDF C
#      tools are needed: ExoPlaSim 3.4 post-processes with its own pyburn (netCDF4-python).
#   2. pip install -c constraints.txt "exoplasim==3.4.2" into .venv.
#   3. Build the T21, 10-level, float64 binaries for 1 and 2 MPI ranks (the configuration of the
#      shared aquaplanet runs). ExoPlaSim compiles into its own package directory
#      (<site-packages>/exoplasim/plasim/run/most_plasim_t21_l10_p<N>.x) on the first Model()
#      call and wipes plasim/bld on every compile, so this is done here, once, one after the other,
#      never concurrently at run time.
# Environment: PYTHON (default .venv/bin/python), EXOPLASIM_RANKS (default "1 2").
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
RANKS="${EXOPLASIM_RANKS:-1 2}"
VERSION="3.4.2"
START=$SECONDS
log() { echo "[install_exoplasim] $*"; }
die() { echo "[install_exoplasim] ERROR: $*" >&2; exit 1; }

[ -x "$PYTHON" ] || die "$PYTHON not found; run scripts/setup.sh first"
PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")"  # absolute, venv symlink kept

# --- 1. system packages -------------------------------------------------------------------
missing=()
command -v gfortran >/dev/null 2>&1 || missing+=(gfortran)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v mpif90 >/dev/null 2>&1 || missing+=(libopenmpi-dev)
command -v mpiexec >/dev/null 2>&1 || missing+=(openmpi-bin)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "installing Debian packages: ${missing[*]}"
  t0=$SECONDS
  apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  log "Debian packages installed in $((SECONDS - t0)) s"
else
  log "gfortran, gcc, g++, make, mpif90, mpiexec already present"
fi

# --- 2. the Python package ----------------------------------------------------------------
have="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("exoplasim"))' 2>/dev/null || true)"
if [ "$have" != "$VERSION" ]; then
  log "pip install exoplasim==$VERSION (installed: ${have:-none})"
  t0=$SECONDS
  "$PYTHON" -m pip install --quiet -c constraints.txt "exoplasim==$VERSION" || die "pip install failed"
  log "pip install done in $((SECONDS - t0)) s"
else
  log "exoplasim $VERSION already installed"
fi

# Locate the package without importing it (importing is cheap, but find_spec is cheaper still).
PKG="$("$PYTHON" -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("exoplasim").origin))')"
[ -d "$PKG" ] || die "cannot locate the exoplasim package directory"
log "package directory: $PKG"

# --- 3. pre-built binaries ----------------------------------------------------------------
# The binary name does not encode the precision, so a stamp records how each one was built
# (format shared with prebuilt_stamp() in src/astrobio/adapters/gcm/exoplasim.py; the runner checks it).
STAMP_TAG="T21 layers=10 precision=8"
built() {  # $1 = ranks
  [ -x "$PKG/plasim/run/most_plasim_t21_l10_p$1.x" ] && [ -f "$PKG/firstrun" ] \
    && [ -f "$PKG/most_compiler" ] && [ -f "$PKG/most_compiler_mpi" ] \
    && grep -qx "p$1 $STAMP_TAG" "$PKG/astrobio_prebuilt.txt" 2>/dev/null
}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
for n in $RANKS; do
  if built "$n"; then
    log "binary for $n rank(s) already built: $PKG/plasim/run/most_plasim_t21_l10_p$n.x"
    continue
  fi
  log "building the T21 / 10-level / float64 binary for $n rank(s) (about 1-2 minutes)"
  t0=$SECONDS
  # A Model() whose executable is missing runs configure.sh (first use) and compile.sh; both
  # report errors only on stdout (os.system), so success is judged by the binary appearing.
  rm -f "$PKG/plasim/run/most_plasim_t21_l10_p$n.x"
  (cd "$SCRATCH" && "$PYTHON" -c "
import exoplasim as exo
exo.Model(workdir='prebuild_p$n', modelname='prebuild_p$n', resolution='T21', layers=10,
          ncpus=$n, precision=8, outputtype='.nc')
" >"$SCRATCH/build_p$n.log" 2>&1) || true
  if [ ! -x "$PKG/plasim/run/most_plasim_t21_l10_p$n.x" ]; then
    tail -n 40 "$SCRATCH/build_p$n.log" >&2
    die "building the $n-rank binary failed (last 40 lines of its log above)"
  fi
  grep -vx "p$n $STAMP_TAG" "$PKG/astrobio_prebuilt.txt" 2>/dev/null > "$SCRATCH/stamp" || true
  echo "p$n $STAMP_TAG" >> "$SCRATCH/stamp"
  cp "$SCRATCH/stamp" "$PKG/astrobio_prebuilt.txt"
  log "built $PKG/plasim/run/most_plasim_t21_l10_p$n.x in $((SECONDS - t0)) s"
done

# --- 4. the post-processor's FFT extensions ---------------------------------------------------
# ExoPlaSim compiles pyfft/pyfft991 with numpy.f2py on first use and ignores failures. On Python
# < 3.12 f2py defaults to the numpy.distutils backend, which breaks with current setuptools (pulled
# in by other packages): the model then runs but every post-processing step fails. Build them here
# with f2py's meson backend (meson and ninja come with exoplasim) and check they import.
VENV_BIN="$(dirname "$PYTHON")"
for mod in pyfft pyfft991; do
  if "$PYTHON" -c "import exoplasim.$mod" >/dev/null 2>&1; then
    log "exoplasim.$mod already built"
    continue
  fi
  log "building exoplasim.$mod with f2py (meson backend)"
  t0=$SECONDS
  mkdir -p "$SCRATCH/$mod" && cp "$PKG/$mod.f90" "$SCRATCH/$mod/"
  (cd "$SCRATCH/$mod" && PATH="$VENV_BIN:$PATH" "$PYTHON" -m numpy.f2py -c -m "$mod" "$mod.f90" \
      --backend meson --f90flags=-O3 >"$SCRATCH/$mod.log" 2>&1) \
    || { tail -n 30 "$SCRATCH/$mod.log" >&2; die "f2py build of $mod failed (log above)"; }
  cp "$SCRATCH/$mod"/"$mod".cpython-*.so "$PKG/"
  "$PYTHON" -c "import exoplasim.$mod" || die "exoplasim.$mod does not import after building it"
  log "built exoplasim.$mod in $((SECONDS - t0)) s"
done
log "done in $((SECONDS - START)) s"
