// The one line `vite` (the dev server) needs: its dependency pre-bundling moves a package's modules
// to node_modules/.vite/deps/, where the core's `new URL("../dist/websrt_core.wasm",
// import.meta.url)` no longer points at the wasm. `vite build` needs no configuration.
export default {
  optimizeDeps: { exclude: ["websrt"] },
};
