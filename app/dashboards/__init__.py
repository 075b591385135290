"""Dashboards: HR's supply, gaps, funnel and timing; a member state's and a mission's own."""
