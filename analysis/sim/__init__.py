"""Simulated raw data with planted effects (``python -m analysis simulate``)."""
