"""`--fps` as the commands read it: an exact Fraction, decimal NTSC spellings meaning the exact rates."""
from __future__ import annotations

from fractions import Fraction

from desktop.errors import UserError

_NTSC = {"23.976": Fraction(24000, 1001), "29.97": Fraction(30000, 1001),
         "47.952": Fraction(48000, 1001), "59.94": Fraction(60000, 1001)}


def parse_rate(text: str) -> Fraction:
    try:
        rate = _NTSC.get(text) or Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise UserError(f"--fps {text!r} is not a frame rate (e.g. 25, 30000/1001, 29.97)") from None
    if rate <= 0:
        raise UserError(f"--fps {text} must be positive")
    return rate
