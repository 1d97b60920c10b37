// Bigger pieces in the page: the part sizes allowed (checkboxes; 1x1 always), the objective
// (fewest parts, or lowest cost with a weight per size, checked next to the fields), the part
// count and the saving against all-1x1, the counts table in parts (per size and colour: what to
// take from the box, what to buy), and the parts drawn as they look (an overlay over the studs,
// js/looks.js). The engine packs the parts (py/legoremix/pieces.py, packing.py);
// state.mosaic.parts and part_list come back with every mosaic when sizes beyond 1x1 are allowed.
import { drawPart, lookOf } from "./looks.js";
import { draw, overlays } from "./mosaic-view.js";
import { checkField, wholeNumber } from "./settings-panel.js";
import { commit, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
let familySizes = {}; // piece family -> the sizes it is made in
let catalogue = {}; // piece family -> {size: {part, colors: [BrickLink ids]}}
let partLabels = {}; // part number -> "2x4 plate"
let colorById = new Map(); // BrickLink id -> {id, name, hex}
const MAX_PARTS = 1000000;
let allSizes = []; // every size some family offers, smallest first
const studsOf = (size) => size.split("x").reduce((a, b) => a * b, 1);
/** The weight a size starts with when "lowest cost" is chosen: bigger parts cost more, but
 * less per stud (the square root of its studs); the person types their own prices over it. */
const startWeight = (size) => Math.round(Math.sqrt(studsOf(size)) * 100) / 100;

/** Build the size checkboxes and the objective once the engine has said which sizes exist. */
export function initPieces(info) {
  familySizes = info.part_sizes;
  catalogue = info.part_catalogue || {};
  allSizes = info.all_sizes;
  partLabels = info.part_labels || {};
  colorById = new Map(info.colors.map((c) => [c.id, c]));
  $("#owned-size").onchange = () => renderOwnedColors();
  $("#owned-count").oninput = () => ownedCount();
  $("#owned-add").onclick = addOwned;
  $("#part-sizes").replaceChildren(...info.all_sizes.map((size) => {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: size });
    box.dataset.testid = `size-${size}`;
    box.disabled = size === "1x1"; // single studs need it
    box.onchange = () => commit((s) => {
      const on = new Set(s.sizes);
      if (box.checked) on.add(size); else on.delete(size);
      s.sizes = info.all_sizes.filter((x) => on.has(x));
      if (s.part_costs) s.part_costs = weightsFor(s.sizes, s.part_costs);
    });
    label.append(box, ` ${size.replace("x", " × ")}`);
    return label;
  }));
  $("#sizes-all").onclick = () => commit((s) => {
    s.sizes = [...info.all_sizes];
    if (s.part_costs) s.part_costs = weightsFor(s.sizes, s.part_costs);
  });
  $("#sizes-none").onclick = () => commit((s) => { s.sizes = ["1x1"]; });
  $("#goal-fewest").onchange = () => { clearCostErrors(); commit((s) => { s.part_costs = null; }); };
  $("#goal-cost").onchange = () => commit((s) => { s.part_costs = weightsFor(s.sizes, s.part_costs); });
  overlays.push(drawParts);
}

/** A weight for every allowed size: the ones already set, else the starting weight. */
function weightsFor(sizes, old) {
  return Object.fromEntries(sizes.map((size) => [size, old?.[size] ?? startWeight(size)]));
}

/** {value} or {error}: a weight must be a positive number (decimals allowed). */
function checkWeight(input, size) {
  const raw = input.value.trim();
  const what = `The weight of ${size.replace("x", " × ")} parts`;
  if (raw === "") return { error: `${what} is missing: enter a positive number, for example its price.` };
  const v = Number(raw);
  if (input.validity.badInput || !Number.isFinite(v)) return { error: `${what} must be a number, for example 0.12.` };
  if (v <= 0) return { error: `${what} must be more than 0.` };
  if (v >= 1e9) return { error: `${what} must be less than 1 000 000 000.` };
  return { value: v };
}

function clearCostErrors() {
  for (const key of [...state.invalid]) if (key.startsWith("cost-")) state.invalid.delete(key);
  $("#part-costs-error").hidden = true;
}

/** The weight fields of the allowed sizes (rebuilt only when the sizes change, so a field
 * being corrected keeps what the person typed). */
