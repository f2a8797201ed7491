"""Ticket export import: every preset on real CSV/XLSX files, bad files, row errors."""

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sla.import_presets import normalise_priority
from sla.ticket_import import ImportRejected, parse_tickets


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def write_csv(path: Path, rows: list[list], *, sep: str = ",", encoding: str = "utf-8") -> bytes:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=sep).writerows(rows)
    return path.read_bytes()


def write_xlsx(path: Path, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("raw", "priority"),
    [
        ("Urgent", "P1"),
        ("High", "P2"),
        ("Normal", "P3"),
        ("Low", "P4"),
        ("1 - Critical", "P1"),
        ("3 - Moderate", "P3"),
        ("5 - Planning", "P4"),
        ("Priority 2 - Quick Response", "P2"),
        ("Highest", "P1"),
        ("Medium", "P3"),
        ("p4", "P4"),
        ("Do Not Respond", None),
        ("", None),
    ],
)
def test_priority_words(raw: str, priority: str | None) -> None:
    assert normalise_priority(raw) == priority


# fmt: off
ZENDESK = [
    ["Id", "Requester", "Organization", "Group", "Assignee", "Subject", "Status", "Priority",
     "Ticket type", "Created at", "Solved at", "First reply time in minutes"],
    ["101", "Ann Lee", "Acme Ltd", "Support", "Bob Tech", "Printer jam", "Solved", "Urgent",
     "incident", "2025-03-04 10:22", "2025-03-04 12:00", "15"],
    ["102", "Ann Lee", "Acme Ltd", "Support", "Bob Tech", "VPN", "Open", "Normal",
     "question", "2025-03-30 01:30", "", ""],
    [],
    ["103", "Cy Dee", "Acme Ltd", "Support", "Bob Tech", "Mail", "Open", "Whatever",
     "question", "2025-03-04 10:22", "", ""],
    ["104", "Cy Dee", "", "Support", "Bob Tech", "Mail", "Open", "Low",
     "question", "not a date", "", ""],
    ["101", "Ann Lee", "Acme Ltd", "Support", "Bob Tech", "Again", "Solved", "High",
     "question", "2025-03-04 10:22", "2025-03-03 10:00", ""],
    ["105", "Dee Eff", "Globex", "Support", "", "Laptop", "Pending", "Low",
     "task", "2025-10-26 01:30", "2025-10-27 09:00+00:00", ""],
]
# fmt: on


def test_zendesk_csv(tmp_path: Path) -> None:
    result = parse_tickets(
        write_csv(tmp_path / "zendesk.csv", ZENDESK),
        filename="zendesk.csv",
        preset="zendesk",
        source_tz="Europe/London",
    )
    valid = result.valid
    assert valid["row"].tolist() == [2, 3, 8]
    assert valid["external_id"].tolist() == ["101", "102", "105"]
    assert valid["priority"].tolist() == ["P1", "P3", "P4"]
    assert valid["client_name"].tolist() == ["Acme Ltd", "Acme Ltd", "Globex"]
    assert valid["created_at"].tolist() == [
        utc("2025-03-04 10:22"),
        utc("2025-03-30 01:00"),  # 01:30 never happened in London: the clocks went to 02:00 BST
        utc("2025-10-26 00:30"),  # the repeated hour: first occurrence (BST)
    ]
    assert valid["first_response_at"].iloc[0] == utc("2025-03-04 10:37")
    assert valid["resolved_at"].iloc[2] == utc("2025-10-27 09:00")
    assert pd.isna(valid["technician"].iloc[2])
    assert (valid["source"] == "zendesk").all()
    assert result.errors.to_dict("records") == [
        {"row": 5, "column": "Priority", "reason": "unknown priority 'Whatever'"},
        {"row": 6, "column": "Created at", "reason": "cannot read date 'not a date'"},
        {"row": 6, "column": "Organization", "reason": "client name is empty"},
        {"row": 7, "column": "Id", "reason": "duplicate id '101' (first on row 2)"},
        {"row": 7, "column": "Solved at", "reason": "resolved before created"},
    ]


