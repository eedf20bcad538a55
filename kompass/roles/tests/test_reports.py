"""Reports of the role model: role profile PDF, the matrix as PDF/XLSX/CSV, the role network graph."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kompass.conftest import World
from kompass.reports import graphs
from kompass.roles import graph, services
from kompass.roles.models import ActivityTemplate, Confidence, Role

INJECTION = '=HYPERLINK("http://angriff.example/","Klick")'


@dataclass
class ReportWorld:
    world: World
    strategy: ActivityTemplate
    cdo: Role
    hvb: Role
    isb: Role
    dsb: Role
    rat: Role
    evil: Role
    foreign_role: Role

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"roles:{name}", kwargs={"kommune_slug": self.world.kommune.slug, **kwargs})


def make_role(world: World, kommune: Any = None, **data: Any) -> Role:
    return services.role_create(kommune=kommune or world.kommune, actor=world.admin, data=data)


@pytest.fixture
def rw(world: World) -> ReportWorld:
    k, admin = world.kommune, world.admin
    strategy = ActivityTemplate.objects.create(
        key="strategie", name="Digitalstrategie beschließen", confidence=Confidence.ABGELEITET, version="1"
    )
    cdo = make_role(
        world,
        name="Chief Digital Officer",
        short_name="CDO",
        purpose="Treibt die digitale Transformation der ganzen Verwaltung.",
        tasks=["Digitalstrategie entwickeln", "Lotsen-Netzwerk koordinieren"],
        responsibilities=["Digitale Agenda"],
        competences=["Veränderungsmanagement", "Prozessdenken"],
        placement="Stabsstelle bei der Verwaltungsspitze",
        time_share_percent=100,
        source="KGSt-Bericht 8/2018",
    )
    hvb = make_role(world, name="Hauptverwaltungsbeamte(r)", short_name="HVB")
    isb = make_role(world, name="Informationssicherheitsbeauftragte(r)", short_name="ISB")
    dsb = make_role(
        world,
        name="Datenschutzbeauftragte(r)",
        short_name="DSB",
        not_filled=True,
        not_filled_reason="Extern über den Zweckverband bestellt.",
    )
    rat = make_role(world, name="Rat der Stadt", short_name="Rat", kind="gremium")
    evil = make_role(world, name=INJECTION, short_name="Formel")
    foreign = make_role(world, kommune=world.other, name="GEHEIM-Rolle", short_name="GEHEIM")
    services.assignment_create(
        kommune=k,
        actor=admin,
        data={
            "person": world.alice,
            "role": cdo,
            "time_share": "50",
            "valid_from": datetime.date(2025, 3, 1),
            "deputy": world.bruno,
            "mandate": "Dienstanweisung vom 01.03.2025",
        },
    )
    for source, target, kind in ((cdo, hvb, "berichtet_an"), (cdo, isb, "koordiniert"), (isb, cdo, "beraet")):
        services.relation_create(
            kommune=k, actor=admin, data={"from_role": source, "to_role": target, "relation_type": kind}
        )
    for role_, letter in ((hvb, "A"), (cdo, "R"), (evil, "C")):
        services.raci_set(kommune=k, actor=admin, activity=strategy, role=role_, letter=letter, expected=None)
    return ReportWorld(world, strategy, cdo, hvb, isb, dsb, rat, evil, foreign)


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pdf_info(content: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


# --- role profile PDF ------------------------------------------------------------------------


def test_role_profile_pdf_names_the_role_its_tasks_and_its_current_holder(
    rw: ReportWorld, reader_client: Client
) -> None:
    response = reader_client.get(rw.url("role_pdf", pk=rw.cdo.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="rollenprofil-{rw.cdo.key}.pdf"'
    text = pdf_text(response.content)
    assert "Chief Digital Officer" in text
    assert "Alice Amtsleiterin" in text and "Bruno Ordner" in text, "holder and deputy"
    assert "10 Hauptamt" in text and "50 %" in text and "01.03.2025" in text
    assert "Digitalstrategie entwickeln" in text and "Veränderungsmanagement" in text
    assert "berichtet an Hauptverwaltungsbeamte(r)" in text
    assert "Informationssicherheitsbeauftragte(r) berät diese Rolle" in text
    assert "eigene Rolle der Kommune" in text and "KGSt-Bericht 8/2018" in text
    assert "Teststadt" in text and "Seite 1 von" in text


def test_role_profile_pdf_is_tagged_german_and_titled(rw: ReportWorld, admin_client: Client) -> None:
    info = pdf_info(admin_client.get(rw.url("role_pdf", pk=rw.cdo.pk)).content)
    assert "Tagged:          yes" in info
    assert "Title:           Rollenprofil: Chief Digital Officer – Teststadt" in info


def test_role_profile_of_an_unfilled_role_says_so(rw: ReportWorld, admin_client: Client) -> None:
    text = pdf_text(admin_client.get(rw.url("role_pdf", pk=rw.dsb.pk)).content)
    assert "bewusst nicht besetzt" in text and "Zweckverband" in text


def test_role_profile_of_another_kommune_is_not_found(rw: ReportWorld, admin_client: Client) -> None:
    response = admin_client.get(rw.url("role_pdf", pk=rw.foreign_role.pk))
    assert response.status_code == 404 and b"GEHEIM" not in response.content


def test_outsider_and_anonymous_get_no_role_profile(rw: ReportWorld, outsider_client: Client) -> None:
    assert outsider_client.get(rw.url("role_pdf", pk=rw.cdo.pk)).status_code == 404
    response = Client().get(rw.url("role_pdf", pk=rw.cdo.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_markup_in_role_texts_is_printed_as_text_not_fetched(rw: ReportWorld, admin_client: Client) -> None:
    services.role_update(
        kommune=rw.world.kommune,
        actor=rw.world.admin,
        role=rw.hvb,
        data={"placement": '<img src="http://angriff.example/spion.png"> Spitze'},
    )
    text = pdf_text(admin_client.get(rw.url("role_pdf", pk=rw.hvb.pk)).content)
    assert '<img src="http://angriff.example/spion.png"> Spitze' in text


# --- the matrix as files ---------------------------------------------------------------------


def test_matrix_pdf_shows_activities_letters_legend_and_row_check(rw: ReportWorld, reader_client: Client) -> None:
    response = reader_client.get(rw.url("matrix_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="verantwortungsmatrix-teststadt-')
    text = pdf_text(response.content)
    assert "Digitalstrategie beschließen" in text
    assert "Verantwortungsmatrix der Digitalisierung" in text and "Teststadt" in text
    assert "verantwortet, entscheidet" in text and "wird informiert" in text
    assert "in Ordnung" in text
    assert "Tagged:          yes" in pdf_info(response.content)


def test_matrix_pdf_splits_many_roles_into_several_tables(rw: ReportWorld, admin_client: Client) -> None:
    for n in range(14):
        make_role(rw.world, name=f"Zusatzrolle {n}", short_name=f"Z{n}")
    text = pdf_text(admin_client.get(rw.url("matrix_pdf")).content)
    assert "Teil 1 von 2" in text and "Teil 2 von 2" in text


def test_matrix_xlsx_has_roles_as_columns_and_the_letters(rw: ReportWorld, reader_client: Client) -> None:
    response = reader_client.get(rw.url("matrix_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Aktivität", "Beschreibung", "Chief Digital Officer"]
    row = {header[i]: cell.value for i, cell in enumerate(sheet[2])}
    assert row["Aktivität"] == "Digitalstrategie beschließen"
    assert row["Hauptverwaltungsbeamte(r)"] == "A" and row["Chief Digital Officer"] == "R"
    assert row["Informationssicherheitsbeauftragte(r)"] is None
    assert row["Prüfung"] == "in Ordnung"


def test_matrix_xlsx_stores_a_formula_like_role_name_as_text(rw: ReportWorld, admin_client: Client) -> None:
    workbook = load_workbook(io.BytesIO(admin_client.get(rw.url("matrix_xlsx")).content))
    sheet = workbook.worksheets[0]
    cells = [cell for cell in sheet[1] if "HYPERLINK" in str(cell.value)]
    assert len(cells) == 1
    assert cells[0].value == "'" + INJECTION and cells[0].data_type == "s"
    legend = [c.value for row in workbook["Legende"].iter_rows() for c in row]
    assert "'" + INJECTION in legend and INJECTION not in legend


def test_matrix_csv_is_excel_friendly_and_formula_safe(rw: ReportWorld, reader_client: Client) -> None:
    response = reader_client.get(rw.url("matrix_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[0] == "Aktivität" and header[-1] == "Prüfung"
    assert "'=HYPERLINK" in lines[0] and ";=HYPERLINK" not in lines[0]
    assert lines[1].startswith("Digitalstrategie beschließen;")


def test_matrix_exports_are_closed_to_outsiders_and_anonymous(rw: ReportWorld, outsider_client: Client) -> None:
    for name in ("matrix_xlsx", "matrix_csv", "matrix_pdf"):
        assert outsider_client.get(rw.url(name)).status_code == 404
        response = Client().get(rw.url(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- the role network graph ------------------------------------------------------------------


def test_graph_page_draws_every_role_and_marks_unfilled_roles_by_shape_and_label(
    rw: ReportWorld, reader_client: Client
) -> None:
    response = reader_client.get(rw.url("graph"))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.rindex("<svg", 0, html.index('class="kk-graph__svg"'))
    svg = html[start : html.index("</svg>", start)]
    for name in ("Chief Digital Officer", "Hauptverwaltungsbeamte(r)", "Rat der Stadt"):
        assert name in svg
    assert "(besetzt: 1)" in svg and "(unbesetzt)" in svg and "(bewusst nicht besetzt)" in svg and "(Gremium)" in svg
    assert 'stroke-dasharray="5,2"' in svg, "Graphviz draws the unfilled role's octagon dashed"
    assert "berichtet an" in svg and "koordiniert" in svg and "berät" in svg
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "<!--" not in html and "<title>r" not in svg


def test_graph_node_shapes_follow_the_state(rw: ReportWorld) -> None:
    source = graph.dot_source(graph.role_network(rw.world.kommune))
    line = {
        rw_role.name: next(x for x in source.splitlines() if x.startswith(f"  r{rw_role.pk} ["))
        for rw_role in (rw.cdo, rw.isb, rw.dsb, rw.rat)
    }
    assert "shape=box" in line[rw.cdo.name] and "rounded" in line[rw.cdo.name]
    assert "shape=octagon" in line[rw.isb.name] and "dashed" in line[rw.isb.name]
    assert "shape=octagon" in line[rw.dsb.name] and "dotted" in line[rw.dsb.name]
    assert "shape=ellipse" in line[rw.rat.name]


def test_graph_page_lists_every_relation_as_text_grouped_by_role(rw: ReportWorld, admin_client: Client) -> None:
    html = admin_client.get(rw.url("graph")).content.decode()
    listing = html[html.index('id="liste-titel"') :]
    assert "berichtet an Hauptverwaltungsbeamte(r)" in listing
    assert "Chief Digital Officer koordiniert diese Rolle" in listing
    assert "Keine Beziehungen der gewählten Arten." in listing


def test_graph_filter_shows_only_the_chosen_relation_types(rw: ReportWorld, admin_client: Client) -> None:
    html = admin_client.get(rw.url("graph") + "?art=beraet").content.decode()
    listing = html[html.index('id="liste-titel"') :]
    assert "berät Chief Digital Officer" in listing
    assert "berichtet an Hauptverwaltungsbeamte(r)" not in listing
    assert 'value="beraet" id="art-beraet" checked' in html
    assert 'value="koordiniert" id="art-koordiniert">' in html


def test_graph_filter_with_an_unknown_type_explains_and_shows_everything(rw: ReportWorld, admin_client: Client) -> None:
    response = admin_client.get(rw.url("graph") + "?art=liebt")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unbekannte Beziehungsart" in html or "gültige Auswahl" in html
    assert "berichtet an Hauptverwaltungsbeamte(r)" in html


def test_role_names_cannot_inject_graphviz_syntax(rw: ReportWorld) -> None:
    tricky = make_role(rw.world, name='Amt "X" \\N ] ; r1 -> r2 \n<b>fett</b>', short_name="X")
    network = graph.role_network(rw.world.kommune)
    source = graph.dot_source(network)
    assert f'r{tricky.pk} [label="Amt \\"X\\" \\\\N ] ; r1 -> r2\\n<b>fett</b>\\n(unbesetzt)"' in source
    assert len(re.findall(r"^  r\d+ -> r\d+ \[", source, flags=re.M)) == 3, "the name did not add an edge"
    svg = graph.render_svg(network, title="T", desc="D")
    assert '>Amt "X" \\N ] ; r1 -&gt; r2</text>' in svg, "Graphviz printed the backslash, it did not expand it"
    assert "&lt;b&gt;fett&lt;/b&gt;" in svg and "<b>" not in svg


def test_graph_page_falls_back_to_the_list_when_graphviz_fails(
    rw: ReportWorld, admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graphs.shutil, "which", lambda name: None)
    monkeypatch.setattr(graphs.cache, "get", lambda key: None)
    response = admin_client.get(rw.url("graph"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Die Grafik konnte gerade nicht erzeugt werden" in html
    assert "berichtet an Hauptverwaltungsbeamte(r)" in html


def test_graph_is_closed_to_outsiders_and_anonymous(rw: ReportWorld, outsider_client: Client) -> None:
    response = outsider_client.get(rw.url("graph"))
    assert response.status_code == 404 and b"GEHEIM" not in response.content
    response = Client().get(rw.url("graph"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_graph_of_teststadt_never_shows_nachbarort_roles(rw: ReportWorld, admin_client: Client) -> None:
    assert b"GEHEIM" not in admin_client.get(rw.url("graph")).content
