"""Physical constants and nominal solar/planetary units (IAU 2015 Resolution B3, CODATA 2018)."""

from __future__ import annotations

import math

#: Nominal solar effective temperature, K (IAU 2015 B3).
T_SUN_K = 5772.0
#: Nominal solar radius, m (IAU 2015 B3).
R_SUN_M = 6.957e8
#: Nominal Earth equatorial radius, m (IAU 2015 B3; the archive's pl_rade unit).
R_EARTH_M = 6.3781e6
#: Nominal Jupiter equatorial radius, m.
R_JUPITER_M = 7.1492e7
#: Nominal solar mass parameter G*M_sun, m^3 s^-2.
GM_SUN = 1.3271244e20
#: Earth and Jupiter mass parameters, m^3 s^-2 (IAU 2015 B3).
GM_EARTH = 3.986004e14
GM_JUPITER = 1.2668653e17
#: Jupiter mass in Earth masses.
M_JUPITER_EARTH = GM_JUPITER / GM_EARTH
#: Astronomical unit, m (IAU 2012 B2).
AU_M = 1.495978707e11
#: Day in seconds.
DAY_S = 86400.0
#: Parsec in m.
PC_M = 3.0856775814913673e16
#: Planck, speed of light, Boltzmann (SI, exact).
H_PLANCK = 6.62607015e-34
C_LIGHT = 2.99792458e8
K_BOLTZMANN = 1.380649e-23
#: Earth radius in solar radii.
R_EARTH_IN_SUN = R_EARTH_M / R_SUN_M
#: Four pi, used by Kepler III.
FOUR_PI2 = 4.0 * math.pi**2
