// The 3D view of a relief: the baseplate, the plates of every layer and the pieces on top, as
// three.js meshes (bundled locally by build.py under three/, imported only when the view opens).
// Units: 1 = one stud (8 mm); a plate is 0.4 high (3.2 mm), a brick 1.2.
import { state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const PLATE = 0.4;
let three = null; // {THREE, OrbitControls}
let view = null;  // {renderer, scene, camera, controls, group}

async function load() {
  if (!three) {
    const [THREE, { OrbitControls }] = await Promise.all([import("../three/three.module.js"), import("../three/OrbitControls.js")]);
    three = { THREE, OrbitControls };
  }
  return three;
}

/** Meshes of a mosaic (Mosaic.to_dict() format) in a group centred on the origin. */
export function buildModel(THREE, m) {
  const group = new THREE.Group();
  const W = m.width, H = m.height;
  const base = new THREE.Mesh(new THREE.BoxGeometry(W, PLATE, H), new THREE.MeshStandardMaterial({ color: 0x1b1b1b }));
  base.position.set(W / 2, -PLATE / 2, H / 2);
  group.add(base);
  const matrix = new THREE.Matrix4();
  const color = new THREE.Color();
  const plates = m.plates || [];
  if (plates.length) {
    const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial({ roughness: 0.6 }), plates.length);
    color.set(m.plate_color?.hex || "#212121");
    plates.forEach((p, i) => {
      matrix.makeScale(p.w - 0.04, PLATE - 0.01, p.h - 0.04);
      matrix.setPosition(p.x + p.w / 2, (p.level - 0.5) * PLATE, p.y + p.h / 2);
      mesh.setMatrixAt(i, matrix);
      mesh.setColorAt(i, color);
    });
    mesh.name = "plates";
    group.add(mesh);
  }
  const round = m.piece.startsWith("round");
  const tall = m.piece === "brick" ? 3 * PLATE : PLATE;
  const geom = round ? new THREE.CylinderGeometry(0.47, 0.47, 1, 24) : new THREE.BoxGeometry(0.96, 1, 0.96);
  const studs = new THREE.InstancedMesh(geom, new THREE.MeshStandardMaterial({ roughness: 0.35 }), W * H);
  let i = 0;
  m.grid.forEach((row, y) => row.forEach((hex, x) => {
    const lift = m.heights ? m.heights[y][x] * PLATE : 0;
    matrix.makeScale(1, tall, 1);
    matrix.setPosition(x + 0.5, lift + tall / 2, y + 0.5);
    studs.setMatrixAt(i, matrix);
    studs.setColorAt(i, color.set(hex));
    i++;
  }));
  studs.name = "studs";
  group.add(studs);
  group.position.set(-W / 2, 0, -H / 2);
  return group;
}

function render() { view?.renderer.render(view.scene, view.camera); }

/** The view's camera (null before the view first opens), e.g. to project points. */
export const camera = () => view?.camera ?? null;

/** Point the camera at ``box`` from above and in front (about 38 degrees up) and move it just
 * far enough that all eight corners of the box are inside the view with a margin, whatever
 * the mosaic's shape and the canvas's aspect (a bisection on the distance: the projected
 * corners only shrink towards the centre as the camera backs away). */
export function fit(THREE, camera, controls, box, margin = 0.9) {
  const centre = box.getCenter(new THREE.Vector3());
  const dir = new THREE.Vector3(0, 0.75, 0.95).normalize();
  const corners = [];
  for (const x of [box.min.x, box.max.x]) for (const y of [box.min.y, box.max.y]) for (const z of [box.min.z, box.max.z]) {
    corners.push(new THREE.Vector3(x, y, z));
  }
  const radius = box.getSize(new THREE.Vector3()).length() / 2 || 1;
  const p = new THREE.Vector3();
  const inside = (d) => {
    camera.position.copy(centre).addScaledVector(dir, d);
    camera.lookAt(centre);
    camera.updateMatrixWorld();
    return corners.every((c) => {
      p.copy(c).project(camera);
      return p.z < 1 && Math.abs(p.x) <= margin && Math.abs(p.y) <= margin;
    });
  };
  camera.near = radius / 100;
  camera.far = radius * 100;
  camera.updateProjectionMatrix();
  let lo = radius * 0.5, hi = radius * 50;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (inside(mid)) hi = mid; else lo = mid;
  }
  inside(hi);
  controls.target.copy(centre);
  controls.maxDistance = hi * 4;
  controls.update();
}

