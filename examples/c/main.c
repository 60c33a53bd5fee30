/* A C99 program using the installed viscoann through its C API (viscoann.h): Okada
   displacements of the canonical source at the first rows of
   <data dir>/okada/canonical_surface.csv (argv[1]), checked; exits non-zero if wrong. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "viscoann.h"

#define ROWS 20

int main(int argc, char** argv) {
    char path[4096], line[512];
    double x[ROWS], y[ROWS], z[ROWS], depth[ROWS], ref[ROWS][3], u[3 * ROWS];
    const double potency[4] = {1.0, 0.0, 0.0, 0.0};
    int rows = 0, bad = 0, i, k;
    FILE* f;

    printf("viscoann %s, CUDA GPU available: %d\n", viscoann_version(), viscoann_cuda_available());
    if (argc < 2) {
        fprintf(stderr, "usage: %s <tests/data dir>\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/okada/canonical_surface.csv", argv[1]);
    f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    /* The reference is Okada's REAL*4 Fortran: round the inputs to float, allow 1e-7. */
    while (rows < ROWS && fgets(line, sizeof line, f)) {
        double v[6];
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
            break;
        x[rows] = (float)v[0];
        y[rows] = (float)v[1];
        z[rows] = 0.0;
        depth[rows] = (float)v[2];
        for (k = 0; k < 3; ++k) ref[rows][k] = v[3 + k];
        ++rows;
    }
    fclose(f);
    for (i = 0; i < rows; ++i) {
        /* One source per call here (each row has its own depth); n points per call in general. */
        viscoann_status s = viscoann_okada_point(1, &x[i], &y[i], &z[i], depth[i], 90.0, potency,
                                                 (float)(2.0 / 3.0), &u[3 * i], NULL, NULL, NULL, 0);
        double scale = 0.0;
        if (s != VISCOANN_OK) {
            fprintf(stderr, "viscoann_okada_point: %s: %s\n", viscoann_status_string(s),
                    viscoann_last_error());
            return 1;
        }
        for (k = 0; k < 3; ++k) scale = fmax(scale, fabs(ref[i][k]));
        for (k = 0; k < 3; ++k)
            if (!(fabs(u[3 * i + k] - ref[i][k]) <= 1e-7 * scale)) ++bad;
    }
    printf("u(%.0f, %.0f) = (%.6e, %.6e, %.6e); %d rows checked, %d values off\n", x[0], y[0],
           u[0], u[1], u[2], rows, bad);
    /* A bad argument comes back as a status with a message naming it. */
    if (viscoann_okada_point(1, x, y, z, -1.0, 90.0, potency, 0.5, u, NULL, NULL, NULL, 0) !=
            VISCOANN_INVALID_ARGUMENT ||
        strstr(viscoann_last_error(), "depth") == NULL)
        ++bad;
    printf("bad argument reported as: %s\n", viscoann_last_error());
    return (bad == 0 && rows == ROWS) ? 0 : 1;
}
