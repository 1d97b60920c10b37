"""Nothing the person made is lost, driven as a person would in Chromium: choosing another photo
or opening a project is one undo step (Undo brings back the previous photo, its crop, painted
studs and the mosaic; Redo the new one; the undo history is kept, also across a reload for the
steps of the photo in use); a file that is not a depth model is not kept in the browser; a
failed inventory import does not leave the earlier "Imported …" note; "Restored your last
session." is a note of its own that goes away. The states compared are the settings, photo
and mosaic the page holds (read from its store module)."""
import pytest
from playwright.sync_api import expect

from conftest import FORGET_SAVED_WORK
from helpers import photo_path
import ui
from ui import relief_on, upload, wait_mosaic

pytestmark = pytest.mark.e2e
STATE = """async () => {
  const { state } = await import(new URL("js/store.js", location.href).href);
  return { settings: state.settings, grid: state.mosaic && state.mosaic.grid, heights: state.mosaic && state.mosaic.heights, palette: state.mosaic && state.mosaic.palette,
           width: state.mosaic && state.mosaic.width, height: state.mosaic && state.mosaic.height,
           history: state.history.length, future: state.future.length,
           image: state.image && [state.image.width, state.image.height] };
}"""
NOTE = "[data-testid=photo-undo-note]"


def state(page):
    return page.evaluate(STATE)


def edit(page, action):
    """Do ``action`` and wait for the new mosaic (a message instead fails the test)."""
    assert ui.edit(page, action), page.locator("#error-text").inner_text()


def paint(page, studs):
    """Paint each (x, y) with a colour other than the one there; returns the pins the page holds."""
    page.click("[data-testid=tool-pencil]")
    for x, y in studs:
        s = state(page)
        colour = next(c for c in s["palette"] if c["hex"] != s["grid"][y][x])
        page.click(f"#brushes [role=radio][data-name='{colour['name']}']")
        canvas = page.locator("[data-testid=mosaic]")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        edit(page, lambda: canvas.click(position={"x": (x + 0.5) * box["width"] / s["width"],
                                                  "y": (y + 0.5) * box["height"] / s["height"]}))
    page.click("[data-testid=paint-mode]")  # editing off
    return state(page)["settings"]["pins"]


def same_work(a, b):
    """The same photo, settings (painted studs, crop, …) and mosaic."""
    return a["image"] == b["image"] and a["settings"] == b["settings"] and a["grid"] == b["grid"]


def test_new_photo_is_an_undo_step(page):
    edit(page, lambda: page.click("[data-testid=example]"))
    edit(page, lambda: page.select_option("#dither", "atkinson"))
    pins = paint(page, [(3, 4), (10, 12)])
    assert len(pins) == 2
    before = state(page)
    assert before["history"] >= 3
    expect(page.locator(NOTE)).to_be_hidden()

    # an accidental drop of another photo: the new photo, no painted studs, one more undo step
    edit(page, lambda: upload(page, photo_path("chelsea.png")))
    new = state(page)
    assert new["image"] == [451, 300] and new["settings"]["pins"] == []
    assert new["history"] == before["history"] + 1 and new["future"] == 0
    expect(page.locator(NOTE)).to_have_text("Undo brings back your previous photo and its painted studs.")
    expect(page.locator(NOTE)).to_be_visible()
    assert ui.distance(page, NOTE, "label[for=image-input]") < 150  # next to the photo input

    # Undo: the old photo, its settings, painted studs and mosaic; the photo on screen too
    edit(page, lambda: page.click("#undo"))
    back = state(page)
    assert same_work(back, before), (back["image"], back["settings"]["pins"])
    assert back["history"] == before["history"]
    expect(page.locator(NOTE)).to_have_text("Redo brings back the photo you chose after this one.")
    # the history before the replacement is all there: the last painted stud goes
    edit(page, lambda: page.click("#undo"))
    assert state(page)["settings"]["pins"] == pins[:1]
    edit(page, lambda: page.click("#redo"))
    assert same_work(state(page), before)

    # Redo: the new photo again
    edit(page, lambda: page.click("#redo"))
    again = state(page)
    assert same_work(again, new)
    expect(page.locator(NOTE)).to_have_text("Undo brings back your previous photo and its painted studs.")

    # a reload keeps the undo steps of the photo in use (the old photo is not saved: its steps go)
    saved_at = page.locator("body").get_attribute("data-autosaved")
    edit(page, lambda: page.select_option("#dither", "sierra"))
    for _ in range(200):
        if page.locator("body").get_attribute("data-autosaved") not in (None, saved_at):
            break
        page.wait_for_timeout(50)
    page.reload()
    flash = page.locator("[data-testid=notice-flash]")
    expect(flash).to_have_text("Restored your last session.", timeout=60_000)
    wait_mosaic(page)
    after = state(page)
    assert after["image"] == [451, 300] and after["history"] == 1
    expect(page.locator("#notice-text")).not_to_contain_text("Restored")  # not run on with other notes
    edit(page, lambda: page.click("#undo"))
    assert state(page)["settings"]["dither"] == "atkinson"
    expect(page.locator(NOTE)).to_be_hidden()
    expect(flash).to_be_hidden(timeout=20_000)  # short-lived


