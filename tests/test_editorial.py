"""Square brackets of translators and editors become TEI (ENCODING.md, Editorial interventions)."""
from __future__ import annotations

from lxml import etree

from tei_encoder.annotate.editorial import find_editorial
from tei_encoder.writers.inline import TEI_NS, append_inline


def encode(text: str) -> str:
    p = etree.Element(f"{{{TEI_NS}}}p", nsmap={None: TEI_NS})
    spans, hidden = find_editorial(text)
    append_inline(p, text, spans, hidden)
    return etree.tostring(p, encoding="unicode").split(">", 1)[1].rsplit("<", 1)[0]


def test_omission_is_a_gap():
    assert encode("at his request. […] He") == 'at his request. <gap reason="omitted"/> He'
    assert encode("[...]") == '<gap reason="omitted"/>'


def test_supplied_words_keep_their_reason():
    assert encode("[I] received") == '<supplied reason="implied">I</supplied> received'
    assert encode("comrade [Anastas] Mikoyan") == 'comrade <supplied reason="completion">Anastas</supplied> Mikoyan'
    assert encode("V[asily]. Pisarev") == 'V<supplied reason="completion">asily</supplied>. Pisarev'
    assert encode("Filippov [Stalin]") == 'Filippov <supplied reason="gloss">Stalin</supplied>'


def test_alternative_romanisation_is_a_choice():
    assert encode("Comrade Ri Song-un [Ri Song Un], Ambassador") == \
        'Comrade <choice><orig>Ri Song-un</orig><reg>Ri Song Un</reg></choice>, Ambassador'


def test_a_different_name_in_brackets_is_a_gloss_not_a_respelling():
    assert "<choice>" not in encode("Jiang Jieshi [Chiang Kai-shek]")


def test_footnote_marker_and_feature_descriptions():
    assert encode("Bodnaras [1]") == 'Bodnaras <ref type="noteAnchor" n="1">1</ref>'
    assert encode("[signature] V. Pisarev") == '<gap reason="signature"/> V. Pisarev'
    assert encode("[stamp and handwriting; stamp not stamped properly] Foreign") == \
        '<note type="description">stamp and handwriting; stamp not stamped properly</note> Foreign'
