// Adds up the node test runner's closing counts of every workspace into one line that CI can read.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2] ?? 'test-output/test.log', 'utf8');
const sum = (label: string): number =>
  [...log.matchAll(new RegExp(`ℹ ${label} (\\d+)`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
const passed = sum('pass');
const failed = sum('fail');
console.log(`\nTests: ${passed} passed, ${failed} failed`);
if (failed > 0 || passed === 0) process.exitCode = 1;
