/**
 * Verifies a motion's audit export (GET /api/consultations/:id/motions/:motionId/audit):
 *
 *   npm run verify:motion -- audit.json [--receipt XXXX-XXXX-XXXX]
 *
 * Prints one JSON report; exits 0 when the chain, the ballot box and the tally all check out.
 */
import { readFileSync } from 'node:fs';
import { verifyMotionAudit } from '../features/voting/verify.js';
import type { MotionAudit } from '../features/voting/audit.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--receipt');
const receiptIndex = args.indexOf('--receipt');
const receipt = receiptIndex >= 0 ? args[receiptIndex + 1] : undefined;
if (!file) {
  console.error('usage: verify:motion <audit.json> [--receipt CODE]');
  process.exit(2);
}
const audit = JSON.parse(readFileSync(file, 'utf8')) as MotionAudit;
const report = verifyMotionAudit(audit, receipt);
console.log(JSON.stringify(report, null, 2));
process.exit(report.ok && (report.receipt?.found ?? true) ? 0 : 1);
