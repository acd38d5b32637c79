import { describe, expect, it } from 'vitest';
import {
	evaluate,
	INITIAL_STATE,
	type AccountObservation,
	type EvaluatorState,
	type FiredAlert,
	type PositionObservation
} from './evaluate';
import { DEFAULT_RULES, type AlertRule } from './rules';

const LIQ: AlertRule = {
	id: 'liq',
	kind: 'liquidation',
	enabled: true,
	accountId: null,
	symbol: null,
	belowPercent: 10
};

function position(over: Partial<PositionObservation> = {}): PositionObservation {
	return {
		key: 'a1:BTCUSDT:long',
		symbol: 'BTCUSDT',
		side: 'long',
		size: '12',
		liquidationDistance: 0.2,
		fundingRate: null,
		nextFundingTime: null,
		...over
	};
}

function account(over: Partial<AccountObservation> = {}): AccountObservation {
	return {
		accountId: 'a1',
		label: 'Main',
		ready: true,
		streamLive: true,
		marginRatio: 0.1,
		positions: [position()],
		orders: [],
		...over
	};
}

/** Runs a sequence of looks and returns how many alerts each one fired. */
function run(rules: AlertRule[], looks: AccountObservation[][], mono: number[] = []) {
	let state: EvaluatorState = INITIAL_STATE;
	const counts: number[] = [];
	const all: FiredAlert[] = [];
	looks.forEach((accounts, i) => {
		const r = evaluate({ rules, accounts, state, monoNow: mono[i] ?? i * 1000, wallNow: 0 });
		state = r.state;
		counts.push(r.fired.length);
		all.push(...r.fired);
	});
	return { counts, fired: all, state };
}

const atDistance = (d: number | null) => [
	account({ positions: [position({ liquidationDistance: d })] })
];

describe('liquidation distance', () => {
	it('fires once when the distance crosses below the threshold, not on every tick', () => {
		const { counts, fired } = run([LIQ], [0.15, 0.09, 0.08, 0.05, 0.095].map(atDistance));
		expect(counts).toEqual([0, 1, 0, 0, 0]);
		expect(fired[0].event).toMatchObject({ kind: 'liquidation', symbol: 'BTCUSDT', threshold: 10 });
		expect((fired[0].event as { distance: number }).distance).toBeCloseTo(9);
	});

	it('re-arms only after recovering past the threshold by the re-arm margin', () => {
		// 10.5 % is above the line but inside the band: still disarmed. 11 % re-arms.
		const { counts } = run([LIQ], [0.09, 0.105, 0.09, 0.11, 0.09].map(atDistance));
		expect(counts).toEqual([1, 0, 0, 0, 1]);
	});

	it('an unknown distance neither fires nor re-arms', () => {
		const { counts } = run([LIQ], [0.09, null, 0.09, null, 0.2, 0.05].map(atDistance));
		expect(counts).toEqual([1, 0, 0, 0, 0, 1]);
	});

	it('a disabled rule, another account or another symbol stays quiet', () => {
		const looks = [0.2, 0.05].map(atDistance);
		expect(run([{ ...LIQ, enabled: false }], looks).counts).toEqual([0, 0]);
		expect(run([{ ...LIQ, accountId: 'other' }], looks).counts).toEqual([0, 0]);
		expect(run([{ ...LIQ, symbol: 'ETHUSDT' }], looks).counts).toEqual([0, 0]);
		expect(run([{ ...LIQ, accountId: 'a1', symbol: 'BTCUSDT' }], looks).counts).toEqual([0, 1]);
	});

	it('a position that closes and reopens starts armed', () => {
		const gone = [account({ positions: [] })];
		const { counts } = run([LIQ], [atDistance(0.05), gone, atDistance(0.05)]);
		expect(counts).toEqual([1, 0, 1]);
	});

	it('the default rules alert below 10 %', () => {
		const liq = DEFAULT_RULES.find((r) => r.kind === 'liquidation');
		expect(liq).toMatchObject({ enabled: true, belowPercent: 10, accountId: null });
	});
});

describe('margin ratio', () => {
	const rule: AlertRule = {
		id: 'm',
		kind: 'margin',
		enabled: true,
		accountId: null,
		abovePercent: 80
	};
	it('fires above the threshold once and re-arms 5 points below it', () => {
		const looks = [0.5, 0.85, 0.9, 0.78, 0.85, 0.74, 0.81].map((m) => [
			account({ marginRatio: m })
		]);
		expect(run([rule], looks).counts).toEqual([0, 1, 0, 0, 0, 0, 1]);
	});
});

