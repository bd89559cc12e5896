"""The portfolio domain's database work: assignments (assignments.py) and the
manager's dashboard, read from other domains' tables (dashboard.py)."""
