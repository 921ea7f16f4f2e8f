// Must not compile: core links Eigen only; MPI is comm's (and above).
#include <mpi.h>
