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

/* ---- Surrogate (exported MLP) ------------------------------------------------------ */

/** An exported MLP surrogate (model file) ready for prediction. Immutable: one handle may be
    used by several threads at once. */
typedef struct viscoann_surrogate viscoann_surrogate;

/** Loads a model file (.safetensors written by viscoann.export) into *out (NULL on error).
    VISCOANN_IO_ERROR: unreadable; VISCOANN_FORMAT_ERROR: malformed (last_error says why). */
viscoann_status viscoann_surrogate_load(const char* path, viscoann_surrogate** out);

/** As viscoann_surrogate_load, from the file's bytes in memory. */
viscoann_status viscoann_surrogate_from_bytes(const void* data, size_t size,
                                              viscoann_surrogate** out);

/** Frees a surrogate (NULL is allowed). */
void viscoann_surrogate_free(viscoann_surrogate* surrogate);

/** Number of inputs / outputs per point (0 for NULL). */
size_t viscoann_surrogate_n_inputs(const viscoann_surrogate* surrogate);
size_t viscoann_surrogate_n_outputs(const viscoann_surrogate* surrogate);

/** Predicts n points on the CPU. X: n x n_inputs row-major float64 in SI units (canonical:
    x, y, depth [m], t [s], eta_M, eta_K [Pa s]); out: n x n_outputs row-major float64
    (canonical: ux, uy, uz in m per m^3 of potency). threads <= 0 uses all cores.
    VISCOANN_INVALID_ARGUMENT for non-finite inputs (last_error names row and column). */
viscoann_status viscoann_surrogate_predict(const viscoann_surrogate* surrogate, const double* X,
                                           size_t n, double* out, int threads);

/** As viscoann_surrogate_predict with float32 outputs. */
viscoann_status viscoann_surrogate_predict_f32(const viscoann_surrogate* surrogate,
                                               const double* X, size_t n, float* out,
                                               int threads);

/** mask[i] = 1 when point i lies inside the training domain, else 0; *n_outside (may be
    NULL) receives the number of points outside. */
viscoann_status viscoann_surrogate_in_domain(const viscoann_surrogate* surrogate,
                                             const double* X, size_t n, unsigned char* mask,
                                             size_t* n_outside);

#ifdef __cplusplus
}
#endif

#endif /* VISCOANN_H */
