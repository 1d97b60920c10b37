"""Editing the mosaic by hand in Chromium, as a person would: pencil, fill, eyedropper and
eraser by mouse, keyboard, touch and pen; zoom and pan of the mosaic and of the crop; undo and
redo of every kind of change restoring exact states, also after a reload; counts never above
the stock after any edit. The states compared are the settings and mosaic the page holds
(read from its store module)."""
import random

import pytest
from PIL import Image
from playwright.sync_api import expect

from helpers import photo_path
from ui import READY, check_stock, counts, edit, upload, wait_mosaic

pytestmark = pytest.mark.e2e

ERROR = ".error-slot[data-where=mosaic] [data-testid=error]"
STATE = """async () => {
  const { state } = await import(new URL("js/store.js", location.href).href);
  return { settings: state.settings, grid: state.mosaic && state.mosaic.grid,
           palette: state.mosaic && state.mosaic.palette, stock: state.mosaic && state.mosaic.stock,
           history: state.history.length, future: state.future.length, stale: state.stale };
}"""


def state(page):
    return page.evaluate(STATE)


def until(page, check, seconds=30):
    """Whether ``check()`` comes true within ``seconds`` (the engine answers asynchronously)."""
    for _ in range(int(seconds * 20)):
        if check():
            return True
        page.wait_for_timeout(50)
    return False


def stud_point(page, x, y):
    """The screen point in the middle of stud (x, y), wherever the zoomed view shows it."""
    m = state(page)
    box = page.locator("[data-testid=mosaic]").bounding_box()
    w, h = len(m["grid"][0]), len(m["grid"])
    return box["x"] + (x + 0.5) * box["width"] / w, box["y"] + (y + 0.5) * box["height"] / h


def click_stud(page, x, y):
    page.mouse.click(*stud_point(page, x, y))


def region(grid, x, y):
    """The studs 4-connected to (x, y) of its colour (the fill's region, computed here again)."""
    h, w, hex_ = len(grid), len(grid[0]), grid[y][x]
    seen, todo = {(x, y)}, [(x, y)]
    while todo:
        cx, cy = todo.pop()
        for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
            if 0 <= nx < w and 0 <= ny < h and (nx, ny) not in seen and grid[ny][nx] == hex_:
                seen.add((nx, ny))
                todo.append((nx, ny))
    return seen


def pins(s):
    return {(x, y): c for x, y, c in s["settings"]["pins"]}


def choose_color(page, name):
    page.click(f"#brushes [role=radio][data-name='{name}']")
    expect(page.locator(f"#brushes [role=radio][data-name='{name}']")).to_have_attribute("aria-checked", "true")


def other_color(s, hex_):
    """A palette colour other than ``hex_`` (by name)."""
    return next(c for c in s["palette"] if c["hex"] != hex_)


def start(page, photo="coffee.png"):
    upload(page, photo_path(photo))
    wait_mosaic(page, "48 × 48")
    return state(page)


