// The Node bridge's decisions, made by the native bridge's own policy code compiled into the
// WebAssembly core (bindings/bridge_policy_binding.cpp over native-shim/bridge_policy.hpp,
// host_check.hpp, client_limits.hpp, relay_budget.hpp, static_path_policy.hpp): which upgrades,
// Host headers, clients, datagrams and static paths pass. This file only resolves the allowlist's
// names (as `websrt bridge` does once at start) and frees the embind objects it makes.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

import { loadModule } from "../core.js";

/** The bridge's fixed limits and defaults (native-shim/bridge_policy.hpp, client_limits.hpp). */
export async function bridgeLimits() {
  return (await loadModule()).bridgeLimits();
}

/**
 * Resolves `allow` (HOST:PORT entries) to every address each name has; throws an Error naming
 * the bad entry, with the native bridge's wording.
 */
async function resolveAllowlist(module, allow) {
  const targets = [];
  for (const entry of allow) {
    const parsed = module.bridgeHostPort(String(entry));
    if (!parsed) throw new Error(`--allow expects HOST:PORT, got '${entry}'`);
    if (isIP(parsed.host)) {
      targets.push({ address: parsed.host, port: parsed.port });
      continue;
    }
    let addresses;
    try {
      addresses = await lookup(parsed.host, { all: true });
    } catch {
      throw new Error(`--allow ${entry}: cannot resolve ${parsed.host}`);
    }
    for (const { address } of addresses) targets.push({ address, port: parsed.port });
  }
  return targets;
}

export class BridgeRules {
  #module;
  #rules;
  #settings;

  constructor(module, rules, settings) {
    this.#module = module;
    this.#rules = rules;
    this.#settings = settings;
  }

  /**
   * Checks and resolves the settings once; throws an Error saying what is wrong. The Host rule
   * depends on where the bridge listens: call listeningOn() once it does.
   */
  static async create(settings) {
    const module = await loadModule();
    const allow = await resolveAllowlist(module, settings.allow);
    const rules = new module.BridgeRules();
    const resolved = { ...settings, allow };
    const problem = rules.configure({ ...resolved, listeningOnLoopback: true, listeningPort: 0 });
    if (problem) {
      rules.delete();
      throw new Error(problem);
    }
    return new BridgeRules(module, rules, resolved);
  }

  /** Fixes the Host rule for a bridge listening on `address` (Node's server.address()). */
  listeningOn({ address, port }) {
    const loopback = address === "::1" || /^(::ffff:)?127\./.test(address);
    const problem = this.#rules?.configure({ ...this.#settings, listeningOnLoopback: loopback, listeningPort: port });
    if (problem) throw new Error(problem);
  }

  /** A setting as configured ("maxSessionsPerClient", "upgradesPerSecond", …). */
  setting(name) { return this.#settings[name]; }

  // After delete() (the bridge closed), every question is answered with a refusal: events of
  // connections still closing must not touch the freed embind object.
  get hostsEnforced() { return this.#rules?.hostsEnforced() ?? true; }
  admitsHost(hostHeader) { return this.#rules?.admitsHost(hostHeader ?? "") ?? false; }
  /** {ok, status, reason, targetHost, targetPort} */
  admitUpgrade(target, origin, openSessions) {
    return this.#rules?.admitUpgrade(target, origin ?? "", openSessions) ?? { ok: false, status: 503, reason: "the bridge is closed" };
  }
  /** "serve" | "busy" | "close" */
  connectionOpened(ip) { return this.#rules?.connectionOpened(ip ?? "") ?? "close"; }
  connectionDone(ip) { this.#rules?.connectionDone(ip ?? ""); }
  takeUpgrade(ip) { return this.#rules?.takeUpgrade(ip ?? "") ?? false; }
  sessionFits(ip) { return this.#rules?.sessionFits(ip ?? "") ?? false; }
  sessionOpened(ip) { this.#rules?.sessionOpened(ip ?? ""); }
  sessionClosed(ip) { this.#rules?.sessionClosed(ip ?? ""); }

  /** {ok: true, path} relative to the static directory, or {ok: false, why}. */
  staticPath(target) { return this.#module.bridgeStaticPath(target); }
  contentType(fileName) { return this.#module.bridgeContentType(fileName); }
  /** Whether canonical `path` is canonical `root` or inside it, component by component (is_within). */
  isWithin(root, path) { return this.#module.bridgeIsWithin(root, path); }

  /** One direction's byte and packet budget; free it with delete(). */
  sessionBudget(rateBytesPerSecond, packetsPerSecond) {
    return new this.#module.BridgeSessionBudget(rateBytesPerSecond, packetsPerSecond);
  }

  delete() {
    this.#rules?.delete();
    this.#rules = undefined;
  }
}
