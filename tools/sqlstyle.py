"""One SQL style for the models and macros, checked in the test suite (tests/test_sql_style.py):
keywords, type and function names in lower case, and joins spelled out (`cross join`, never a
comma between tables).

A sqlglot tokenizer does it in well under a second for the whole project, Jinja and all; sqlfluff
took 30 s of CPU for the same files and needs every Jinja global stubbed.

    python -m tools.sqlstyle          # list what breaks the style
    python -m tools.sqlstyle --fix    # lower-case keywords, types and function names in place
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.tokens import TokenType

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# Tokens whose text is a name or a value, not SQL's own words.
_NAMES = {TokenType.VAR, TokenType.IDENTIFIER, TokenType.STRING, TokenType.NUMBER}
_NAMES |= {TokenType.PARAMETER, TokenType.PLACEHOLDER, TokenType.HEREDOC_STRING}
_WORD = re.compile(r"[A-Za-z_][A-Za-z_ ]*")


def _blank_jinja(text: str) -> str:
    """The text with each Jinja tag as spaces (newlines kept): offsets stay those of the file."""
    return _JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _words(text: str) -> list[tuple[int, int]]:
    """(start, end) of every keyword, type and function name of the SQL around the Jinja."""
    tokens = DuckDB().tokenizer().tokenize(_blank_jinja(text))
    spans = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        is_function = (
            token.token_type == TokenType.VAR
            and following is not None
            and following.token_type == TokenType.L_PAREN
            and following.start == token.end + 1
        )
        if (token.token_type not in _NAMES or is_function) and _WORD.fullmatch(token.text):
            spans.append((token.start, token.end + 1))
    return spans


def upper_case_words(text: str) -> list[tuple[int, str]]:
    """(line, word) for each keyword, type or function name not written in lower case."""
    return [
        (text.count("\n", 0, start) + 1, text[start:end])
        for start, end in _words(text)
        if text[start:end] != text[start:end].lower()
    ]


def fix(text: str) -> str:
    chars = list(text)
    for start, end in _words(text):
        chars[start:end] = text[start:end].lower()
    return "".join(chars)


def comma_joins(compiled_sql: str) -> list[str]:
    """The tables joined by a comma in compiled SQL (a cross join should say so)."""
    found = []
    for statement in sqlglot.parse(compiled_sql, read="duckdb"):
        for join in statement.find_all(exp.Join) if statement else []:
            if not any(join.args.get(k) for k in ("kind", "side", "on", "using", "method")):
                found.append(join.this.sql(dialect="duckdb"))
    return found


def sql_files(root: Path) -> list[Path]:
    return sorted([*root.joinpath("models").rglob("*.sql"), *root.joinpath("macros").glob("*.sql")])


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    problems = 0
    for path in sql_files(root):
        text = path.read_text(encoding="utf-8")
        if "--fix" in argv:
            path.write_text(fix(text), encoding="utf-8")
            continue
        for line, word in upper_case_words(text):
            print(f"{path.relative_to(root)}:{line}: {word} (write it in lower case)")
            problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
