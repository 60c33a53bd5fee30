// Okada DC3D0 / DC3D against Okada's Fortran (tests/data/okada/*.csv), finite differences of
// the gradient, the singular flags, and input validation.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "okada_media.hpp"
#include "viscoann.h"
#include "viscoann/okada.hpp"

namespace {

using Table = std::vector<std::vector<double>>;

Table read_csv(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw std::runtime_error("cannot open " + path);
    Table rows;
    std::string line;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
        rows.push_back(row);
    }
    return rows;
}

// Max |a - b| over the 12 values relative to the largest |ref| displacement / gradient.
double rel_err(const viscoann::OkadaField& f, const std::vector<double>& row, std::size_t c0) {
    double su = 0, sg = 0, eu = 0, eg = 0;
    for (int i = 0; i < 3; ++i) su = std::max(su, std::fabs(row[c0 + i]));
    for (int i = 0; i < 9; ++i) sg = std::max(sg, std::fabs(row[c0 + 3 + i]));
    for (int i = 0; i < 3; ++i) eu = std::max(eu, std::fabs(f.u[i] - row[c0 + i]));
    for (int i = 0; i < 9; ++i) eg = std::max(eg, std::fabs(f.g[i] - row[c0 + 3 + i]));
    return std::max(eu / su, eg / sg);
}

const std::string kData = VISCOANN_SHARED_REFS;

// The reference is Okada's Fortran with a REAL*8 interface: a correct float64 implementation
// agrees to 1e-9 of the largest component at each point (tests/data/README.md).
constexpr double kTol = 1e-9;

void test_dc3d0_reference() {
    const Table t = read_csv(kData + "/okada/dc3d0.csv");
    CHECK(t.size() == 400);
    double worst = 0;
    for (const auto& r : t) {
        const auto f =
            viscoann::dc3d0(r[0], r[1], r[2], r[3], r[4], r[5], {r[6], r[7], r[8], r[9]});
        CHECK(!f.singular);
        const double e = rel_err(f, r, 10);
        worst = std::max(worst, e);
        if (!(e <= kTol))
            std::fprintf(stderr,
                         "dc3d0 row x=%g y=%g z=%g dep=%g dip=%g pot=%g,%g,%g,%g err %.3g\n", r[1],
                         r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], e);
    }
    std::printf("dc3d0: worst relative error %.3g over %zu rows\n", worst, t.size());
    CHECK(worst <= kTol);
}

void test_dc3d_reference() {
    const Table t = read_csv(kData + "/okada/dc3d.csv");
    CHECK(t.size() == 400);
    double worst = 0;
    for (const auto& r : t) {
        const auto f = viscoann::dc3d(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                                      {r[10], r[11], r[12]});
        CHECK(!f.singular);
        const double e = rel_err(f, r, 13);
        worst = std::max(worst, e);
        if (!(e <= kTol)) {
            std::fprintf(stderr, "dc3d row x=%g y=%g z=%g dep=%g dip=%g disl=%g,%g,%g err %.3g\n",
                         r[1], r[2], r[3], r[4], r[5], r[10], r[11], r[12], e);
        }
    }
    std::printf("dc3d: worst relative error %.3g over %zu rows\n", worst, t.size());
    CHECK(worst <= kTol);
}