/** A WebGL renderer on ``canvas``, or null when the browser will not give one. One more try
 * after a pause: a context refused while the browser restarts its GPU process comes back. */
async function makeRenderer(THREE, canvas) {
  for (let attempt = 0; ; attempt++) {
    try {
      return new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    } catch {
      if (attempt) return null;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Open the dialog and show the current mosaic (rebuilt when it changes while open). The
 * dialog's data-state says where it is: loading, then ready or error (with a message). */
export async function open3d() {
  const dialog = $("#view3d");
  dialog.dataset.state = "loading";
  if (!dialog.open) dialog.showModal();
  let THREE, OrbitControls;
  try {
    ({ THREE, OrbitControls } = await load());
  } catch (e) {
    return fail(`The 3D view could not be loaded (${e.message || e}). Reload the page and try again.`);
  }
  const canvas = $("#view3d-canvas");
  try {
    if (!view) {
      const renderer = await makeRenderer(THREE, canvas);
      if (!renderer) {
        return fail("This browser cannot draw 3D graphics (WebGL is off or unavailable), so the 3D view cannot be shown. " +
          "The PDF and the LDraw model still describe the relief.");
      }
      const scene = new THREE.Scene();
      scene.background = new THREE.Color(0xeef1f5);
      scene.add(new THREE.HemisphereLight(0xffffff, 0x667788, 1.6));
      const sun = new THREE.DirectionalLight(0xffffff, 2.2);
      sun.position.set(-0.6, 1, 0.4);
      scene.add(sun);
      const camera = new THREE.PerspectiveCamera(40, canvas.width / canvas.height, 0.1, 5000);
      const controls = new OrbitControls(camera, canvas);
      controls.addEventListener("change", render);
      canvas.addEventListener("webglcontextrestored", () => render()); // three.js rebuilds its state; draw again
      view = { renderer, scene, camera, controls, group: null };
    }
    $("#view3d-message").hidden = true;
    canvas.hidden = false;
    update3d({ reset: true });
  } catch (e) {
    return fail(`The 3D view could not be drawn (${e.message || e}). Close it and try again.`);
  }
  dialog.dataset.state = "ready";
}

/** Rebuild the model from state.mosaic (keeps the camera unless ``reset``). */
export function update3d({ reset = false } = {}) {
  const m = state.mosaic;
  if (!view || !m || !$("#view3d").open) return;
  const { THREE } = three;
  if (view.group) {
    view.scene.remove(view.group);
    view.group.traverse((o) => { o.geometry?.dispose(); o.material?.dispose(); });
  }
  view.group = buildModel(THREE, m);
  view.scene.add(view.group);
  const canvas = $("#view3d-canvas");
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(200, Math.round(rect.width)), h = Math.max(150, Math.round(rect.height));
  view.renderer.setPixelRatio(Math.min(2, devicePixelRatio || 1));
  view.renderer.setSize(w, h, false);
  view.camera.aspect = w / h;
  view.camera.updateProjectionMatrix();
  if (reset) fit(THREE, view.camera, view.controls, new THREE.Box3().setFromObject(view.group));
  const dialog = $("#view3d");
  dialog.dataset.plates = String(m.plates?.length || 0);
  dialog.dataset.studs = String(m.width * m.height);
  render();
}

function fail(message) {
  const dialog = $("#view3d");
  $("#view3d-message").textContent = message;
  $("#view3d-message").hidden = false;
  $("#view3d-canvas").hidden = true;
  dialog.dataset.state = "error";
}

$("#view3d-close").onclick = () => $("#view3d").close();
