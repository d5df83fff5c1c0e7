"""The habitability and observability assessment of one planet."""

from __future__ import annotations

from dataclasses import dataclass

from astrobio.domain.composition import CompositionProbabilities, composition_probabilities
from astrobio.domain.errors import InsufficientData
from astrobio.domain.habitability import (
    HZ_CLAMPED_WARNING,
    HabitableZone,
    early_mars_flux_earth,
    earth_similarity_index,
    habitable_zone,
    runaway_flux_earth,
)
from astrobio.domain.observability import (
    emission_spectroscopy_metric,
    transmission_spectroscopy_metric,
)
from astrobio.domain.orbits import (
    equilibrium_temperature_k,
    insolation_earth,
    luminosity_sun,
    semi_major_axis_au,
)
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass, estimate_mass_earth


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """Every derived quantity for one planet, with the caveats that apply to it.

    ``warnings`` lists, in plain words, each value that was derived rather than
    measured or that must be read with care (estimated mass, derived J, extrapolated HZ).
    """

    name: str
    teq_k: float
    insolation_earth: float
    semi_major_axis_au: float
    luminosity_sun: float
    mass_earth: float | None
    mass_is_estimated: bool
    planet_class: PlanetClass
    hz: HabitableZone
    in_conservative_hz: bool
    in_optimistic_hz: bool
    tsm: float | None
    esm: float | None
    esi: float
    radius_earth: float
    star_radius_sun: float
    j_mag: float | None
    j_mag_is_derived: bool
    distance_pc: float | None
    transits: bool | None
    warnings: tuple[str, ...]
    composition: CompositionProbabilities | None = None
    runaway_flux_earth: float | None = None
    star_teff_k: float | None = None

    @property
    def beyond_outer_edge(self) -> bool:
        """Instellation below the early-Mars limit: no CO2-H2O greenhouse keeps surface water liquid."""
        if self.star_teff_k is None:
            return False
        return self.insolation_earth < float(early_mars_flux_earth(self.star_teff_k))

    @property
    def in_runaway(self) -> bool:
        """Instellation at or above the mass-dependent runaway-greenhouse limit: no surface liquid water."""
        return self.runaway_flux_earth is not None and self.insolation_earth >= self.runaway_flux_earth

    @property
    def tsm_meaningful(self) -> bool:
        """TSM measures a transmission signal: it means something only for a planet known to transit."""
        return self.tsm is not None and self.transits is True


