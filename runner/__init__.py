"""lis: a dbt-style runner that turns raw extracts into KL's disability-area indicators."""
