import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, formatReport, runCloseCampaign } from '../campaign/close-campaign';

/**
 * The close fault campaign at CI size: real gate, adapter and session against the simulator core.
 * The invariants are checked inside the campaign after every intent; here every violation fails
 * the test, and every fault kind must have taken effect, so the campaign cannot test nothing.
 */
describe('close fault campaign', () => {
	it('150 intents under mixed faults: never twice, never more or the wrong side, never a lie, nothing left open', async () => {
		const lines: string[] = [];
		const report = await runCloseCampaign({
			seed: 20261129,
			intents: Number(process.env.CAMPAIGN_INTENTS ?? 150),
			log: (line) => lines.push(line)
		});
		console.log(formatReport(report));
		if (report.violations.length > 0) console.log(lines.slice(-40).join('\n'));
		expect(report.violations).toEqual([]);
		for (const kind of FAULT_KINDS) expect(report.faults[kind], kind).toBeGreaterThan(0);
		expect(report.outcomes.filled).toBeGreaterThan(0);
		expect(report.outcomes['not-placed']).toBeGreaterThan(0);
		expect(report.outcomes['rejected:30013']).toBeGreaterThan(0);
		expect(report.outcomes['refused:position-changed']).toBeGreaterThan(0);
		expect(report.resends).toBeGreaterThan(0);
		expect(report.checks).toBeGreaterThan(report.intents);
	}, 240_000);
});
