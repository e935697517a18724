"""Descriptive tables, networks and figures (with the figure registry) behind notebooks 20, 25 and 40."""
