// Service worker: precaches the site so it works offline. build.py fills in VERSION and
// the file lists from the built files' hashes, so every build gets its own cache.
const VERSION = "__VERSION__";
const CORE = "__CORE__";           // precached at install: the page, its modules, the engine
const ON_DEMAND = "__ON_DEMAND__"; // heavy optional parts (depth runtime, PDF library): cached when first used
const INTEGRITY = "__INTEGRITY__"; // path -> "sha256-..." (Subresource Integrity) of this build's files
const CACHE = `legoremix-${VERSION}`;

// Each file is fetched with its build's integrity hash: first from the HTTP cache (what the
// page has just downloaded, no second download), and from the network when that copy is
// missing or belongs to another build. So a new version never mixes in old files.
async function fetchVerified(url) {
  const integrity = INTEGRITY[url] || "";
  try {
    return await fetch(new Request(url, { cache: "force-cache", integrity }));
  } catch {
    return fetch(new Request(url, { cache: "reload", integrity }));
  }
}

async function store(cache, url) {
  const res = await fetchVerified(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  await cache.put(url, res);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => Promise.all(CORE.map((url) => store(c, url)))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith("legoremix-") && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

// Cross-origin isolation (needed to interrupt a running compute, and for threads) comes from
// COOP/COEP headers. build.py's server and hosts reading dist/_headers send them; for static
// hosts that cannot, every response this worker serves carries them, so from the second
// visit on the page is isolated anyway.
const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin" };
function isolated(res) {
  if (!res || res.type === "opaque" || res.status === 0) return res;
  if (Object.keys(ISOLATION).every((k) => res.headers.has(k))) return res;
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(ISOLATION)) if (!headers.has(k)) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(req, { ignoreSearch: true }) ||
      (req.mode === "navigate" ? await cache.match("./") : undefined);
    if (hit) return isolated(hit);
    const rel = new URL(req.url).pathname.slice(new URL(self.registration.scope).pathname.length);
    if (!ON_DEMAND.includes(rel)) return isolated(await fetch(req));
    const res = await fetchVerified(rel); // first use of an optional part: keep it for offline use
    if (res.ok) await cache.put(rel, res.clone());
    return isolated(res);
  })());
});
