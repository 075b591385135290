"""What every feature uses: errors and the transaction helper, permissions, the audit trail,
reference data, the skill vocabulary, form helpers, CSV export and upload guards."""
