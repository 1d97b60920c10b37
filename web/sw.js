// Service worker: precaches the site so it works offline. build.py fills in VERSION and
// the file lists from the built files' hashes, so every build gets its own cache.
const VERSION = "__VERSION__";
const CORE = "__CORE__";   // needed before the page is usable
const EXTRA = "__EXTRA__"; // fetched in the background once the page is ready (PDF library, ...)
const CACHE = `legoremix-${VERSION}`;

// "force-cache": take what the page has just downloaded from the HTTP cache instead of
// downloading it again (each build has its own file hashes in VERSION, so a stale copy
// cannot be mixed in: a changed file changes the whole cache).
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) =>
    c.addAll(CORE.map((url) => new Request(url, { cache: "force-cache" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith("legoremix-") && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

async function cacheExtras() {
  const cache = await caches.open(CACHE);
  for (const url of EXTRA) {
    if (!(await cache.match(url))) {
      try { await cache.add(url); } catch (e) { /* offline: try again next time */ }
    }
  }
}

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  else if (event.data === "cache-extras") event.waitUntil(cacheExtras());
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(req, { ignoreSearch: true }) ||
      (req.mode === "navigate" ? await cache.match("./") : undefined);
    if (hit) return hit;
    const res = await fetch(req);
    const rel = new URL(req.url).pathname.slice(new URL(self.registration.scope).pathname.length);
    if (res.ok && EXTRA.includes(rel)) cache.put(req, res.clone());
    return res;
  })());
});
