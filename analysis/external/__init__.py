"""Public partnership datasets: registry, fetch/copy with SHA-256 checks, harmonisation into the contract (`python -m analysis external`)."""
