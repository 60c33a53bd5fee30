// Okada (1992, BSSA 82, 1018-1040): point source DC3D0 and rectangle DC3D in float64: parts
// A, B, C of each source type from the paper's tables, the real + image source sum, the
// Chinnery corner sum and the singular-case rules (on an edge, R + xi or R + eta -> 0,
// cos(dip) = 0). Long (~1000 lines): the tables are transcribed term by term, one function each.
#include "viscoann/okada.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

#include "okada_canonical.hpp"
#include "okada_media.hpp"
#include "parallel_for.hpp"

namespace viscoann {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kInv2Pi = 1.0 / (2.0 * kPi);
// Okada's EPS (m): a fault coordinate closer than this to zero counts as zero, so points on
// an edge or on its extension take the limiting formulas instead of dividing by ~0.
constexpr double kEps = 1e-6;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kGrain = 1024;

// Medium and dip constants (Okada's DCCON0).
struct Consts {
    double alp1, alp2, alp3, alp4, alp5;
    double sd, cd, sdsd, cdcd, sdcd, s2d, c2d;
};

Consts make_consts(double alpha, double dip) noexcept {
    Consts c{};
    c.alp1 = (1.0 - alpha) / 2.0;
    c.alp2 = alpha / 2.0;
    c.alp3 = (1.0 - alpha) / alpha;
    c.alp4 = 1.0 - alpha;
    c.alp5 = alpha;
    const double rad = dip * (kPi / 180.0);
    c.sd = std::sin(rad);
    c.cd = std::cos(rad);
    // dip = 90: cos is ~6e-17, not 0; the vertical-fault formulas need it exactly 0.
    if (std::fabs(c.cd) < kEps) {
        c.cd = 0.0;
        c.sd = c.sd > 0 ? 1.0 : -1.0;
    }
    c.sdsd = c.sd * c.sd;
    c.cdcd = c.cd * c.cd;
    c.sdcd = c.sd * c.cd;
    c.s2d = 2.0 * c.sdcd;
    c.c2d = c.cdcd - c.sdsd;
    return c;
}

// ---------------------------------------------------------------------------------------
// Point source. Layout of the 12-vectors (Okada's): u1 u2 u3, d/dx of (u1 u2 u3), d/dy of
// (u1 u2 u3), d/dz of (u1 u2 u3). With G = false only the first three are computed.

// Geometry of one source image at (x, y, d) (Okada's DCCON1).
struct Geo0 {
    double x, y, d, p, q, s, t, xy, x2, y2, d2, r, r2, r3, r5, ir2, ir3, ir5;
    double a3, a5, b3, c3, qr, qrx, uy, uz, vy, vz, wy, wz;
};

inline bool geo0(double x, double y, double d, const Consts& c, Geo0& g) noexcept {
    g.x = x;
    g.y = y;
    g.d = d;
    g.p = y * c.cd + d * c.sd;
    g.q = y * c.sd - d * c.cd;
    g.s = g.p * c.sd + g.q * c.cd;
    g.t = g.p * c.cd - g.q * c.sd;
    g.xy = x * y;
    g.x2 = x * x;
    g.y2 = y * y;
    g.d2 = d * d;
    g.r2 = g.x2 + g.y2 + g.d2;
    if (g.r2 == 0.0) return false;  // at the source itself
    g.r = std::sqrt(g.r2);
    g.r3 = g.r * g.r2;
    g.r5 = g.r3 * g.r2;
    // Inverse powers once: the parts below multiply instead of dividing (divisions dominate).
    g.ir2 = 1.0 / g.r2;
    g.ir3 = g.ir2 / g.r;
    g.ir5 = g.ir3 * g.ir2;
    g.a3 = 1.0 - 3.0 * g.x2 * g.ir2;
    g.a5 = 1.0 - 5.0 * g.x2 * g.ir2;
    g.b3 = 1.0 - 3.0 * g.y2 * g.ir2;
    g.c3 = 1.0 - 3.0 * g.d2 * g.ir2;
    g.qr = 3.0 * g.q * g.ir5;
    g.qrx = 5.0 * g.qr * x * g.ir2;
    g.uy = c.sd - 5.0 * y * g.q * g.ir2;
    g.uz = c.cd + 5.0 * d * g.q * g.ir2;
    g.vy = g.s - 5.0 * y * g.p * g.q * g.ir2;
    g.vz = g.t + 5.0 * d * g.p * g.q * g.ir2;
    g.wy = g.uy + c.sd;
    g.wz = g.uz + c.cd;
    return true;
}

// Part A, weights w = potency / (2 pi), accumulated into u.
template <bool G>
inline void ua0(const Geo0& g, const Consts& c, const double w[4], double u[12]) noexcept {
    const double x = g.x, y = g.y, d = g.d, q = g.q, s = g.s, t = g.t, p = g.p;
    const double ir3 = g.ir3, ir5 = g.ir5, qr = g.qr, qrx = g.qrx;
    const double a1 = c.alp1, a2 = c.alp2, sd = c.sd, cd = c.cd;
    if (w[0] != 0.0) {  // strike-slip
        const double k = w[0];
        u[0] += k * (a1 * q * ir3 + a2 * g.x2 * qr);
        u[1] += k * (a1 * x * ir3 * sd + a2 * g.xy * qr);
        u[2] += k * (-a1 * x * ir3 * cd + a2 * x * d * qr);
        if constexpr (G) {
            u[3] += k * (x * qr * (-a1 + a2 * (1.0 + g.a5)));
            u[4] += k * (a1 * g.a3 * ir3 * sd + a2 * y * qr * g.a5);
            u[5] += k * (-a1 * g.a3 * ir3 * cd + a2 * d * qr * g.a5);
            u[6] += k * (a1 * (sd * ir3 - y * qr) + a2 * 3.0 * g.x2 * ir5 * g.uy);
            u[7] += k * (3.0 * x * ir5 * (-a1 * y * sd + a2 * (y * g.uy + q)));
            u[8] += k * (3.0 * x * ir5 * (a1 * y * cd + a2 * d * g.uy));
            u[9] += k * (a1 * (cd * ir3 + d * qr) + a2 * 3.0 * g.x2 * ir5 * g.uz);
            u[10] += k * (3.0 * x * ir5 * (a1 * d * sd + a2 * y * g.uz));
            u[11] += k * (3.0 * x * ir5 * (-a1 * d * cd + a2 * (d * g.uz - q)));
        }
    }
    if (w[1] != 0.0) {  // dip-slip
        const double k = w[1];
        u[0] += k * (a2 * x * p * qr);
        u[1] += k * (a1 * s * ir3 + a2 * y * p * qr);
        u[2] += k * (-a1 * t * ir3 + a2 * d * p * qr);
        if constexpr (G) {
            u[3] += k * (a2 * p * qr * g.a5);
            u[4] += k * (-a1 * 3.0 * x * s * ir5 - a2 * y * p * qrx);
            u[5] += k * (a1 * 3.0 * x * t * ir5 - a2 * d * p * qrx);
            u[6] += k * (a2 * 3.0 * x * ir5 * g.vy);
            u[7] +=
                k * (a1 * (c.s2d * ir3 - 3.0 * y * s * ir5) + a2 * (3.0 * y * ir5 * g.vy + p * qr));
            u[8] += k * (-a1 * (c.c2d * ir3 - 3.0 * y * t * ir5) + a2 * 3.0 * d * ir5 * g.vy);
            u[9] += k * (a2 * 3.0 * x * ir5 * g.vz);
            u[10] += k * (a1 * (c.c2d * ir3 + 3.0 * d * s * ir5) + a2 * 3.0 * y * ir5 * g.vz);
            u[11] +=
                k * (a1 * (c.s2d * ir3 - 3.0 * d * t * ir5) + a2 * (3.0 * d * ir5 * g.vz - p * qr));
        }
    }
    if (w[2] != 0.0) {  // tensile
        const double k = w[2];
        u[0] += k * (a1 * x * ir3 - a2 * x * q * qr);
        u[1] += k * (a1 * t * ir3 - a2 * y * q * qr);
        u[2] += k * (a1 * s * ir3 - a2 * d * q * qr);
        if constexpr (G) {
            u[3] += k * (a1 * g.a3 * ir3 - a2 * q * qr * g.a5);
            u[4] += k * (-a1 * 3.0 * x * t * ir5 + a2 * y * q * qrx);
            u[5] += k * (-a1 * 3.0 * x * s * ir5 + a2 * d * q * qrx);
            u[6] += k * (-a1 * 3.0 * g.xy * ir5 - a2 * x * qr * g.wy);
            u[7] += k * (a1 * (c.c2d * ir3 - 3.0 * y * t * ir5) - a2 * (y * g.wy + q) * qr);
            u[8] += k * (a1 * (c.s2d * ir3 - 3.0 * y * s * ir5) - a2 * d * qr * g.wy);
            u[9] += k * (a1 * 3.0 * x * d * ir5 - a2 * x * qr * g.wz);
            u[10] += k * (-a1 * (c.s2d * ir3 - 3.0 * d * t * ir5) - a2 * y * qr * g.wz);
            u[11] += k * (a1 * (c.c2d * ir3 + 3.0 * d * s * ir5) - a2 * (d * g.wz - q) * qr);
        }
    }
    if (w[3] != 0.0) {  // inflation
        const double k = w[3];
        u[0] += k * (-a1 * x * ir3);
        u[1] += k * (-a1 * y * ir3);
        u[2] += k * (-a1 * d * ir3);
        if constexpr (G) {
            const double dxy = a1 * 3.0 * g.xy * ir5, dxd = a1 * 3.0 * x * d * ir5;
            const double dyd = a1 * 3.0 * y * d * ir5;
            u[3] += k * (-a1 * g.a3 * ir3);
            u[4] += k * dxy;
            u[5] += k * dxd;
            u[6] += k * dxy;
            u[7] += k * (-a1 * g.b3 * ir3);
            u[8] += k * dyd;
            u[9] += k * (-dxd);
            u[10] += k * (-dyd);
            u[11] += k * (a1 * g.c3 * ir3);
        }
    }
}

// Part B for the image source; z is the observation depth coordinate (<= 0).
template <bool G>
inline void ub0(const Geo0& g, const Consts& c, double z, const double w[4],
                double u[12]) noexcept {
    const double x = g.x, y = g.y, d = g.d, q = g.q, p = g.p, r = g.r, r2 = g.r2;
    const double ir2 = g.ir2, ir3 = g.ir3, ir5 = g.ir5, qr = g.qr, qrx = g.qrx, a3c = c.alp3;
    const double cc = d + z;
    const double rd = r + d;
    const double d12 = 1.0 / (r * rd * rd);
    const double d32 = d12 * (2.0 * r + d) * ir2;
    const double d33 = d12 * (3.0 * r + d) / (r2 * rd);
    const double fi1 = y * (d12 - g.x2 * d33);
    const double fi2 = x * (d12 - g.y2 * d33);
    const double fi3 = x * ir3 - fi2;
    const double fi4 = -g.xy * d32;
    const double fi5 = 1.0 / (r * rd) - g.x2 * d32;
    double fj1 = 0, fj2 = 0, fj3 = 0, fj4 = 0, fk1 = 0, fk2 = 0, fk3 = 0;
    if constexpr (G) {
        const double d53 = d12 * (8.0 * r2 + 9.0 * r * d + 3.0 * g.d2) / (r2 * r2 * rd);
        const double d54 = d12 * (5.0 * r2 + 4.0 * r * d + g.d2) * ir3 * d12;
        fj1 = -3.0 * g.xy * (d33 - g.x2 * d54);
        fj2 = 1.0 * ir3 - 3.0 * d12 + 3.0 * g.x2 * g.y2 * d54;
        fj3 = g.a3 * ir3 - fj2;
        fj4 = -3.0 * g.xy * ir5 - fj1;
        fk1 = -y * (d32 - g.x2 * d53);
        fk2 = -x * (d32 - g.y2 * d53);
        fk3 = -3.0 * x * d * ir5 - fk2;
    }
    if (w[0] != 0.0) {  // strike-slip
        const double k = w[0], sd = c.sd;
        u[0] += k * (-g.x2 * qr - a3c * fi1 * sd);
        u[1] += k * (-g.xy * qr - a3c * fi2 * sd);
        u[2] += k * (-cc * x * qr - a3c * fi4 * sd);
        if constexpr (G) {
            u[3] += k * (-x * qr * (1.0 + g.a5) - a3c * fj1 * sd);
            u[4] += k * (-y * qr * g.a5 - a3c * fj2 * sd);
            u[5] += k * (-cc * qr * g.a5 - a3c * fk1 * sd);
            u[6] += k * (-3.0 * g.x2 * ir5 * g.uy - a3c * fj2 * sd);
            u[7] += k * (-3.0 * g.xy * ir5 * g.uy - x * qr - a3c * fj4 * sd);
            u[8] += k * (-3.0 * cc * x * ir5 * g.uy - a3c * fk2 * sd);
            u[9] += k * (-3.0 * g.x2 * ir5 * g.uz + a3c * fk1 * sd);
            u[10] += k * (-3.0 * g.xy * ir5 * g.uz + a3c * fk2 * sd);
            u[11] += k * (3.0 * x * ir5 * (-cc * g.uz + a3c * y * sd));
        }
    }
    if (w[1] != 0.0) {  // dip-slip
        const double k = w[1], sc = c.sdcd;
        u[0] += k * (-x * p * qr + a3c * fi3 * sc);
        u[1] += k * (-y * p * qr + a3c * fi1 * sc);
        u[2] += k * (-cc * p * qr + a3c * fi5 * sc);
        if constexpr (G) {
            u[3] += k * (-p * qr * g.a5 + a3c * fj3 * sc);
            u[4] += k * (y * p * qrx + a3c * fj1 * sc);
            u[5] += k * (cc * p * qrx + a3c * fk3 * sc);
            u[6] += k * (-3.0 * x * ir5 * g.vy + a3c * fj1 * sc);
            u[7] += k * (-3.0 * y * ir5 * g.vy - p * qr + a3c * fj2 * sc);
            u[8] += k * (-3.0 * cc * ir5 * g.vy + a3c * fk1 * sc);
            u[9] += k * (-3.0 * x * ir5 * g.vz - a3c * fk3 * sc);
            u[10] += k * (-3.0 * y * ir5 * g.vz - a3c * fk1 * sc);
            u[11] += k * (-3.0 * cc * ir5 * g.vz + a3c * g.a3 * ir3 * sc);
        }
    }
    if (w[2] != 0.0) {  // tensile
        const double k = w[2], ss = c.sdsd;
        u[0] += k * (x * q * qr - a3c * fi3 * ss);
        u[1] += k * (y * q * qr - a3c * fi1 * ss);
        u[2] += k * (cc * q * qr - a3c * fi5 * ss);
        if constexpr (G) {
            u[3] += k * (q * qr * g.a5 - a3c * fj3 * ss);
            u[4] += k * (-y * q * qrx - a3c * fj1 * ss);
            u[5] += k * (-cc * q * qrx - a3c * fk3 * ss);
            u[6] += k * (x * qr * g.wy - a3c * fj1 * ss);
            u[7] += k * (qr * (y * g.wy + q) - a3c * fj2 * ss);
            u[8] += k * (cc * qr * g.wy - a3c * fk1 * ss);
            u[9] += k * (x * qr * g.wz + a3c * fk3 * ss);
            u[10] += k * (y * qr * g.wz + a3c * fk1 * ss);
            u[11] += k * (cc * qr * g.wz - a3c * g.a3 * ir3 * ss);
        }
    }
    if (w[3] != 0.0) {  // inflation
        const double k = w[3];
        u[0] += k * (a3c * x * ir3);
        u[1] += k * (a3c * y * ir3);
        u[2] += k * (a3c * d * ir3);
        if constexpr (G) {
            const double dxy = -a3c * 3.0 * g.xy * ir5, dxd = -a3c * 3.0 * x * d * ir5;
            const double dyd = -a3c * 3.0 * y * d * ir5;
            u[3] += k * (a3c * g.a3 * ir3);
            u[4] += k * dxy;
            u[5] += k * dxd;
            u[6] += k * dxy;
            u[7] += k * (a3c * g.b3 * ir3);
            u[8] += k * dyd;
            u[9] += k * (-dxd);
            u[10] += k * (-dyd);
            u[11] += k * (-a3c * g.c3 * ir3);
        }
    }
}

// Part C for the image source; multiplied by z by the caller.
template <bool G>
inline void uc0(const Geo0& g, const Consts& c, double z, const double w[4],
                double u[12]) noexcept {
    const double x = g.x, y = g.y, d = g.d, q = g.q, p = g.p, s = g.s, t = g.t;
    const double ir2 = g.ir2, ir3 = g.ir3, ir5 = g.ir5, qr = g.qr, qrx = g.qrx;
    const double a4 = c.alp4, a5c = c.alp5, sd = c.sd, cd = c.cd;
    const double cc = d + z;
    const double ir7 = ir5 * ir2;
    const double a7 = 1.0 - 7.0 * g.x2 * ir2;
    const double b5 = 1.0 - 5.0 * g.y2 * ir2;
    const double b7 = 1.0 - 7.0 * g.y2 * ir2;
    const double c5 = 1.0 - 5.0 * g.d2 * ir2;
    const double c7 = 1.0 - 7.0 * g.d2 * ir2;
    const double d7 = 2.0 - 7.0 * q * q * ir2;
    const double qr5 = 5.0 * q * ir2, qr7 = 7.0 * q * ir2, dr5 = 5.0 * d * ir2;
    const double a5 = g.a5;
    if (w[0] != 0.0) {  // strike-slip
        const double k = w[0];
        u[0] += k * (-a4 * g.a3 * ir3 * cd + a5c * cc * qr * a5);
        u[1] += k * (3.0 * x * ir5 * (a4 * y * cd + a5c * cc * (sd - y * qr5)));
        u[2] += k * (3.0 * x * ir5 * (-a4 * y * sd + a5c * cc * (cd + d * qr5)));
        if constexpr (G) {
            const double dyx = 3.0 * ir5 * (a4 * y * a5 * cd + a5c * cc * (a5 * sd - y * qr5 * a7));
            u[3] += k * (a4 * 3.0 * x * ir5 * (2.0 + a5) * cd - a5c * cc * qrx * (2.0 + a7));
            u[4] += k * dyx;
            u[5] += k * (3.0 * ir5 * (-a4 * y * a5 * sd + a5c * cc * (a5 * cd + d * qr5 * a7)));
            u[6] += k * dyx;
            u[7] += k * (3.0 * x * ir5 *
                         (a4 * b5 * cd - a5c * 5.0 * cc * ir2 * (2.0 * y * sd + q * b7)));
            u[8] += k * (3.0 * x * ir5 *
                         (-a4 * b5 * sd + a5c * 5.0 * cc * ir2 * (d * b7 * sd - y * c7 * cd)));
            u[9] += k * (3.0 * ir5 * (-a4 * d * a5 * cd + a5c * cc * (a5 * cd + d * qr5 * a7)));
            u[10] +=
                k * (15.0 * x * ir7 * (a4 * y * d * cd + a5c * cc * (d * b7 * sd - y * c7 * cd)));
            u[11] += k * (15.0 * x * ir7 * (-a4 * y * d * sd + a5c * cc * (2.0 * d * cd - q * c7)));
        }
    }
    if (w[1] != 0.0) {  // dip-slip
        const double k = w[1];
        u[0] += k * (a4 * 3.0 * x * t * ir5 - a5c * cc * p * qrx);
        u[1] += k * (-a4 * ir3 * (c.c2d - 3.0 * y * t * ir2) +
                     a5c * 3.0 * cc * ir5 * (s - y * p * qr5));
        u[2] += k * (-a4 * g.a3 * ir3 * c.sdcd + a5c * 3.0 * cc * ir5 * (t + d * p * qr5));
        if constexpr (G) {
            const double dyx =
                3.0 * x * ir5 *
                (a4 * (c.c2d - 5.0 * y * t * ir2) - a5c * 5.0 * cc * ir2 * (s - y * p * qr7));
            const double dzy =
                3.0 * ir5 *
                (a4 * y * a5 * c.sdcd - a5c * cc * ((3.0 + a5) * c.c2d + y * p * dr5 * qr7));
            u[3] += k * (a4 * 3.0 * t * ir5 * a5 - a5c * 5.0 * cc * p * qr * ir2 * a7);
            u[4] += k * dyx;
            u[5] += k * (3.0 * x * ir5 *
                         (a4 * (2.0 + a5) * c.sdcd - a5c * 5.0 * cc * ir2 * (t + d * p * qr7)));
            u[6] += k * dyx;
            u[7] += k * (3.0 * ir5 *
                         (a4 * (2.0 * y * c.c2d + t * b5) +
                          a5c * cc * (c.s2d - 10.0 * y * s * ir2 - p * qr5 * b7)));
            u[8] += k * dzy;
            u[9] += k * (3.0 * x * ir5 *
                         (-a4 * (c.s2d - t * dr5) - a5c * 5.0 * cc * ir2 * (t + d * p * qr7)));
            u[10] += k * (3.0 * ir5 *
                          (-a4 * (d * b5 * c.c2d + y * c5 * c.s2d) -
                           a5c * cc * ((3.0 + a5) * c.c2d + y * p * dr5 * qr7)));
            u[11] +=
                k *
                (3.0 * ir5 *
                 (-a4 * d * a5 * c.sdcd - a5c * cc * (c.s2d - 10.0 * d * t * ir2 + p * qr5 * c7)));
        }
    }
    if (w[2] != 0.0) {  // tensile
        const double k = w[2], ss = c.sdsd;
        u[0] += k * (3.0 * x * ir5 * (-a4 * s + a5c * (cc * q * qr5 - z)));
        u[1] += k * (a4 * ir3 * (c.s2d - 3.0 * y * s * ir2) +
                     a5c * 3.0 * ir5 * (cc * (t - y + y * q * qr5) - y * z));
        u[2] += k * (-a4 * ir3 * (1.0 - g.a3 * ss) -
                     a5c * 3.0 * ir5 * (cc * (s - d + d * q * qr5) - d * z));
        if constexpr (G) {
            const double dyx = 3.0 * x * ir5 *
                               (-a4 * (c.s2d - 5.0 * y * s * ir2) -
                                a5c * 5.0 * ir2 * (cc * (t - y + y * q * qr7) - y * z));
            u[3] +=
                k * (-a4 * 3.0 * s * ir5 * a5 + a5c * (cc * qr * qr5 * a7 - 3.0 * z * ir5 * a5));
            u[4] += k * dyx;
            u[5] += k * (3.0 * x * ir5 *
                         (a4 * (1.0 - (2.0 + a5) * ss) +
                          a5c * 5.0 * ir2 * (cc * (s - d + d * q * qr7) - d * z)));
            u[6] += k * dyx;
            u[7] +=
                k * (3.0 * ir5 *
                     (-a4 * (2.0 * y * c.s2d + s * b5) -
                      a5c * (cc * (2.0 * ss + 10.0 * y * (t - y) * ir2 - q * qr5 * b7) + z * b5)));
            u[8] += k * (3.0 * ir5 *
                         (a4 * y * (1.0 - a5 * ss) +
                          a5c * (cc * (3.0 + a5) * c.s2d - y * dr5 * (cc * d7 + z))));
            u[9] += k * (3.0 * x * ir5 *
                         (-a4 * (c.c2d + s * dr5) +
                          a5c * (5.0 * cc * ir2 * (s - d + d * q * qr7) - 1.0 - z * dr5)));
            u[10] += k * (3.0 * ir5 *
                          (a4 * (d * b5 * c.s2d - y * c5 * c.c2d) +
                           a5c * (cc * ((3.0 + a5) * c.s2d - y * dr5 * d7) - y * (1.0 + z * dr5))));
            u[11] +=
                k *
                (3.0 * ir5 *
                 (-a4 * d * (1.0 - a5 * ss) -
                  a5c * (cc * (c.c2d + 10.0 * d * (s - d) * ir2 - q * qr5 * c7) + z * (1.0 + c5))));
        }
    }
    if (w[3] != 0.0) {  // inflation
        const double k = w[3];
        u[0] += k * (a4 * 3.0 * x * d * ir5);
        u[1] += k * (a4 * 3.0 * y * d * ir5);
        u[2] += k * (a4 * g.c3 * ir3);
        if constexpr (G) {
            const double dxy = -a4 * 15.0 * g.xy * d * ir7;
            const double dzx = -a4 * 3.0 * x * ir5 * c5, dzy = -a4 * 3.0 * y * ir5 * c5;
            u[3] += k * (a4 * 3.0 * d * ir5 * a5);
            u[4] += k * dxy;
            u[5] += k * dzx;
            u[6] += k * dxy;
            u[7] += k * (a4 * 3.0 * d * ir5 * b5);
            u[8] += k * dzy;
            u[9] += k * dzx;
            u[10] += k * dzy;
            u[11] += k * (a4 * 3.0 * d * ir5 * (2.0 + c5));
        }
    }
}

// DC3D0 at one point: U in Okada's 12-layout; false when the point is the source itself.
template <bool G>
bool dc3d0_kernel(const Consts& c, double x, double y, double z, double depth, const double w[4],
                  double U[12]) noexcept {
    constexpr int m = G ? 12 : 3;
    for (int i = 0; i < 12; ++i) U[i] = 0.0;
    Geo0 g;
    if (z == 0.0) {
        // On the free surface the real and image sources coincide: part A cancels in u and in
        // the horizontal derivatives and doubles in d/dz; z * part C vanishes.
        if (!geo0(x, y, depth, c, g)) return false;
        ub0<G>(g, c, z, w, U);
        if constexpr (G) {
            double a[12] = {}, cpart[12] = {};
            ua0<true>(g, c, w, a);
            uc0<false>(g, c, z, w, cpart);
            for (int i = 0; i < 3; ++i) U[9 + i] += 2.0 * a[9 + i] + cpart[i];
        }
        return true;
    }
    if (!geo0(x, y, depth + z, c, g)) return false;  // real source, d = c - |z|
    double a[12] = {};
    ua0<G>(g, c, w, a);
    for (int i = 0; i < m; ++i) U[i] = i < 9 ? -a[i] : a[i];
    geo0(x, y, depth - z, c, g);  // image source, d = c + |z| > 0
    double ab[12] = {}, cpart[12] = {};
    ua0<G>(g, c, w, ab);
    ub0<G>(g, c, z, w, ab);
    uc0<G>(g, c, z, w, cpart);
    for (int i = 0; i < m; ++i) U[i] += ab[i] + z * cpart[i];
    if constexpr (G)
        for (int i = 0; i < 3; ++i) U[9 + i] += cpart[i];
    return true;
}

// ---------------------------------------------------------------------------------------
// Rectangle. Geometry at one corner (xi, eta, q) of the Chinnery sum (Okada's DCCON2);
// kxi / ket select the limiting form of log(R + xi) / log(R + eta) where R + xi or R + eta
// vanishes (section 5 of the paper: the point lies on the extension of an edge).
struct Geo2 {
    double xi, et, q, xi2, et2, q2, r, r2, r3, r5, y, d, tt, alx, ale;
    double x11, y11, x32, y32, ey, ez, fy, fz, gy, gz, hy, hz;
};

inline void geo2(double xi, double et, double q, const Consts& c, bool kxi, bool ket,
                 Geo2& g) noexcept {
    g.xi = xi;
    g.et = et;
    g.q = q;
    g.xi2 = xi * xi;
    g.et2 = et * et;
    g.q2 = q * q;
    g.r2 = g.xi2 + g.et2 + g.q2;
    g.r = std::sqrt(g.r2);
    g.r3 = g.r * g.r2;
    g.r5 = g.r3 * g.r2;
    g.y = et * c.cd + q * c.sd;
    g.d = et * c.sd - q * c.cd;
    g.tt = q == 0.0 ? 0.0 : std::atan(xi * et / (q * g.r));
    if (kxi) {
        g.alx = -std::log(g.r - xi);
        g.x11 = 0.0;
        g.x32 = 0.0;
    } else {
        const double rxi = g.r + xi;
        g.alx = std::log(rxi);
        g.x11 = 1.0 / (g.r * rxi);
        g.x32 = (g.r + rxi) * g.x11 * g.x11 / g.r;
    }
    if (ket) {
        g.ale = -std::log(g.r - et);
        g.y11 = 0.0;
        g.y32 = 0.0;
    } else {
        const double ret = g.r + et;
        g.ale = std::log(ret);
        g.y11 = 1.0 / (g.r * ret);
        g.y32 = (g.r + ret) * g.y11 * g.y11 / g.r;
    }
    g.ey = c.sd / g.r - g.y * q / g.r3;
    g.ez = c.cd / g.r + g.d * q / g.r3;
    g.fy = g.d / g.r3 + g.xi2 * g.y32 * c.sd;
    g.fz = g.y / g.r3 + g.xi2 * g.y32 * c.cd;
    g.gy = 2.0 * g.x11 * c.sd - g.y * q * g.x32;
    g.gz = 2.0 * g.x11 * c.cd + g.d * q * g.x32;
    g.hy = g.d * q * g.x32 + xi * q * g.y32 * c.sd;
    g.hz = g.y * q * g.x32 + xi * q * g.y32 * c.cd;
}

// Parts A, B and C below are linear in the medium's alp constants: each is evaluated for NA
// media (cs[ia], the same dip) from one corner geometry, into us[ia].

// Part A in the fault's (1, 2, 3) components; w = dislocation / (2 pi).
template <bool G, int NA>
inline void ua(const Geo2& g, const Consts* cs, const double w[3], double (*us)[12]) noexcept {
    const double xi = g.xi, et = g.et, q = g.q, r = g.r, r3 = g.r3;
    const double xy = xi * g.y11, qx = q * g.x11, qy = q * g.y11;
    const double sd = cs[0].sd, cd = cs[0].cd, y = g.y, d = g.d;
    for (int ia = 0; ia < NA; ++ia) {
        const double a1 = cs[ia].alp1, a2 = cs[ia].alp2;
        double* u = us[ia];
        if (w[0] != 0.0) {  // strike-slip
            const double k = w[0];
            u[0] += k * (g.tt / 2.0 + a2 * xi * qy);
            u[1] += k * (a2 * q / r);
            u[2] += k * (a1 * g.ale - a2 * q * qy);
            if constexpr (G) {
                u[3] += k * (-a1 * qy - a2 * g.xi2 * q * g.y32);
                u[4] += k * (-a2 * xi * q / r3);
                u[5] += k * (a1 * xy + a2 * xi * g.q2 * g.y32);
                u[6] += k * (a1 * xy * sd + a2 * xi * g.fy + d / 2.0 * g.x11);
                u[7] += k * (a2 * g.ey);
                u[8] += k * (a1 * (cd / r + qy * sd) - a2 * q * g.fy);
                u[9] += k * (a1 * xy * cd + a2 * xi * g.fz + y / 2.0 * g.x11);
                u[10] += k * (a2 * g.ez);
                u[11] += k * (-a1 * (sd / r - qy * cd) - a2 * q * g.fz);
            }
        }
        if (w[1] != 0.0) {  // dip-slip
            const double k = w[1];
            u[0] += k * (a2 * q / r);
            u[1] += k * (g.tt / 2.0 + a2 * et * qx);
            u[2] += k * (a1 * g.alx - a2 * q * qx);
            if constexpr (G) {
                u[3] += k * (-a2 * xi * q / r3);
                u[4] += k * (-qy / 2.0 - a2 * et * q / r3);
                u[5] += k * (a1 / r + a2 * g.q2 / r3);
                u[6] += k * (a2 * g.ey);
                u[7] += k * (a1 * d * g.x11 + xy / 2.0 * sd + a2 * et * g.gy);
                u[8] += k * (a1 * y * g.x11 - a2 * q * g.gy);
                u[9] += k * (a2 * g.ez);
                u[10] += k * (a1 * y * g.x11 + xy / 2.0 * cd + a2 * et * g.gz);
                u[11] += k * (-a1 * d * g.x11 - a2 * q * g.gz);
            }
        }
        if (w[2] != 0.0) {  // tensile
            const double k = w[2];
            u[0] += k * (-a1 * g.ale - a2 * q * qy);
            u[1] += k * (-a1 * g.alx - a2 * q * qx);
            u[2] += k * (g.tt / 2.0 - a2 * (et * qx + xi * qy));
            if constexpr (G) {
                u[3] += k * (-a1 * xy + a2 * xi * g.q2 * g.y32);
                u[4] += k * (-a1 / r + a2 * g.q2 / r3);
                u[5] += k * (-a1 * qy - a2 * q * g.q2 * g.y32);
                u[6] += k * (-a1 * (cd / r + qy * sd) - a2 * q * g.fy);
                u[7] += k * (-a1 * y * g.x11 - a2 * q * g.gy);
                u[8] += k * (a1 * (d * g.x11 + xy * sd) + a2 * q * g.hy);
                u[9] += k * (a1 * (sd / r - qy * cd) - a2 * q * g.fz);
                u[10] += k * (a1 * d * g.x11 - a2 * q * g.gz);
                u[11] += k * (a1 * (y * g.x11 + xy * cd) + a2 * q * g.hz);
            }
        }
    }
}

// Part B, including the vertical-fault (cos(dip) = 0) forms of I3, I4, K1, K3, J3, J6.
template <bool G, int NA>
inline void ub(const Geo2& g, const Consts* cs, const double w[3], double (*us)[12]) noexcept {
    const Consts& c = cs[0];
    const double xi = g.xi, et = g.et, q = g.q, r = g.r, r3 = g.r3;
    const double sd = c.sd, cd = c.cd, y = g.y, d = g.d, xi2 = g.xi2, q2 = g.q2;
    const double rd = r + d;
    const double d11 = 1.0 / (r * rd);
    const double aj2 = xi * y / rd * d11;
    const double aj5 = -(d + y * y / rd) * d11;
    double ai3, ai4, ak1, ak3, aj3, aj6;
    if (cd != 0.0) {
        if (xi == 0.0) {
            ai4 = 0.0;
        } else {
            const double x = std::sqrt(xi2 + q2);
            ai4 = 1.0 / c.cdcd *
                  (xi / rd * c.sdcd +
                   2.0 * std::atan((et * (x + q * cd) + x * (r + x) * sd) / (xi * (r + x) * cd)));
        }
        ai3 = (y * cd / rd - g.ale + sd * std::log(rd)) / c.cdcd;
        ak1 = xi * (d11 - g.y11 * sd) / cd;
        ak3 = (q * g.y11 - y * d11) / cd;
        aj3 = (ak1 - aj2 * sd) / cd;
        aj6 = (ak3 - aj5 * sd) / cd;
    } else {
        const double rd2 = rd * rd;
        ai3 = (et / rd + y * q / rd2 - g.ale) / 2.0;
        ai4 = xi * y / rd2 / 2.0;
        ak1 = xi * q / rd * d11;
        ak3 = sd / rd * (xi2 * d11 - 1.0);
        aj3 = -xi / rd2 * (q2 * d11 - 0.5);
        aj6 = -y / rd2 * (xi2 * d11 - 0.5);
    }
    const double xy = xi * g.y11;
    const double ai1 = -xi / rd * cd - ai4 * sd;
    const double ai2 = std::log(rd) + ai3 * sd;
    const double ak2 = 1.0 / r + ak3 * sd;
    const double ak4 = xy * cd - ak1 * sd;
    const double aj1 = aj5 * cd - aj6 * sd;
    const double aj4 = -xy - aj2 * cd + aj3 * sd;
    const double qx = q * g.x11, qy = q * g.y11;
    for (int ia = 0; ia < NA; ++ia) {
        const double a3c = cs[ia].alp3;
        double* u = us[ia];
        if (w[0] != 0.0) {  // strike-slip
            const double k = w[0];
            u[0] += k * (-xi * qy - g.tt - a3c * ai1 * sd);
            u[1] += k * (-q / r + a3c * y / rd * sd);
            u[2] += k * (q * qy - a3c * ai2 * sd);
            if constexpr (G) {
                u[3] += k * (xi2 * q * g.y32 - a3c * aj1 * sd);
                u[4] += k * (xi * q / r3 - a3c * aj2 * sd);
                u[5] += k * (-xi * q2 * g.y32 - a3c * aj3 * sd);
                u[6] += k * (-xi * g.fy - d * g.x11 + a3c * (xy + aj4) * sd);
                u[7] += k * (-g.ey + a3c * (1.0 / r + aj5) * sd);
                u[8] += k * (q * g.fy - a3c * (qy - aj6) * sd);
                u[9] += k * (-xi * g.fz - y * g.x11 + a3c * ak1 * sd);
                u[10] += k * (-g.ez + a3c * y * d11 * sd);
                u[11] += k * (q * g.fz + a3c * ak2 * sd);
            }
        }
        if (w[1] != 0.0) {  // dip-slip
            const double k = w[1], sc = c.sdcd;
            u[0] += k * (-q / r + a3c * ai3 * sc);
            u[1] += k * (-et * qx - g.tt - a3c * xi / rd * sc);
            u[2] += k * (q * qx + a3c * ai4 * sc);
            if constexpr (G) {
                u[3] += k * (xi * q / r3 + a3c * aj4 * sc);
                u[4] += k * (et * q / r3 + qy + a3c * aj5 * sc);
                u[5] += k * (-q2 / r3 + a3c * aj6 * sc);
                u[6] += k * (-g.ey + a3c * aj1 * sc);
                u[7] += k * (-et * g.gy - xy * sd + a3c * aj2 * sc);
                u[8] += k * (q * g.gy + a3c * aj3 * sc);
                u[9] += k * (-g.ez - a3c * ak3 * sc);
                u[10] += k * (-et * g.gz - xy * cd - a3c * xi * d11 * sc);
                u[11] += k * (q * g.gz - a3c * ak4 * sc);
            }
        }
        if (w[2] != 0.0) {  // tensile
            const double k = w[2], ss = c.sdsd;
            u[0] += k * (q * qy - a3c * ai3 * ss);
            u[1] += k * (q * qx + a3c * xi / rd * ss);
            u[2] += k * (et * qx + xi * qy - g.tt - a3c * ai4 * ss);
            if constexpr (G) {
                u[3] += k * (-xi * q2 * g.y32 - a3c * aj4 * ss);
                u[4] += k * (-q2 / r3 - a3c * aj5 * ss);
                u[5] += k * (q * q2 * g.y32 - a3c * aj6 * ss);
                u[6] += k * (q * g.fy - a3c * aj1 * ss);
                u[7] += k * (q * g.gy - a3c * aj2 * ss);
                u[8] += k * (-q * g.hy - a3c * aj3 * ss);
                u[9] += k * (q * g.fz + a3c * ak3 * ss);
                u[10] += k * (q * g.gz + a3c * xi * d11 * ss);
                u[11] += k * (-q * g.hz + a3c * ak4 * ss);
            }
        }
    }
}

// Part C; multiplied by z by the caller.
template <bool G, int NA>
inline void uc(const Geo2& g, const Consts* cs, double z, const double w[3],
               double (*us)[12]) noexcept {
    const Consts& c = cs[0];
    const double xi = g.xi, et = g.et, q = g.q, r = g.r, r2 = g.r2, r3 = g.r3, r5 = g.r5;
    const double sd = c.sd, cd = c.cd, y = g.y, d = g.d;
    const double xi2 = g.xi2, q2 = g.q2, x11 = g.x11, y11 = g.y11, x32 = g.x32, y32 = g.y32;
    const double cc = d + z;
    const double x53 = (8.0 * r2 + 9.0 * r * xi + 3.0 * xi2) * x11 * x11 * x11 / r2;
    const double y53 = (8.0 * r2 + 9.0 * r * et + 3.0 * g.et2) * y11 * y11 * y11 / r2;
    const double h = q * cd - z;
    const double z32 = sd / r3 - h * y32;
    const double z53 = 3.0 * sd / r5 - h * y53;
    const double y0 = y11 - xi2 * y32;
    const double z0 = z32 - xi2 * z53;
    const double ppy = cd / r3 + q * y32 * sd;
    const double ppz = sd / r3 - q * y32 * cd;
    const double qq = z * y32 + z32 + z0;
    const double qqy = 3.0 * cc * d / r5 - qq * sd;
    const double qqz = 3.0 * cc * y / r5 - qq * cd + q * y32;
    const double xy = xi * y11, qy = q * y11;
    const double qr = 3.0 * q / r5;
    const double cdr = (cc + d) / r3;
    const double yy0 = y / r3 - y0 * cd;
    for (int ia = 0; ia < NA; ++ia) {
        const double a4 = cs[ia].alp4, a5c = cs[ia].alp5;
        double* u = us[ia];
        if (w[0] != 0.0) {  // strike-slip
            const double k = w[0];
            u[0] += k * (a4 * xy * cd - a5c * xi * q * z32);
            u[1] += k * (a4 * (cd / r + 2.0 * qy * sd) - a5c * cc * q / r3);
            u[2] += k * (a4 * qy * cd - a5c * (cc * et / r3 - z * y11 + xi2 * z32));
            if constexpr (G) {
                u[3] += k * (a4 * y0 * cd - a5c * q * z0);
                u[4] += k * (-a4 * xi * (cd / r3 + 2.0 * q * y32 * sd) + a5c * cc * xi * qr);
                u[5] += k * (-a4 * xi * q * y32 * cd + a5c * xi * (3.0 * cc * et / r5 - qq));
                u[6] += k * (-a4 * xi * ppy * cd - a5c * xi * qqy);
                u[7] += k * (a4 * 2.0 * (d / r3 - y0 * sd) * sd - y / r3 * cd -
                             a5c * (cdr * sd - et / r3 - cc * y * qr));
                u[8] += k * (-a4 * q / r3 + yy0 * sd +
                             a5c * (cdr * cd + cc * d * qr - (y0 * cd + q * z0) * sd));
                u[9] += k * (a4 * xi * ppz * cd - a5c * xi * qqz);
                u[10] += k * (a4 * 2.0 * (y / r3 - y0 * cd) * sd + d / r3 * cd -
                              a5c * (cdr * cd + cc * d * qr));
                u[11] +=
                    k * (yy0 * cd - a5c * (cdr * sd - cc * y * qr - y0 * c.sdsd + q * z0 * cd));
            }
        }
        if (w[1] != 0.0) {  // dip-slip
            const double k = w[1];
            u[0] += k * (a4 * cd / r - qy * sd - a5c * cc * q / r3);
            u[1] += k * (a4 * y * x11 - a5c * cc * et * q * x32);
            u[2] += k * (-d * x11 - xy * sd - a5c * cc * (x11 - q2 * x32));
            if constexpr (G) {
                u[3] += k * (-a4 * xi / r3 * cd + a5c * cc * xi * qr + xi * q * y32 * sd);
                u[4] += k * (-a4 * y / r3 + a5c * cc * et * qr);
                u[5] += k * (d / r3 - y0 * sd + a5c * cc / r3 * (1.0 - 3.0 * q2 / r2));
                u[6] += k * (-a4 * et / r3 + y0 * c.sdsd - a5c * (cdr * sd - cc * y * qr));
                u[7] += k * (a4 * (x11 - y * y * x32) -
                             a5c * cc * ((d + 2.0 * q * cd) * x32 - y * et * q * x53));
                u[8] += k * (xi * ppy * sd + y * d * x32 +
                             a5c * cc * ((y + 2.0 * q * sd) * x32 - y * q2 * x53));
                u[9] += k * (-q / r3 + y0 * c.sdcd - a5c * (cdr * cd + cc * d * qr));
                u[10] += k * (a4 * y * d * x32 -
                              a5c * cc * ((y - 2.0 * q * sd) * x32 + d * et * q * x53));
                u[11] += k * (-xi * ppz * sd + x11 - d * d * x32 -
                              a5c * cc * ((d - 2.0 * q * cd) * x32 - d * q2 * x53));
            }
        }
        if (w[2] != 0.0) {  // tensile
            const double k = w[2];
            u[0] += k * (-a4 * (sd / r + qy * cd) - a5c * (z * y11 - q2 * z32));
            u[1] += k * (a4 * 2.0 * xy * sd + d * x11 - a5c * cc * (x11 - q2 * x32));
            u[2] += k * (a4 * (y * x11 + xy * cd) + a5c * q * (cc * et * x32 + xi * z32));
            if constexpr (G) {
                u[3] += k * (a4 * xi / r3 * sd + xi * q * y32 * cd +
                             a5c * xi * (3.0 * cc * et / r5 - 2.0 * z32 - z0));
                u[4] += k * (a4 * 2.0 * y0 * sd - d / r3 + a5c * cc / r3 * (1.0 - 3.0 * q2 / r2));
                u[5] += k * (-a4 * yy0 - a5c * (cc * et * qr - q * z0));
                u[6] += k * (a4 * (q / r3 + y0 * c.sdcd) +
                             a5c * (z / r3 * cd + cc * d * qr - q * z0 * sd));
                u[7] += k * (-a4 * 2.0 * xi * ppy * sd - y * d * x32 +
                             a5c * cc * ((y + 2.0 * q * sd) * x32 - y * q2 * x53));
                u[8] += k * (-a4 * (xi * ppy * cd - x11 + y * y * x32) +
                             a5c * (cc * ((d + 2.0 * q * cd) * x32 - y * et * q * x53) + xi * qqy));
                u[9] += k * (-et / r3 + y0 * c.cdcd -
                             a5c * (z / r3 * sd - cc * y * qr - y0 * c.sdsd + q * z0 * cd));
                u[10] += k * (a4 * 2.0 * xi * ppz * sd - x11 + d * d * x32 -
                              a5c * cc * ((d - 2.0 * q * cd) * x32 - d * q2 * x53));
                u[11] +=
                    k * (a4 * (xi * ppz * cd + y * d * x32) +
                         a5c * (cc * ((y - 2.0 * q * sd) * x32 + d * et * q * x53) + xi * qqz));
            }
        }
    }
}

// DC3D at one point for NA media cs[ia] (the same dip): U[ia] in Okada's 12-layout; false on
// a fault edge (singular).
template <bool G, int NA>
bool dc3d_kernel(const Consts* cs, double x, double y, double z, double depth, double al1,
                 double al2, double aw1, double aw2, const double w[3], double (*U)[12]) noexcept {
    constexpr int m = G ? 12 : 3;
    const Consts& c = cs[0];
    for (int ia = 0; ia < NA; ++ia)
        for (int i = 0; i < 12; ++i) U[ia][i] = 0.0;
    double xi[2] = {x - al1, x - al2};
    for (double& v : xi)
        if (std::fabs(v) < kEps) v = 0.0;
    for (int pass = 0; pass < 2; ++pass) {  // 0: real source, 1: image source
        const double d = pass == 0 ? depth + z : depth - z;
        const double p = y * c.cd + d * c.sd;
        double q = y * c.sd - d * c.cd;
        double et[2] = {p - aw1, p - aw2};
        if (std::fabs(q) < kEps) q = 0.0;
        for (double& v : et)
            if (std::fabs(v) < kEps) v = 0.0;
        // On an edge of the rectangle the displacement is discontinuous: singular.
        if (q == 0.0 && ((xi[0] * xi[1] <= 0.0 && et[0] * et[1] == 0.0) ||
                         (et[0] * et[1] <= 0.0 && xi[0] * xi[1] == 0.0)))
            return false;
        // R + xi -> 0 (or R + eta -> 0) on the extension of an edge: use the limiting forms.
        const double r12 = std::sqrt(xi[0] * xi[0] + et[1] * et[1] + q * q);
        const double r21 = std::sqrt(xi[1] * xi[1] + et[0] * et[0] + q * q);
        const double r22 = std::sqrt(xi[1] * xi[1] + et[1] * et[1] + q * q);
        const bool kxi[2] = {xi[0] < 0.0 && r21 + xi[1] < kEps, xi[0] < 0.0 && r22 + xi[1] < kEps};
        const bool ket[2] = {et[0] < 0.0 && r12 + et[1] < kEps, et[0] < 0.0 && r22 + et[1] < kEps};
        for (int k = 0; k < 2; ++k) {
            for (int j = 0; j < 2; ++j) {
                Geo2 g;
                geo2(xi[j], et[k], q, c, kxi[k], ket[j], g);
                const double sign = (j + k == 1) ? -1.0 : 1.0;  // Chinnery: f(x1) - f(x2) ...
                double a[NA][12] = {}, cp[NA][12] = {};
                ua<G, NA>(g, cs, w, a);
                if (pass == 1) {
                    ub<G, NA>(g, cs, w, a);
                    uc<G, NA>(g, cs, z, w, cp);
                }
                for (int ia = 0; ia < NA; ++ia) {
                    const double *A = a[ia], *C = cp[ia];
                    double du[12];
                    if (pass == 0) {
                        for (int b = 0; b < m; b += 3) {
                            const double s = b == 9 ? -1.0 : 1.0;  // d/dz of u(x, y, -z)
                            du[b] = -s * A[b];
                            du[b + 1] = s * (-A[b + 1] * c.cd + A[b + 2] * c.sd);
                            du[b + 2] = s * (-A[b + 1] * c.sd - A[b + 2] * c.cd);
                        }
                    } else {
                        for (int b = 0; b < m; b += 3) {
                            du[b] = A[b] + z * C[b];
                            du[b + 1] =
                                (A[b + 1] + z * C[b + 1]) * c.cd - (A[b + 2] + z * C[b + 2]) * c.sd;
                            du[b + 2] =
                                (A[b + 1] - z * C[b + 1]) * c.sd + (A[b + 2] - z * C[b + 2]) * c.cd;
                        }
                        if constexpr (G) {
                            du[9] += C[0];
                            du[10] += C[1] * c.cd - C[2] * c.sd;
                            du[11] -= C[1] * c.sd + C[2] * c.cd;
                        }
                    }
                    for (int i = 0; i < m; ++i) U[ia][i] += sign * du[i];
                }
            }
        }
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// Validation (throws; outside the hot loops).

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

[[noreturn]] void bad(const char* name, double v, std::size_t i, const char* range) {
    throw std::invalid_argument(std::string(name) + " = " + fmt(v) + " (at index " +
                                std::to_string(i) + ") is outside the allowed range " + range);
}

void check_column(const char* name, const Column& col, std::size_t n) {
    if (n == 0) return;
    if (col.data == nullptr) throw std::invalid_argument(std::string(name) + " is a null pointer");
    const std::size_t m = col.uniform() ? std::min<std::size_t>(n, 1) : n;
    for (std::size_t i = 0; i < m; ++i)
        if (!std::isfinite(col[i])) bad(name, col[i], i, "(finite values)");
}

void check_points(std::size_t n, const OkadaPoints& p) {
    check_column("x", p.x, n);
    check_column("y", p.y, n);
    check_column("z", p.z, n);
    const std::size_t m = p.z.uniform() ? std::min<std::size_t>(n, 1) : n;
    for (std::size_t i = 0; i < m; ++i)
        if (!(p.z[i] <= 0.0))
            bad("z", p.z[i], i, "z <= 0 m (the half-space; z = 0 is the surface)");
}

template <class Pred>
void check_range(const char* name, const Column& col, std::size_t n, Pred ok, const char* range) {
    check_column(name, col, n);
    const std::size_t m = col.uniform() ? std::min<std::size_t>(n, 1) : n;
    for (std::size_t i = 0; i < m; ++i)
        if (!ok(col[i])) bad(name, col[i], i, range);
}

void check_common(std::size_t n, const Column& depth, const Column& dip, const Column& alpha) {
    check_range("depth", depth, n, [](double v) { return v > 0.0; }, "depth > 0 m");
    check_range("dip", dip, n, [](double v) { return v >= 0.0 && v <= 90.0; }, "[0, 90] degrees");
    check_range("alpha", alpha, n, [](double v) { return v > 0.0 && v < 1.0; }, "(0, 1)");
}

// Okada 12-layout -> u[3], g[9] with g[3 i + j] = du_i/dx_j.
inline void store(const double U[12], double* u, double* g) noexcept {
    u[0] = U[0];
    u[1] = U[1];
    u[2] = U[2];
    if (g)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) g[3 * i + j] = U[3 + 3 * j + i];
}

inline void store_singular(double* u, double* g) noexcept {
    for (int i = 0; i < 3; ++i) u[i] = kNaN;
    if (g)
        for (int i = 0; i < 9; ++i) g[i] = kNaN;
}

// Runs eval(i, U) -> bool over [0, n) in parallel, storing results; returns singular count.
template <class Eval>
std::size_t drive(std::size_t n, double* u, double* g, std::uint8_t* flags, int threads,
                  Eval eval) {
    std::atomic<std::size_t> singular{0};
    detail::parallel_for(n, threads, kGrain, [&](std::size_t b, std::size_t e) noexcept {
        std::size_t bad_here = 0;
        double U[12];
        for (std::size_t i = b; i < e; ++i) {
            const bool ok = eval(i, U);
            if (ok) {
                store(U, u + 3 * i, g ? g + 9 * i : nullptr);
            } else {
                store_singular(u + 3 * i, g ? g + 9 * i : nullptr);
                ++bad_here;
            }
            if (flags) flags[i] = ok ? okada_ok : okada_singular;
        }
        singular.fetch_add(bad_here, std::memory_order_relaxed);
    });
    return singular.load();
}

}  // namespace

namespace detail {
void okada_canonical_scalar(std::size_t n, const double* x, const double* y, double depth,
                            double alp3, double* u) noexcept {
    canonical_block(n, x, y, depth, alp3, u);
}

bool dc3d_media(const double alpha[kOkadaMedia], double x, double y, double z, double depth,
                double dip, double al1, double al2, double aw1, double aw2,
                const std::array<double, 3>& disl, OkadaField out[kOkadaMedia]) noexcept {
    constexpr int NA = int(kOkadaMedia);
    Consts cs[NA];
    for (int ia = 0; ia < NA; ++ia) cs[ia] = make_consts(alpha[ia], dip);
    const double w[3] = {disl[0] * kInv2Pi, disl[1] * kInv2Pi, disl[2] * kInv2Pi};
    double U[NA][12];
    const bool ok = dc3d_kernel<true, NA>(cs, x, y, z, depth, al1, al2, aw1, aw2, w, U);
    for (int ia = 0; ia < NA; ++ia) {
        out[ia].singular = !ok;
        if (ok)
            store(U[ia], out[ia].u.data(), out[ia].g.data());
        else
            store_singular(out[ia].u.data(), out[ia].g.data());
    }
    return ok;
}

CanonicalKernel canonical_kernel() noexcept {
#if VISCOANN_OKADA_X86
    static const CanonicalKernel k =
        __builtin_cpu_supports("avx512f")                                 ? okada_canonical_avx512
        : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? okada_canonical_avx2
                                                                          : okada_canonical_scalar;
    return k;
#else
    return okada_canonical_scalar;
#endif
}
}  // namespace detail

std::size_t okada_point(std::size_t n, const OkadaPoints& pts, const OkadaPointSources& src,
                        double* u, double* g, std::uint8_t* flags, int threads) {
    check_points(n, pts);
    check_common(n, src.depth, src.dip, src.alpha);
    check_column("pot1", src.pot1, n);
    check_column("pot2", src.pot2, n);
    check_column("pot3", src.pot3, n);
    check_column("pot4", src.pot4, n);
    if (n == 0) return 0;
    if (u == nullptr) throw std::invalid_argument("u (output) is a null pointer");
    const bool one_source = src.dip.uniform() && src.alpha.uniform() && src.pot1.uniform() &&
                            src.pot2.uniform() && src.pot3.uniform() && src.pot4.uniform();
    if (one_source && g == nullptr && src.dip[0] == 90.0 && src.pot1[0] == 1.0 &&
        src.pot2[0] == 0.0 && src.pot3[0] == 0.0 && src.pot4[0] == 0.0 && pts.z.uniform() &&
        pts.z[0] == 0.0) {
        const std::size_t s =
            okada_canonical_surface(n, pts.x, pts.y, src.depth, src.alpha[0], u, threads);
        if (flags)
            for (std::size_t i = 0; i < n; ++i) flags[i] = okada_ok;
        return s;
    }
    if (one_source) {
        const Consts c = make_consts(src.alpha[0], src.dip[0]);
        const double w[4] = {src.pot1[0] * kInv2Pi, src.pot2[0] * kInv2Pi, src.pot3[0] * kInv2Pi,
                             src.pot4[0] * kInv2Pi};
        if (g)
            return drive(n, u, g, flags, threads, [&](std::size_t i, double* U) noexcept {
                return dc3d0_kernel<true>(c, pts.x[i], pts.y[i], pts.z[i], src.depth[i], w, U);
            });
        return drive(n, u, g, flags, threads, [&](std::size_t i, double* U) noexcept {
            return dc3d0_kernel<false>(c, pts.x[i], pts.y[i], pts.z[i], src.depth[i], w, U);
        });
    }
    auto eval = [&](auto grad, std::size_t i, double* U) noexcept {
        const Consts c = make_consts(src.alpha[i], src.dip[i]);
        const double w[4] = {src.pot1[i] * kInv2Pi, src.pot2[i] * kInv2Pi, src.pot3[i] * kInv2Pi,
                             src.pot4[i] * kInv2Pi};
        return dc3d0_kernel<decltype(grad)::value>(c, pts.x[i], pts.y[i], pts.z[i], src.depth[i], w,
                                                   U);
    };
    if (g)
        return drive(n, u, g, flags, threads, [&](std::size_t i, double* U) noexcept {
            return eval(std::true_type{}, i, U);
        });
    return drive(n, u, g, flags, threads,
                 [&](std::size_t i, double* U) noexcept { return eval(std::false_type{}, i, U); });
}

std::size_t okada_rectangle(std::size_t n, const OkadaPoints& pts, const OkadaRectSources& src,
                            double* u, double* g, std::uint8_t* flags, int threads) {
    check_points(n, pts);
    check_common(n, src.depth, src.dip, src.alpha);
    for (auto [name, col] : {std::pair{"al1", &src.al1},
                             {"al2", &src.al2},
                             {"aw1", &src.aw1},
                             {"aw2", &src.aw2},
                             {"slip[0] (strike-slip)", &src.disl1},
                             {"slip[1] (dip-slip)", &src.disl2},
                             {"slip[2] (tensile)", &src.disl3}})
        check_column(name, *col, n);
    const bool one_source = src.depth.uniform() && src.dip.uniform() && src.al1.uniform() &&
                            src.al2.uniform() && src.aw1.uniform() && src.aw2.uniform();
    const std::size_t m = one_source ? std::min<std::size_t>(n, 1) : n;
    for (std::size_t i = 0; i < m; ++i) {
        if (!(src.al1[i] <= src.al2[i])) bad("al1", src.al1[i], i, "al1 <= al2");
        if (!(src.aw1[i] <= src.aw2[i])) bad("aw1", src.aw1[i], i, "aw1 <= aw2");
        const double top = src.depth[i] - src.aw2[i] * std::sin(src.dip[i] * kPi / 180.0);
        if (!(top >= -kEps))
            bad("aw2", src.aw2[i], i,
                "depth - aw2 * sin(dip) >= 0 (the fault top below the surface)");
    }
    if (n == 0) return 0;
    if (u == nullptr) throw std::invalid_argument("u (output) is a null pointer");
    auto eval = [&](auto grad, std::size_t i, double* U) noexcept {
        const Consts c = make_consts(src.alpha[i], src.dip[i]);
        const double w[3] = {src.disl1[i] * kInv2Pi, src.disl2[i] * kInv2Pi,
                             src.disl3[i] * kInv2Pi};
        double V[1][12];
        const bool ok = dc3d_kernel<decltype(grad)::value, 1>(&c, pts.x[i], pts.y[i], pts.z[i],
                                                              src.depth[i], src.al1[i], src.al2[i],
                                                              src.aw1[i], src.aw2[i], w, V);
        std::copy(V[0], V[0] + 12, U);
        return ok;
    };
    if (g)
        return drive(n, u, g, flags, threads, [&](std::size_t i, double* U) noexcept {
            return eval(std::true_type{}, i, U);
        });
    return drive(n, u, g, flags, threads,
                 [&](std::size_t i, double* U) noexcept { return eval(std::false_type{}, i, U); });
}

std::size_t okada_canonical_surface(std::size_t n, Column x, Column y, Column depth, double alpha,
                                    double* u, int threads) {
    check_column("x", x, n);
    check_column("y", y, n);
    check_range("depth", depth, n, [](double v) { return v > 0.0; }, "depth > 0 m");
    if (!(alpha > 0.0 && alpha < 1.0)) bad("alpha", alpha, 0, "(0, 1)");
    if (n == 0) return 0;
    if (u == nullptr) throw std::invalid_argument("u (output) is a null pointer");
    const double alp3 = (1.0 - alpha) / alpha;
    const detail::CanonicalKernel fast = detail::canonical_kernel();
    detail::parallel_for(n, threads, kGrain, [&](std::size_t b, std::size_t e) noexcept {
        // Contiguous x, y and one depth is the common case: the SIMD kernel of this CPU.
        if (x.stride == 1 && y.stride == 1 && depth.uniform())
            fast(e - b, x.data + b, y.data + b, depth[0], alp3, u + 3 * b);
        else
            for (std::size_t i = b; i < e; ++i)
                detail::okada_canonical_field(x[i], y[i], depth[i], alp3, u + 3 * i);
    });
    return 0;
}

OkadaField dc3d0(double alpha, double x, double y, double z, double depth, double dip,
                 const std::array<double, 4>& pot) {
    OkadaField f{};
    const OkadaPoints p{Column::scalar(x), Column::scalar(y), Column::scalar(z)};
    const OkadaPointSources s{Column::scalar(depth),  Column::scalar(dip),
                              Column::scalar(pot[0]), Column::scalar(pot[1]),
                              Column::scalar(pot[2]), Column::scalar(pot[3]),
                              Column::scalar(alpha)};
    f.singular = okada_point(1, p, s, f.u.data(), f.g.data(), nullptr, 1) != 0;
    return f;
}

OkadaField dc3d(double alpha, double x, double y, double z, double depth, double dip, double al1,
                double al2, double aw1, double aw2, const std::array<double, 3>& disl) {
    OkadaField f{};
    const OkadaPoints p{Column::scalar(x), Column::scalar(y), Column::scalar(z)};
    const OkadaRectSources s{Column::scalar(depth),   Column::scalar(dip),
                             Column::scalar(al1),     Column::scalar(al2),
                             Column::scalar(aw1),     Column::scalar(aw2),
                             Column::scalar(disl[0]), Column::scalar(disl[1]),
                             Column::scalar(disl[2]), Column::scalar(alpha)};
    f.singular = okada_rectangle(1, p, s, f.u.data(), f.g.data(), nullptr, 1) != 0;
    return f;
}

}  // namespace viscoann
