"""Shared fixtures: paths, the edition encoded once per session, tei_all compiled once."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "seeds"
DEV = SHARED / "dev-transcripts"
TEI_ALL = SHARED / "reference" / "tei_all.rng"
REGISTER = ROOT / "tei" / "register"


@pytest.fixture(scope="session")
def tei_all_rng():
    """tei_all.rng compiled once per session (through the validator's fast loader)."""
    if not TEI_ALL.exists():
        pytest.skip(f"{TEI_ALL} not found (shared/ reference files are needed)")
    from tei_encoder.validation.rngfast import load_fast_relaxng
    rng, _info = load_fast_relaxng(TEI_ALL)
    return rng


@pytest.fixture(scope="session")
def encoded_seeds(tmp_path_factory):
    """The five seeds encoded with the project's register into a fresh folder."""
    import shutil
    from tei_encoder.encode import encode_paths
    out = tmp_path_factory.mktemp("tei-seeds")
    shutil.copytree(REGISTER, out / "register")      # refs resolve as in tei/: register/persons.xml#…
    results = encode_paths([str(SEEDS)], out, register_dir=out / "register")
    return out, results


@pytest.fixture(scope="session")
def encoded_dev(tmp_path_factory):
    if not DEV.exists():
        pytest.skip("dev transcripts not found")
    from tei_encoder.encode import encode_paths
    out = tmp_path_factory.mktemp("tei-dev")
    results = encode_paths([str(DEV)], out, register_dir=REGISTER)
    return out, results
