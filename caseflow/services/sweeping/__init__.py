"""The set-based sweep, split by step: claims, escalation, marks and auto-close."""
