/* viscoann C API (C99): opaque handles, status codes, error strings; a thin layer over the
   C++ headers in viscoann/. SI units throughout. No C++ exception crosses this boundary. */
#ifndef VISCOANN_H
#define VISCOANN_H

#include <stddef.h>

#include "viscoann/config.hpp"

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
VISCOANN_API const char* viscoann_status_string(viscoann_status status);

/** Message of the last failed call on this thread ("" if none). Valid until the next call. */
VISCOANN_API const char* viscoann_last_error(void);

/** Library version, e.g. "0.1.0". */
VISCOANN_API const char* viscoann_version(void);

/** 1 when this build has the CUDA engine and a GPU is present, else 0. */
VISCOANN_API int viscoann_cuda_available(void);

/* ---- Okada elastic half-space ------------------------------------------------------ */
/* Okada (1992) in Okada's frame: x along strike, y across, z up, observation z <= 0 (m);
   depth > 0 (m), dip in [0, 90] degrees, alpha = (lambda+mu)/(lambda+2mu) in (0, 1) (2/3 for
   lambda = mu). One source, n points (x, y, z: n values each). Outputs: u (n x 3, m),
   g (n x 9, g[9 k + 3 i + j] = du_i/dx_j) or NULL, singular (n, 1 where the point is
   singular and u, g are NaN) or NULL, n_singular or NULL. threads <= 0: all hardware threads.
   VISCOANN_INVALID_ARGUMENT names the bad value (viscoann_last_error()). */

/** Point source (DC3D0); potency[4] = strike-slip, dip-slip, tensile, inflation (m^3). */
VISCOANN_API viscoann_status viscoann_okada_point(size_t n, const double* x, const double* y,
                                                  const double* z, double depth, double dip,
                                                  const double potency[4], double alpha, double* u,
                                                  double* g, unsigned char* singular,
                                                  size_t* n_singular, int threads);

/** Rectangle (DC3D): al1 <= xi <= al2 along strike, aw1 <= eta <= aw2 up-dip (m) from the
    reference point at depth; slip[3] = strike-slip, dip-slip, tensile (m). */
VISCOANN_API viscoann_status viscoann_okada_rectangle(
    size_t n, const double* x, const double* y, const double* z, double depth, double dip,
    double al1, double al2, double aw1, double aw2, const double slip[3], double alpha, double* u,
    double* g, unsigned char* singular, size_t* n_singular, int threads);

/* ---- Exact layered viscoelastic solver -------------------------------------------- */
/* Surface displacement of a point source below (0, 0) at depth > 0 (m), at points
   (x[i], y[i]) (m, x east, y north) and times t[i] >= 0 (s) after a step in its slip:
   out[3 i + c] = ux, uy, uz (m, z up; m per m^3 for the canonical source). "canonical" is the
   seed paper's source (vertical strike-slip along +x, left-lateral, potency 1 m^3); "seed" is
   that source in the seed's Earth model family. Viscosities may be INFINITY (no relaxation of
   that element). threads = 0: all hardware threads (< 0 is invalid). VISCOANN_INVALID_ARGUMENT
   names the bad value (viscoann_last_error()).

   Layered models: n_layers layers over a half-space, described by arrays of n_layers + 1
   entries (the last is the half-space, its thickness ignored): thickness (m), unrelaxed Lame
   lambda (Pa; the bulk modulus stays elastic), and the Burgers shear rheology mu_M (Pa),
   eta_M (Pa s), mu_K (Pa), eta_K (Pa s) (elastic: eta_M = eta_K = mu_K = INFINITY; Maxwell:
   eta_K = mu_K = INFINITY). */

/** The seed's case: the canonical source in the seed's model, a 15 km elastic layer (mu =
    lambda = 30 GPa) over a Burgers half-space (mu_M = mu_K = 30 GPa, eta_M, eta_K in Pa s;
    eta_K = INFINITY: Maxwell). */
VISCOANN_API viscoann_status viscoann_seed_displacement(size_t n, const double* x, const double* y,
                                                        const double* t, double depth, double eta_M,
                                                        double eta_K, double* out, int threads);

