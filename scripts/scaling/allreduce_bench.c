/* MPI_Allreduce (sum of doubles) latency/bandwidth micro-benchmark for perf_model.py.
 *
 *   mpicc -O2 -o allreduce_bench allreduce_bench.c && mpirun -n 2 ./allreduce_bench [REPS]
 *
 * Prints CSV: ranks,bytes,reps,time_s (median over 5 batches of the max-over-ranks mean time
 * of one MPI_Allreduce). Message sizes 8 B ... 8 MiB; the trainer reduces 8*(d+3) bytes. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int base_reps = argc > 1 ? atoi(argv[1]) : 2000;
  const size_t max_n = (size_t)1 << 20; /* doubles: 8 MiB */
  double* in = malloc(max_n * sizeof(double));
  double* out = malloc(max_n * sizeof(double));
  for (size_t i = 0; i < max_n; ++i) in[i] = 1.0;
  if (rank == 0) printf("ranks,bytes,reps,time_s\n");
  for (size_t n = 1; n <= max_n; n *= 4) {
    /* fewer repetitions for large messages: keep each size around 0.1-0.3 s */
    int reps = (int)(base_reps / (1 + n / 4096));
    if (reps < 5) reps = 5;
    double batch[5];
    for (int b = 0; b < 5; ++b) {
      MPI_Allreduce(in, out, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD); /* warm-up */
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      for (int r = 0; r < reps; ++r) MPI_Allreduce(in, out, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      double t = (MPI_Wtime() - t0) / reps, tmax;
      MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      batch[b] = tmax;
    }
    qsort(batch, 5, sizeof(double), cmp);
    if (rank == 0) printf("%d,%zu,%d,%.9e\n", size, n * sizeof(double), reps, batch[2]);
  }
  free(in);
  free(out);
  MPI_Finalize();
  return 0;
}