def test_pencil_fill_eyedropper_and_eraser_with_the_mouse(page):
    s0 = start(page)
    page.click("[data-testid=tool-pencil]")
    expect(page.locator("[data-testid=paint-mode]")).to_be_checked()
    expect(page.locator("[data-testid=tool-pencil]")).to_have_attribute("aria-pressed", "true")
    # the palette: every colour with its name and how many are left (stock − used)
    table = counts(page)
    entries = page.locator("#brushes [role=radio]")
    assert entries.count() == len(s0["palette"])
    for c in s0["palette"]:
        entry = page.locator(f"#brushes [role=radio][data-id='{c['id']}']")
        used, stock = table.get(c["hex"], (0, s0["stock"][c["hex"]]))
        expect(entry).to_contain_text(c["name"])
        expect(entry).to_contain_text(f"{stock - used} left" if stock > used else "all used; paint up to")

    # pencil: the top-left stud in another colour, pinned; the rest re-optimised within stock
    paint = other_color(s0, s0["grid"][0][0])
    choose_color(page, paint["name"])
    assert edit(page, lambda: click_stud(page, 0, 0))
    s1 = state(page)
    assert pins(s1) == {(0, 0): paint["id"]}
    assert s1["grid"][0][0] == paint["hex"]
    check_stock(page, 2304)

    # eyedropper: picks the colour of a stud, then hands back to the pencil
    px, py = next((x, 20) for x in range(48) if s1["grid"][20][x] != paint["hex"])
    picked = s1["grid"][py][px]
    page.click("[data-testid=tool-eyedropper]")
    click_stud(page, px, py)
    expect(page.locator("#brushes [aria-checked=true]")).to_have_attribute(
        "data-id", str(next(c["id"] for c in s1["palette"] if c["hex"] == picked)))
    expect(page.locator("[data-testid=tool-pencil]")).to_have_attribute("aria-pressed", "true")
    assert state(page)["settings"] == s1["settings"]  # picking changes nothing

    # fill: the connected region of one colour, all pinned to the chosen colour
    fx, fy = max(((x, y) for y in range(0, 48, 6) for x in range(0, 48, 6)),
                 key=lambda p: len(region(s1["grid"], *p)))
    studs = region(s1["grid"], fx, fy)
    fill = other_color(s1, s1["grid"][fy][fx])
    page.click("[data-testid=tool-fill]")
    choose_color(page, fill["name"])
    ok = edit(page, lambda: click_stud(page, fx, fy))
    s2 = state(page)
    assert {p for p, c in pins(s2).items() if c == fill["id"]} >= studs
    assert len(pins(s2)) == len(studs | {(0, 0)})
    expect(page.locator("[data-testid=tool-status]")).to_contain_text(f"Filled {len(studs)} stud")
    if ok:
        assert all(s2["grid"][y][x] == fill["hex"] for x, y in studs)
        check_stock(page, 2304)
    else:  # more than the stock: a sentence next to the mosaic, nothing lost
        expect(page.locator(ERROR)).to_contain_text("You painted")
        check_stock(page, 2304)

    # eraser: the top-left stud goes back to the engine's choice
    page.click("[data-testid=tool-eraser]")
    if not ok:
        page.click("#undo")
        wait_mosaic(page)
    assert edit(page, lambda: click_stud(page, 0, 0))
    s3 = state(page)
    assert (0, 0) not in pins(s3)
    check_stock(page, 2304)
    # a drag with the pencil paints every stud on the way, as one undo step
    page.click("[data-testid=tool-pencil]")
    choose_color(page, paint["name"])
    a, b = stud_point(page, 2, 30), stud_point(page, 12, 30)

    def stroke():
        page.mouse.move(*a)
        page.mouse.down()
        page.mouse.move(*b, steps=3)
        page.mouse.up()
    history = s3["history"]
    assert edit(page, stroke)
    s4 = state(page)
    assert all(pins(s4).get((x, 30)) == paint["id"] for x in range(2, 13))
    assert s4["history"] == history + 1
    check_stock(page, 2304)


def test_tools_with_the_keyboard(page):
    s0 = start(page)
    canvas = page.locator("[data-testid=mosaic]")
    canvas.focus()
    page.keyboard.press("p")  # P: the pencil
    expect(page.locator("[data-testid=tool-pencil]")).to_have_attribute("aria-pressed", "true")
    paint = other_color(s0, s0["grid"][1][1])
    choose_color(page, paint["name"])
    canvas.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert canvas.get_attribute("aria-valuetext") == "stud 2, 2"
    assert edit(page, lambda: page.keyboard.press("Enter"))
    s1 = state(page)
    assert pins(s1) == {(1, 1): paint["id"]}
    # I: the eyedropper picks the colour under the keyboard's stud
    page.keyboard.press("ArrowRight")
    page.keyboard.press("i")
    expect(page.locator("[data-testid=tool-eyedropper]")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#brushes [aria-checked=true]")).to_have_attribute(
        "data-id", str(next(c["id"] for c in s1["palette"] if c["hex"] == s1["grid"][1][2])))
    # F: fill from the keyboard's stud
    page.keyboard.press("f")
    page.keyboard.press("ArrowDown")
    studs = region(s1["grid"], 2, 2)
    edit(page, lambda: page.keyboard.press("Enter"))
    s2 = state(page)
    assert len(pins(s2)) == len(studs | {(1, 1)})
    check_stock(page, 2304)
    # E: the eraser unpins the first stud again
    page.keyboard.press("e")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    edit(page, lambda: page.keyboard.press("Enter"))
    assert (1, 1) not in pins(state(page))
    # + and − zoom, 0 shows the whole mosaic; Escape ends editing
    page.keyboard.press("+")
    expect(page.locator("[data-testid=zoom-level]")).to_have_text("125 %")
    page.keyboard.press("0")
    expect(page.locator("[data-testid=zoom-level]")).to_have_text("100 %")
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=paint-mode]")).not_to_be_checked()


