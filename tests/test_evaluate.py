"""The evaluation command and its scorer."""
from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import ROOT
from tei_encoder.cli import main
from tei_encoder.evaluate import Score, evaluate

GOLD = ROOT / "tests" / "gold"


def test_score_arithmetic():
    from collections import Counter
    s = Score()
    s.add(Counter({"kim il sung": 2, "mao": 1}), Counter({"kim il sung": 1, "stalin": 1}))
    assert (s.gold, s.pred, s.tp) == (3, 2, 1)
    assert round(s.precision, 3) == 0.5 and round(s.recall, 3) == 0.333


def test_a_perfect_prediction_scores_one(tmp_path, encoded_seeds):
    """Gold written from the system's own output scores 1.0: the scorer reads what it should."""
    from tei_encoder.evaluate import extract
    out, _ = encoded_seeds
    tei = next(out.glob("000_*.xml"))
    mentions, dates = extract(tei)
    gold = {"document": tei.stem, "source": "x", "split": "tune",
            "mentions": [{"type": t, "text": text, "entity": None} for t, text, _ in mentions],
            "dates": [{"text": d, "when": v} for d, v in dates]}
    (tmp_path / "g.json").write_text(json.dumps(gold))
    rep = evaluate([tmp_path / "g.json"], out)
    d = rep.as_dict()
    assert d["person"]["f1"] == d["place"]["f1"] == 1.0 and d["dates"]["f1"] == 1.0


def test_evaluate_command_reports_figures_per_split_and_meets_the_targets_on_the_seeds(tmp_path):
    seeds_gold = tmp_path / "gold"
    seeds_gold.mkdir()
    for g in GOLD.glob("0*.json"):
        (seeds_gold / g.name).write_text(g.read_text())
    r = CliRunner().invoke(main, ["evaluate", str(seeds_gold), "--json"])
    assert r.exit_code == 0, r.output
    figures = json.loads(r.output)["tune"]
    assert figures["documents"] == 5
    # regression floor on the seeds (README has the figures for the held-out part)
    assert figures["person"]["f1"] >= 0.9 and figures["place"]["f1"] >= 0.9
    assert figures["dates"]["normalisation_accuracy"] >= 0.95
    assert figures["links"]["wrong"] <= 2


def test_evaluate_refuses_missing_sources_and_a_missing_register(tmp_path, monkeypatch):
    """Figures computed without the text or without the register would mean nothing: one line
    naming each missing file, a non-zero exit, no table."""
    gold = json.loads((GOLD / "000_daf40f914c803129.json").read_text("utf-8"))
    gold["source"] = str(tmp_path / "gone.txt")
    path = tmp_path / "g.json"
    path.write_text(json.dumps(gold), "utf-8")
    r = CliRunner().invoke(main, ["evaluate", str(path), "--register", str(ROOT / "tei" / "register")])
    assert r.exit_code == 1
    assert f"{path}: its source {tmp_path / 'gone.txt'} is missing" in r.output
    assert "person" not in r.output
    monkeypatch.chdir(tmp_path)                         # no tei/register here
    r = CliRunner().invoke(main, ["evaluate", str(GOLD / "000_daf40f914c803129.json")])
    assert r.exit_code == 1 and "no register folder" in r.output
