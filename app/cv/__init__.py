"""CV files: upload (checked by content), text extraction into the CV summary, download."""
