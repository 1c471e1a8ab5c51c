"""Small helpers that know nothing of councils' rules, used by every app: working days (England
and Wales bank holidays), checking uploaded files, paginating a list, and the timeline of an
object's history."""