def test_undo_of_a_new_photo_brings_back_the_relief_and_raised_studs(page, moto_files):
    relief_on(page, moto_files)
    page.check("[data-testid=relief-edit]")
    heights = state(page)["heights"]
    top = state(page)["settings"]["levels"] - 1
    x, y = next((x, y) for y in range(24, 48) for x in range(48) if heights[y][x] < top)
    canvas = page.locator("[data-testid=mosaic]")
    box = canvas.bounding_box()
    edit(page, lambda: canvas.click(position={"x": (x + 0.5) * box["width"] / 48, "y": (y + 0.5) * box["height"] / 48}))
    page.uncheck("[data-testid=relief-edit]")
    before = state(page)
    assert before["settings"]["relief_pins"] == [[x, y, heights[y][x] + 1]]

    edit(page, lambda: upload(page, photo_path("chelsea.png")))
    new = state(page)
    assert new["heights"] is None and new["settings"]["relief_pins"] == []
    edit(page, lambda: page.click("#undo"))  # the photo, its depth map and the raised stud
    page.wait_for_selector("body[data-relief=on]", timeout=90_000)
    back = state(page)
    assert same_work(back, before) and back["heights"] == before["heights"]
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("motorcycle-depth.png")
    edit(page, lambda: page.click("#redo"))
    assert same_work(state(page), new) and state(page)["heights"] is None


def test_opening_a_project_is_an_undo_step(page, tmp_path):
    edit(page, lambda: page.click("[data-testid=example]"))
    with page.expect_download() as dl:
        page.click("[data-testid=save-project]")
    project = tmp_path / "example.legoremix"
    dl.value.save_as(project)
    edit(page, lambda: upload(page, photo_path("chelsea.png")))
    edit(page, lambda: page.select_option("#dither", "atkinson"))
    paint(page, [(5, 5)])
    before = state(page)

    edit(page, lambda: page.set_input_files("[data-testid=project-input]", str(project)))
    opened = state(page)
    assert opened["image"] != [451, 300] and opened["settings"]["pins"] == []
    # one more step, and one less: the step back to the example photo went (one previous photo is held)
    assert opened["history"] == before["history"] + 1 - 1
    expect(page.locator(NOTE)).to_contain_text("Undo brings back your previous photo")

    edit(page, lambda: page.click("#undo"))
    assert same_work(state(page), before)
    edit(page, lambda: page.click("#redo"))
    assert same_work(state(page), opened)


def test_the_first_photo_or_project_leaves_nothing_to_undo(page, tmp_path):
    """Before the first photo there is nothing to go back to: Undo is off (QA: it stayed on and
    did nothing), and Ctrl+Z changes nothing; the first real change turns it on."""
    edit(page, lambda: page.click("[data-testid=example]"))
    expect(page.locator("#undo")).to_be_disabled()
    first = state(page)
    assert first["history"] == 0
    page.keyboard.press("Control+z")
    page.wait_for_timeout(300)
    assert same_work(state(page), first)
    edit(page, lambda: page.select_option("#dither", "atkinson"))
    expect(page.locator("#undo")).to_be_enabled()
    with page.expect_download() as dl:
        page.click("[data-testid=save-project]")
    project = tmp_path / "first.legoremix"
    dl.value.save_as(project)

    site = page.url
    page.goto(site + "manifest.webmanifest")  # the page lets go of its autosave, which is then deleted
    assert page.evaluate(FORGET_SAVED_WORK) == 0
    page.goto(site)  # a fresh page: no photo, no undo steps
    page.wait_for_selector("[data-testid=status][data-state=ready]", timeout=120_000)
    edit(page, lambda: page.set_input_files("[data-testid=project-input]", str(project)))
    expect(page.locator("#undo")).to_be_disabled()
    expect(page.locator("#redo")).to_be_disabled()
    assert state(page)["settings"]["dither"] == "atkinson"


def test_a_file_that_is_not_a_model_is_not_kept(page, tmp_path):
    edit(page, lambda: page.click("[data-testid=example]"))
    fake = tmp_path / "fake.onnx"
    fake.write_bytes(b"these bytes are not an ONNX model at all" * 10)
    page.set_input_files("[data-testid=depth-input]", str(fake))
    expect(page.locator(".error-slot[data-where=relief] [data-testid=error]")).to_be_visible(timeout=60_000)
    expect(page.locator("#depth-model-row")).to_be_hidden()  # "Estimate depth with fake.onnx" is not offered
    stored = """async () => new Promise((done) => {
      const req = indexedDB.open("legoremix-models", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("models");
      req.onsuccess = () => { const g = req.result.transaction("models").objectStore("models").get("depth");
        g.onsuccess = () => { done(g.result ? g.result.name : null); req.result.close(); }; };
    })"""
    assert page.evaluate(stored) is None
    page.reload()
    wait_mosaic(page)
    expect(page.locator("#depth-model-row")).to_be_hidden()


def test_a_failed_import_clears_the_earlier_note(page, tmp_path):
    csv = tmp_path / "parts.csv"
    csv.write_text("Part,Color,Quantity\n98138,320,75\n")
    page.set_input_files("[data-testid=inventory-import]", str(csv))
    note = page.locator("[data-testid=inventory-note]")
    expect(note).to_contain_text("from parts.csv", timeout=60_000)
    bad = tmp_path / "holiday.csv"
    bad.write_text("where,when\nbeach,july\n")
    page.set_input_files("[data-testid=inventory-import]", str(bad))
    expect(page.locator(".error-slot[data-where=inventory] [data-testid=error]")).to_contain_text("holiday.csv")
    expect(note).to_be_hidden()