/** The canonical source in any layered model. */
VISCOANN_API viscoann_status viscoann_canonical_displacement(
    size_t n_layers, const double* thickness, const double* lam, const double* mu_M,
    const double* eta_M, const double* mu_K, const double* eta_K, size_t n, const double* x,
    const double* y, const double* t, double depth, double* out, int threads);

/** Okada-type point source (DC3D0 mechanisms) in a layered model: plane striking along +x
    with dip in [0, 90] degrees, potency[4] = strike-slip, dip-slip, tensile, inflation (m^3,
    DC3D0's POT1..POT4); out[3 i + c] (m). */
VISCOANN_API viscoann_status viscoann_point_source_displacement(
    size_t n_layers, const double* thickness, const double* lam, const double* mu_M,
    const double* eta_M, const double* mu_K, const double* eta_K, size_t n, const double* x,
    const double* y, const double* t, double depth, double dip, const double potency[4],
    double* out, int threads);

/** Any point source in a layered model: a step in the symmetric potency tensor
    potency[6] = (xx, yy, zz, xy, xz, yz) (m^3, frame x east, y north, z up; slip s on area A
    with unit normal n is A (s n^T + n s^T)/2); out[3 i + c] (m). */
VISCOANN_API viscoann_status viscoann_potency_tensor_displacement(
    size_t n_layers, const double* thickness, const double* lam, const double* mu_M,
    const double* eta_M, const double* mu_K, const double* eta_K, size_t n, const double* x,
    const double* y, const double* t, double depth, const double potency[6], double* out,
    int threads);

/* ---- Surrogate (exported MLP) ------------------------------------------------------ */

/** An exported MLP surrogate (model file) ready for prediction. Immutable: one handle may be
    used by several threads at once. */
typedef struct viscoann_surrogate viscoann_surrogate;

/** Loads a model file (.safetensors written by viscoann.export) into *out (NULL on error).
    VISCOANN_IO_ERROR: unreadable; VISCOANN_FORMAT_ERROR: malformed (last_error says why). */
VISCOANN_API viscoann_status viscoann_surrogate_load(const char* path, viscoann_surrogate** out);

/** As viscoann_surrogate_load, from the file's bytes in memory. */
VISCOANN_API viscoann_status viscoann_surrogate_from_bytes(const void* data, size_t size,
                                                           viscoann_surrogate** out);

/** Frees a surrogate (NULL is allowed). */
VISCOANN_API void viscoann_surrogate_free(viscoann_surrogate* surrogate);

/** Number of inputs / outputs per point (0 for NULL). */
VISCOANN_API size_t viscoann_surrogate_n_inputs(const viscoann_surrogate* surrogate);
VISCOANN_API size_t viscoann_surrogate_n_outputs(const viscoann_surrogate* surrogate);

/** Predicts n points on the CPU. X: n x n_inputs row-major float64 in SI units (canonical:
    x, y, depth [m], t [s], eta_M, eta_K [Pa s], also for models that learned radial functions:
    the engine forms r = hypot(x, y) and applies the azimuthal factors itself); out:
    n x n_outputs row-major float64 (canonical: ux, uy, uz in m per m^3 of potency).
    threads <= 0 uses all cores. VISCOANN_INVALID_ARGUMENT, before any work, for physically
    impossible inputs: non-finite values, depth <= 0, t < 0, eta <= 0, or a log10 input with
    x + shift <= 0 (last_error names row, column, value and allowed range). Points outside the
    training domain are evaluated (viscoann_surrogate_in_domain flags them). */
VISCOANN_API viscoann_status viscoann_surrogate_predict(const viscoann_surrogate* surrogate,
                                                        const double* X, size_t n, double* out,
                                                        int threads);

/** As viscoann_surrogate_predict with float32 outputs. */
VISCOANN_API viscoann_status viscoann_surrogate_predict_f32(const viscoann_surrogate* surrogate,
                                                            const double* X, size_t n, float* out,
                                                            int threads);

/** Engines for viscoann_surrogate_predict_on. */
typedef enum viscoann_engine {
    VISCOANN_ENGINE_CPU = 0,        /* fused CPU engine (threads as given) */
    VISCOANN_ENGINE_CUDA_FP32 = 1,  /* fused CUDA engine, FP32 */
    VISCOANN_ENGINE_CUDA_TENSOR = 2 /* fused CUDA engine, FP16 tensor cores, FP32 accumulation */
} viscoann_engine;

