/* viscoann C API (C99): opaque handles, status codes, error strings; a thin layer over the
   C++ headers in viscoann/. SI units throughout. No C++ exception crosses this boundary. */
#ifndef VISCOANN_H
#define VISCOANN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum viscoann_status {
    VISCOANN_OK = 0,
    VISCOANN_INVALID_ARGUMENT = 1, /* a bad value; viscoann_last_error() names it */
    VISCOANN_IO_ERROR = 2,         /* a file could not be read */
    VISCOANN_FORMAT_ERROR = 3,     /* a malformed or unsupported model file */
    VISCOANN_UNAVAILABLE = 4,      /* e.g. device "cuda" without CUDA or a GPU */
    VISCOANN_OUT_OF_MEMORY = 5,
    VISCOANN_INTERNAL_ERROR = 6
} viscoann_status;

/** Short constant description of a status code. */
const char* viscoann_status_string(viscoann_status status);

/** Message of the last failed call on this thread ("" if none). Valid until the next call. */
const char* viscoann_last_error(void);

/** Library version, e.g. "0.1.0". */
const char* viscoann_version(void);

/** 1 when this build has the CUDA engine and a GPU is present, else 0. */
int viscoann_cuda_available(void);

/* ---- Okada elastic half-space ------------------------------------------------------ */
/* Okada (1992) in Okada's frame: x along strike, y across, z up, observation z <= 0 (m);
   depth > 0 (m), dip in [0, 90] degrees, alpha = (lambda+mu)/(lambda+2mu) in (0, 1) (2/3 for
   lambda = mu). One source, n points (x, y, z: n values each). Outputs: u (n x 3, m),
   g (n x 9, g[9 k + 3 i + j] = du_i/dx_j) or NULL, singular (n, 1 where the point is
   singular and u, g are NaN) or NULL, n_singular or NULL. threads <= 0: all hardware threads.
   VISCOANN_INVALID_ARGUMENT names the bad value (viscoann_last_error()). */

/** Point source (DC3D0); potency[4] = strike-slip, dip-slip, tensile, inflation (m^3). */
viscoann_status viscoann_okada_point(size_t n, const double* x, const double* y, const double* z,
                                     double depth, double dip, const double potency[4],
                                     double alpha, double* u, double* g,
                                     unsigned char* singular, size_t* n_singular, int threads);

/** Rectangle (DC3D): al1 <= xi <= al2 along strike, aw1 <= eta <= aw2 up-dip (m) from the
    reference point at depth; slip[3] = strike-slip, dip-slip, tensile (m). */
viscoann_status viscoann_okada_rectangle(size_t n, const double* x, const double* y,
                                         const double* z, double depth, double dip, double al1,
                                         double al2, double aw1, double aw2,
                                         const double slip[3], double alpha, double* u,
                                         double* g, unsigned char* singular,
                                         size_t* n_singular, int threads);

/* ---- Surrogate (exported MLP) ------------------------------------------------------ */

#ifdef __cplusplus
}
#endif

#endif /* VISCOANN_H */