void test_canonical_reference() {
    const Table t = read_csv(kData + "/okada/canonical_surface.csv");
    const std::size_t n = t.size();
    std::vector<double> x(n), y(n), dep(n), u(3 * n), u2(3 * n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = t[i][0];
        y[i] = t[i][1];
        dep[i] = t[i][2];
    }
    using viscoann::Column;
    viscoann::okada_canonical_surface(n, Column::array(x.data()), Column::array(y.data()),
                                      Column::array(dep.data()), 2.0 / 3.0, u.data(), 2);
    // The general path (z given as an array, so the fast path is not taken) agrees too.
    const std::vector<double> z(n, 0.0);
    const double dip = 90, p1 = 1, p0 = 0, alpha = 2.0 / 3.0;
    viscoann::okada_point(
        n, {Column::array(x.data()), Column::array(y.data()), Column::array(z.data())},
        {Column::array(dep.data()), Column::scalar(dip), Column::scalar(p1), Column::scalar(p0),
         Column::scalar(p0), Column::scalar(p0), Column::scalar(alpha)},
        u2.data(), nullptr, nullptr, 2);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (int k = 0; k < 3; ++k) s = std::max(s, std::fabs(t[i][3 + k]));
        for (int k = 0; k < 3; ++k) {
            worst = std::max(worst, std::fabs(u[3 * i + k] - t[i][3 + k]) / s);
            worst = std::max(worst, std::fabs(u2[3 * i + k] - t[i][3 + k]) / s);
        }
    }
    std::printf("canonical: worst relative error %.3g over %zu rows\n", worst, n);
    CHECK(worst <= kTol);
}

// Central differences of u against g, below the surface (all four potencies, any dip).
void test_gradient_fd() {
    const double h = 0.5;
    for (double dip : {0.0, 30.0, 90.0}) {
        const double x = 3100, y = -1700, z = -800, dep = 4000;
        const std::array<double, 4> pot = {1.0, -0.5, 0.3, 0.7};
        const auto f = viscoann::dc3d0(0.6, x, y, z, dep, dip, pot);
        const auto fr =
            viscoann::dc3d(0.6, x, y, z, dep, dip, -2000, 1500, -1000, 800, {1.0, -0.5, 0.3});
        double s = 0, sr = 0;
        for (double v : f.g) s = std::max(s, std::fabs(v));
        for (double v : fr.g) sr = std::max(sr, std::fabs(v));
        for (int j = 0; j < 3; ++j) {
            double dp[3] = {x, y, z}, dm[3] = {x, y, z};
            dp[j] += h;
            dm[j] -= h;
            const auto fp = viscoann::dc3d0(0.6, dp[0], dp[1], dp[2], dep, dip, pot);
            const auto fm = viscoann::dc3d0(0.6, dm[0], dm[1], dm[2], dep, dip, pot);
            const auto rp = viscoann::dc3d(0.6, dp[0], dp[1], dp[2], dep, dip, -2000, 1500, -1000,
                                           800, {1.0, -0.5, 0.3});
            const auto rm = viscoann::dc3d(0.6, dm[0], dm[1], dm[2], dep, dip, -2000, 1500, -1000,
                                           800, {1.0, -0.5, 0.3});
            for (int i = 0; i < 3; ++i) {
                CHECK_NEAR((fp.u[i] - fm.u[i]) / (2 * h), f.g[3 * i + j], 1e-6 * s);
                CHECK_NEAR((rp.u[i] - rm.u[i]) / (2 * h), fr.g[3 * i + j], 1e-6 * sr);
            }
        }
    }
}

