"""Demo data drawn from the five source articles: units, users and case stories."""
