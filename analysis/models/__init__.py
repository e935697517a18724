"""Models of what keeps a relationship active: one module per model, the registry that drives them, power."""
