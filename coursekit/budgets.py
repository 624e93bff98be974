"""The course's budgets, in one place: the benchmark reports against them, and the page-weight test holds
the deterministic ones (bytes, requests; elements: tests/test_page_markup.py). Times are for a 2-core machine."""

KB = 1000

BUDGET = {  # upper bounds
    "cold build": 30, "warm rebuild": 3, "tests": 90, "one chapter's tests": 30,
    "tests per chapter": 25,  # core-seconds the full `pytest` grows by with each chapter (bench --chapters)
    "code total": 10, "code block": 2, "page bytes": 150 * KB, "page requests": 12, "page third-party": 0,
    "math font": 40 * KB,  # gzip, added to a chapter page's first visit
    "elements per chapter page": 4_000,  # each styled and laid out at every load
}
