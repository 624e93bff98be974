"""Commands for contributors: refresh, new-chapter, bench, pins."""
