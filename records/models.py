"""Models of the records app; see DESIGN.md §3. Filled in by later issues."""
