"""Writes of the visit family. Views call these; none of them re-implements a rule."""
