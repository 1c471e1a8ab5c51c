"""The queries every signed-in council page makes, counted once here so that each page's test
adds only its own.

  1 the session,
  2 the user (authentication),
  3 the person's current roles in every council, with the councils and "has an authenticator?"
    (the two-factor middleware, the standing, and the layout's council switcher, all from the
    same rows),
  4 their current seats in this council (the standing),
  5 the layout's unread-notification count.
"""

COUNCIL_PAGE = 5

# A list page shows one page of its list (council.lib.pagination.page_of): before the rows, the
# list's total and the page's ids.
PAGE_OF = 2
