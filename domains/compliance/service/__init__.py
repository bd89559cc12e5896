"""Use cases of the compliance domain (calendar.py), with all its SQL. Nothing
here commits: each runs inside the operation's (or the daily run's) transaction."""
