// The inventory editor and the buying list (issue 13).
//   Your colours: one row per colour you own (from sets and loose pieces), use or switched
//   off: swatch, name, BrickLink id, owned (editable: the loose pieces are what you own beyond
//   your sets), used and missing in the last mosaic, and a switch to leave the colour out.
//   Add any Lego colour by name; import what you own from a legoremix inventory (.json), a
//   BrickLink XML list or a Rebrickable CSV (the engine reads the file:
//   py/legoremix/inventory_io.py); export it as JSON. Every change is store.commit(): undoable.
//   Buying (unlimited mode): the engine's shopping list of the last mosaic (the same rows as
//   the BrickLink / Rebrickable downloads) with totals per colour, the one-click lists, and an
//   optional price per piece (kept in this browser) for an estimated cost.
import { request } from "./engine-client.js";
import { exportFile, saveBlob } from "./downloads.js";
import { clearError, setStatus, showError } from "./messages.js";
import { markStale } from "./mosaic-view.js";
import { wholeNumber } from "./settings-panel.js";
import { commit, engineSettings, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
/** "1 colour", "3,154 pieces". */
const plural = (n, word) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
const PRICES = "legoremix-prices"; // localStorage: {default, rows: {"part/colour id": price}}
let colors = new Map(); // BrickLink id -> {id, name, hex}
let setStuds = new Map(); // set id -> {BrickLink id: studs}
let buyFor = null; // the mosaic the buying list was made for

/** Once the engine is ready: the colour search list and the sets' inventories. */
export function initInventory(info) {
  colors = new Map(info.colors.map((c) => [c.id, c]));
  setStuds = new Map(info.sets.map((s) => [s.id, s.studs || {}]));
  $("#color-names").replaceChildren(...[...colors.values()]
    .sort((a, b) => a.name.localeCompare(b.name)).map((c) => new Option(`${c.name} (${c.id})`)));
  const p = prices();
  if (p.default != null) $("#price-default").value = p.default;
  renderInventory();
}

/** BrickLink id -> pieces from the sets (each set times its copies). */
function fromSets(s) {
  const out = new Map();
  for (const [id, copies] of Object.entries(s.sets)) {
    for (const [bl, n] of Object.entries(setStuds.get(id) || {})) out.set(+bl, (out.get(+bl) || 0) + n * copies);
  }
  return out;
}

/** The colour a person typed: "Dark Red (59)", "dark red", "59". */
function findColor(text) {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  const id = /\((\d+)\)\s*$/.exec(t)?.[1] ?? (/^\d+$/.test(t) ? t : null);
  if (id != null && colors.has(+id)) return colors.get(+id);
  const all = [...colors.values()];
  return all.find((c) => c.name.toLowerCase() === t)
    || (all.filter((c) => c.name.toLowerCase().includes(t)).length === 1
      ? all.find((c) => c.name.toLowerCase().includes(t)) : null);
}

/** The table of colours, from the settings and the last mosaic. */
export function renderInventory() {
  const s = state.settings;
  if (!s || !colors.size) return;
  const sets = fromSets(s);
  const off = new Set(s.disabled || []);
  const m = state.mosaic;
  const used = new Map(); const missing = new Map();
  for (const c of m?.palette || []) {
    if (m.counts[c.hex]) used.set(c.id, m.counts[c.hex]);
    if (m.missing?.[c.hex]) missing.set(c.id, m.missing[c.hex]);
  }
  const ids = new Set([...sets.keys(), ...Object.keys(s.custom).map(Number), ...off, ...used.keys()]);
  const rows = [...ids].filter((id) => colors.has(id)).map((id) => colors.get(id))
    .sort((a, b) => a.name.localeCompare(b.name));
  // the rows are rebuilt: keyboard focus stays on the same field of the same colour, and a
  // count being typed (or marked wrong) is kept as typed
  const active = document.activeElement?.closest?.("#inventory-table tr[data-id]") ? document.activeElement : null;
  const refocus = active && `tr[data-id="${active.closest("tr").dataset.id}"] .${active.classList[0]}`;
  const typed = [...document.querySelectorAll("#inventory-table .owned")]
    .filter((el) => el === active || state.invalid.has(`owned-${el.closest("tr").dataset.id}`))
    .map((el) => [el.closest("tr").dataset.id, el.value]);
  $("#inventory-table tbody").replaceChildren(...rows.map((c) => row(c, sets.get(c.id) || 0, s.custom[c.id] || 0,
    off.has(c.id), used.get(c.id) || 0, missing.get(c.id) || 0)));
  for (const [id, value] of typed) {
    const el = $(`#inventory-table tr[data-id="${id}"] .owned`);
    if (el && el.value !== value) { el.value = value; el.oninput(); }
  }
  for (const key of [...state.invalid]) { // a colour no longer listed cannot block the mosaic
    if (key.startsWith("owned-") && !$(`#inventory-table tr[data-id="${key.slice(6)}"]`)) state.invalid.delete(key);
  }
  if (refocus) $(`#inventory-table ${refocus}`)?.focus();
  $("#inventory-table").hidden = !rows.length;
  const owned = [...ids].reduce((n, id) => n + (sets.get(id) || 0) + (s.custom[id] || 0), 0);
  $("#inventory-summary").textContent = rows.length
    ? `${plural(owned, "piece")} owned in ${plural(rows.filter((c) => (sets.get(c.id) || 0) + (s.custom[c.id] || 0) > 0).length, "colour")}`
      + (off.size ? `, ${off.size} switched off` : "") + "."
    : "No pieces yet: add a set, a colour or import a parts list.";
  renderBuying();
}

function row(c, inSets, loose, isOff, used, miss) {
  const tr = document.createElement("tr");
  tr.dataset.id = c.id;
  tr.dataset.testid = `inventory-row-${c.id}`;
  tr.classList.toggle("off", isOff);
  tr.classList.toggle("short", miss > 0);
  // "Use" first, so switching a colour off stays in reach on a narrow phone
  tr.innerHTML = `<td><input type="checkbox" class="use"></td><td><span class="swatch"></span><span class="name"></span></td>
    <td class="num bl"></td>
    <td class="num"><input type="number" min="0" step="1" class="owned"></td>
    <td class="num used"></td><td class="num missing"></td>`;
  tr.querySelector(".swatch").style.background = c.hex;
  tr.querySelector(".name").textContent = c.name;
  tr.cells[1].title = `${c.name}, BrickLink colour ${c.id}`;
  tr.querySelector(".bl").textContent = c.id;
  tr.querySelector(".used").textContent = used;
  tr.querySelector(".missing").textContent = miss || "";
  const input = tr.querySelector(".owned");
  // the field's sentence in a row of its own under the colour, the table's whole width (in the
  // field's cell it would widen the column past a phone's screen)
  const errRow = document.createElement("tr");
  errRow.className = "row-error";
  errRow.dataset.testid = `inventory-row-${c.id}-error`;
  errRow.innerHTML = `<td colspan="6"><p class="field-error"></p></td>`;
  const err = errRow.querySelector(".field-error");
  err.id = `owned-${c.id}-error`;
  input.value = inSets + loose;
  input.max = inSets + 1_000_000;
  input.setAttribute("aria-label", `${c.name} pieces you own` + (inSets ? ` (${inSets} from your sets)` : ""));
  if (inSets) input.title = `${inSets} from your sets, ${loose} loose`;
  const key = `owned-${c.id}`;
  const check = () => {
    let r = wholeNumber(input, `The number of ${c.name} pieces`, 0, inSets + 1_000_000, "");
    if (r.value !== undefined && r.value < inSets) {
      r = { error: `Your sets hold ${inSets} ${c.name} pieces: you own at least that many. Remove a set, or switch the colour off.` };
    }
    err.textContent = r.error || "";
    if (r.error) { tr.after(errRow); input.setAttribute("aria-describedby", err.id); } else {
      errRow.remove();
      input.removeAttribute("aria-describedby");
    }
    input.setAttribute("aria-invalid", String(Boolean(r.error)));
    if (r.error) state.invalid.add(key); else state.invalid.delete(key);
    if (r.error) { setStatus("error", "Fix the marked field to update the mosaic"); markStale(true); }
    return r.error ? null : r.value;
  };
  input.oninput = check;
  input.onchange = () => {
    const v = check();
    if (v === null) return;
    commit((s) => { if (v > inSets) s.custom[c.id] = v - inSets; else delete s.custom[c.id]; });
  };
  const use = tr.querySelector(".use");
  use.checked = !isOff;
  use.setAttribute("aria-label", `Use ${c.name}`);
  use.dataset.testid = `inventory-use-${c.id}`;
  use.onchange = () => commit((s) => {
    const d = new Set(s.disabled || []);
    if (use.checked) d.delete(c.id); else d.add(c.id);
    s.disabled = [...d].sort((a, b) => a - b);
  });
  return tr;
}

// ---------- adding a colour ----------
function addColor() {
  const c = findColor($("#color-search").value);
  const err = $("#color-add-error");
  const say = (text) => { err.textContent = text; err.hidden = !text; };
  if (!c) {
    say($("#color-search").value.trim()
      ? `No single Lego colour matches “${$("#color-search").value.trim()}”: pick one from the list as you type.`
      : "Type a colour's name (or its BrickLink number) first.");
    return;
  }
  if ($("#color-count").value.trim() === "") { // adding none would change nothing: say what is missing
    say(`Enter how many ${c.name} pieces you own, then Add.`);
    $("#color-count").focus();
    return;
  }
  const r = wholeNumber($("#color-count"), "The number of pieces", 1, 1_000_000, "");
  if (r.error) { say(r.error); return; }
  const n = r.value;
  say("");
  commit((s) => { s.custom[c.id] = (s.custom[c.id] || 0) + n; });
  $("#color-search").value = "";
  $("#color-count").value = "";
  $(`#inventory-table tr[data-id="${c.id}"] .owned`)?.focus();
}
$("#color-add").onclick = addColor;
for (const id of ["#color-search", "#color-count"]) {
  $(id).addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addColor(); } });
}