def test_undo_and_redo_restore_exact_states_also_after_a_reload(page):
    s0 = start(page)
    states = [s0]

    def step(action):
        assert edit(page, action)
        s = state(page)
        states.append(s)
        return s

    page.click("[data-testid=tool-pencil]")
    choose_color(page, other_color(s0, s0["grid"][5][5])["name"])
    step(lambda: click_stud(page, 5, 5))                      # paint
    step(lambda: page.select_option("#dither", "atkinson"))  # a setting

    def crop():
        page.fill("#crop-zoom", "200")
        page.dispatch_event("#crop-zoom", "change")
    step(crop)                                                # the crop
    step(lambda: (page.select_option("#set-add", "the_beatles"), page.click("#set-add-btn")))  # the inventory
    page.click("[data-testid=tool-fill]")
    s = states[-1]
    fill = other_color(s, s["grid"][30][30])
    choose_color(page, fill["name"])
    step(lambda: click_stud(page, 30, 30))                    # a fill
    assert [x["history"] for x in states] == [0, 1, 2, 3, 4, 5]
    for a, b in zip(states, states[1:]):
        assert a["settings"] != b["settings"]

    def same(a, b):
        assert a["settings"] == b["settings"]
        assert a["grid"] == b["grid"]

    for i in range(len(states) - 2, -1, -1):  # undo, step by step, to the very start
        assert edit(page, lambda: page.click("#undo"))
        same(state(page), states[i])
    expect(page.locator("#undo")).to_be_disabled()
    for i in range(1, len(states)):  # and redo to the end
        assert edit(page, lambda: page.click("#redo"))
        same(state(page), states[i])
    expect(page.locator("#redo")).to_be_disabled()
    for _ in range(2):
        assert edit(page, lambda: page.click("#undo"))
    same(state(page), states[3])

    # the history survives a reload with the autosave
    saved = page.locator("body").get_attribute("data-autosaved")
    for _ in range(100):
        if page.locator("body").get_attribute("data-autosaved") != saved:
            break
        page.wait_for_timeout(50)
    page.reload()
    page.wait_for_selector("text=Restored your last session.", timeout=60_000)
    wait_mosaic(page, "48 × 48")
    restored = state(page)
    same(restored, states[3])
    assert (restored["history"], restored["future"]) == (3, 2)
    assert edit(page, lambda: page.click("#undo"))
    same(state(page), states[2])
    for i in (3, 4, 5):
        assert edit(page, lambda: page.click("#redo"))
        same(state(page), states[i])
    check_stock(page, 1 * 2304)


