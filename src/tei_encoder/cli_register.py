"""`tei-encoder evaluate` and `tei-encoder register …`."""
from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import click

from .encode import PROJECT_ROOT, encode_paths
from .evaluate import evaluate as run_evaluate
from .evaluate import format_report
from .register import KINDS, Register, add_entry
from .validation.xmlsafe import TeiInputError, parse_untrusted

DEFAULT_REGISTER = Path("tei/register")


@click.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--tei", "tei_dir", type=click.Path(path_type=Path),
              help="Score existing TEI files; default: encode each gold document's source afresh.")
@click.option("--register", "register_dir", type=click.Path(path_type=Path), default=DEFAULT_REGISTER, show_default=True)
@click.option("--split", type=click.Choice(["tune", "heldout", "all"]), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", "show_errors", is_flag=True, help="List every missed, spurious and wrongly linked mention.")
def evaluate(gold, tei_dir, register_dir, split, as_json, show_errors):
    """Score the tagging against hand-made gold files (JSON, see tests/gold/README.md).

    GOLD is one or more gold files or folders of them.

    \b
    Examples:
      tei-encoder evaluate tests/gold --split heldout
      tei-encoder evaluate tests/gold/0*.json          # the five seeds
    """
    golds = sorted({f for g in gold for f in (g.glob("*.json") if g.is_dir() else [g])})
    if not register_dir.is_dir():
        # scoring names with no register would print figures that mean nothing
        raise click.ClickException(f"{register_dir}: no register folder here (give --register DIR)")
    register = Register.load(register_dir)
    with tempfile.TemporaryDirectory() as tmp:
        if tei_dir is None:
            tei_dir = Path(tmp)
            sources = [_gold_source(g) for g in golds]
            missing = [(g, src) for g, src in zip(golds, sources) if not Path(src).is_file()]
            for g, src in missing:
                click.echo(f"error: {g}: its source {src} is missing", err=True)
            if missing:
                raise click.ClickException(f"{len(missing)} gold file(s) without their source text; nothing scored")
            encode_paths(sources, tei_dir, register_dir=register_dir, force=True)
        splits = ["tune", "heldout", None] if split == "all" else [split]
        out = {}
        for sp in splits:
            rep = run_evaluate(golds, tei_dir, register, split=sp)
            if not rep.documents:
                continue
            out[sp or "all"] = rep.as_dict()
            if not as_json:
                click.echo(format_report(rep, f"split {sp or 'all'}"))
                click.echo()
            if show_errors and sp is None or (show_errors and split != "all"):
                for e in rep.errors:
                    click.echo(json.dumps(e, ensure_ascii=False))
        if as_json:
            click.echo(json.dumps(out, indent=1))


def _gold_source(gold: Path) -> str:
    """The transcript a gold file annotates: its `source`, relative to the project's root."""
    try:
        src = Path(json.loads(gold.read_text("utf-8"))["source"])
    except (ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{gold}: not a gold file ({exc.__class__.__name__}: {exc})") from None
    return str(src if src.is_absolute() else (PROJECT_ROOT / src).resolve())


@click.group()
def register():
    """Work on the register: names to review, new entries.

    \b
    Examples:
      tei-encoder register unknown tei/
      tei-encoder register add person "Pak Song Chol" --variant "Pak Seong-cheol" --wikidata Q1234
    """


@register.command("unknown")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def unknown(paths, fmt):
    """List names tagged without a register entry (@cert="low"), with counts and contexts.

    \b
    Example:
      tei-encoder register unknown tei/ --format json > review.json
    """
    T = "{http://www.tei-c.org/ns/1.0}"
    found: dict[tuple[str, str], dict] = defaultdict(lambda: {"count": 0, "documents": set(), "contexts": []})
    files = []
    for p in paths:
        files += sorted(p.glob("*.xml")) if p.is_dir() else [p]
    for f in files:
        try:
            root = parse_untrusted(f).getroot()
        except TeiInputError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        for el in root.iter(T + "persName", T + "placeName", T + "orgName"):
            if el.get("ref") or el.get("cert") != "low":
                continue
            name = " ".join("".join(el.itertext()).split())
            rec = found[(el.tag.split("}")[1], name)]
            rec["count"] += 1
            rec["documents"].add(f.name)
            parent = el.getparent()
            if len(rec["contexts"]) < 3 and parent is not None:
                ctx = " ".join("".join(parent.itertext()).split())
                i = ctx.find(name)
                rec["contexts"].append(ctx[max(0, i - 50): i + len(name) + 50])
    rows = sorted(found.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    if fmt == "json":
        click.echo(json.dumps([{"type": k[0], "name": k[1], "count": v["count"], "documents": sorted(v["documents"]),
                                "contexts": v["contexts"]} for k, v in rows], indent=1, ensure_ascii=False))
        return
    for (tag, name), v in rows:
        click.echo(f"{v['count']:4}  {tag:9} {name}   ({', '.join(sorted(v['documents']))})")
        for c in v["contexts"]:
            click.echo(f"        … {c} …")
    click.echo(f"{len(rows)} names to review", err=True)


@register.command("add")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("preferred")
@click.option("--variant", "variants", multiple=True, help="Another form of the name (repeatable).")
@click.option("--id", "ident", help="xml:id (default: a slug of the preferred name).")
@click.option("--wikidata", help="Wikidata id (Q…); without one the entry is marked provisional.")
@click.option("--description", help="One line shown on hover in the HTML edition.")
@click.option("--register", "register_dir", type=click.Path(path_type=Path), default=DEFAULT_REGISTER, show_default=True)
def add(kind, preferred, variants, ident, wikidata, description, register_dir):
    """Add an entry to the register; re-encoding then links its names.

    \b
    Example:
      tei-encoder register add person "Pak Song Chol" --variant "Pak Seong-cheol" \\
          --description "DPRK foreign minister 1959-1970"
    """
    try:
        new_id = add_entry(register_dir, kind, preferred, list(variants), ident=ident, wikidata=wikidata,
                           description=description)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"added {kind} {new_id} to {register_dir / KINDS[kind][0]}")


@register.command("merge")
@click.argument("other", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--register", "register_dir", type=click.Path(path_type=Path), default=DEFAULT_REGISTER, show_default=True)
@click.option("--dry-run", is_flag=True, help="Match and report only; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def merge(other, register_dir, dry_run, fmt):
    """Merge a partner's list of persons, places or organisations (TEI listPerson/listPlace/listOrg).

    Matched first by authority id (Wikidata, VIAF, GND, GeoNames, any URI form), then by names with a
    confidence. Certain matches enrich our entry; new entities are added marked imported
    (idno type="source"); doubtful ones and conflicts (one authority id on two entries, two ids of
    one authority on one entry) are reported, never merged. Exit 1 when anything needs review.

    \b
    Example:
      tei-encoder register merge ../partner/persons.xml --dry-run
    """
    from .importer.merge import format_merge, merge_register
    try:
        res = merge_register(other, register_dir, dry_run=dry_run)
    except Exception as exc:  # the partner's file is refused with the parser's message
        click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(2)
    click.echo(json.dumps(res, indent=1, ensure_ascii=False) if fmt == "json" else format_merge(res))
    sys.exit(1 if res["doubtful"] or res["conflict"] or res["conflicts"] else 0)
