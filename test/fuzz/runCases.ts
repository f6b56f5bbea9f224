import type { Sql } from '../../src/platform/database.ts';
import { changedTables, dbDigest } from './dbDigest.ts';
import { type Answer, type Sent, describe, exchange } from './exchange.ts';
import { KNOWN_FAILURES } from './knownFailures.ts';

type Requester = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
export type Case = Sent & { name: string };
export type Failure = { name: string; request: string; problem: string };

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const accepted = (a: Answer) => 'status' in a && a.status < 400;

/**
 * Send every case of one route in turn and judge each answer. A refusal must change nothing: after each
 * write the database digest is compared with the one before it (an accepted case — only allowed where
 * the value may be valid — moves the baseline on). Reads are checked once, across all their cases.
 */
export async function runCases<C extends Case>(
  app: Requester, sql: Sql, cases: C[], judge: (answer: Answer, c: C) => string | null, deadlineMs?: number,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  const fail = (c: Case, problem: string) => failures.push({ name: c.name, request: describe(c), problem });
  const start = await dbDigest(sql);
  let before = start;
  for (const c of cases) {
    const answer = await exchange(app, c, deadlineMs);
    const problem = judge(answer, c);
    if (problem) fail(c, problem);
    if (SAFE.has(c.method)) continue;
    const after = await dbDigest(sql);
    const changed = changedTables(before, after);
    if (changed.length && !accepted(answer)) fail(c, `a refusal changed ${changed.join(', ')}`);
    before = after;
  }
  const reads = cases.filter((c) => SAFE.has(c.method));
  if (reads.length) {
    const changed = changedTables(start, await dbDigest(sql));
    if (changed.length) fail({ ...reads[0], name: `${reads[0].name.split(' ').slice(0, 2).join(' ')} (all cases)` }, `reads changed ${changed.join(', ')}`);
  }
  return failures;
}

/** An entry names one case exactly, or ends in ` *` to name every case whose name starts with the rest. */
const known = (entry: string, name: string) => (entry.endsWith(' *') ? name.startsWith(entry.slice(0, -1)) : entry === name);

/**
 * The verdict over a route's failures: every failure must be listed in KNOWN_FAILURES, and every listed
 * case of this route must still fail (a fixed one is taken off the list). Returns the message to fail with, or ''.
 */
export function verdict(cases: Case[], failures: Failure[], knownFailures: readonly string[] = KNOWN_FAILURES): string {
  const names = new Set(cases.map((c) => c.name));
  const failed = new Set(failures.map((f) => f.name));
  const unexpected = failures.filter((f) => !knownFailures.some((k) => known(k, f.name)));
  // A listed case of this route that no longer fails (a `*` entry: none of its cases fails) must come off the list.
  const fixed = knownFailures.filter((k) => [...names].some((n) => known(k, n)) && ![...failed].some((n) => known(k, n)));
  const lines: string[] = [];
  for (const f of unexpected) lines.push(`FAILED ${f.name}\n  ${f.problem}\n    ${f.request}`);
  for (const k of fixed) lines.push(`PASSES NOW, remove it from KNOWN_FAILURES: ${k}`);
  return lines.join('\n\n');
}
