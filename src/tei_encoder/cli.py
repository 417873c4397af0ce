"""The command line: one click group, one sub-command per job.

Each command lives in the module of its job (``tei_encoder.<job>``'s own
``cli_*`` module) and is attached here, so this file stays an index.
"""
from __future__ import annotations

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tei-encoder")
def main() -> None:
    """Turn archival transcripts into a TEI P5 edition, validate TEI, publish it.

    \b
    Example:
      tei-encoder build            # seeds/ -> tei/, validated, site/ and pdf/
    """


# Commands are attached below, one line each (keep it an index).
from .cli_encode import build, encode  # noqa: E402
main.add_command(encode)
main.add_command(build)
from .cli_validate import validate; main.add_command(validate)  # noqa: E402
from .cli_register import evaluate, register  # noqa: E402
main.add_command(evaluate)
main.add_command(register)
from .cli_render import render; main.add_command(render)  # noqa: E402
from .cli_exchange import export, serve; main.add_command(export); main.add_command(serve)  # noqa: E402
from .cli_import import import_cmd; main.add_command(import_cmd, name="import")  # noqa: E402
