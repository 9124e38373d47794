"""Outputs meant for people, read from a store (never from listings)."""