def test_a_fill_beyond_the_stock_says_so_and_loses_nothing(page, tmp_path):
    flat = tmp_path / "flat.png"  # grey, short of its colours (an even mix), with a black square: one big region
    im = Image.new("RGB", (300, 300), (120, 120, 120))
    im.paste((0, 0, 0), (0, 0, 120, 120))
    im.save(flat)
    upload(page, flat)
    wait_mosaic(page, "48 × 48")
    s = state(page)
    regions = {}
    for y in range(48):
        for x in range(48):
            if not any((x, y) in r for r in regions.values()):
                regions[(x, y)] = region(s["grid"], x, y)
    (fx, fy), studs = max(regions.items(), key=lambda kv: len(kv[1]))
    scarce = min((c for c in s["palette"] if c["hex"] != s["grid"][fy][fx]), key=lambda c: s["stock"][c["hex"]])
    assert s["stock"][scarce["hex"]] < len(studs)
    good = counts(page)
    page.click("[data-testid=tool-fill]")
    choose_color(page, scarce["name"])
    top = page.locator("[data-testid=mosaic]").bounding_box()["y"]
    assert not edit(page, lambda: click_stud(page, fx, fy))
    expect(page.locator(ERROR)).to_contain_text(f"You painted {len(studs)} ")
    # the message comes under the mosaic: the studs being edited stay where they were
    assert page.locator("[data-testid=mosaic]").bounding_box()["y"] == pytest.approx(top, abs=1)
    expect(page.locator(ERROR)).to_contain_text(scarce["name"])
    assert counts(page) == good  # the last good mosaic stays, within stock
    assert len(pins(state(page))) == len(studs)  # the fill is kept: the person decides
    expect(page.locator("[data-testid=fix-undo]")).to_be_visible()
    # the eraser still works on the mosaic on screen: unpaint one stud, still too many
    page.click("[data-testid=tool-eraser]")
    assert not edit(page, lambda: click_stud(page, fx, fy))
    assert len(pins(state(page))) == len(studs) - 1
    # the mosaic on screen shows the current painted studs: the erased one has its colour back
    assert until(page, lambda: state(page)["grid"][fy][fx] == s["grid"][fy][fx])
    assert not edit(page, lambda: page.click("#undo"))
    assert len(pins(state(page))) == len(studs)
    assert until(page, lambda: state(page)["grid"][fy][fx] == scarce["hex"])  # undo shows it painted again
    # a way out in one click: unpaint that colour
    fix = page.locator(f"[data-testid=fix-unpaint-{scarce['id']}]")
    expect(fix).to_have_text(f"Unpaint the {len(studs)} {scarce['name']} studs")
    assert edit(page, fix.click)
    expect(page.locator(ERROR)).to_be_hidden()
    assert state(page)["settings"]["pins"] == []
    assert counts(page) == good
    assert not edit(page, lambda: page.click("#undo"))  # and undo brings the fill back
    assert len(pins(state(page))) == len(studs)


def test_counts_never_exceed_the_stock_after_random_edits(page):
    start(page, "astronaut.png")
    rnd = random.Random(13)
    tools = ["pencil", "pencil", "fill", "eraser"]
    for _ in range(8):
        s = state(page)
        tool = rnd.choice(tools)
        page.click(f"[data-testid=tool-{tool}]")
        if tool != "eraser":
            choose_color(page, rnd.choice(s["palette"])["name"])
        x, y = rnd.randrange(48), rnd.randrange(48)
        if tool == "eraser" and s["settings"]["pins"]:
            x, y, _ = rnd.choice(s["settings"]["pins"])
        ok = edit(page, lambda: click_stud(page, x, y))
        check_stock(page, 2304)  # the mosaic shown is always within stock
        if ok:
            m = state(page)
            for (px, py), c in pins(m).items():  # and every painted stud is as painted
                assert m["grid"][py][px] == next(p["hex"] for p in m["palette"] if p["id"] == c)
        else:  # too many of one colour painted: said next to the mosaic, then undone
            expect(page.locator(ERROR)).to_contain_text("You painted")
            assert edit(page, lambda: page.click("#undo"))
            check_stock(page, 2304)


