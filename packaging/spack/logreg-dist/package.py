# Spack recipe for logreg_dist (README, "Install": Spack). Not run by the project's tests (no
# Spack on the build machine); checked only with `python3 -m py_compile`.
#
# Use it from a repository of your own:
#   spack repo create ~/spack-logreg && cp -r packaging/spack/logreg-dist ~/spack-logreg/packages/
#   spack repo add ~/spack-logreg
# and, since the project has no public repository, build from a checkout:
#   spack develop --path /path/to/logreg_dist logreg-dist@main && spack install logreg-dist@main
# (or set `git` below to the clone's URL; a file:// URL works).

from spack.package import *


class LogregDist(CMakePackage):
    """Distributed data-parallel logistic regression for HPC clusters, in C++ with MPI:
    each rank reads its own rows from HDF5 files; GD, Nesterov, L-BFGS, Newton-CG, OWL-QN."""

    git = "file:///path/to/logreg_dist"  # replace with the URL of your clone

    # Releases add version("X.Y.Z", tag="vX.Y.Z"); there is no tag yet.
    version("main", branch="main")

    variant(
        "native",
        default=False,
        description="Also compile the code outside the kernels with -march=native (the kernels "
        "are chosen at run time for every x86-64 CPU anyway)",
    )
    variant("tests", default=False, description="Build the test suite (ctest)")

    depends_on("c", type="build")
    depends_on("cxx", type="build")
    depends_on("cmake@3.18:", type="build")
    depends_on("mpi")  # tested with openmpi; any MPI with the C bindings
    depends_on("eigen@3.3:")
    depends_on("hdf5~mpi")  # the serial C library: each rank opens its files on its own
    depends_on("boost@1.71:+program_options")
    depends_on("yaml-cpp")
    depends_on("googletest", when="+tests")

    def cmake_args(self):
        return [
            self.define_from_variant("LOGREG_NATIVE", "native"),
            self.define_from_variant("LOGREG_BUILD_TESTS", "tests"),
            self.define("LOGREG_BUILD_BENCH", False),
        ]