// ---------- import and export ----------
async function importFile(file) {
  clearError("inventory");
  $("#inventory-note").hidden = true;
  let r;
  try {
    r = await request({ type: "inventory", op: "import", blob: file, args: { name: file.name } });
  } catch (e) {
    showError("inventory", e.message);
    return;
  }
  commit((s) => { // the file's pieces replace the loose pieces and bigger parts; our own JSON the sets too
    if (r.kind === "json") { s.sets = r.sets; s.disabled = r.disabled; }
    s.custom = r.custom;
    s.custom_parts = r.custom_parts;
  });
  const count = Object.keys(r.custom).length;
  const what = r.kind === "json" ? "your inventory"
    : `${plural(r.pieces, "loose piece")} in ${plural(count, "colour")}` +
      (r.bigger ? ` and ${r.bigger.toLocaleString("en")} bigger parts` : "");
  const note = $("#inventory-note"); // next to the import button, until the next import
  note.textContent = `Imported ${what} from ${file.name} (${r.label})${r.kind === "json" ? "" : "; your sets are kept"}. ` +
    `Undo brings back what you had. ${r.notes.join(" ")}`.trim();
  note.hidden = false;
}
$("#inventory-file").onchange = (e) => { if (e.target.files[0]) importFile(e.target.files[0]); e.target.value = ""; };