function renderCosts(s) {
  const box = $("#part-costs");
  const on = Boolean(s.part_costs) && s.sizes.length > 1;
  $("#goal-cost").checked = Boolean(s.part_costs);
  $("#goal-fewest").checked = !s.part_costs;
  $("#goal-cost").disabled = s.sizes.length < 2;
  box.hidden = !on;
  $("#part-costs-hint").hidden = !on;
  if (!on) { box.replaceChildren(); box.dataset.sizes = ""; return; }
  if (box.dataset.sizes !== s.sizes.join(",")) {
    box.dataset.sizes = s.sizes.join(",");
    const err = $("#part-costs-error");
    box.replaceChildren(...s.sizes.map((size) => {
      const label = document.createElement("label");
      const input = Object.assign(document.createElement("input"),
        { type: "number", min: "0", step: "any", id: `cost-${size}`, inputMode: "decimal" });
      input.dataset.testid = `cost-${size}`;
      input.dataset.size = size;
      input.setAttribute("aria-describedby", "part-costs-error");
      const check = () => {
        const r = checkWeight(input, size);
        // one message slot for the whole table: the first field still wrong speaks
        const v = checkField(input, err, `cost-${size}`, r);
        if (!r.error) {
          const other = [...box.querySelectorAll("input[aria-invalid=true]")][0];
          if (other) { err.textContent = checkWeight(other, other.dataset.size).error; err.hidden = false; }
        }
        return v;
      };
      input.oninput = check;
      input.onchange = () => {
        const v = check();
        if (v !== null) commit((st) => { st.part_costs = { ...weightsFor(st.sizes, st.part_costs), [size]: v }; });
      };
      label.append(`${size.replace("x", " × ")}`, input);
      return label;
    }));
  }
  box.querySelectorAll("input").forEach((input) => {
    if (!state.invalid.has(input.id)) input.value = String(s.part_costs[input.dataset.size] ?? 1);
  });
}

/** Show the settings' sizes (sizes the chosen piece is not made in are marked), the weights,
 * the count and the parts in the counts table. */
export function renderPieces() {
  const s = state.settings;
  if (!s) return;
  const made = new Set(familySizes[s.piece] || []);
  document.querySelectorAll("#part-sizes input").forEach((box) => {
    box.checked = s.sizes.includes(box.value);
    box.parentElement.classList.toggle("not-made", !made.has(box.value));
    box.parentElement.title = made.has(box.value) ? "" : "Not made in this piece type: not used with it";
  });
  renderCosts(s);
  renderOwned(s);
  const m = state.mosaic;
  const out = $("#parts-count");
  if (!m) { out.textContent = ""; return; }
  const studs = m.width * m.height;
  const parts = m.parts ? m.parts.length : studs;
  out.dataset.parts = String(parts);
  const saving = `${parts} parts instead of ${studs} 1 × 1 pieces: ${(100 * (studs - parts) / studs).toFixed(1)} % fewer.`;
  const owned = (m.part_stock || []).reduce((a, r) => a + r.count, 0);
  out.textContent = !m.parts ? `${studs} pieces, all 1 × 1. Allow bigger sizes to use fewer parts.`
    : saving + (m.stock && owned ? ` Only the ${owned} bigger parts you own are used.`
      : m.stock ? " The bigger parts are to buy (see Missing); add the ones you own to your pieces." : "");
  renderPartCounts(m, saving);
}

/** With bigger pieces the counts table lists parts: one row per colour and size, used, what
 * the person has of it (stock or owned) and what is missing (to buy). */
function renderPartCounts(m, saving) {
  const caption = $("#counts caption");
  if (!m.part_list) { caption.textContent = "Pieces"; $("#counts").dataset.unit = "pieces"; return; }
  caption.textContent = `Parts: ${saving}`;
  $("#counts").dataset.unit = "parts";
  const byHex = new Map(m.palette.map((c) => [c.hex, c]));
  $("#counts tbody").replaceChildren(...m.part_list.map((r) => {
    const c = byHex.get(r.color);
    const tr = document.createElement("tr");
    Object.assign(tr.dataset, { hex: r.color, size: r.size, part: r.part });
    if (r.missing) tr.className = "short";
    tr.innerHTML = `<td><span class="swatch"></span></td><td class="num used"></td>
      <td class="num stock"></td><td class="num missing"></td>`;
    tr.querySelector(".swatch").style.background = r.color;
    const size = Object.assign(document.createElement("span"),
      { className: "size", textContent: ` ${r.size.replace("x", " × ")} (part ${r.part})` });
    tr.cells[0].append(`${c ? c.name : r.color} (${c ? c.id : "?"})`, size);
    tr.cells[1].textContent = r.used;
    tr.cells[2].textContent = r.have;
    tr.cells[3].textContent = r.missing || "";
    return tr;
  }));
}

// ---------- bigger parts the person owns (settings custom_parts: {part: {BrickLink id: count}}) ----------
const sizeLabel = (size) => size.replace("x", " × ");
const partLabel = (part) => `${sizeLabel(partLabels[part] || part)} (${part})`;

/** The add form: the family's parts beyond 1x1 (loose 1x1s are the inventory's colours), and
 * the colours the chosen part is made in. */
