"""The amenities domain's database work: the amenities and their rules (amenities.py), bookings and their lifecycle (bookings.py)."""
