"""Checks of the built site and the project: translations, links, accessibility, the browser, the workflow."""