function renderOwned(s) {
  const fam = catalogue[s.piece] || {};
  const sel = $("#owned-size");
  const key = `${s.piece}`;
  if (sel.dataset.piece !== key) {
    sel.dataset.piece = key;
    sel.replaceChildren(...(familySizes[s.piece] || []).filter((size) => size !== "1x1")
      .map((size) => new Option(partLabel(fam[size].part), size)));
    renderOwnedColors();
  }
  const allowed = new Set(s.sizes.filter((size) => fam[size]).map((size) => fam[size].part));
  const mine = new Set(Object.values(fam).map((e) => e.part));
  const rows = [];
  for (const [part, counts] of Object.entries(s.custom_parts || {})) {
    for (const [bl, n] of Object.entries(counts)) rows.push({ part, bl: +bl, n });
  }
  $("#owned-table").hidden = rows.length === 0;
  $("#owned-table tbody").replaceChildren(...rows.map(({ part, bl, n }) => {
    const c = colorById.get(bl) || { name: `BrickLink colour ${bl}`, hex: "#888888" };
    const tr = document.createElement("tr");
    Object.assign(tr.dataset, { part, color: String(bl) });
    const why = !mine.has(part) ? "Not a part of this piece type: not used with it"
      : !allowed.has(part) ? "Its size is not allowed above: not used" : "";
    if (why) { tr.className = "not-made"; tr.title = why; }
    tr.innerHTML = `<td></td><td><span class="swatch"></span></td><td></td><td></td>`;
    tr.cells[0].textContent = partLabel(part);
    tr.querySelector(".swatch").style.background = c.hex;
    tr.cells[1].append(`${c.name} (${bl})`);
    const id = `owned-${part}-${bl}`;
    const input = Object.assign(document.createElement("input"),
      { type: "number", min: 0, max: MAX_PARTS, step: 1, value: n, id });
    input.setAttribute("aria-label", `${c.name} ${partLabel(part)} you have`);
    const err = Object.assign(document.createElement("p"), { className: "field-error", id: `${id}-error`, hidden: true });
    input.setAttribute("aria-describedby", err.id);
    const check = () => checkField(input, err, id, wholeNumber(input, "The number of parts", 0, MAX_PARTS, "parts"));
    input.oninput = check;
    input.onchange = () => { const v = check(); if (v !== null) commit((st) => setOwned(st, part, bl, v, false)); };
    tr.cells[2].append(input, err);
    const rm = Object.assign(document.createElement("button"), { type: "button", textContent: "Remove" });
    rm.setAttribute("aria-label", `Remove ${c.name} ${partLabel(part)}`);
    rm.onclick = () => { state.invalid.delete(id); commit((st) => setOwned(st, part, bl, 0, false)); };
    tr.cells[3].append(rm);
    return tr;
  }));
}

function renderOwnedColors() {
  const s = state.settings;
  const entry = (catalogue[s?.piece] || {})[$("#owned-size").value];
  const ids = (entry?.colors || []).filter((id) => colorById.has(id));
  $("#owned-color").replaceChildren(...ids.map((id) => colorById.get(id))
    .sort((a, b) => a.name.localeCompare(b.name)).map((c) => new Option(`${c.name} (${c.id})`, String(c.id))));
}

/** The add form's count: a message next to it (the mosaic is not held up: nothing changed yet). */
function ownedCount() {
  const input = $("#owned-count"), err = $("#owned-error");
  const r = wholeNumber(input, "The number of parts to add", 1, MAX_PARTS, "parts");
  err.textContent = r.error || "";
  err.hidden = !r.error;
  input.setAttribute("aria-invalid", String(Boolean(r.error)));
  return r.error ? null : r.value;
}

function setOwned(s, part, bl, n, add) {
  const counts = { ...(s.custom_parts?.[part] || {}) };
  const v = add ? (counts[bl] || 0) + n : n;
  if (v > 0) counts[bl] = Math.min(MAX_PARTS, v); else delete counts[bl];
  s.custom_parts = { ...(s.custom_parts || {}), [part]: counts };
  if (!Object.keys(counts).length) delete s.custom_parts[part];
}

function addOwned() {
  const n = ownedCount();
  const s = state.settings;
  const size = $("#owned-size").value, bl = +$("#owned-color").value;
  const entry = (catalogue[s.piece] || {})[size];
  if (n === null || !entry || !bl) return;
  commit((st) => {
    setOwned(st, entry.part, bl, n, true);
    if (!st.sizes.includes(size)) st.sizes = allSizes.filter((x) => x === size || st.sizes.includes(x)); // owned: allowed
  });
}

/** The overlay: each part of two or more studs as one piece, as it looks (1x1s are drawn
 * as the family's studs already). */
function drawParts(ctx, cell, m) {
  if (!m.parts) return;
  for (const p of m.parts) {
    if (p.w === 1 && p.h === 1) continue;
    drawPart(ctx, p.x * cell, p.y * cell, p.w, p.h, cell, p.color, lookOf(m.piece, p.w, p.h));
  }
}

export { draw };
