import { describe, expect, it } from 'vitest';
import type { Instrument, Position } from '$lib/exchanges/types';
import { BASE_RULES, CONTRACT_RULES, instrument, position } from '$lib/testing/fixtures';
import { describeClose, planClose, type ClosePlan, type ClosePlanResult } from './close-planner';
import { parseDecimal } from './decimal';

function plannedSize(result: ClosePlanResult): string {
	if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
	return result.order.size;
}

function refusal(result: ClosePlanResult): string {
	if (result.ok) throw new Error(`expected a refusal, got size ${result.order.size}`);
	return result.reason;
}

describe('planClose', () => {
	it('closes a whole long with a reduce-only market sell of exactly the reported size', () => {
		expect(
			planClose({
				rules: CONTRACT_RULES,
				position: position(),
				instrument: instrument(),
				fraction: 1
			})
		).toEqual({
			ok: true,
			order: {
				accountId: 'acc-1',
				symbol: 'BTCUSDT',
				side: 'sell',
				reduceOnly: true,
				type: 'market',
				size: '12',
				marginMode: 'cross',
				positionSide: 'long'
			}
		});
	});

	it('closes a short with a buy and carries the margin mode', () => {
		expect(
			planClose({
				rules: CONTRACT_RULES,
				position: position({ side: 'short', size: '40', marginMode: 'isolated' }),
				instrument: instrument(),
				fraction: 0.5
			})
		).toEqual({
			ok: true,
			order: {
				accountId: 'acc-1',
				symbol: 'BTCUSDT',
				side: 'buy',
				reduceOnly: true,
				type: 'market',
				// 40 × 0.5 = 20
				size: '20',
				marginMode: 'isolated',
				positionSide: 'short'
			}
		});
	});

	it.each([
		// reported, fraction, step → size (arithmetic in the comment)
		['12', 0.25, '1', '3'], // 12 × 0.25 = 3
		['3', 0.5, '1', '1'], // 3 × 0.5 = 1.5 → floor 1
		['3', 0.75, '1', '2'], // 3 × 0.75 = 2.25 → floor 2
		['3', 0.25, '1', '1'], // 0.75 → nearest step 1 (the example)
		['3', 0.5, '1', '1'], // 1.5 → an exact half rounds down: close less, not more
		['3', 0.99, '1', '2'], // 2.97 → 3 would be the whole position: a partial close rounds down to 2
		['100', 0.29, '1', '29'], // exact 29; the float 0.29 × 100 is 28.999999999999996
		['1.5', 0.333, '0.01', '0.5'], // 1.5 × 0.333 = 0.4995 → nearest 0.01 → 0.50
		['10', 1 / 3, '0.001', '3.333'], // 10 × 0.3333333333333333 = 3.333333333333333 → 3.333
		['1000', 0.1, '5', '100'], // 1000 × 0.1 = 100, a multiple of 5
		['1000', 0.123, '5', '125'], // 123 → nearest multiple of 5 → 125
		['7.5', 0.5, '0.25', '3.75'], // 7.5 × 0.5 = 3.75 = 15 × 0.25
		['0.00123', 0.5, '1e-5', '0.00061'], // 0.000615 → 0.00061
		['123456789012345678', 0.5, '1', '61728394506172839'] // past 2^53, still exact
	])('%s contracts × %d on a %s step → %s', (size, fraction, step, expected) => {
		const result = planClose({
			rules: CONTRACT_RULES,
			position: position({ size }),
			instrument: instrument({ sizeStep: step, minSize: step, maxSize: '0' }),
			fraction
		});
		expect(plannedSize(result)).toBe(expected);
	});

	it('refuses a close that rounds to nothing, and says why', () => {
		// 1 × 0.25 = 0.25 → nearest 1-contract step = 0
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '1' }),
					instrument: instrument(),
					fraction: 0.25
				})
			)
		).toBe('25 % of 1 contract is below the 1-contract step');
		// 1 × 0.5 = 0.5 → 0
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '1' }),
					instrument: instrument(),
					fraction: 0.5
				})
			)
		).toBe('50 % of 1 contract is below the 1-contract step');
		// 0.01 × 1/3 = 0.0033 → 0 on a 0.01 step; 1/3 shows as 33.33 %
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '0.01' }),
					instrument: instrument({ sizeStep: '0.01', minSize: '0.01' }),
					fraction: 1 / 3
				})
			)
		).toBe('33.33 % of 0.01 contracts is below the 0.01-contract step');
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '3' }),
					instrument: instrument(),
					fraction: 1e-7
				})
			)
		).toBe('<0.01 % of 3 contracts is below the 1-contract step');
	});

	it('refuses a partial close below the minimum order, but not a full close', () => {
		const small = instrument({ minSize: '5' });
		// 12 × 0.25 = 3 < 5
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position(),
					instrument: small,
					fraction: 0.25
				})
			)
		).toBe(
			'25 % of 12 contracts is 3 contracts, below the 5-contract minimum order; close the whole position instead'
		);
		// 12 × 0.5 = 6 ≥ 5
		expect(
			plannedSize(
				planClose({ rules: CONTRACT_RULES, position: position(), instrument: small, fraction: 0.5 })
			)
		).toBe('6');
		expect(
			plannedSize(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '3' }),
					instrument: small,
					fraction: 1
				})
			)
		).toBe('3');
	});

	it('refuses an order above the maximum size', () => {
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '5000' }),
					instrument: instrument({ maxSize: '1000' }),
					fraction: 1
				})
			)
		).toBe(
			'100 % of 5000 contracts is 5000 contracts, above the 1000-contract maximum order; close it in parts'
		);
		// 5000 × 0.2 = 1000, at the limit
		expect(
			plannedSize(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '5000' }),
					instrument: instrument({ maxSize: '1000' }),
					fraction: 0.2
				})
			)
		).toBe('1000');
	});

	it('sends off-step dust in full on a full close', () => {
		expect(
			plannedSize(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '12.5' }),
					instrument: instrument(),
					fraction: 1
				})
			)
		).toBe('12.5');
	});

	it('writes the reported size canonically on a full close', () => {
		expect(
			plannedSize(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '12.000' }),
					instrument: instrument(),
					fraction: 1
				})
			)
		).toBe('12');
	});

	it.each([NaN, 0, -0.25, 1.0000001, 2, Infinity, -Infinity])(
		'refuses the fraction %d',
		(fraction) => {
			expect(
				refusal(
					planClose({
						rules: CONTRACT_RULES,
						position: position(),
						instrument: instrument(),
						fraction
					})
				)
			).toBe(`The close fraction must be above 0 and at most 1, not ${fraction}`);
		}
	);

	it('refuses a fraction that is not a number at all', () => {
		const fraction = '0.5' as unknown as number;
		expect(
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position(),
					instrument: instrument(),
					fraction
				})
			)
		).toBe('The close fraction must be above 0 and at most 1, not 0.5');
	});

	it('refuses bad position or instrument data instead of throwing', () => {
		const plan = (p: Partial<Position>, i: Partial<Instrument> = {}) =>
			refusal(
				planClose({
					rules: CONTRACT_RULES,
					position: position(p),
					instrument: instrument(i),
					fraction: 1
				})
			);
		expect(plan({ size: 'abc' })).toBe('The position size "abc" is not a decimal number');
		expect(plan({ size: '0' })).toBe(
			'The BTCUSDT position size 0 is not above 0: nothing to close'
		);
		expect(plan({ size: '-3' })).toBe(
			'The BTCUSDT position size -3 is not above 0: nothing to close'
		);
		expect(plan({}, { sizeStep: '' })).toBe('The size step "" is not a decimal number');
		expect(plan({}, { sizeStep: '0' })).toBe('The size step 0 of BTCUSDT is not above 0');
		expect(plan({}, { minSize: 'x' })).toBe('The minimum size "x" is not a decimal number');
		expect(plan({}, { maxSize: '1.2.3' })).toBe('The maximum size "1.2.3" is not a decimal number');
		expect(plan({}, { symbol: 'ETHUSDT' })).toBe(
			"The instrument ETHUSDT does not match the position's BTCUSDT"
		);
		expect(plan({ side: 'flat' as Position['side'] })).toBe('Unknown position side "flat"');
	});

	it('treats an empty min or max size as no limit', () => {
		expect(
			plannedSize(
				planClose({
					rules: CONTRACT_RULES,
					position: position({ size: '5000' }),
					instrument: instrument({ minSize: '', maxSize: '' }),
					fraction: 0.001
				})
			)
		).toBe('5'); // 5000 × 0.001 = 5
	});
});

