"""End to end in real Chromium: upload a generated contract PDF and see its terms extracted."""

import pytest

from demo.contract_pdfs import DemoContractSpec, generate_contract
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser


def test_admin_uploads_a_contract_pdf_and_sees_it_processed(live_app, browser, tmp_path):
    pdf = tmp_path / "northwind_msa.pdf"
    generate_contract(DemoContractSpec("msa_sla", seed=101, pages=3), pdf)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    login(page, live_app, "admin", "demo-admin-pass")
    page.get_by_role("link", name="Upload contracts").click()
    page.get_by_role("heading", name="Upload contracts").wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.get_by_text("northwind_msa.pdf").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Upload and extract").click()
    # the summary and its toast both say it
    page.get_by_text("1 ok, 0 failed, 0 duplicate").first.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "upload.png"))
    page.get_by_role("link", name="Review terms").first.click()
    page.get_by_role("heading", name="Review terms").wait_for(timeout=30_000)
    page.get_by_text("northwind_msa.pdf").first.wait_for(timeout=30_000)
    page.locator('[data-testid="stImage"] img').first.wait_for(timeout=30_000)  # the PDF page
    page.close()
