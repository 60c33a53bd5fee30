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

#ifdef __cplusplus
}
#endif

#endif /* VISCOANN_H */
