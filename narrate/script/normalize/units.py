"""Units after a number: "10 km", "1 mi", "a 10-km race"."""

from __future__ import annotations

import re

# Unit symbol -> (singular, plural). Symbols that are also common words or scales ("in", "m", "t", "L")
# are left alone: "5 in 10" and "a $5m grant" must not become inches or meters.
_UNITS = {
    "km": ("kilometer", "kilometers"), "cm": ("centimeter", "centimeters"), "mm": ("millimeter", "millimeters"),
    "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "\u00b5g": ("microgram", "micrograms"), "\u03bcg": ("microgram", "micrograms"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "ha": ("hectare", "hectares"), "sq ft": ("square foot", "square feet"), "sq mi": ("square mile", "square miles"),
    "sq km": ("square kilometer", "square kilometers"), "km2": ("square kilometer", "square kilometers"),
    "km\u00b2": ("square kilometer", "square kilometers"), "m\u00b2": ("square meter", "square meters"),
    "mph": ("mile per hour", "miles per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "m/s": ("meter per second", "meters per second"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"), "GW": ("gigawatt", "gigawatts"),
    "TW": ("terawatt", "terawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"), "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "ppm": ("part per million", "parts per million"), "ppb": ("part per billion", "parts per billion"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"), "sec": ("second", "seconds"), "yrs": ("year", "years"),
    "acre-ft": ("acre-foot", "acre-feet"), "MAF": ("million acre-feet", "million acre-feet"),
    "bpd": ("barrel per day", "barrels per day"),
}
_UNIT = re.compile(
    r"(?<![\w.,])(\d+(?:,\d{3})*(?:\.\d+)?)(\s?|-)("
    + "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))
    + r")(?![\w\u00b2/])(\.(?=\s[a-z]))?"
)


def _unit(match: re.Match[str]) -> str:
    number, joint, unit = match.group(1), match.group(2), match.group(3)
    one, many = _UNITS[unit]
    if joint == "-":
        return f"{number}-{one}"  # "a 10-km race" is a ten-kilometer race
    return f"{number} {one if number == '1' else many}"


def read_units(text: str) -> str:
    """Units after a number: "10 km" -> "10 kilometers", "1 mi" -> "1 mile", "a 10-km race" -> "a 10-kilometer race"."""
    return _UNIT.sub(_unit, text)
