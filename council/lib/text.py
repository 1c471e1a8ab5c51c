"""Text as people send it. Browsers send a textarea's line breaks as CRLF (\r\n); stored as sent,
a text saved without an edit differs from the same text typed elsewhere, and "what changed"
shows changes nobody made. Text is normalised once, where it enters (the forms, the importer)."""


def normalise_newlines(text: str) -> str:
    """Every line break as \n: CRLF (browsers, Windows files) and a lone CR (old Mac files)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
