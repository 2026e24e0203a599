// The package as a user gets it, for tests that need an installed copy: `npm pack` of this
// repository, then `npm install <tarball>` into a project. npm's cache lives in the work
// directory and installs are --offline: nothing is written under $HOME and no network is used
// (websrt has no dependencies).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Packs the repository into `work`/packed and installs the tarball into `project` (which has a package.json). */
export async function installPackedWebsrt(work, project) {
  const packed = join(work, "packed");
  const cache = join(work, "npm-cache");
  await mkdir(packed, { recursive: true });
  await run("npm", ["pack", "--pack-destination", packed, "--cache", cache], { cwd: repoRoot });
  const [tarball] = (await readdir(packed)).filter((name) => name.endsWith(".tgz"));
  assert.ok(tarball, "npm pack made no tarball");
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--cache", cache, join(packed, tarball)], { cwd: project });
}
