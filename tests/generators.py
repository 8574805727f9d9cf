"""Driving generation generators in tests, keeping what they yield."""
from __future__ import annotations


def run(gen):
    """Drive a generation generator; return (progress events, result)."""
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return events, stop.value