def assess_planet(planet: Planet, colours: ColourSequence | None = None) -> Assessment:
    """Compute T_eq, instellation, HZ, class, TSM, ESM and ESI for ``planet``.

    Rules
    -----
    * radius, stellar Teff and stellar radius are required; a is taken as given, else
      from the period and stellar mass (Kepler III); luminosity as given, else from R, Teff.
    * a missing mass is estimated from the radius (Chen & Kipping as in Kempton 2018)
      and flagged; an M sin i is used as the mass and flagged as a lower limit.
    * the composition class is the most probable of :func:`composition_probabilities` (measured
      mass and radius against the Zeng curves, else the radius alone), with the probabilities kept;
    * the HZ uses Teff clamped to 2600-7200 K outside the fit (``hz.valid`` False, a warning);
    * the runaway-greenhouse instellation is Kopparapu's, interpolated in mass (``in_runaway``).
    * a missing J is derived from Ks with ``colours`` (if given) and flagged.
    * TSM is ``None`` without J or for Rp >= 10 R_earth; ESM is ``None`` without Ks.

    Raises
    ------
    InsufficientData: naming the first missing input that prevents the assessment.
    """
    star = planet.star
    warnings: list[str] = []
    if planet.radius_earth is None:
        raise InsufficientData("planet radius is required", field="radius_earth")
    if star.teff_k is None:
        raise InsufficientData("stellar effective temperature is required", field="star.teff_k")
    if star.radius_sun is None:
        raise InsufficientData("stellar radius is required", field="star.radius_sun")
    radius = planet.radius_earth

    lum = star.luminosity_sun
    if lum is None:
        lum = luminosity_sun(star.radius_sun, star.teff_k)
    a_au = planet.semi_major_axis_au
    if a_au is None:
        if planet.orbital_period_days is None:
            raise InsufficientData(
                "one of orbital_period_days or semi_major_axis_au is required",
                field="orbital_period_days",
            )
        if star.mass_sun is None:
            raise InsufficientData(
                "stellar mass is required to derive a from the period", field="star.mass_sun"
            )
        a_au = semi_major_axis_au(planet.orbital_period_days, star.mass_sun)

    s_earth = insolation_earth(lum, a_au)
    teq = equilibrium_temperature_k(star.teff_k, star.radius_sun, a_au)

    mass = planet.mass_earth
    estimated = False
    if mass is None:
        mass = estimate_mass_earth(radius)
        estimated = True
        if mass is not None:
            warnings.append("mass estimated from radius (Chen & Kipping 2017, Kempton et al. 2018)")
    elif planet.mass_is_minimum:
        warnings.append("mass is a minimum mass (M sin i)")
    measured = None if estimated else mass
    composition = composition_probabilities(
        radius_earth=radius,
        radius_err=planet.error("radius_earth"),
        mass_earth=measured,
        mass_err=None if measured is None else planet.error("mass_earth"),
    )
    planet_class = composition.most_likely
    if composition.basis == "radius_only":
        warnings.append("composition class from the radius alone (Rogers 2015, Fulton et al. 2017)")
    if mass is None:
        warnings.append("radius > 14.3 R_earth does not determine mass")

    hz = habitable_zone(star.teff_k, lum)
    if not hz.valid:
        warnings.append(HZ_CLAMPED_WARNING)
    runaway = float(runaway_flux_earth(star.teff_k, mass if mass is not None else 5.0))
    if s_earth >= runaway:
        warnings.append("instellation above the runaway-greenhouse limit (Kopparapu et al. 2014): "
                        "no surface liquid water")
    if s_earth < float(early_mars_flux_earth(star.teff_k)):
        warnings.append("instellation below the early-Mars limit (Kopparapu et al. 2014): "
                        "no surface liquid water under a CO2-H2O greenhouse")
    if planet.eccentricity is not None and planet.eccentricity > 0.3:
        warnings.append("eccentric orbit (e > 0.3): instellation varies strongly along the orbit")

    j_mag, j_derived = star.j_mag, star.j_mag_is_derived
    if j_mag is None and star.k_mag is not None and colours is not None:
        j_mag = colours.derive_j_mag(star.k_mag, star.teff_k)
        j_derived = j_mag is not None
    if j_derived:
        warnings.append("J magnitude derived from Ks and Teff (Pecaut & Mamajek 2013 colours)")

    tsm = None
    if j_mag is not None and mass is not None:
        tsm = transmission_spectroscopy_metric(
            radius_earth=radius, mass_earth=mass, teq_k=teq,
            star_radius_sun=star.radius_sun, j_mag=j_mag,
        )
    esm = None
    if star.k_mag is not None:
        esm = emission_spectroscopy_metric(
            radius_earth=radius, teq_k=teq, star_radius_sun=star.radius_sun,
            star_teff_k=star.teff_k, k_mag=star.k_mag,
        )

    return Assessment(
        name=planet.name,
        teq_k=teq,
        insolation_earth=s_earth,
        semi_major_axis_au=a_au,
        luminosity_sun=lum,
        mass_earth=mass,
        mass_is_estimated=estimated,
        planet_class=planet_class,
        hz=hz,
        in_conservative_hz=hz.contains_conservative(a_au),
        in_optimistic_hz=hz.contains_optimistic(a_au),
        tsm=tsm,
        esm=esm,
        esi=earth_similarity_index(radius, s_earth),
        radius_earth=radius,
        star_radius_sun=star.radius_sun,
        j_mag=j_mag,
        j_mag_is_derived=j_derived,
        distance_pc=star.distance_pc,
        transits=planet.transits,
        warnings=tuple(warnings),
        composition=composition,
        runaway_flux_earth=runaway,
        star_teff_k=star.teff_k,
    )
