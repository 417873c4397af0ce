"""`tei-encoder register merge OTHER.xml`: a partner's whole list matched into the register.

Certain matches enrich our entry (new name forms, authority ids we lack, the partner's id as
idno[@type="source"]); new entities enter marked imported; doubtful ones and conflicts are only reported.
"""
from __future__ import annotations

from pathlib import Path

from .entities import RegisterWriter, match_entity, read_register_file


def merge_register(other: str | Path, register_dir: str | Path, *, dry_run: bool = False) -> dict:
    writer = RegisterWriter(Path(register_dir))
    before = set(writer.index.conflicts())
    entities = read_register_file(Path(other))
    out = {"source": str(other), "register": str(register_dir), "entities": len(entities),
           "certain": [], "new": [], "doubtful": [], "conflict": [],
           "register_conflicts_before": sorted(before)}
    for ent in entities.values():
        m = match_entity(ent, writer.index)
        rec = m.as_dict()
        if m.status == "certain" and not dry_run:
            rec["added_to_entry"] = writer.enrich(m.target, ent)
        elif m.status == "new" and not dry_run:
            rec["target"] = writer.add(ent)
        out[m.status].append(rec)
    out["conflicts"] = sorted(set(writer.conflicts) | (set(writer.index.conflicts()) - before))
    out["files_written"] = [] if dry_run else [str(p) for p in writer.save()]
    return out


def format_merge(res: dict) -> str:
    lines = [f"{res['source']}: {res['entities']} entities: {len(res['certain'])} matched, {len(res['new'])} new, "
             f"{len(res['doubtful'])} to review, {len(res['conflict'])} in conflict"]
    for r in res["certain"]:
        lines.append(f"  matched   {r['source_id']:<14} {r['name']} -> {r['target']} ({r['why']})")
    for r in res["new"]:
        lines.append(f"  new       {r['source_id']:<14} {r['name']}" + (f" -> {r['target']}" if r.get("target") else ""))
    for r in res["doubtful"] + res["conflict"]:
        cands = "; ".join(f"{c['id']} {c['confidence']} ({c['why']})" for c in r["candidates"]) or "-"
        lines.append(f"  {r['status']:<9} {r['source_id']:<14} {r['name']}: candidates {cands}"
                     + (f"; {' | '.join(r['conflicts'])}" if r["conflicts"] else ""))
    for c in res["conflicts"]:
        lines.append(f"  conflict: {c}")
    for c in res["register_conflicts_before"]:
        lines.append(f"  register conflict (already there): {c}")
    return "\n".join(lines)
