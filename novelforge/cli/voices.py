"""``novelforge voices [PROJECT]``: each character's voice fingerprint and who sounds alike."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.options import format_option, output_option, project_argument, warn, write_output
from novelforge.formats import VOICES


@app.command("voices")
def voices_cmd(
    project: Optional[Path] = project_argument(),
    fmt: str = format_option(VOICES),
    min_words: int = typer.Option(1000, "--min-words", metavar="N",
        help="Dialogue a character needs before a fingerprint is shown (docs/voices.md: why 1000)."),
    mfw: int = typer.Option(100, "--mfw", metavar="N", help="How many of the most frequent words Delta compares."),
    output: Optional[Path] = output_option("Write the page or report to this file."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the analysis cache."),
) -> int:
    """Fingerprint each character's dialogue and say which characters sound alike.

    Example: novelforge voices my-novel --format html -o voices.html

    Per character (from the dialogue the speaker attribution gives them): words, mean
    sentence length, contractions, questions, exclamations, vocabulary richness (MATTR),
    and cosine Delta on the most frequent words to every other character.
    Exit codes: 0 shown, 2 usage error (a bad number, no project).
    """
    from novelforge import api

    result = api.voices(project, min_words=min_words, mfw=mfw, use_cache=not no_cache, warn=warn)
    write_output(VOICES.render(fmt, result), output)
    return 0
