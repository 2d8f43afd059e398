"""The storyboard: a project's script as scenes, edited one at a time and re-rendered."""
