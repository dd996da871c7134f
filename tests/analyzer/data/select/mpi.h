/* mpi.h — a stand-in for MPI's header, for tests/analyzer/test_model_select.c: including a
 * file of this name is what selects models/mpi.model. */
typedef int MPI_Request;
typedef struct { int source; } MPI_Status;
int MPI_Wait(MPI_Request *request, MPI_Status *status);
