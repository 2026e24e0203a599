// js/index.d.ts type-checks and describes the package as a TypeScript user imports it
// (tests/js/types_usage.ts, resolved through package.json's exports map).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

test("index.d.ts type-checks with a strict TypeScript usage file", async () => {
  assert.ok(existsSync(tsc), `TypeScript is not installed at ${tsc}: run 'npm ci'`);
  const args = [
    tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
    "--moduleResolution", "nodenext", "tests/js/types_usage.ts",
  ];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: root });
  } catch (error) {
    assert.fail(`tsc reported errors:\n${error.stdout}${error.stderr}`);
  }
});
