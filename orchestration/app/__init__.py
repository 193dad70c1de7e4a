"""`revops app` and `revops report`: charts of the published marts and the steward review grid.

The app only reads the published warehouse (a fresh read-only connection per request, so it
never holds a lock a build needs and sees each new publish at once) and writes steward
decisions as new files in the landing folder, which the next build ingests.
"""
