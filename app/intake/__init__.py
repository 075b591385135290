"""Intake: read the documents people already have — a terms of reference, a CV — and propose the
fields of the request or expert form, each with the sentence it came from, for a person to
confirm. Nothing here saves anything: the proposal fills a form, which is validated and saved as
if it had been typed.
"""