# fmt: off
FRESHDESK = [
    ["Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group",
     "Created time", "Due by Time", "Resolved time", "Initial response time", "Company Name"],
    [2001, "Server down", "Resolved", "Urgent", "Email", "Incident", "Eve", "Ops",
     datetime(2025, 6, 2, 9, 0), None, datetime(2025, 6, 2, 11, 30), datetime(2025, 6, 2, 9, 5),
     "Initech"],
    [None] * 13,
    [2002, "Password", "Open", "Medium", "Portal", "Question", "Eve", "Ops",
     "2025-06-03 14:00:00", None, None, None, "Initech"],
]
# fmt: on


def test_freshdesk_xlsx(tmp_path: Path) -> None:
    data = write_xlsx(
        tmp_path / "freshdesk.xlsx",
        FRESHDESK,
    )
    result = parse_tickets(
        data, filename="freshdesk.xlsx", preset="freshdesk", source_tz="America/New_York"
    )
    assert result.errors.empty
    valid = result.valid
    assert valid["row"].tolist() == [2, 4]
    assert valid["external_id"].tolist() == ["2001", "2002"]
    assert valid["priority"].tolist() == ["P1", "P3"]
    assert valid["service_type"].tolist() == ["Incident", "Question"]
    assert valid["created_at"].tolist() == [utc("2025-06-02 13:00"), utc("2025-06-03 18:00")]
    assert valid["first_response_at"].iloc[0] == utc("2025-06-02 13:05")
    assert valid["resolved_at"].iloc[0] == utc("2025-06-02 15:30")
    assert valid["technician"].tolist() == ["Eve", "Eve"]


# fmt: off
JIRA = [
    ["Issue key", "Issue id", "Summary", "Issue Type", "Status", "Priority", "Resolution",
     "Assignee", "Reporter", "Created", "Updated", "Resolved", "Custom field (Organizations)",
     "Custom field (Request Type)", "Custom field ([CHART] Date of First Response)", "Comment",
     "Comment"],
    ["ITS-7", "10007", "Laptop", "Service Request", "Done", "Highest", "Done", "Zed", "Amy",
     "23/Nov/25 10:38 AM", "23/Nov/25 3:00 PM", "23/Nov/25 2:05 PM", "Hooli", "Get IT help",
     "23/Nov/25 10:45 AM", "a", "b"],
    ["ITS-8", "10008", "Wifi", "Incident", "Open", "Lowest", "", "Zed", "Amy",
     "24/Nov/25 9:00 PM", "", "", "Hooli", "Report a problem", "", "", ""],
    ["ITS-9", "10009", "Wifi", "Incident", "Open", "Medium", "", "Zed", "Amy",
     "32/Nov/25 9:00 PM", "", "", "Hooli", "Report a problem", "", "", ""],
]
# fmt: on


def test_jira_service_management_csv(tmp_path: Path) -> None:
    result = parse_tickets(
        write_csv(tmp_path / "jira.csv", JIRA),
        filename="jira.csv",
        preset="jira",
        source_tz="Europe/Berlin",
    )
    valid = result.valid
    assert valid["external_id"].tolist() == ["ITS-7", "ITS-8"]
    assert valid["priority"].tolist() == ["P1", "P4"]
    assert valid["service_type"].tolist() == ["Get IT help", "Report a problem"]
    assert valid["client_name"].tolist() == ["Hooli", "Hooli"]
    assert valid["created_at"].tolist() == [utc("2025-11-23 09:38"), utc("2025-11-24 20:00")]
    assert valid["first_response_at"].iloc[0] == utc("2025-11-23 09:45")
    assert valid["resolved_at"].iloc[0] == utc("2025-11-23 13:05")
    assert result.errors.to_dict("records") == [
        {"row": 4, "column": "Created", "reason": "cannot read date '32/Nov/25 9:00 PM'"}
    ]


