"""The people of the grid (交叉任职, building roles, households, 代办), follow-up calls (回访),
reminders that keep nothing waiting unseen, and notices to people."""
