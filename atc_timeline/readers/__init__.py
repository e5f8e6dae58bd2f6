"""Readers: case files (YAML today) into validated Case models, every problem located."""