describe('funding', () => {
	const rule: AlertRule = {
		id: 'f',
		kind: 'funding',
		enabled: true,
		accountId: null,
		symbol: null,
		withinMinutes: 30,
		ratePercent: 0.1
	};
	const look = (rate: number, next: number) => [
		account({ positions: [position({ fundingRate: rate, nextFundingTime: next })] })
	];
	it('fires once per settlement when it is near and the rate is beyond the limit', () => {
		let state: EvaluatorState = INITIAL_STATE;
		const fired: number[] = [];
		const steps: [number, number, number][] = [
			// rate, next settlement, wall clock
			[0.002, 3_600_000, 0], // an hour away
			[0.002, 3_600_000, 2_000_000], // 26 min away: fires
			[0.002, 3_600_000, 2_500_000], // still the same settlement
			[0.0005, 3_600_000 + 8 * 3_600_000, 3_700_000], // next period, small rate
			[0.002, 3_600_000 + 8 * 3_600_000, 3_600_000 + 8 * 3_600_000 - 60_000] // fires again
		];
		for (const [rate, next, wall] of steps) {
			const r = evaluate({
				rules: [rule],
				accounts: look(rate, next),
				state,
				monoNow: 0,
				wallNow: wall
			});
			state = r.state;
			fired.push(r.fired.length);
		}
		expect(fired).toEqual([0, 1, 0, 0, 1]);
	});

	it('says whether the position pays: a long pays a positive rate, a short a negative one', () => {
		const r = evaluate({
			rules: [rule],
			accounts: look(-0.002, 600_000),
			state: INITIAL_STATE,
			monoNow: 0,
			wallNow: 0
		});
		expect(r.fired[0].event).toMatchObject({ kind: 'funding', pays: false, minutes: 10 });
	});
});

describe('private stream down', () => {
	const rule: AlertRule = {
		id: 's',
		kind: 'stream',
		enabled: true,
		accountId: null,
		downSeconds: 30
	};
	it('fires once after N seconds down (monotonic clock) and re-arms when live again', () => {
		const down = [account({ streamLive: false })];
		const up = [account()];
		const { counts } = run(
			[rule],
			[up, down, down, down, down, up, down, down],
			[0, 1000, 20_000, 31_000, 60_000, 61_000, 62_000, 93_000]
		);
		expect(counts).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
	});
});

describe('fills and positions', () => {
	const rules = DEFAULT_RULES.filter((r) => r.kind === 'fill' || r.kind === 'position');
	it('reports opened, changed and closed positions, never the first snapshot', () => {
		const eth = position({ key: 'a1:ETHUSDT:short', symbol: 'ETHUSDT', side: 'short', size: '3' });
		const { fired, counts } = run(rules, [
			[account({ ready: false, positions: [] })],
			[account()], // first snapshot: nothing is news
			[account({ positions: [position(), eth] })],
			[account({ positions: [position({ size: '6' }), eth] })],
			[account({ positions: [eth] })]
		]);
		expect(counts).toEqual([0, 0, 1, 1, 1]);
		expect(fired.map((f) => f.event)).toEqual([
			{ kind: 'position', symbol: 'ETHUSDT', side: 'short', size: '3', opened: true },
			{ kind: 'fill', symbol: 'BTCUSDT', detail: 'long position', size: '6' },
			{ kind: 'position', symbol: 'BTCUSDT', side: 'long', size: '6', opened: false }
		]);
	});

	it('reports an order fill when its filled size grows', () => {
		const order = (filled: string) => ({
			orderId: 'o1',
			symbol: 'BTCUSDT',
			side: 'sell' as const,
			filledSize: filled
		});
		const { counts } = run(rules, [
			[account({ orders: [order('0')] })],
			[account({ orders: [order('0')] })],
			[account({ orders: [order('2')] })]
		]);
		expect(counts).toEqual([0, 0, 1]);
	});
});

describe('alert texts', () => {
	it('hide sizes in privacy mode, for the screen and notifications alike', async () => {
		const { describeAlert } = await import('./describe');
		const alert = {
			ruleId: 'p',
			kind: 'position' as const,
			accountId: 'a1',
			accountLabel: 'Main',
			event: {
				kind: 'position' as const,
				symbol: 'BTCUSDT',
				side: 'long' as const,
				size: '120',
				opened: true
			}
		};
		expect(describeAlert(alert, false).body).toContain('120');
		const hidden = describeAlert(alert, true);
		expect(`${hidden.title} ${hidden.body}`).not.toContain('120');
	});
});