/** A small seeded generator so a failing case can be replayed. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** value and step as integers over a shared power of ten, read independently of the planner. */
function asIntegers(value: string, step: string): [bigint, bigint] {
	const v = parseDecimal(value);
	const s = parseDecimal(step);
	const scale = Math.max(v.scale, s.scale);
	return [v.int * 10n ** BigInt(scale - v.scale), s.int * 10n ** BigInt(scale - s.scale)];
}

describe('planClose properties', () => {
	const steps = ['1', '1', '1', '10', '5', '0.1', '0.01', '0.001', '0.25', '0.5', '1e-5'];
	const fixedFractions = [1, 0.25, 0.5, 0.75, 0.1, 0.01, 0.999];

	it('holds for 5000 random sizes, fractions and steps', () => {
		const random = mulberry32(20240607);
		const violations: string[] = [];
		let planned = 0;
		let refused = 0;
		for (let run = 0; run < 5000; run += 1) {
			const step = steps[Math.floor(random() * steps.length)];
			const stepValue = parseDecimal(step);
			// a reported size of 1..10^7 steps, written in the step's own decimals
			const units = BigInt(1 + Math.floor(random() ** 3 * 10_000_000));
			const reported = toText(units * stepValue.int, stepValue.scale);
			const fraction =
				random() < 0.3
					? fixedFractions[Math.floor(random() * fixedFractions.length)]
					: Math.max(Number.MIN_VALUE, random());
			const side = random() < 0.5 ? 'long' : 'short';
			const fail = (what: string) =>
				violations.push(`${what} (size ${reported}, step ${step}, fraction ${fraction}, ${side})`);

			const result = planClose({
				rules: CONTRACT_RULES,
				position: position({ size: reported, side }),
				instrument: instrument({ sizeStep: step, minSize: step, maxSize: '' }),
				fraction
			});
			const [r, s] = asIntegers(reported, step);
			// the fraction as the exact rational f.int / 10^f.scale
			const f = parseDecimal(String(fraction));
			const denominator = 10n ** BigInt(f.scale);

			if (!result.ok) {
				refused += 1;
				// refused only when r × f rounds to 0 steps (r × f ≤ s/2), or when the only
				// non-zero partial size would be the whole position (r × f < s ≤ r … < 2 steps)
				const rf2 = 2n * r * f.int;
				const roundsToZero = rf2 <= s * denominator;
				const floorsToZero = r * f.int < s * denominator;
				if (!roundsToZero && !floorsToZero)
					fail(`refused a close of at least one step: ${result.reason}`);
				if (!/ is below the .*-contract step$/.test(result.reason))
					fail(`reason: ${result.reason}`);
				continue;
			}
			planned += 1;
			const order = result.order;
			const [size] = asIntegers(order.size, step);
			if (order.reduceOnly !== true) fail('not reduce-only');
			if (order.type !== 'market') fail(`type ${order.type}`);
			if (order.side !== (side === 'long' ? 'sell' : 'buy')) fail(`side ${order.side}`);
			if (order.positionSide !== side) fail(`positionSide ${order.positionSide}`);
			if (size <= 0n) fail(`size ${order.size} not above 0`);
			if (size > r) fail(`size ${order.size} above the reported size`);
			if (size % s !== 0n) fail(`size ${order.size} not a multiple of the step`);
			if (fraction === 1 && order.size !== reported) fail(`full close sent ${order.size}`);
			if (fraction < 1) {
				if (size >= r) fail(`partial close ${order.size} is the whole position`);
				// |size − r × f| ≤ s/2 (nearest step), unless nearest was the whole position, in
				// which case size is the largest step not above r × f
				const diff2 = 2n * (size * denominator - r * f.int);
				const nearest = diff2 <= s * denominator && diff2 > -s * denominator;
				const floored = size * denominator <= r * f.int && (size + s) * denominator > r * f.int;
				if (!nearest && !floored) fail(`size ${order.size} is not r × f rounded to a step`);
			}
		}
		expect(violations.slice(0, 5)).toEqual([]);
		// the generator must exercise both outcomes, or the properties prove little
		expect(planned).toBeGreaterThan(1000);
		expect(refused).toBeGreaterThan(10);
	});
});

