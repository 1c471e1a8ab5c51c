"""What passes between councillors and officers. Information requests ("need to know") arrive
with issue 4; for now this holds the routes a request can take."""

from django.db import models


class Route(models.TextChoices):
    """Which rule decides a councillor's request for documents (DESIGN §4 R5–R7)."""

    PRESUMED = "presumed", "Need to know is presumed"
    JUSTIFICATION = "justification", "A specific written justification is required"
    OFFICER_DECIDES = "officer", "The officer decides"
