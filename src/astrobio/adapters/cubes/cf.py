"""Standard names: the default (ExoPlaSim) mapping and the CF attributes of known variables.

ExoPlaSim (3.x) writes CMIP-style short names and the dimensions ``time``, ``lev``, ``lat``,
``lon``, so its mapping is the identity:

- ``time``: model time steps (``units: timesteps``), kept as written;
- ``lev``: sigma at layer midpoints, top first (10 levels in the bundled runs);
- ``lat``: degrees north, *north first* in the file (32 Gaussian latitudes at T21);
- ``lon``: degrees east, 0 to 354.375 (64 at T21);
- 2-D fields ``(time, lat, lon)``: ts, tas, ps, pr, clt, rlut, rsut, rst, alb, sic, prw;
- 3-D fields ``(time, lev, lat, lon)``: ta, ua, va, hus, cl.

Some of ExoPlaSim's ``standard_name`` attributes are not CF standard names (``air_temperature_2m``,
``sea_ice_cover``, ``toa_net_longwave_flux`` for the *outgoing* longwave); the table below gives
the CF ones, and the store keeps the source's value under ``source_standard_name``.
"""

from __future__ import annotations

from astrobio.application.ports.cube_store import VariableMapping

#: The canonical dimension order of every stored field (2-D fields lack ``lev``).
STANDARD_DIMS = ("time", "lev", "lat", "lon")

#: ExoPlaSim's names are already the standard ones.
EXOPLASIM_MAPPING = VariableMapping(variables={}, dims={d: d for d in STANDARD_DIMS}, keep=None)

#: name -> (CF standard_name, long_name, units used when the source gives none).
CF_ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "ts": ("surface_temperature", "Surface temperature", "K"),
    "tas": ("air_temperature", "Near-surface (2 m) air temperature", "K"),
    "ps": ("surface_air_pressure", "Surface air pressure", "hPa"),
    "pr": ("lwe_precipitation_rate", "Precipitation (liquid water equivalent)", "m s-1"),
    "clt": ("cloud_area_fraction", "Total cloud cover", "1"),
    "rlut": ("toa_outgoing_longwave_flux", "Outgoing longwave radiation at TOA", "W m-2"),
    "rsut": ("toa_outgoing_shortwave_flux", "Reflected shortwave radiation at TOA", "W m-2"),
    "rst": ("toa_net_downward_shortwave_flux", "Net shortwave radiation at TOA", "W m-2"),
    "alb": ("surface_albedo", "Surface albedo", "1"),
    "sic": ("sea_ice_area_fraction", "Sea-ice cover", "1"),
    "prw": ("atmosphere_mass_content_of_water_vapor", "Water vapour path", "kg m-2"),
    "ta": ("air_temperature", "Air temperature", "K"),
    "ua": ("eastward_wind", "Eastward wind", "m s-1"),
    "va": ("northward_wind", "Northward wind", "m s-1"),
    "hus": ("specific_humidity", "Specific humidity", "kg kg-1"),
    "cl": ("cloud_area_fraction_in_atmosphere_layer", "Cloud fraction in layer", "1"),
}

#: CF attributes of the standardized coordinates (``time`` keeps the source's).
COORD_ATTRIBUTES: dict[str, dict[str, str]] = {
    "lat": {"standard_name": "latitude", "long_name": "latitude", "units": "degrees_north", "axis": "Y"},
    "lon": {"standard_name": "longitude", "long_name": "longitude", "units": "degrees_east", "axis": "X"},
    "lev": {"standard_name": "atmosphere_sigma_coordinate", "long_name": "sigma at layer midpoints",
            "units": "1", "axis": "Z", "positive": "down"},
}


def effective_mapping(mapping: VariableMapping | None) -> VariableMapping:
    """``mapping`` with the standard dimension names mapped to themselves (None: ExoPlaSim's)."""
    if mapping is None:
        return EXOPLASIM_MAPPING
    return VariableMapping(variables=dict(mapping.variables),
                           dims={d: d for d in STANDARD_DIMS} | dict(mapping.dims), keep=mapping.keep)
