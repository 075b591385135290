"""The assignment: its dates once deployed, its end told ahead in the daily digest, its
completion with structured evaluations, and the expert's return to the roster."""
