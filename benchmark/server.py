"""What the benchmark's server adds to the product (benchmark/settings.py, benchmark/urls.py): a
per-request query count in a response header, and a minimal view that every page's throughput is
measured against. The product's own settings and URLs have neither."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse

QUERY_COUNT_HEADER = "X-Query-Count"
MINIMAL_PATH = "/__benchmark__/minimal/"


class QueryCountMiddleware:
    """Sets X-Query-Count to the number of database queries the request ran."""

    # Outermost (benchmark/settings.py), so the count includes the session's and the user's
    # queries and everything the other middleware asks.

    def __init__(self, get_response):
        """Keep the next handler, as every middleware does."""
        self.get_response = get_response

    def __call__(self, request):
        """Answer the request, counting every statement it sends to the database."""
        count = 0

        # An execute wrapper sees every statement without DEBUG, which would change what is
        # measured (DEBUG keeps every query's SQL in memory and serves static files itself).
        def counter(execute, sql, params, many, context):
            """Count the statement, then run it."""
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        # `connection` is this thread's connection, so gunicorn's threads each count their own.
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response


@login_not_required  # the load tool measures it without signing in
def minimal(request):
    """The yardstick: the cost of the stack itself (gunicorn, middleware, routing), no database."""
    return HttpResponse("ok", content_type="text/plain")
