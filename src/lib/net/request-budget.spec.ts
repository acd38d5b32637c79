import { describe, expect, it } from 'vitest';
import { RequestBudget } from './request-budget';

describe('RequestBudget', () => {
	it('lets `limit` requests through, then holds the next until the first token returns', async () => {
		let now = 0;
		const budget = new RequestBudget(6, 2000, () => now, 100);
		const sent: number[] = [];
		const sleep = async (ms: number) => {
			now += ms;
		};
		for (let i = 0; i < 13; i++) {
			await budget.take(sleep);
			sent.push(now);
		}
		expect(sent.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
		expect(sent.slice(6, 12)).toEqual([2100, 2100, 2100, 2100, 2100, 2100]);
		expect(sent[12]).toBe(4200);
		// Never more than 6 in any 2-second window, as the venue counts.
		for (const t of sent)
			expect(sent.filter((s) => s >= t && s < t + 2000).length).toBeLessThanOrEqual(6);
	});

	it('after a 429, waits a whole period before the next request', () => {
		let now = 0;
		const budget = new RequestBudget(6, 2000, () => now, 100);
		budget.spend();
		budget.exhaust();
		now = 500;
		expect(budget.waitMs()).toBe(1600);
	});
});