/** As viscoann_surrogate_predict on a chosen engine. VISCOANN_UNAVAILABLE when a CUDA engine
    is asked for on a build without CUDA or a machine without a GPU. */
VISCOANN_API viscoann_status viscoann_surrogate_predict_on(const viscoann_surrogate* surrogate,
                                                           viscoann_engine engine, const double* X,
                                                           size_t n, double* out, int threads);

/** Flags for viscoann_surrogate_predict_ex, combined with |. */
typedef enum viscoann_predict_flag {
    VISCOANN_PREDICT_DEFAULT = 0,
    /* u(t) - u(0): the engine leaves out the model's exact elastic part (Okada's u(0)) instead
       of adding it; VISCOANN_INVALID_ARGUMENT for a model without one */
    VISCOANN_PREDICT_POSTSEISMIC = 1,
    /* VISCOANN_INVALID_ARGUMENT when any point lies outside the training domain */
    VISCOANN_PREDICT_STRICT = 2
} viscoann_predict_flag;

/** As viscoann_surrogate_predict_on with flags (viscoann_predict_flag values or-ed together;
    unknown bits are VISCOANN_INVALID_ARGUMENT). */
VISCOANN_API viscoann_status viscoann_surrogate_predict_ex(const viscoann_surrogate* surrogate,
                                                           viscoann_engine engine, unsigned flags,
                                                           const double* X, size_t n, double* out,
                                                           int threads);

/** mask[i] = 1 when point i lies inside the training domain (within a relative tolerance of
    1e-9 of each bound), else 0; *n_outside (may be NULL) receives the number of points
    outside. VISCOANN_INVALID_ARGUMENT for physically impossible inputs, as predict. */
VISCOANN_API viscoann_status viscoann_surrogate_in_domain(const viscoann_surrogate* surrogate,
                                                          const double* X, size_t n,
                                                          unsigned char* mask, size_t* n_outside);

/* ---- Traction kernels at depth (earthquake-cycle simulators, H-matrix / ACA codes) ---- */

/** A rectangular fault patch: centre (east, north) [m] at depth [m] > 0 (down); Aki &
    Richards strike, dip in [0, 90] and rake [deg]; length along strike, width down dip [m] > 0;
    the top edge depth - width/2 sin(dip) not above the surface. */
typedef struct viscoann_patch {
    double east, north, depth;
    double strike, dip, rake;
    double length, width;
} viscoann_patch;

/** Traction kernels of a fixed set of patches in a layered model (the model columns as
    viscoann_canonical_displacement: n_layers layers over a half-space, n_layers + 1 entries
    each). Entry (i, j) is the traction on patch i's centre from unit slip (1 m) in patch j's
    rake. The quadrature and plans are fixed here for every patch centre, so an entry does not
    depend on the block it is computed in. Immutable after creation: block calls may run
    concurrently on one handle. tol in (0, 0.1] (1e-6 is the default accuracy of the exact
    solver); threads 0: all hardware threads. */
typedef struct viscoann_traction viscoann_traction;

VISCOANN_API viscoann_status viscoann_traction_create(size_t n_layers, const double* thickness,
                                                      const double* lam, const double* mu_M,
                                                      const double* eta_M, const double* mu_K,
                                                      const double* eta_K, size_t n_patches,
                                                      const viscoann_patch* patches, double tol,
                                                      int threads, viscoann_traction** out);

/** Frees a handle (NULL is allowed). */
VISCOANN_API void viscoann_traction_destroy(viscoann_traction* traction);

/** Number of patches of the handle (0 for NULL). */
VISCOANN_API size_t viscoann_traction_size(const viscoann_traction* traction);

/** Block of the kernels: out[((it n_rows + i) n_cols + j) 3 + c] [Pa per m of slip] on
    receiver patch rows[i] from source patch cols[j] at times[it] [s] >= 0 after the slip
    step; c = 0 shear along strike (positive drives left-lateral slip), 1 shear along dip
    (up dip; positive drives reverse slip), 2 normal (positive = tension) of t = sigma n, n the
    receiver's unit normal into its hanging wall. An entry is a 1 x 1 block. A receiver centre
    on its own patch takes the self-term from that centre; a centre on a source patch's edge is
    singular there (NaN; viscoann_traction_block_flags reports it). */
