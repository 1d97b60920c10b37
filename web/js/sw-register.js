// The service worker (offline use). Registered once the engine is ready, so its precaching
// revalidates what the page has just downloaded (HTTP cache) instead of downloading it again.
// A new version is offered to the person, never forced in the middle of their work.
const $ = (sel) => document.querySelector(sel);

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").then((reg) => {
    const offer = (w) => {
      if (!w || !navigator.serviceWorker.controller) return;
      $("#update").hidden = false;
      $("#update-now").onclick = () => w.postMessage("skip-waiting");
    };
    offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const w = reg.installing;
      w.addEventListener("statechange", () => { if (w.state === "installed") offer(w); });
    });
  }).catch((e) => console.warn("service worker not registered", e));
  const markControlled = () => { if (navigator.serviceWorker.controller) document.body.dataset.sw = "controlled"; };
  markControlled();
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    markControlled();
    if (reloading || $("#update").hidden) return;
    reloading = true;
    location.reload();
  });
}
