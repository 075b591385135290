"""An assignment: a selected expert's deployment, its dates, its end and the return to the roster."""
