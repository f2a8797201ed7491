"""Email rendering: every template, autoescaping, strict variables, filters."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from jinja2 import UndefinedError

from notify.render import TEMPLATES, TEMPLATES_DIR, Attachment, money, pct, render, when

REPORT = Attachment("performance-C-1.pdf", b"%PDF-1.4 report")
CONTEXTS = {
    "renewal_reminder": {
        "contract": {
            "reference": "C-1",
            "client": "Acme <script>alert(1)</script>",
            "stage": "health_check",
            "key_date": date(2025, 9, 1),
            "days_to_key_date": 78,
            "value": Decimal("12000"),
            "currency": "EUR",
            "notice_deadline": date(2025, 9, 1),
        },
        "manager_name": "Ann",
        "tasks": [{"title": "Health check: C-1", "due_date": date(2025, 6, 3)}],
        "health": {"score": 66.04, "reasons": ["SLA compliance 91% < 95%"]},
        "link": "https://desk.example.com/contracts/1",
    },
    "client_renewal_notice": {
        "client": "Acme",
        "contact_name": "Bob",
        "contract_reference": "C-1",
        "end_date": date(2025, 9, 30),
        "currency": "EUR",
        "proposed_price": Decimal("1030"),
        "new_term_months": 12,
        "highlights": ["SLA compliance 97%", "Median first response 12 min"],
        "sender_name": "Ann Manager",
        "sender_title": "Account manager",
    },
    "sla_breach_warning": {
        "tickets": [
            {"client": "Acme", "contract_reference": "C-1", "tz": "Europe/Berlin", "ref": "T-1",
             "subject": "Printer", "priority": "P1", "metric": "resolution",
             "state": "breached", "due_at": datetime(2025, 6, 3, 12, tzinfo=UTC),
             "elapsed_share": 1.2},
            {"client": "Acme", "contract_reference": "C-1", "tz": "Europe/Berlin", "ref": "T-2",
             "subject": "VPN", "priority": "P2", "metric": "response",
             "state": "at_risk", "due_at": datetime(2025, 1, 3, 13, tzinfo=UTC),
             "elapsed_share": 0.8},
        ],
    },
    "compliance_gap_alert": {
        "client": "Acme",
        "contract_reference": "C-1",
        "gaps": [
            {"requirement": "Cyber insurance 5M", "subject": "company",
             "gap_date": date(2025, 8, 1), "detail": "Policy expires 2025-07-31."},
            {"requirement": "Background check", "subject": "J. Doe",
             "gap_date": date(2025, 7, 15), "detail": "Check expires."},
        ],
    },
    "weekly_executive_report": {
        "week_start": date(2025, 6, 9),
        "week_end": date(2025, 6, 15),
        "currency": "EUR",
        "kpis": [
            {"label": "SLA compliance", "value": "94.1%", "change": "+1.2 pts"},
            {"label": "Billing accuracy", "value": "99.0%", "change": None},
        ],
        "pipeline": [{"stage": "health_check", "contracts": 3, "value": Decimal("36000")}],
        "at_risk": [{"client": "Acme", "contract": "C-1", "score": 41.0, "why": ["a", "b"]}],
        "renewal_rate": 0.8571,
    },
    "out_of_scope_request": {
        "request_id": 7, "client": "Acme", "contract_reference": "C-1",
        "technician": "Tina Tech", "description": "replace the toner <b>now</b>",
        "requested_at": datetime(2025, 6, 3, 9, 30, tzinfo=UTC), "quoted_rate": Decimal("120"),
        "currency": "GBP", "matched_clause": "Printer consumables",
    },
}  # fmt: skip
SUBJECTS = {
    "renewal_reminder": "[Renewal] Acme <script>alert(1)</script> (C-1): health check, "
    "78 days to 2025-09-01",
    "client_renewal_notice": "Your support contract C-1: renewal on 2025-09-30",
    "sla_breach_warning": "[SLA] Acme (C-1): 1 breached, 1 at risk",
    "compliance_gap_alert": "[Compliance] Acme (C-1): 2 gaps from 2025-07-15",
    "weekly_executive_report": "Contract Desk weekly report, 2025-06-09 to 2025-06-15",
    "out_of_scope_request": "[Approval] Acme (C-1): out-of-scope request #7 from Tina Tech",
}


def render_one(name: str):
    attachments = [REPORT] if name == "client_renewal_notice" else []
    return render(name, CONTEXTS[name], attachments=attachments, to=["ann@example.com"])


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_subject_text_and_html(name):
    email = render_one(name)
    assert email.subject == SUBJECTS[name]
    assert email.text.strip()
    assert email.html.startswith("<!DOCTYPE html>")
    assert email.to == ("ann@example.com",)


def test_every_template_file_is_known():
    names = {p.name.split(".")[0] for p in TEMPLATES_DIR.glob("*.j2")} - {"base"}
    assert names == set(TEMPLATES)
    for name in TEMPLATES:
        for part in ("subject", "txt", "html"):
            assert (TEMPLATES_DIR / f"{name}.{part}.j2").is_file()


def test_html_is_escaped_text_is_not():
    email = render_one("renewal_reminder")
    assert "<script>" not in email.html
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "Acme <script>alert(1)</script> - contract C-1" in email.text
    assert "<li>SLA compliance 91% &lt; 95%</li>" in email.html


def test_renewal_reminder_text():
    text = render_one("renewal_reminder").text
    assert "Key date: 2025-09-01 (78 days)." in text
    assert "auto-renews unless notice is given by 2025-09-01" in text
    assert "Contract value: EUR 12,000.00" in text
    assert "Health score: 66/100" in text
    assert "  - Health check: C-1 (due 2025-06-03)" in text


def test_optional_parts_can_be_left_out():
    context = dict(CONTEXTS["renewal_reminder"])
    context["contract"] = {k: v for k, v in context["contract"].items() if k != "notice_deadline"}
    del context["health"], context["link"]
    context["tasks"] = []
    text = render("renewal_reminder", context).text
    assert "auto-renews" not in text
    assert "Health score" not in text
    assert "  - nothing open" in text


def test_client_notice_names_the_attachment_and_requires_it():
    email = render_one("client_renewal_notice")
    assert email.attachments == (REPORT,)
    assert "The full performance report is attached (performance-C-1.pdf)." in email.text
    assert "we propose EUR 1,030.00 per month" in email.text
    with pytest.raises(ValueError, match="attachment"):
        render("client_renewal_notice", CONTEXTS["client_renewal_notice"])


def test_sla_warning_shows_times_in_the_contract_zone_across_dst():
    text = render_one("sla_breach_warning").text
    assert "  [BREACHED] P1 T-1 Printer" in text
    assert "Acme (C-1): resolution due 2025-06-03 14:00 CEST, 120% of target used" in text
    assert "Acme (C-1): response due 2025-01-03 14:00 CET, 80% of target used" in text


def test_sla_digest_names_each_contract_in_its_own_zone():
    tickets = [dict(t) for t in CONTEXTS["sla_breach_warning"]["tickets"]]
    tickets[1] |= {"client": "Beta", "contract_reference": "C-2", "tz": "America/New_York"}
    tickets += [dict(tickets[1], client=f"Co {i}", contract_reference=f"C-{i}")
                for i in (3, 4, 5)]  # fmt: skip
    email = render("sla_breach_warning", {"tickets": tickets})
    assert email.subject == (
        "[SLA] Acme (C-1), Beta (C-2), Co 3 (C-3) and 2 more contracts: 1 breached, 4 at risk"
    )
    assert "Beta (C-2): response due 2025-01-03 08:00 EST" in email.text
    assert "SLA digest: 5 ticket(s)" in email.text
    assert "<td>Beta (C-2)</td>" in email.html


def test_weekly_report_text():
    text = render_one("weekly_executive_report").text
    assert "  SLA compliance                   94.1% (+1.2 pts)\n" in text
    assert "  Billing accuracy                 99.0%\n" in text
    assert "  Renewal rate                     85.7%\n" in text
    assert "  health check                     3 contracts, EUR 36,000.00\n" in text
    assert "  - Acme (C-1), score 41: a; b\n" in text


def test_missing_variable_fails_loudly():
    context = dict(CONTEXTS["compliance_gap_alert"])
    del context["client"]
    with pytest.raises(UndefinedError):
        render("compliance_gap_alert", context)


def test_subject_cannot_inject_headers():
    context = dict(CONTEXTS["compliance_gap_alert"], client="Acme\r\nBcc: evil@example.com")
    subject = render("compliance_gap_alert", context).subject
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith("[Compliance] Acme Bcc: evil@example.com (C-1)")


def test_unknown_template():
    with pytest.raises(ValueError, match="unknown template"):
        render("nope", {})


def test_filters():
    assert money(Decimal("1234.5"), "EUR") == "EUR 1,234.50"
    assert money(None) == "n/a"
    with pytest.raises(TypeError):
        money(12.5, "EUR")
    assert (pct(0.912), pct(0.9125, 1), pct(None)) == ("91%", "91.2%", "n/a")
    assert (
        when(datetime(2025, 3, 30, 1, 30, tzinfo=UTC), "Europe/Berlin") == "2025-03-30 03:30 CEST"
    )
    assert when(date(2025, 1, 2)) == "2025-01-02"
    with pytest.raises(ValueError):
        when(datetime(2025, 1, 1))


def test_out_of_scope_request_quotes_the_rate_and_escapes_the_request():
    email = render_one("out_of_scope_request")
    assert "Quoted at the door: GBP 120.00 per hour" in email.text
    assert '"replace the toner <b>now</b>"' in email.text
    assert "replace the toner &lt;b&gt;now&lt;/b&gt;" in email.html
    no_rate = {**CONTEXTS["out_of_scope_request"], "quoted_rate": None}
    assert (
        "Quoted at the door: no rate on the contract\n"
        in render("out_of_scope_request", no_rate).text
    )


def test_links_in_data_never_become_links_in_an_email():
    """Issue 18: a URL in a client name or a ticket subject reads defanged in every part;
    the app's own link (a trusted key) is left as it is."""
    import copy

    context = copy.deepcopy(CONTEXTS["sla_breach_warning"])
    context["tickets"][0]["client"] = "[Call billing](https://evil.example/x) Co"
    context["tickets"][1]["subject"] = "Reset your password at www.evil.example/login"
    context["link"] = "https://desk.example.com/sla_dashboard"
    email = render("sla_breach_warning", context)
    for part in (email.subject, email.text, email.html):
        assert "https://evil" not in part and "www.evil" not in part
    assert "https[:]//evil.example/x" in email.text and "www[.]evil.example" in email.html
    assert '<a href="https://desk.example.com/sla_dashboard">' in email.html
    # the caller's data unchanged
    assert context["tickets"][0]["client"].startswith("[Call billing](https://")
