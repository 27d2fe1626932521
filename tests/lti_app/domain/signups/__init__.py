"""Sign-up rules, pure: seats, waitlist, plans, series, rotation, groups, time zones."""
