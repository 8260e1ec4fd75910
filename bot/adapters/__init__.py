"""Small Discord-facing helpers shared by the cogs (replies, checks, alert routing, snapshots)."""
