"""The pure computation core of Cap NR: footprint, scoring and impact models.

It never imports Django (a test enforces it); the apps reach it through one adapter module each.
The footprint engine itself arrives with its own issue; this package holds its version now so that
every stored result can already name the engine version that produced it.
"""

ENGINE_VERSION = "0.1.0"

__all__ = ["ENGINE_VERSION"]
