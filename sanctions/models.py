"""Models of the sanctions app; see DESIGN.md §3. Filled in by later issues."""
