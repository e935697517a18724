"""Chinese documents to candidate rows of the raw-data contract (`python -m analysis extract`)."""
