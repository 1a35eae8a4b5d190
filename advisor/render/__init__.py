"""render: see README "Development" for the map of the package."""
