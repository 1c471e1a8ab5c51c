"""The queries every signed-in council page makes, counted once here so that each page's test
adds only its own.

  1 the session, 2 the user (authentication),
  3 "must this person use two-factor, and have they no authenticator?" (the two-factor
    middleware; one query for both questions),
  4 the person's current roles in every council, with the councils (the standing, and the
    layout's council switcher, from the same rows),
  5 their current seats in this council (the standing),
  6 the layout's unread-notification count.
"""

COUNCIL_PAGE = 6
