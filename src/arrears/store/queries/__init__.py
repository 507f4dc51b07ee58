"""Read models: queries that return frames for the planner and reports."""
