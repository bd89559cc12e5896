"""The amenities domain's database work: amenities and their rules (amenities.py), bookings (bookings.py)."""