VISCOANN_API viscoann_status viscoann_traction_block(const viscoann_traction* traction,
                                                     size_t n_rows, const size_t* rows,
                                                     size_t n_cols, const size_t* cols,
                                                     size_t n_times, const double* times,
                                                     double* out);

/** As viscoann_traction_block, with flags[i n_cols + j]: 0 regular, 1 self-term (the receiver
    centre on its own patch), 2 on a source patch's edge (the entry is NaN). */
VISCOANN_API viscoann_status viscoann_traction_block_flags(const viscoann_traction* traction,
                                                           size_t n_rows, const size_t* rows,
                                                           size_t n_cols, const size_t* cols,
                                                           size_t n_times, const double* times,
                                                           double* out, unsigned char* flags);

/** The handle's radial tables (the layered solves: nearly all of a first block's cost), by
    panel of its source-depth grid, for a simulator's own store: read out after one run, given
    back to a new handle over the same model, patches, tol and times in the next, whose blocks
    then only evaluate (and equal the first handle's bit for bit). The handle keeps the tables
    of one set of times. viscoann_traction_n_panels: their number (0 for NULL). */
VISCOANN_API size_t viscoann_traction_n_panels(const viscoann_traction* traction);

/** Panel `panel`'s tables at n_times times: out = NULL sets *size to the number of values;
    else *size must be that number and out receives them (built now if the handle lacks
    them). */
VISCOANN_API viscoann_status viscoann_traction_panel_tables(const viscoann_traction* traction,
                                                            size_t panel, size_t n_times,
                                                            const double* times, double* out,
                                                            size_t* size);

/** Gives the handle panel `panel`'s tables at these times (size values, as
    viscoann_traction_panel_tables wrote them; a size that is not this panel's is an error). */
VISCOANN_API viscoann_status viscoann_traction_set_panel_tables(const viscoann_traction* traction,
                                                                size_t panel, size_t n_times,
                                                                const double* times,
                                                                const double* data, size_t size);

/* ---- Neural kernel ------------------------------------------------------------------ */
/* A neural kernel model file (format version 3, geometry "elementary_kernel"): the surface
   displacement of point sources in an Earth of an elastic lid of thickness H (lambda = mu =
   30 GPa) over a Burgers half-space (viscosities eta_M, eta_K [Pa s]; eta_K = INFINITY:
   Maxwell), the lid's Okada field plus the learned layered remainder (exactly Okada at
   t = 0). Immutable after creation: calls may run concurrently on one handle. */
typedef struct viscoann_kernel viscoann_kernel;

/** Loads a model file; VISCOANN_IO_ERROR / VISCOANN_FORMAT_ERROR name the problem. */
VISCOANN_API viscoann_status viscoann_kernel_create(const char* path, viscoann_kernel** out);

/** The same from the file's bytes in memory (copied). */
VISCOANN_API viscoann_status viscoann_kernel_from_bytes(const void* data, size_t size,
                                                        viscoann_kernel** out);

/** Frees a handle (NULL is allowed). */
VISCOANN_API void viscoann_kernel_destroy(viscoann_kernel* kernel);

/** Full field of n_sources point sources, rows sources[9 q + ...] = (east, north, depth [m],
    potency xx, yy, zz, xy, xz, yz [m^3]; x east, y north, z up), each a step at t = 0, at
    n_stations surface stations (east[i], north[i]) [m] and n_times times [s] >= 0:
    out[(it n_stations + i) 3 + c] = (east, north, up) [m], summed over the sources (out is
    overwritten). Every source depth must lie in (0, H); offsets up to the kernel's r_max.
    n_out_of_domain (NULL allowed) receives the number of (source depth, time) pairs outside
    the kernel's family (evaluated, less accurate: the caller decides). Threads: all. On an
    error out is unspecified. */
VISCOANN_API viscoann_status viscoann_kernel_displacement(
    const viscoann_kernel* kernel, size_t n_sources, const double* sources, size_t n_stations,
    const double* east, const double* north, size_t n_times, const double* times, double eta_M,
    double eta_K, double H, double* out, size_t* n_out_of_domain);

#ifdef __cplusplus
}
#endif

#endif /* VISCOANN_H */
