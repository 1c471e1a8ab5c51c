"""Protocol text as HTML: paragraphs split by blank lines, lines starting with "- " as a list.
The text is plain text from clerks and imports, so every piece is escaped."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def protocol_paragraphs(text: str) -> SafeString:
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        items = [line[2:] for line in lines if line.startswith("- ")]
        if items and len(items) == len(lines):
            blocks.append(
                format_html(
                    '<ul class="list list--bullet">{}</ul>',
                    format_html_join("", "<li>{}</li>", ((i,) for i in items)),
                )
            )
        else:
            blocks.append(format_html("<p>{}</p>", " ".join(lines)))
    return mark_safe("\n".join(blocks))
