"""The pipeline: parameters, the notebook runner, its manifest and history, HTML renderings and the CLI."""