$("#inventory-export").onclick = async () => {
  clearError("inventory");
  try {
    const r = await request({ type: "inventory", op: "export", args: { settings: engineSettings() } });
    saveBlob(r.data, r.name, r.mime);
  } catch (e) {
    showError("inventory", e.message);
  }
};

// ---------- buying (unlimited mode) ----------
function prices() {
  try { return { default: null, rows: {}, ...JSON.parse(localStorage.getItem(PRICES) || "{}") }; } catch { return { default: null, rows: {} }; }
}
function savePrices(p) { try { localStorage.setItem(PRICES, JSON.stringify(p)); } catch { /* private mode: kept for this page */ } }

/** A price a person typed: a number of at least 0 (any currency), or null when empty. */
function priceOf(input) {
  const raw = input.value.trim().replace(",", ".");
  if (raw === "") return { value: null };
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) return { error: "A price must be a number of at least 0, like 0.07." };
  return { value: v };
}

async function renderBuying() {
  const m = state.mosaic;
  const show = Boolean(state.settings?.unlimited && m && !m.stock);
  $("#buying").hidden = !show;
  if (!show || m === buyFor) { if (show) total(); return; }
  buyFor = m;
  let r;
  try {
    r = await request({ type: "inventory", op: "buy", args: { only_missing: onlyMissing() } });
  } catch (e) {
    showError("downloads", e.message);
    return;
  }
  if (m !== state.mosaic || r.stale) { buyFor = null; return; } // a newer mosaic is coming
  const rows = r.rows;
  const p = prices();
  const perColor = new Map();
  for (const r of rows) perColor.set(r.id, (perColor.get(r.id) || 0) + r.quantity);
  // one colour's parts together, the colour with the most first
  rows.sort((a, b) => perColor.get(b.id) - perColor.get(a.id) || a.id - b.id || b.quantity - a.quantity);
  const trs = [];
  rows.forEach((r, i) => {
    trs.push(buyRow(r, p));
    if (perColor.get(r.id) !== r.quantity && rows[i + 1]?.id !== r.id) { // several parts: the colour's total
      const tr = document.createElement("tr");
      tr.className = "subtotal";
      tr.innerHTML = `<td colspan="2"></td><td class="num"></td><td></td><td></td>`;
      tr.cells[0].textContent = `All ${r.name}`;
      tr.cells[1].textContent = perColor.get(r.id);
      trs.push(tr);
    }
  });
  $("#buy-table tbody").replaceChildren(...trs);
  $("#buy-empty").hidden = rows.length > 0;
  total();
}

