"""The bottom of the house: what several packages share (errors, reading YAML, describing validation errors).

Nothing here imports from the rest of the project.
"""
