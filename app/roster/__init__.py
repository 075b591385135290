"""The roster: experts and their rules (``experts``), search, the focal point's pages for their own
member state's experts and HR's pages over every member state's."""