void test_singular() {
    // At the point source itself and on the rectangle's edge: NaN, flagged, counted.
    const auto f = viscoann::dc3d0(2.0 / 3.0, 0, 0, -5000, 5000, 60, {1, 0, 0, 0});
    CHECK(f.singular && std::isnan(f.u[0]) && std::isnan(f.g[8]));
    // Vertical fault reaching the surface along x in [-1000, 1000]: the surface trace is an edge.
    const auto e =
        viscoann::dc3d(2.0 / 3.0, 200, 0, 0, 3000, 90, -1000, 1000, -3000, 3000 - 0.0, {1, 0, 0});
    CHECK(e.singular && std::isnan(e.u[1]));
    // Beside the edge it is finite; beyond the end of the trace too (R + xi -> 0 limit rule).
    const auto near =
        viscoann::dc3d(2.0 / 3.0, 200, 10, 0, 3000, 90, -1000, 1000, -3000, 3000, {1, 0, 0});
    const auto beyond =
        viscoann::dc3d(2.0 / 3.0, 1500, 0, 0, 3000, 90, -1000, 1000, -3000, 3000, {1, 0, 0});
    CHECK(!near.singular && std::isfinite(near.u[0]) && std::isfinite(near.g[0]));
    CHECK(!beyond.singular && std::isfinite(beyond.u[0]) && std::isfinite(beyond.g[4]));
    // Array form: the flags mark exactly the singular point.
    const double xs[3] = {0, 1000, 0}, ys[3] = {0, 0, 0}, zs[3] = {-5000, -5000, 0};
    const double dep = 5000, dip = 45, one = 1, zero = 0, alpha = 0.5;
    using viscoann::Column;
    double u[9];
    std::uint8_t flags[3];
    const std::size_t ns = viscoann::okada_point(
        3, {Column::array(xs), Column::array(ys), Column::array(zs)},
        {Column::scalar(dep), Column::scalar(dip), Column::scalar(one), Column::scalar(zero),
         Column::scalar(zero), Column::scalar(zero), Column::scalar(alpha)},
        u, nullptr, flags, 1);
    CHECK(ns == 1);
    CHECK(flags[0] == viscoann::okada_singular && flags[1] == viscoann::okada_ok &&
          flags[2] == viscoann::okada_ok);
    CHECK(std::isnan(u[0]) && std::isfinite(u[3]) && std::isfinite(u[8]));
}

void test_canonical_left_lateral() {
    // At (0, +2 km, 0) above a 5 km deep left-lateral source the ground moves west.
    const auto f = viscoann::dc3d0(2.0 / 3.0, 0, 2000, 0, 5000, 90, {1, 0, 0, 0});
    CHECK(f.u[0] < 0);
    CHECK_NEAR(f.u[1], 0.0, 1e-25);
}

void test_bad_input() {
    using viscoann::dc3d;
    using viscoann::dc3d0;
    const std::array<double, 4> p = {1, 0, 0, 0};
    CHECK_THROWS(dc3d0(0.5, 0, 0, 0, -1, 45, p), std::invalid_argument, "depth");
    CHECK_THROWS(dc3d0(0.5, 0, 0, 0, 0, 45, p), std::invalid_argument, "depth > 0");
    CHECK_THROWS(dc3d0(0.5, 0, 0, 1, 1000, 45, p), std::invalid_argument, "z <= 0");
    CHECK_THROWS(dc3d0(0.5, 0, 0, 0, 1000, 91, p), std::invalid_argument, "[0, 90]");
    CHECK_THROWS(dc3d0(0.5, 0, 0, 0, 1000, -1, p), std::invalid_argument, "dip");
    CHECK_THROWS(dc3d0(1.0, 0, 0, 0, 1000, 45, p), std::invalid_argument, "alpha");
    CHECK_THROWS(dc3d0(0.0, 0, 0, 0, 1000, 45, p), std::invalid_argument, "(0, 1)");
    CHECK_THROWS(dc3d0(0.5, NAN, 0, 0, 1000, 45, p), std::invalid_argument, "x = nan");
    CHECK_THROWS(dc3d0(0.5, 0, INFINITY, 0, 1000, 45, p), std::invalid_argument, "y = inf");
    CHECK_THROWS(dc3d0(0.5, 0, 0, 0, 1000, 45, {NAN, 0, 0, 0}), std::invalid_argument, "pot1");
    CHECK_THROWS(dc3d(0.5, 0, 0, 0, 1000, 45, 1, -1, 0, 1, {1, 0, 0}), std::invalid_argument,
                 "al1 <= al2");
    CHECK_THROWS(dc3d(0.5, 0, 0, 0, 1000, 45, -1, 1, 2, 1, {1, 0, 0}), std::invalid_argument,
                 "aw1 <= aw2");
    CHECK_THROWS(dc3d(0.5, 0, 0, 0, 1000, 90, -1, 1, -1, 2000, {1, 0, 0}), std::invalid_argument,
                 "aw2");
}