def test_zoom_and_pan_keep_the_studs_under_the_pointer(page):
    start(page)
    canvas = page.locator("[data-testid=mosaic]")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)
    page.mouse.wheel(0, -600)
    for _ in range(100):
        if page.locator("[data-testid=zoom-level]").inner_text() != "100 %":
            break
        page.wait_for_timeout(20)
    zoomed = int(page.locator("[data-testid=zoom-level]").inner_text().split()[0])
    assert zoomed > 150
    after = canvas.bounding_box()
    assert after["width"] == pytest.approx(box["width"] * zoomed / 100, rel=0.02)
    # the point under the pointer stayed put: the same stud is under it
    wx = (box["x"] + box["width"] * 0.75 - after["x"]) / after["width"]
    assert wx == pytest.approx(0.75, abs=0.01)
    # painting hits the stud drawn under the pointer
    page.click("[data-testid=tool-pencil]")
    s = state(page)
    paint = other_color(s, s["grid"][33][35])
    choose_color(page, paint["name"])
    assert edit(page, lambda: click_stud(page, 35, 33))
    assert pins(state(page)) == {(35, 33): paint["id"]}
    # with no tool, a drag moves the zoomed view
    page.click("[data-testid=paint-mode]")
    before = canvas.bounding_box()
    page.mouse.move(before["x"] + before["width"] * 0.7, before["y"] + before["height"] * 0.7)
    page.mouse.down()
    page.mouse.move(before["x"] + before["width"] * 0.7 + 60, before["y"] + before["height"] * 0.7 + 40, steps=4)
    page.mouse.up()
    moved = canvas.bounding_box()
    assert (moved["x"] - before["x"], moved["y"] - before["y"]) == (pytest.approx(60, abs=1), pytest.approx(40, abs=1))
    assert state(page)["history"] == 1  # a view change is no undo step
    # with a tool, the middle button (or Space held) moves the view and paints nothing
    page.click("[data-testid=tool-pencil]")
    for hold in ("middle", "space"):
        before = canvas.bounding_box()
        x0, y0 = before["x"] + before["width"] * 0.6, before["y"] + before["height"] * 0.6
        page.mouse.move(x0, y0)
        if hold == "space":
            page.keyboard.down(" ")
        page.mouse.down(button="middle" if hold == "middle" else "left")
        page.mouse.move(x0 - 30, y0 - 20, steps=3)
        page.mouse.up(button="middle" if hold == "middle" else "left")
        if hold == "space":
            page.keyboard.up(" ")
        moved = canvas.bounding_box()
        assert (moved["x"] - before["x"], moved["y"] - before["y"]) == (pytest.approx(-30, abs=1), pytest.approx(-20, abs=1)), hold
    page.wait_for_timeout(300)
    assert len(state(page)["settings"]["pins"]) == 1 and page.locator(READY).count()
    page.click("[data-testid=zoom-reset]")
    assert canvas.bounding_box() == pytest.approx(box)
    page.click("[data-testid=zoom-in]")
    expect(page.locator("[data-testid=zoom-level]")).to_have_text("150 %")


def test_crop_zoom_runs_the_intuitive_way(page):
    start(page)
    frame = page.locator("#crop-frame").bounding_box()
    crop = page.locator("#crop-box")
    expect(crop).to_be_visible()  # visible at 100 % too (a square of the 600 × 400 photo)
    full = crop.bounding_box()
    assert full["height"] == pytest.approx(frame["height"], abs=1)
    assert page.locator("#crop-zoom").input_value() == "100"
    expect(page.locator("#crop-zoom-out")).to_have_text("100 %")
    # more zoom, a tighter crop
    page.fill("#crop-zoom", "200")
    page.dispatch_event("#crop-zoom", "change")
    wait_mosaic(page)
    half = crop.bounding_box()
    assert half["width"] == pytest.approx(full["width"] / 2, abs=2)
    # the wheel over the photo zooms in, one undo step for the turns of the wheel
    history = state(page)["history"]
    page.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    edit(page, lambda: page.mouse.wheel(0, -200))
    for _ in range(100):
        if state(page)["history"] == history + 1:
            break
        page.wait_for_timeout(50)
    assert int(page.locator("#crop-zoom").input_value()) > 200
    assert crop.bounding_box()["width"] < half["width"]
    assert state(page)["history"] == history + 1
    # + and − on the focused box
    crop.focus()
    before = page.locator("#crop-zoom").input_value()
    edit(page, lambda: page.keyboard.press("-"))
    assert int(page.locator("#crop-zoom").input_value()) < int(before)


