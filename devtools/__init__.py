"""Development tools, kept apart from the Dagster code location (orchestration/): the sample-data
generator, the ground-truth check and the benchmarks. Nothing in orchestration/ imports them
except the CLI's `generate` command (and the first run's sample data)."""
