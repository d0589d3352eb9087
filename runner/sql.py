"""Writing values into SQL text, where DuckDB takes no parameter (COPY targets, COMMENT ON,
names)."""


def literal(value: object) -> str:
    """A SQL string literal: 'it''s'."""
    return "'" + str(value).replace("'", "''") + "'"
