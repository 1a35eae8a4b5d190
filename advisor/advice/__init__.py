"""advice: see README "Development" for the map of the package."""
