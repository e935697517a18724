"""The data layer: the raw-data contract, reading and validating a raw-data folder, the city
gazetteer, and the validated data every later stage loads."""
