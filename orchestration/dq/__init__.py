"""Data-quality helpers shared by dbt Python models and commands (record linkage)."""
