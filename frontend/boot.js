// Starts the Lading app. A file of its own rather than trunk's inline initializer, so the
// page runs under a Content-Security-Policy without 'unsafe-inline'. Trunk leaves the hashed
// names of the wasm-bindgen glue and the wasm binary in <meta name="lading-app">.
const app = document.querySelector('meta[name="lading-app"]');
const { default: init } = await import(app.dataset.js);
await init({ module_or_path: app.dataset.wasm });
