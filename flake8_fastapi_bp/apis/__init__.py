"""Data tables: which calls block, what they return, what replaces them."""
