"""The web pages in a real browser: Playwright drives Debian's chromium (no browser
download) against a real server on 127.0.0.1. Sign in, edit and save a scene and see
the new finding, a Viewer who cannot save, a stale save that shows the conflict without
losing the typed text. Screenshots go to $NOVELFORGE_SCREENSHOTS (default: the test's
temporary folder)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from serverkit import PASSWORD, start

CHROMIUM = os.environ.get("NOVELFORGE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCENE_URL = "/web/p/ember/s/the-summons"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server, stop = start(tmp_path_factory.mktemp("server"))
    yield server
    stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.fail("chromium is not installed: `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("NOVELFORGE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(browser, live, who):
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/web/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/web/")
    return context, page


def test_sign_in_edit_save_and_see_the_new_finding(browser, live, shots):
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/web/p/ember")
    assert page.url.endswith("/web/login")          # not signed in: sent to sign in
    page.fill("input[name=username]", "eddie")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "wrong user name or password" in page.inner_text("[role=alert]").lower()
    page.screenshot(path=str(shots / "login-failed.png"))
    page.fill("input[name=username]", "eddie")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/web/")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["nf_access"]["httpOnly"] and cookies["nf_access"]["secure"]
    assert cookies["nf_access"]["sameSite"] == "Lax"
    page.screenshot(path=str(shots / "projects.png"))
    page.click("text=ember")
    page.wait_for_url("**/web/p/ember")
    page.screenshot(path=str(shots / "project.png"), full_page=True)
    page.click("text=The Summons")
    page.wait_for_url("**" + SCENE_URL)
    assert "NF301" not in page.inner_text("aside")
    text = page.input_value("#text")
    page.fill("#text", text.replace("\n\n", "\n\nThe guard lowered his musket.\n\n", 1))
    page.click("#save")
    page.wait_for_url("**?saved=1")
    assert page.inner_text("[role=status]") == "Saved."
    assert "NF301" in page.inner_text("aside") and "musket" in page.inner_text("aside")
    assert "The guard lowered his musket." in page.input_value("#text")
    page.screenshot(path=str(shots / "scene-saved.png"), full_page=True)
    context.close()


def test_a_viewer_cannot_save(browser, live, shots):
    context, page = _sign_in(browser, live, "vera")
    page.goto(SCENE_URL)
    assert page.locator("#save").count() == 0
    assert page.locator("#text").get_attribute("readonly") is not None
    assert "cannot save" in page.inner_text("main")
    page.screenshot(path=str(shots / "scene-viewer.png"), full_page=True)
    # a hand-made form post is refused too, before the CSRF check
    r = context.request.post(live.url + SCENE_URL, form={"text": "x", "revision": "0" * 40, "csrf": "x"})
    assert r.status == 403
    context.close()


def test_a_stale_save_shows_the_conflict_and_keeps_the_typed_text(browser, live, shots):
    context, page = _sign_in(browser, live, "eddie")
    page.goto(SCENE_URL)
    opened = page.input_value("#text")
    # someone else saves the scene meanwhile
    with live.client("olive") as c:
        scene = c.get("/api/projects/ember/scenes/the-summons").json()
        r = c.put("/api/projects/ember/scenes/the-summons",
                  json={"text": scene["text"] + "\nOlive's new ending.\n", "revision": scene["revision"]})
        assert r.status_code == 200
    typed = opened + "\nEddie's paragraph, typed in the browser.\n"
    page.fill("#text", typed)
    page.click("#save")
    page.wait_for_selector("#current")
    assert "someone else saved" in page.inner_text("[role=alert]").lower()
    assert page.input_value("#text") == typed
    assert "Olive's new ending." in page.input_value("#current")
    page.screenshot(path=str(shots / "scene-conflict.png"), full_page=True)
    # saving again now replaces theirs, on purpose
    page.click("#save")
    page.wait_for_url("**?saved=1")
    on_disk = (live.projects / "ember" / "manuscript" / "01-ashes" / "01-the-summons.md").read_text("utf-8")
    assert "Eddie's paragraph" in on_disk
    context.close()


def test_csrf_is_refused(browser, live):
    context, page = _sign_in(browser, live, "eddie")
    page.goto(SCENE_URL)
    revision = page.locator("input[name=revision]").get_attribute("value")
    r = context.request.post(live.url + SCENE_URL, form={"text": "Stolen.\n", "revision": revision, "csrf": "forged"})
    assert r.status == 400 and "reload the page" in r.text()
    r = context.request.post(live.url + SCENE_URL, form={"text": "Stolen.\n", "revision": revision})
    assert r.status == 400
    assert "Stolen." not in (live.projects / "ember" / "manuscript" / "01-ashes" / "01-the-summons.md").read_text()
    context.close()


def test_owner_pages(browser, live, shots):
    context, page = _sign_in(browser, live, "olive")
    page.goto("/web/p/ember/audit")
    assert "scene-update" in page.inner_text("main") or "login" in page.inner_text("main")
    page.screenshot(path=str(shots / "audit.png"), full_page=True)
    page.goto("/web/p/ember/promises")
    page.screenshot(path=str(shots / "promises.png"))
    context.close()
    context, page = _sign_in(browser, live, "eddie")
    page.goto("/web/p/ember/audit")
    assert "Not allowed" in page.inner_text("h1")
    page.goto("/web/p/other")
    assert "Not found" in page.inner_text("h1")
    context.close()


def test_canon_entries_page(browser, live, shots):
    context, page = _sign_in(browser, live, "vera")
    page.goto("/web/p/ember")
    page.click("text=Canon")
    page.wait_for_url("**/web/p/ember/canon")
    main = page.inner_text("main")
    assert "Characters" in main and "Aria" in main
    page.screenshot(path=str(shots / "canon.png"), full_page=True)
    context.close()


def test_a_viewer_starts_an_export_and_downloads_it(browser, live, shots):
    import zipfile

    context, page = _sign_in(browser, live, "vera")
    page.goto("/web/p/ember")
    page.click("text=Exports")
    page.wait_for_url("**/web/p/ember/exports")
    page.select_option("select[name=format]", "epub")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/web/p/ember/exports")
    link = page.locator("a:has-text('Download')")
    for _ in range(60):                       # the page reloads itself while a job runs
        if link.count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    assert link.count(), page.inner_text("main")
    page.screenshot(path=str(shots / "exports.png"), full_page=True)
    with page.expect_download() as info:
        link.first.click()
    saved = shots / "book.epub"
    info.value.save_as(str(saved))
    with zipfile.ZipFile(saved) as z:
        assert z.read("mimetype") == b"application/epub+zip"
    # a format the exporter does not have is refused on the page
    csrf = page.locator("main input[name=csrf]").get_attribute("value")
    r = context.request.post(live.url + "/web/p/ember/exports", form={"format": "pdf", "csrf": csrf})
    assert r.status == 422 and "`pdf` is not a format of export" in r.text()
    context.close()


def test_an_owner_gives_and_takes_a_role_on_the_members_page(browser, live, shots):
    context, page = _sign_in(browser, live, "olive")
    page.goto("/web/p/ember/audit")
    page.fill("#grant input[name=username]", "otto")
    page.select_option("#grant select[name=role]", "viewer")
    page.click("#grant button[type=submit]")
    page.wait_for_url("**/web/p/ember/audit")
    assert "otto" in page.inner_text("table") and "member-grant" in page.inner_text("main")
    page.screenshot(path=str(shots / "members.png"), full_page=True)
    with live.client("otto") as c:
        assert c.get("/api/projects/ember").status_code == 200          # otto reads ember now
    page.click("#remove-otto")
    page.wait_for_url("**/web/p/ember/audit")
    with live.client("otto") as c:
        assert c.get("/api/projects/ember").status_code == 404
    # the last owner cannot be removed; an unknown account is refused without saying why
    page.click("#remove-olive")
    assert "Not changed" in page.inner_text("[role=alert]") and "owner" in page.inner_text("[role=alert]")
    page.goto("/web/p/ember/audit")
    page.fill("#grant input[name=username]", "nobody-at-all")
    page.click("#grant button[type=submit]")
    assert "cannot be changed here" in page.inner_text("[role=alert]")
    # a form without the session's token changes nothing
    r = context.request.post(live.url + "/web/p/ember/members", form={"username": "otto", "role": "owner"})
    assert r.status == 400
    context.close()
    context, page = _sign_in(browser, live, "eddie")            # an editor has no members page
    r = context.request.post(live.url + "/web/p/ember/members", form={"username": "otto", "role": "owner",
                                                                      "csrf": "x"})
    assert r.status == 403
    context.close()
