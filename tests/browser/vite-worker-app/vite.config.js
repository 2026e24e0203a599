// An SrtWorker's worker loads the core's glue with a dynamic import, which Vite's default worker
// format (a classic script, "iife") cannot split off: workers are built as ES modules.
export default {
  worker: { format: "es" },
};