# fmt: off
SERVICENOW = [
    ["number", "short_description", "caller_id", "company", "category", "priority", "state",
     "assignment_group", "assigned_to", "opened_at", "resolved_at", "closed_at"],
    ["INC0010001", "Email down", "Abel Tuter", "ACME North America", "Network", "1 - Critical",
     "Resolved", "Network", "Beth Anglin", "2025-01-15 08:00:00", "2025-01-15 09:30:00", ""],
    ["INC0010002", "New mouse", "Abel Tuter", "ACME North America", "Hardware", "5 - Planning",
     "New", "Hardware", "", "2025-01-16 10:00:00", "", ""],
    ["INC0010003", "Slow PC", "Abel Tuter", "ACME North America", "Hardware", "2 - High",
     "New", "Hardware", "", "2025-01-16T10:00:00Z", "", ""],
]
# fmt: on


def test_servicenow_csv(tmp_path: Path) -> None:
    result = parse_tickets(
        write_csv(tmp_path / "incident.csv", SERVICENOW),
        filename="incident.csv",
        preset="servicenow",
        source_tz="America/Chicago",
    )
    assert result.errors.empty
    valid = result.valid
    assert valid["priority"].tolist() == ["P1", "P4", "P2"]
    assert valid["status"].tolist() == ["Resolved", "New", "New"]
    assert valid["created_at"].tolist() == [
        utc("2025-01-15 14:00"),
        utc("2025-01-16 16:00"),
        utc("2025-01-16 10:00"),  # an explicit offset wins over source_tz
    ]
    assert pd.isna(valid["first_response_at"]).all()


# fmt: off
CONNECTWISE = [
    ["Ticket #", "Company", "Summary Description", "Board", "Status", "Type", "Priority",
     "Resources", "Date Entered", "Date Responded", "Date Resolved"],
    [55001, "Contoso", "Printer", "Help Desk", "Closed", "Printer Repair",
     "Priority 1 - Emergency Response", "jsmith", "11/03/2025 02:15 PM", "11/03/2025 02:20 PM",
     "11/04/2025 09:00 AM"],
    [55002, "Contoso", "Email", "Help Desk", "New", "Email", "Priority 3 - Normal Response",
     "jsmith", "11/05/2025 08:00 AM", None, None],
    [55003, "Contoso", "Email", "Help Desk", "New", "Email", "Do Not Respond",
     "jsmith", "11/05/2025 08:00 AM", None, None],
]
# fmt: on


def test_connectwise_xlsx_with_us_dates(tmp_path: Path) -> None:
    data = write_xlsx(
        tmp_path / "connectwise.xlsx",
        CONNECTWISE,
    )
    result = parse_tickets(
        data, filename="connectwise.xlsx", preset="connectwise", source_tz="America/New_York"
    )
    valid = result.valid
    assert valid["external_id"].tolist() == ["55001", "55002"]
    assert valid["priority"].tolist() == ["P1", "P3"]
    assert valid["created_at"].tolist() == [utc("2025-11-03 19:15"), utc("2025-11-05 13:00")]
    assert valid["first_response_at"].iloc[0] == utc("2025-11-03 19:20")
    assert valid["resolved_at"].iloc[0] == utc("2025-11-04 14:00")
    assert result.errors.to_dict("records") == [
        {"row": 4, "column": "Priority", "reason": "unknown priority 'Do Not Respond'"}
    ]


