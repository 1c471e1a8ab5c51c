"""Accounts that nobody else can take (issue 20): the parts of allauth's account pages that are
ours. allauth does the work; settings.py switches on what it offers (re-authentication before an
address, password or two-factor change, a notice to the old address of each change, one address
per account), and this module adds what it leaves to the project:

- Password-reset links last an hour; an invitation's link (the same page, for someone who has no
  password yet) lasts its own, longer, stated lifetime (tokens.py).
- An address that any account holds, or that an invitation waits on, verified or not, cannot be
  added to another account (forms.py): otherwise a councillor could add an invited
  officer's address to their own account and, once the officer pressed "Confirm", own it.
- Sessions end: after a while with no request, and at the latest some hours or days after sign-in
  (sessions.py: session_started on sign-in, session_expired on every request; the middleware
  calls it).

The other parts: services.py (the actions on accounts that are ours), adapters.py (nobody signs
themselves up) and signals.py (what happens on signing in, on a failed sign-in and on setting a
password; council.apps connects them).
"""
