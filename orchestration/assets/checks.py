"""Great Expectations suites (expectations/*.json) run as Dagster asset checks."""


expectation_checks: list = []