def test_custom_mapping_semicolon_csv_with_pauses(tmp_path: Path) -> None:
    rows = [
        ["Ref", "Customer", "Service", "Sev", "Opened", "Closed", "Tech", "Waits"],
        [
            "A-1",
            "Umbrella",
            "Backups",
            "2",
            "02.01.2025 09:00",
            "03.01.2025 12:00",
            "Kim",
            "2025-01-02T10:00/2025-01-02T11:30; 2025-01-02T16:00/",
        ],
        ["A-2", "Umbrella", "Backups", "3", "02.01.2025 09:00", "", "Kim", "yesterday/today"],
    ]
    result = parse_tickets(
        write_csv(tmp_path / "custom.csv", rows, sep=";", encoding="cp1252"),
        filename="custom.csv",
        mapping={
            "external_id": "Ref",
            "client_name": "Customer",
            "service_type": "Service",
            "priority": "Sev",
            "created_at": "Opened",
            "resolved_at": "Closed",
            "technician": "Tech",
            "pauses": "Waits",
        },
        source_tz="Europe/Berlin",
        dayfirst=True,
    )
    valid = result.valid
    assert valid["source"].tolist() == ["custom"]
    assert valid["created_at"].iloc[0] == utc("2025-01-02 08:00")
    assert valid["resolved_at"].iloc[0] == utc("2025-01-03 11:00")
    assert valid["pauses"].iloc[0] == [
        (utc("2025-01-02 09:00"), utc("2025-01-02 10:30")),
        (utc("2025-01-02 15:00"), pd.NaT),
    ]
    assert result.errors.to_dict("records") == [
        {
            "row": 3,
            "column": "Waits",
            "reason": "cannot read pause intervals (use start/end; start/end)",
        }
    ]


def test_missing_required_columns_reject_the_file(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "z.csv", [["Id", "Priority", "Subject"], ["1", "High", "x"]])
    with pytest.raises(
        ImportRejected, match=r"zendesk export: 'Organization' \(client_name\), 'Created at'"
    ):
        parse_tickets(data, filename="z.csv", preset="zendesk")
    with pytest.raises(ImportRejected, match=r"custom export: 'Opened' \(created_at\)"):
        parse_tickets(
            data,
            filename="z.csv",
            mapping={
                "external_id": "Id",
                "client_name": "Subject",
                "priority": "Priority",
                "created_at": "Opened",
            },
        )


def test_size_limit_rejects_before_reading(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "big.csv", ZENDESK * 40)
    kb = round(len(data) / 1000)
    with pytest.raises(ImportRejected, match=f"'big.csv' is {kb} kB, over the 20 kB limit"):
        parse_tickets(data, filename="big.csv", preset="zendesk", max_bytes=20_000)
    with pytest.raises(ImportRejected, match=r"is 1.1 MB, over the 1.0 MB limit"):
        parse_tickets(data * 40, filename="big.csv", preset="zendesk", max_bytes=1_000_000)
    # The default is 100 MB; a deployment may raise it to 200 MB.
    result = parse_tickets(data, filename="big.csv", preset="zendesk", max_bytes=200 * 1024 * 1024)
    assert result.valid["external_id"].tolist() == ["101", "102", "105"]
    # copies 2..40: 10 errors in the data rows, 4 in the repeated header (its "First reply
    # time in minutes" is not a number), 5 once "Id" repeats
    assert len(result.errors) == 5 + 39 * 10 + 4 + 38 * 5


def test_unreadable_and_empty_files_and_unknown_preset(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 definitely not a workbook")
    with pytest.raises(ImportRejected, match="Cannot read 'broken.xlsx' as an Excel workbook"):
        parse_tickets(broken.read_bytes(), filename="broken.xlsx", preset="zendesk")
    with pytest.raises(ImportRejected, match="'empty.csv' is empty"):
        parse_tickets(b"  \n", filename="empty.csv", preset="zendesk")
    with pytest.raises(ImportRejected, match="Unknown field\\(s\\) in mapping: created, ticket"):
        parse_tickets(b"a\n1\n", filename="x.csv", mapping={"ticket": "a", "created": "b"})
    with pytest.raises(ImportRejected, match="Unknown preset 'remedy'"):
        parse_tickets(b"a\n1\n", filename="x.csv", preset="remedy")