/** One row of the buying list: colour, part, quantity, price per piece (kept), cost. */
function buyRow(r, p) {
  const tr = document.createElement("tr");
  tr.dataset.key = `${r.part}/${r.id}`;
  tr.dataset.quantity = r.quantity;
  tr.innerHTML = `<td><span class="swatch"></span></td><td class="part"></td><td class="num qty"></td>
    <td class="num"><input class="price" inputmode="decimal" size="6"><span class="field-error" hidden></span></td>
    <td class="num cost"></td>`;
  tr.querySelector(".swatch").style.background = r.hex;
  tr.cells[0].append(`${r.name} (${r.id})`);
  tr.cells[1].textContent = r.part_name && r.part_name !== r.part ? `${r.part_name} (${r.part})` : r.part;
  tr.cells[2].textContent = r.quantity;
  const input = tr.querySelector(".price");
  input.setAttribute("aria-label", `Price of one ${r.name} ${r.part}`);
  input.placeholder = "price";
  if (p.rows[tr.dataset.key] != null) input.value = p.rows[tr.dataset.key];
  const err = tr.querySelector(".field-error"); // what is wrong with this row's price, beside it
  err.id = `price-error-${r.part}-${r.id}`;
  input.setAttribute("aria-describedby", err.id);
  input.onchange = () => {
    const v = priceOf(input);
    input.setAttribute("aria-invalid", String(Boolean(v.error)));
    err.textContent = v.error || "";
    err.hidden = !v.error;
    if (v.error) return total();
    const q = prices();
    if (v.value == null) delete q.rows[tr.dataset.key]; else q.rows[tr.dataset.key] = v.value;
    savePrices(q);
    total();
  };
  return tr;
}

/** Totals: pieces, and the estimated cost of the rows with a price (or the default price); no
 * cost while a price is marked wrong (a total without that row would look right and be wrong). */
function total() {
  const def = priceOf($("#price-default"));
  let pieces = 0; let cost = 0; let unpriced = 0; let wrong = 0;
  const perColor = new Map();
  const rows = [...$("#buy-table tbody").rows].filter((tr) => tr.dataset.key);
  for (const tr of rows) {
    const q = +tr.dataset.quantity;
    pieces += q;
    const own = priceOf(tr.querySelector(".price"));
    const price = own.value ?? def.value;
    tr.querySelector(".cost").textContent = price == null || own.error ? "" : (q * price).toFixed(2);
    if (own.error) wrong++;
    else if (price == null) unpriced++;
    else cost += q * price;
    perColor.set(tr.dataset.key.split("/")[1], true);
  }
  $("#buy-total-pieces").textContent = pieces.toLocaleString("en");
  $("#buy-total-cost").textContent = wrong || def.error || unpriced === rows.length ? "–" : cost.toFixed(2);
  $("#buy-colors").textContent = plural(perColor.size, "colour");
  $("#buy-note").textContent = def.error
    || (wrong ? `Fix the price marked in ${wrong === 1 ? "one row" : `${wrong} rows`} to see the total cost.` : "")
    || (unpriced && unpriced < rows.length
      ? `${unpriced} row${unpriced === 1 ? " has" : "s have"} no price yet and ${unpriced === 1 ? "is" : "are"} not in the estimate.` : "");
}
$("#price-default").onchange = () => {
  const v = priceOf($("#price-default"));
  $("#price-default").setAttribute("aria-invalid", String(Boolean(v.error)));
  if (!v.error) { const q = prices(); q.default = v.value; savePrices(q); }
  total();
};

/** As the shopping-list downloads: only what is missing when the person owns pieces. */
function onlyMissing() {
  if ($("#wanted-field").hidden) return null;
  return $("#wanted").value === "missing";
}
$("#wanted").addEventListener("change", () => { buyFor = null; renderBuying(); });
$("#buy-bricklink").onclick = () => exportFile("bricklink");
$("#buy-rebrickable").onclick = () => exportFile("rebrickable");
