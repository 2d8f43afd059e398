"""The studio's tabs: each builds its components and holds its event handlers."""
