"""Reading a page: its model (front matter, fences, headings, includes, formulas, links), includes, code blocks."""
