/* A simulator-style use of the installed viscoann through its C API (viscoann.h): the
   viscoelastic traction kernels of a 4 x 4-patch thrust fault at 3 times, assembled block by
   block as an H-matrix / ACA code asks for them. Prints a few entries; exits non-zero if a
   self-term does not unload its patch, if Betti reciprocity of the two farthest patches fails
   (centre tractions: to the patches' (size / distance)^2), or if a 1 x 1 block differs from
   the same entry of a larger block. Usage: example_traction_c [DATA_DIR] (unused). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "viscoann.h"

#define NS 4 /* patches along strike */
#define ND 4 /* patches down dip */
#define NP (NS * ND)
#define NT 3

static int fail(const char* what) {
    fprintf(stderr, "%s failed: %s\n", what, viscoann_last_error());
    return 1;
}

int main(void) {
    /* A 15 km elastic lid over a Maxwell half-space (eta 1e19 Pa s); INFINITY switches a
       dashpot (or the Kelvin spring) off. */
    const double thickness[2] = {15e3, 0.0}, lam[2] = {30e9, 30e9}, mu_M[2] = {30e9, 30e9};
    const double eta_M[2] = {INFINITY, 1e19}, mu_K[2] = {INFINITY, INFINITY};
    const double eta_K[2] = {INFINITY, INFINITY};
    const double year = 365.25 * 86400.0, times[NT] = {0.0, 1.0 * year, 10.0 * year};
    const double pi = 3.14159265358979323846, dip = 30.0, L = 3e3, W = 3e3;
    viscoann_patch patches[NP];
    viscoann_traction* k = NULL;
    size_t idx[NP], i, j, it;
    static double K[NT * NP * NP * 3];
    double one[NT * 3], a, b;
    int bad = 0;

    /* Patch (s, d): along strike (north) s, down dip d; thrust slip (rake 90). */
    for (i = 0; i < NP; ++i) {
        const size_t s = i % NS, d = i / NS;
        const double eta = (d + 0.5) * W; /* down dip from the top edge at 2 km */
        patches[i].east = eta * cos(dip * pi / 180.0);
        patches[i].north = (s + 0.5) * L;
        patches[i].depth = 2e3 + eta * sin(dip * pi / 180.0);
        patches[i].strike = 0.0;
        patches[i].dip = dip;
        patches[i].rake = 90.0;
        patches[i].length = L;
        patches[i].width = W;
        idx[i] = i;
    }
    if (viscoann_traction_create(1, thickness, lam, mu_M, eta_M, mu_K, eta_K, NP, patches, 1e-5, 0,
                                 &k) != VISCOANN_OK)
        return fail("viscoann_traction_create");

    /* Row blocks of one row each, as an ACA code asks for a cross. */
    for (i = 0; i < NP; ++i) {
        static double row[NT * NP * 3];
        if (viscoann_traction_block(k, 1, &idx[i], NP, idx, NT, times, row) != VISCOANN_OK)
            return fail("viscoann_traction_block");
        for (it = 0; it < NT; ++it)
            for (j = 0; j < NP; ++j) {
                int c;
                for (c = 0; c < 3; ++c)
                    K[((it * NP + i) * NP + j) * 3 + c] = row[(it * NP + j) * 3 + c];
            }
    }
    for (it = 0; it < NT; ++it) {
        printf("t = %5.1f yr: shear along dip on patch 0 from patches 0, 1, 5, 15 [MPa/m]:",
               times[it] / year);
        for (j = 0; j < NP; j += (j == 0 ? 1 : (j == 1 ? 4 : 10)))
            printf(" %10.5f", K[((it * NP + 0) * NP + j) * 3 + 1] * 1e-6);
        printf("\n");
        for (i = 0; i < NP; ++i) /* unit reverse slip unloads its own patch */
            if (!(K[((it * NP + i) * NP + i) * 3 + 1] < 0.0)) {
                fprintf(stderr, "self-term of patch %zu at t %zu is not negative\n", i, it);
                bad = 1;
            }
        /* Betti: equal areas and rakes, so K_ij . s = K_ji . s for the farthest pair. */
        a = K[((it * NP + 0) * NP + (NP - 1)) * 3 + 1];
        b = K[((it * NP + (NP - 1)) * NP + 0) * 3 + 1];
        printf("  reciprocity 0 <-> %d: %.6g vs %.6g Pa/m\n", NP - 1, a, b);
        if (!(fabs(a - b) <= 0.05 * fabs(a))) bad = 1;
    }
    /* A 1 x 1 block is the same entry. */
    if (viscoann_traction_block(k, 1, &idx[5], 1, &idx[10], NT, times, one) != VISCOANN_OK)
        return fail("viscoann_traction_block");
    for (it = 0; it < NT; ++it)
        for (j = 0; j < 3; ++j)
            if (fabs(one[it * 3 + j] - K[((it * NP + 5) * NP + 10) * 3 + j]) >
                1e-12 * fabs(K[((it * NP + 5) * NP + 5) * 3 + 1]))
                bad = 1;
    /* Bad input is a status and a message, never a crash. */
    idx[0] = NP;
    if (viscoann_traction_block(k, 1, idx, 1, idx, NT, times, one) != VISCOANN_INVALID_ARGUMENT)
        bad = 1;
    printf("bad row index: %s\n", viscoann_last_error());
    viscoann_traction_destroy(k);
    printf(bad ? "FAILED\n" : "ok\n");
    return bad;
}
