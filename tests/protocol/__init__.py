"""The protocol: versions, sections, adoption and acknowledgement, and the importer."""
