"""The calendar domain's database work: feeds (feeds.py) and the items a calendar
shows, read from other domains' tables (items.py)."""
