"""Reports for leaders: one service behind the API, the dashboard, the exports and the CLI."""