def test_touch_and_pen_paint_and_a_pinch_zooms(browser, site):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                              device_scale_factor=2)
    try:
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site)
        page.wait_for_selector(READY, timeout=60_000)
        s0 = start(page)
        page.locator("[data-testid=tool-pencil]").tap()
        paint = other_color(s0, s0["grid"][10][10])
        page.locator(f"#brushes [role=radio][data-name='{paint['name']}']").tap()
        page.locator("[data-testid=mosaic]").scroll_into_view_if_needed()
        assert edit(page, lambda: page.touchscreen.tap(*stud_point(page, 10, 10)))
        assert pins(state(page)) == {(10, 10): paint["id"]}
        check_stock(page, 2304)
        # a pen: the same as a finger or a mouse
        x, y = stud_point(page, 20, 12)
        pen = """([type, x, y]) => document.querySelector("#mosaic").dispatchEvent(new PointerEvent(type,
            {pointerId: 7, pointerType: "pen", clientX: x, clientY: y, bubbles: true, isPrimary: true, button: 0, buttons: 1}))"""
        assert edit(page, lambda: (page.evaluate(pen, ["pointerdown", x, y]), page.evaluate(pen, ["pointerup", x, y])))
        assert pins(state(page)) == {(10, 10): paint["id"], (20, 12): paint["id"]}
        # two fingers spread apart: a zoom, and no stud painted by the first finger
        box = page.locator("[data-testid=mosaic]").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        touch = """([type, id, x, y]) => document.querySelector("#mosaic").dispatchEvent(new PointerEvent(type,
            {pointerId: id, pointerType: "touch", clientX: x, clientY: y, bubbles: true, isPrimary: id === 1, button: 0, buttons: 1}))"""
        page.evaluate(touch, ["pointerdown", 1, cx - 20, cy])
        page.evaluate(touch, ["pointerdown", 2, cx + 20, cy])
        for d in (40, 60, 80):
            page.evaluate(touch, ["pointermove", 1, cx - d, cy])
            page.evaluate(touch, ["pointermove", 2, cx + d, cy])
        page.evaluate(touch, ["pointerup", 1, cx - 80, cy])
        page.evaluate(touch, ["pointerup", 2, cx + 80, cy])
        assert int(page.locator("[data-testid=zoom-level]").inner_text().split()[0]) == pytest.approx(400, abs=2)
        s = state(page)
        assert len(s["settings"]["pins"]) == 2 and s["history"] == 2
        assert page.locator(READY).count()
        assert not errors, errors
    finally:
        ctx.close()


def test_tools_wait_for_a_mosaic_and_fields_keep_their_own_undo(page):
    for name in ("pencil", "fill", "eyedropper", "eraser"):
        expect(page.locator(f"[data-testid=tool-{name}]")).to_be_disabled()  # nothing to edit yet
    page.keyboard.press("p")
    expect(page.locator("#paint-mode")).not_to_be_checked()
    start(page)
    expect(page.locator("[data-testid=tool-pencil]")).to_be_enabled()
    assert edit(page, lambda: page.click("[data-size='32']"))
    # Ctrl+Z while typing in a field undoes the typing, not the last change of the mosaic
    page.fill("[data-testid=color-search]", "Dark Re")
    page.focus("[data-testid=color-search]")
    page.keyboard.press("Control+z")
    page.wait_for_timeout(300)
    assert state(page)["settings"]["size"] == [32, 32]
    page.locator("[data-testid=mosaic]").focus()
    assert edit(page, lambda: page.keyboard.press("Control+z"))
    assert state(page)["settings"]["size"] == [48, 48]
    assert edit(page, lambda: page.keyboard.press("Control+y"))  # redo, also as Ctrl+Y
    assert state(page)["settings"]["size"] == [32, 32]


def test_the_palette_says_when_a_colour_is_used_up_but_can_still_be_painted(page):
    s = start(page)
    page.click("[data-testid=tool-pencil]")
    assert any(s["stock"][c["hex"]] == sum(row.count(c["hex"]) for row in s["grid"]) for c in s["palette"])
    for c in s["palette"]:
        entry = page.locator(f"#brushes [role=radio][data-name='{c['name']}']")
        used = sum(row.count(c["hex"]) for row in s["grid"])
        left = s["stock"][c["hex"]] - used
        if left == 0:  # the optimum often uses a scarce colour up: painting can still move others
            expect(entry).to_contain_text(f"all used; paint up to {s['stock'][c['hex']]}")
        else:
            expect(entry).to_contain_text(f"{left} left")
