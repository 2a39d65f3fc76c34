"""BibTeX / CSL-JSON parsing into `Publication`: accents, braces, `and others`, missing fields,
broken entries reported with their line and skipped."""
from __future__ import annotations

import json
from pathlib import Path

from engine.scholar.bibtex import (Author, decode_latex, load_publications, match_owner,
                                   normalize_name, parse_bibtex, parse_csl_json)

FIXTURE = Path(__file__).resolve().parents[1] / "sites" / "scholar" / "source" / "_data" / \
    "publications.bib"


def fixture():
    return load_publications(FIXTURE, "source/_data/publications.bib")


def by_key(result):
    return {p.key: p for p in result.publications}


def test_fixture_good_entries_in_file_order_and_bad_ones_reported_with_lines():
    result = fixture()
    assert [p.key for p in result.publications] == [
        "wang2023cocktailsgd", "liu2023dejavu", "liang2022helm", "zhang2025ladder",
        "wang2020pyramid", "goedel2024workshop", "wang2023thesis"]
    text = FIXTURE.read_text("utf-8").splitlines()
    errors = [(e.path, e.line, e.message) for e in result.errors]
    assert len(errors) == 2
    (p1, l1, m1), (p2, l2, m2) = errors
    assert p1 == p2 == "source/_data/publications.bib"
    assert text[l1 - 1].startswith("@article{broken2021") and "invalid BibTeX" in m1
    assert text[l2 - 1].startswith("@inproceedings{notitle2019") and "no title" in m2


def test_entry_lines_point_at_the_entry():
    text = FIXTURE.read_text("utf-8").splitlines()
    for p in fixture().publications:
        assert text[p.line - 1].lstrip().startswith("@") and p.key in text[p.line - 1]


def test_latex_accents_braces_and_string_macros_are_decoded():
    pubs = by_key(fixture())
    cocktail = pubs["wang2023cocktailsgd"]
    assert cocktail.title == "CocktailSGD: Fine-tuning Foundation Models over 500Mbps Networks"
    assert "Christopher Ré" in [a.name for a in cocktail.authors]
    assert "Christopher De Sa" in [a.name for a in cocktail.authors]
    assert cocktail.venue == "International Conference on Machine Learning (ICML)"   # @string
    assert (cocktail.year, cocktail.month) == (2023, 7)
    goedel = pubs["goedel2024workshop"]
    assert goedel.title == "Über formal unentscheidbare Sätze & Other Stories"
    assert [a.name for a in goedel.authors] == ["Kurt Gödel", "The Together AI Team"]
    assert goedel.authors[1].literal


def test_and_others_missing_fields_and_links():
    pubs = by_key(fixture())
    helm = pubs["liang2022helm"]
    assert helm.others and helm.authors[-1].name == "JUE WANG"
    assert [(lk.kind, lk.url) for lk in helm.links] == [
        ("code", "https://github.com/stanford-crfm/helm/"),
        ("arxiv", "https://arxiv.org/abs/2211.09110")]
    assert helm.url == "https://arxiv.org/abs/2211.09110"     # title link falls back to arXiv
    thesis = pubs["wang2023thesis"]
    assert thesis.venue == "PhD thesis, Zhejiang University" and thesis.links == []
    assert thesis.url == "" and thesis.month is None
    goedel = pubs["goedel2024workshop"]
    assert goedel.year is None and goedel.note == "Best paper runner-up"
    pyramid = pubs["wang2020pyramid"]
    kinds = [lk.kind for lk in pyramid.links]
    assert kinds == ["doi", "slides", "video"]
    assert pyramid.links[0].url == "https://doi.org/10.18653/v1/2020.acl-main.525"
    ladder = pubs["zhang2025ladder"]
    assert [lk.url for lk in ladder.links] == ["https://arxiv.org/abs/2501.06589"]   # from journal


def test_selected_award_equal_contribution():
    pubs = by_key(fixture())
    assert pubs["wang2023cocktailsgd"].selected and pubs["liu2023dejavu"].selected
    assert not pubs["liang2022helm"].selected
    assert pubs["liu2023dejavu"].award == "Oral"
    assert pubs["wang2023cocktailsgd"].equal == {0, 1}


