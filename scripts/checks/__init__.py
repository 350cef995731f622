"""The house rules dbt-bouncer cannot check (scripts/check_project.py runs them)."""