function toText(int: bigint, scale: number): string {
	const digits = int.toString().padStart(scale + 1, '0');
	const whole = digits.slice(0, digits.length - scale);
	const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
	return fraction ? `${whole}.${fraction}` : whole;
}

describe('planClose for a venue that rounds down, sized in the base coin', () => {
	const btc = (over: Partial<Instrument> = {}) =>
		instrument({ contractSize: '1', sizeStep: '0.001', minSize: '0.001', maxSize: '0', ...over });

	it.each([
		// reported, fraction, step → size (arithmetic in the comment)
		['0.010', 0.25, '0.001', '0.002'], // 0.0025 → 0.002
		['0.017', 0.75, '0.001', '0.012'], // 0.01275 → down to 0.012, never up to 0.013
		['0.0199', 0.5, '0.001', '0.009'], // 0.00995 → 0.009, not 0.01
		['0.013', 0.5, '0.001', '0.006'], // 0.0065 → 0.006
		['1.999', 0.75, '0.001', '1.499'], // 1.49925 → 1.499
		['3', 0.25, '1', '0'], // a step of 1: 0.75 rounds down to nothing (refused below)
		['3', 0.75, '1', '2'], // 2.25 → 2
		['12', 0.25, '1', '3'] // exact: nothing to round
	])('%s × %d on a %s step → %s', (size, fraction, step, expected) => {
		const result = planClose({
			rules: BASE_RULES,
			position: position({ size }),
			instrument: btc({ sizeStep: step, minSize: step }),
			fraction
		});
		if (expected === '0') {
			expect(refusal(result)).toBe(`25 % of ${size} BTC is below the ${step} BTC step`);
		} else {
			expect(plannedSize(result)).toBe(expected);
		}
	});

	it('never sends more than the share asked for, where nearest would', () => {
		const at = (rules: typeof BASE_RULES) =>
			plannedSize(
				planClose({
					rules,
					position: position({ size: '0.017' }),
					instrument: btc(),
					fraction: 0.75
				})
			);
		// 0.01275: the nearest step is 0.013, more than three quarters of 0.017
		expect(at({ unit: 'base', rounding: 'nearest' })).toBe('0.013');
		expect(at(BASE_RULES)).toBe('0.012');
	});

	it('refuses a share below the minimum order, in the base coin, and allows the whole position', () => {
		const small = btc({ minSize: '0.01' });
		expect(
			refusal(
				planClose({
					rules: BASE_RULES,
					position: position({ size: '0.03' }),
					instrument: small,
					fraction: 0.25
				})
			)
		).toBe(
			'25 % of 0.03 BTC is 0.007 BTC, below the 0.01 BTC minimum order; close the whole position instead'
		);
		expect(
			plannedSize(
				planClose({
					rules: BASE_RULES,
					position: position({ size: '0.005' }),
					instrument: small,
					fraction: 1
				})
			)
		).toBe('0.005');
	});

	it('describes the order in the base coin', () => {
		const result = planClose({
			rules: BASE_RULES,
			position: position({ size: '0.013' }),
			instrument: btc(),
			fraction: 0.5
		});
		if (!result.ok) throw new Error(result.reason);
		expect(
			describeClose(result.order, { accountLabel: 'Main', rules: BASE_RULES, base: 'BTC' })
		).toBe('Sell 0.006 BTC of BTCUSDT at market, reduce-only, account Main');
	});
});

