"""Helper package of the inter-city cooperation compendium.

All shared logic lives here; the notebooks in ``notebooks/`` only call it.
"""

__version__ = "0.1.0"
