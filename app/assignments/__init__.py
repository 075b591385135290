"""An assignment: a selected expert's deployment, its dates, its end, the return to the roster."""