describe('describeClose', () => {
	const plan: ClosePlan = {
		accountId: 'acc-1',
		symbol: 'BTCUSDT',
		side: 'sell',
		reduceOnly: true,
		type: 'market',
		size: '12',
		marginMode: 'cross',
		positionSide: 'long'
	};

	it('says what will be sent, in one sentence', () => {
		expect(describeClose(plan, { accountLabel: 'Main', rules: CONTRACT_RULES })).toBe(
			'Sell 12 BTCUSDT contracts at market, reduce-only, account Main'
		);
	});

	it('uses the singular for one contract and Buy for a short', () => {
		expect(
			describeClose(
				{ ...plan, side: 'buy', size: '1', symbol: 'ETHUSDT', positionSide: 'short' },
				{ accountLabel: 'Hedge 2', rules: CONTRACT_RULES }
			)
		).toBe('Buy 1 ETHUSDT contract at market, reduce-only, account Hedge 2');
	});

	it('keeps fractional sizes plural', () => {
		expect(
			describeClose({ ...plan, size: '0.5' }, { accountLabel: 'Main', rules: CONTRACT_RULES })
		).toBe('Sell 0.5 BTCUSDT contracts at market, reduce-only, account Main');
	});

	it('falls back to the account id when the label is blank', () => {
		expect(describeClose(plan, { accountLabel: '  ', rules: CONTRACT_RULES })).toBe(
			'Sell 12 BTCUSDT contracts at market, reduce-only, account acc-1'
		);
	});

	it('describes what planClose produced', () => {
		const result = planClose({
			rules: CONTRACT_RULES,
			position: position({ side: 'short', size: '40' }),
			instrument: instrument(),
			fraction: 0.25
		});
		if (!result.ok) throw new Error(result.reason);
		// 40 × 0.25 = 10
		expect(describeClose(result.order, { accountLabel: 'Main', rules: CONTRACT_RULES })).toBe(
			'Buy 10 BTCUSDT contracts at market, reduce-only, account Main'
		);
	});
});
