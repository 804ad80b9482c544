"""One module per mechanism; each phase is a vectorised function over all seats or customers."""
