// The package's types (js/index.d.ts, js/bridge/index.d.ts, js/publish/publish.d.ts) type-check and
// describe it as a TypeScript user imports it (tests/js/types_usage.ts, resolved through
// package.json's exports map, compiled with tests/js/tsconfig.types.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

test("the package's .d.ts files (websrt, websrt/bridge, websrt/publish) type-check with a strict TypeScript usage file", async () => {
  assert.ok(existsSync(tsc), `TypeScript is not installed at ${tsc}: run 'npm ci'`);
  const args = [tsc, "-p", "tests/js/tsconfig.types.json"];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: root });
  } catch (error) {
    assert.fail(`tsc reported errors:\n${error.stdout}${error.stderr}`);
  }
});