// The C API: same numbers as the C++ API, bad input as a status naming the argument.
void test_c_api() {
    const double x[2] = {1500, 0}, y[2] = {-2500, 0}, z[2] = {-300, -4000};
    const double pot[4] = {0.2, 1.0, -0.3, 0.4}, slip[3] = {1.0, -0.5, 0.25};
    double u[6], g[18];
    unsigned char sing[2];
    size_t ns = 99;
    CHECK(viscoann_okada_point(2, x, y, z, 4000, 55, pot, 0.6, u, g, sing, &ns, 1) == VISCOANN_OK);
    const auto f = viscoann::dc3d0(0.6, x[0], y[0], z[0], 4000, 55, {0.2, 1.0, -0.3, 0.4});
    for (int i = 0; i < 3; ++i) CHECK(u[i] == f.u[i]);
    for (int i = 0; i < 9; ++i) CHECK(g[i] == f.g[i]);
    CHECK(ns == 1 && sing[0] == 0 && sing[1] == 1 && std::isnan(u[3]));
    CHECK(viscoann_okada_rectangle(1, x, y, z, 4000, 55, -1000, 1000, -500, 500, slip, 0.6, u,
                                   nullptr, nullptr, nullptr, 1) == VISCOANN_OK);
    const auto r =
        viscoann::dc3d(0.6, x[0], y[0], z[0], 4000, 55, -1000, 1000, -500, 500, {1.0, -0.5, 0.25});
    for (int i = 0; i < 3; ++i) CHECK(u[i] == r.u[i]);
    CHECK(viscoann_okada_point(1, x, y, z, 4000, 95, pot, 0.6, u, nullptr, nullptr, nullptr, 1) ==
          VISCOANN_INVALID_ARGUMENT);
    CHECK(std::string(viscoann_last_error()).find("dip = 95") != std::string::npos);
    CHECK(viscoann_okada_point(1, nullptr, y, z, 4000, 45, pot, 0.6, u, nullptr, nullptr, nullptr,
                               1) == VISCOANN_INVALID_ARGUMENT);
}

// Several media from one geometry (the traction kernels' α basis) equal DC3D per medium to
// rounding, at depth, at the surface and on an edge (singular: NaN and flagged).
void test_media_equal_dc3d() {
    const double alpha[viscoann::detail::kOkadaMedia] = {0.5, 2.0 / 3.0, 0.8};
    const double pts[4][3] = {
        {1200, -700, -3000}, {-4000, 2500, 0}, {300, 50, -5200}, {1000, 0, -4000}};
    for (double dip : {90.0, 55.0, 0.0})
        for (const auto& p : pts) {
            viscoann::OkadaField f[viscoann::detail::kOkadaMedia];
            const bool ok = viscoann::detail::dc3d_media(alpha, p[0], p[1], p[2], 4000, dip, -1000,
                                                         1000, -500, 500, {1.0, -0.5, 0.25}, f);
            for (int a = 0; a < 3; ++a) {
                const auto r = viscoann::dc3d(alpha[a], p[0], p[1], p[2], 4000, dip, -1000, 1000,
                                              -500, 500, {1.0, -0.5, 0.25});
                CHECK(f[a].singular == r.singular && ok == !r.singular);
                for (int i = 0; i < 9; ++i) {
                    if (r.singular) {
                        CHECK(std::isnan(f[a].g[i]));
                        continue;
                    }
                    CHECK_NEAR(f[a].g[i], r.g[i], 1e-15 * (1.0 + std::abs(r.g[i])));
                    if (i < 3) CHECK_NEAR(f[a].u[i], r.u[i], 1e-15 * (1.0 + std::abs(r.u[i])));
                }
            }
        }
}

}  // namespace

int main() {
    test_dc3d0_reference();
    test_dc3d_reference();
    test_canonical_reference();
    test_gradient_fd();
    test_singular();
    test_canonical_left_lateral();
    test_bad_input();
    test_c_api();
    test_media_equal_dc3d();
    return check::report();
}
