// The package as a user gets it, for tests that need an installed copy: `npm pack` of this
// repository, then `npm install <tarball>` into a project. npm's cache lives in the work
// directory and installs are --offline: nothing is written under $HOME and no network is used
// (websrt's one dependency, ws, is packed from this repository's node_modules and installed
// beside it, which satisfies websrt's range).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, readdir } from "node:fs/promises";
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
  const [tarball] = (await readdir(packed)).filter((name) => name.startsWith("websrt-") && name.endsWith(".tgz"));
  assert.ok(tarball, "npm pack made no tarball");
  const { dependencies = {} } = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8"));
  const dependencyTarballs = [];
  for (const name of Object.keys(dependencies)) {
    const { stdout } = await run("npm", ["pack", "--pack-destination", packed, "--cache", cache, join(repoRoot, "node_modules", name)], { cwd: work });
    dependencyTarballs.push(join(packed, stdout.trim().split("\n").pop()));
  }
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--cache", cache, join(packed, tarball), ...dependencyTarballs],
    { cwd: project });
}