def test_bibtex_export_drops_site_fields_and_keeps_latex():
    cocktail = by_key(fixture())["wang2023cocktailsgd"]
    assert cocktail.bibtex.startswith("@inproceedings{wang2023cocktailsgd,\n")
    assert "R{\\'e}" in cocktail.bibtex and "month = jul" in cocktail.bibtex
    assert "year = 2023" in cocktail.bibtex
    for site_field in ("selected", "code", "equal"):
        assert f"  {site_field} =" not in cocktail.bibtex
    assert cocktail.bibtex.rstrip().endswith("}")


def test_decode_latex_cases():
    assert decode_latex(r"R{\'e}") == "Ré"
    assert decode_latex(r"{\v{S}}imon") == "Šimon"
    assert decode_latex(r"pages 1--10") == "pages 1–10"
    assert decode_latex(r"A \& B, 100\%") == "A & B, 100%"
    assert decode_latex(r"Why {GPT}s?") == "Why GPTs?"
    assert decode_latex("plain  text\n more") == "plain text more"


def test_owner_matching_ignores_case_accents_order_and_dots():
    variants = ["Jue Wang", "J. Wang"]
    assert match_owner(Author(first="Jue", last="Wang"), variants)
    assert match_owner(Author(first="JUE", last="WANG"), variants)
    assert match_owner(Author(first="J.", last="Wang"), variants)
    assert not match_owner(Author(first="Junlin", last="Wang"), variants)
    assert normalize_name("Wang, Jue") == normalize_name("jue wang")
    assert normalize_name(r"R{\'e}, Christopher") == "christopher re"


def test_unbalanced_file_and_duplicate_keys_are_errors_not_crashes():
    text = ("@article{a, title={One}, year=2020}\n\n"
            "@article{a, title={Two}, year=2021}\n\n"
            "@book{b, title={Unclosed, year=2019\n")
    result = parse_bibtex(text, "x.bib")
    assert [p.title for p in result.publications] == ["One"]
    lines = sorted(e.line for e in result.errors)
    assert lines == [3, 5]
    assert any("duplicate" in e.message for e in result.errors)


def test_not_utf8_is_reported_with_line(tmp_path):
    p = tmp_path / "pubs.bib"
    p.write_bytes(b"@article{a, title={Ok}}\n@article{b, title={Caf\xe9}}\n")
    result = load_publications(p, "pubs.bib")
    assert result.publications == [] and result.errors[0].line == 2


def test_csl_json(tmp_path):
    items = [
        {"id": "smith2020", "type": "article-journal", "title": "A <i>study</i>",
         "author": [{"family": "Smith", "given": "Ann"}, {"literal": "others"}],
         "issued": {"date-parts": [[2020, 3]]}, "container-title": "Nature",
         "DOI": "10.1/abc", "selected": True, "code": "https://github.com/x/y"},
        {"id": "notitle", "type": "book"},
        {"id": "conf", "type": "paper-conference", "title": "Talk",
         "author": [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van den"}],
         "issued": {"date-parts": [[2019]]}, "container-title": "ICML"},
    ]
    text = json.dumps(items, indent=2)
    path = tmp_path / "publications.json"
    path.write_text(text)
    result = load_publications(path, "source/_data/publications.json")
    a, c = result.publications
    assert a.title == "A study" and a.others and a.year == 2020 and a.month == 3
    assert a.selected and a.venue == "Nature" and a.type == "article"
    assert [lk.kind for lk in a.links] == ["code", "doi"]
    assert c.type == "inproceedings" and c.venue == "ICML" and c.authors[0].name == "Jan van den Berg"
    assert "@inproceedings{conf," in c.bibtex and "author = {van den Berg, Jan}" in c.bibtex
    (err,) = result.errors
    assert "no title" in err.message and text.splitlines()[err.line - 1].strip().startswith('"id": "notitle"')
    bad = parse_csl_json("[{", "x.json")
    assert bad.errors and bad.errors[0].line == 1
