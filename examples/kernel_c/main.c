/* The neural kernel through the installed viscoann's C API (viscoann.h): a small strike-slip
   fault as point sources at two depths, displacement time series at a few stations.
   Usage: example_kernel_c DATA_DIR (the repository's tests/data: kernel_tiny.safetensors, a
   random-weight test kernel, so the numbers are not the Earth's). Exits non-zero if t = 0 is
   not Okada's field (viscoann_okada_point, lambda = mu) to 1e-12, or if the field of all
   sources differs from the sum of one call per source (to 1e-12 of the largest entry). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "viscoann.h"

#define NQ 4 /* point sources */
#define NS 5 /* stations */
#define NT 3

static int fail(const char* what) {
    fprintf(stderr, "%s failed: %s\n", what, viscoann_last_error());
    return 1;
}

int main(int argc, char** argv) {
    const double year = 365.25 * 86400.0, times[NT] = {0.0, 1.0 * year, 10.0 * year};
    const double east[NS] = {5e3, -20e3, 40e3, 0.0, 12e3}, north[NS] = {8e3, 3e3, -30e3, 60e3, 0.0};
    /* Rows: east, north, depth [m], potency xx, yy, zz, xy, xz, yz [m^3]. A vertical
       left-lateral strike-slip fault along east (xy = -P/2) in two depth rows. */
    double src[NQ * 9];
    static double u[NT * NS * 3], one[NT * NS * 3], sum[NT * NS * 3];
    char path[4096];
    viscoann_kernel* k = NULL;
    size_t i, q, n_out = 0;
    double scale;
    int bad = 0;

    memset(src, 0, sizeof src);
    for (q = 0; q < NQ; ++q) {
        src[9 * q + 0] = (q % 2 ? 1.5e3 : -1.5e3);
        src[9 * q + 1] = 0.0;
        src[9 * q + 2] = q < 2 ? 4e3 : 9e3;
        src[9 * q + 6] = -0.5 * 3e3 * 3e3 * 1.0; /* 3 km x 3 km, 1 m of slip */
    }
    snprintf(path, sizeof path, "%s/kernel_tiny.safetensors", argc > 1 ? argv[1] : ".");
    if (viscoann_kernel_create(path, &k) != VISCOANN_OK) return fail("viscoann_kernel_create");
    if (viscoann_kernel_displacement(k, NQ, src, NS, east, north, NT, times, 1e19, 1e18, 20e3, u,
                                     &n_out) != VISCOANN_OK)
        return fail("viscoann_kernel_displacement");
    printf(
        "east displacement at station 0 [mm]: t = 0: %.6f, 1 yr: %.6f, 10 yr: %.6f (%zu "
        "pairs outside the family)\n",
        u[0] * 1e3, u[NS * 3] * 1e3, u[2 * NS * 3] * 1e3, n_out);

    /* t = 0: Okada's point source (DC3D0, dip 90, alpha = 2/3 for lambda = mu) exactly. */
    for (i = 0; i < NS; ++i) {
        double ok[3] = {0.0, 0.0, 0.0}, scale = 0.0;
        int c;
        for (q = 0; q < NQ; ++q) {
            const double x = east[i] - src[9 * q], y = north[i] - src[9 * q + 1], z = 0.0;
            const double pot[4] = {3e3 * 3e3, 0.0, 0.0, 0.0};
            double v[3];
            if (viscoann_okada_point(1, &x, &y, &z, src[9 * q + 2], 90.0, pot, 2.0 / 3.0, v, NULL,
                                     NULL, NULL, 1) != VISCOANN_OK)
                return fail("viscoann_okada_point");
            for (c = 0; c < 3; ++c) ok[c] += v[c];
        }
        for (c = 0; c < 3; ++c) scale = fmax(scale, fabs(ok[c]));
        for (c = 0; c < 3; ++c)
            if (!(fabs(u[3 * i + c] - ok[c]) <= 1e-12 * scale)) {
                fprintf(stderr, "t = 0, station %zu, component %d: %.17g, Okada %.17g\n", i, c,
                        u[3 * i + c], ok[c]);
                bad = 1;
            }
    }
    /* Superposition over sources (and so over depths). */
    memset(sum, 0, sizeof sum);
    for (q = 0; q < NQ; ++q) {
        if (viscoann_kernel_displacement(k, 1, &src[9 * q], NS, east, north, NT, times, 1e19, 1e18,
                                         20e3, one, NULL) != VISCOANN_OK)
            return fail("viscoann_kernel_displacement (one source)");
        for (i = 0; i < NT * NS * 3; ++i) sum[i] += one[i];
    }
    scale = 0.0;
    for (i = 0; i < NT * NS * 3; ++i) scale = fmax(scale, fabs(sum[i]));
    for (i = 0; i < NT * NS * 3; ++i)
        if (!(fabs(u[i] - sum[i]) <= 1e-12 * scale)) {
            fprintf(stderr, "entry %zu: all sources %.17g, sum of single calls %.17g\n", i, u[i],
                    sum[i]);
            bad = 1;
        }
    /* A bad argument is an error status with a message, never a crash. */
    if (viscoann_kernel_displacement(k, NQ, src, NS, east, north, NT, times, 1e19, 1e18, 2e3, u,
                                     NULL) != VISCOANN_INVALID_ARGUMENT) {
        fprintf(stderr, "a source below the lid (H = 2 km) was not refused\n");
        bad = 1;
    } else {
        printf("H = 2 km refused: %s\n", viscoann_last_error());
    }
    viscoann_kernel_destroy(k);
    return bad;
}
