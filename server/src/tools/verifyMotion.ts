/**
 * Verifies a motion's audit export (GET /api/consultations/:id/motions/:motionId/audit):
 *
 *   npm run verify:motion -- audit.json [--commitment HEX]
 *
 * Prints one JSON report; exits 0 when the chain, the ballot box and the tally all check out
 * (and the commitment, if given, is in the box).
 */
import { readFileSync } from 'node:fs';
import { verifyMotionAudit } from '../features/voting/verify.js';
import type { MotionAudit } from '../features/voting/audit.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--commitment');
const commitmentIndex = args.indexOf('--commitment');
const commitment = commitmentIndex >= 0 ? args[commitmentIndex + 1] : undefined;
if (!file) {
  console.error('usage: verify:motion <audit.json> [--commitment HEX]');
  process.exit(2);
}
const audit = JSON.parse(readFileSync(file, 'utf8')) as MotionAudit;
const report = verifyMotionAudit(audit, commitment);
console.log(JSON.stringify(report, null, 2));
process.exit(report.ok && (report.commitment?.found ?? true) ? 0 : 1);
