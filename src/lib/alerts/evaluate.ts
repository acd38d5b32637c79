/**
 * The alert evaluator: pure. Given the rules, what the accounts look like now and what it
 * remembered from the last look, it says which alerts fire and what to remember next.
 *
 * Threshold rules fire once per crossing: a fired condition is disarmed until the value has
 * come back past the threshold by a margin (REARM_POINTS), so a mark hovering at the line does
 * not fire on every tick. A value that is unknown right now neither fires nor re-arms.
 */
import { REARM_POINTS, type AlertKind, type AlertRule } from './rules';

export interface PositionObservation {
	/** accountId:symbol:side */
	key: string;
	symbol: string;
	side: 'long' | 'short';
	/** Contracts, as the exchange reports them. */
	size: string;
	/** Signed fraction of the mark the price may move before liquidation; null when unknown. */
	liquidationDistance: number | null;
	/** Predicted funding rate (a fraction) and when it settles, when known. */
	fundingRate: number | null;
	nextFundingTime: number | null;
}

export interface OrderObservation {
	orderId: string;
	symbol: string;
	side: 'buy' | 'sell';
	filledSize: string;
}

export interface AccountObservation {
	accountId: string;
	label: string;
	/** False until the first snapshot: position and order changes are not news before it. */
	ready: boolean;
	streamLive: boolean;
	/** The highest position margin / equity across its balances, a fraction; null if unknown. */
	marginRatio: number | null;
	positions: PositionObservation[];
	orders: OrderObservation[];
}

/** What fired: numbers are kept raw so the text is made at display time (privacy mode). */
export type AlertEvent =
	| {
			kind: 'liquidation';
			symbol: string;
			side: 'long' | 'short';
			distance: number;
			threshold: number;
	  }
	| { kind: 'margin'; ratio: number; threshold: number }
	| {
			kind: 'funding';
			symbol: string;
			side: 'long' | 'short';
			rate: number;
			minutes: number;
			pays: boolean;
	  }
	| { kind: 'fill'; symbol: string; detail: string; size: string }
	| { kind: 'position'; symbol: string; side: 'long' | 'short'; opened: boolean; size: string }
	| { kind: 'stream'; seconds: number };

export interface FiredAlert {
	ruleId: string;
	kind: AlertKind;
	accountId: string;
	accountLabel: string;
	event: AlertEvent;
}

interface AccountPrior {
	/** Position sizes by key, from the last ready observation. */
	positions: Record<string, { symbol: string; side: 'long' | 'short'; size: string }>;
	/** Filled size by order id. */
	fills: Record<string, string>;
	/** Monotonic time the private stream was first seen down, or null while live. */
	downSince: number | null;
	/** positions/fills come from a ready observation (a snapshot), so changes are news. */
	ready: boolean;
}

export interface EvaluatorState {
	/** Condition keys (rule id + subject) that fired and wait for recovery. */
	disarmed: string[];
	accounts: Record<string, AccountPrior>;
}

export const INITIAL_STATE: EvaluatorState = { disarmed: [], accounts: {} };

export interface EvaluateInput {
	rules: readonly AlertRule[];
	accounts: readonly AccountObservation[];
	state: EvaluatorState;
	/** Monotonic ms (performance.now()): stream-down durations. */
	monoNow: number;
	/** Wall-clock ms: only to compare with the exchange's funding times. */
	wallNow: number;
}

export interface EvaluateResult {
	fired: FiredAlert[];
	state: EvaluatorState;
}

type Verdict = 'fire' | 'recovered' | 'hold';

export function evaluate(input: EvaluateInput): EvaluateResult {
	const fired: FiredAlert[] = [];
	const wasDisarmed = new Set(input.state.disarmed);
	const disarmed = new Set<string>();
	const accounts: Record<string, AccountPrior> = {};

	/** Applies hysteresis to one condition: fire on the crossing, stay quiet until recovered. */
	const threshold = (key: string, verdict: Verdict, alert: () => FiredAlert) => {
		if (wasDisarmed.has(key)) {
			if (verdict !== 'recovered') disarmed.add(key);
			return;
		}
		if (verdict === 'fire') {
			fired.push(alert());
			disarmed.add(key);
		}
	};

	for (const acct of input.accounts) {
		const rules = input.rules.filter(
			(r) => r.enabled && (r.accountId === null || r.accountId === acct.accountId)
		);
		const prior = input.state.accounts[acct.accountId];
		const base = { accountId: acct.accountId, accountLabel: acct.label };

		const downSince = acct.streamLive ? null : (prior?.downSince ?? input.monoNow);

		for (const rule of rules) {
			const make = (event: AlertEvent): FiredAlert => ({
				ruleId: rule.id,
				kind: rule.kind,
				...base,
				event
			});
			switch (rule.kind) {
				case 'liquidation':
					for (const p of acct.positions) {
						if (rule.symbol && rule.symbol !== p.symbol) continue;
						const d = p.liquidationDistance === null ? null : p.liquidationDistance * 100;
						threshold(
							`${rule.id}|${p.key}`,
							d === null
								? 'hold'
								: d < rule.belowPercent
									? 'fire'
									: d >= rule.belowPercent + REARM_POINTS.liquidation
										? 'recovered'
										: 'hold',
							() =>
								make({
									kind: 'liquidation',
									symbol: p.symbol,
									side: p.side,
									distance: d ?? 0,
									threshold: rule.belowPercent
								})
						);
					}
					break;
				case 'margin': {
					const m = acct.marginRatio === null ? null : acct.marginRatio * 100;
					threshold(
						`${rule.id}|${acct.accountId}`,
						m === null
							? 'hold'
							: m > rule.abovePercent
								? 'fire'
								: m <= rule.abovePercent - REARM_POINTS.margin
									? 'recovered'
									: 'hold',
						() => make({ kind: 'margin', ratio: m ?? 0, threshold: rule.abovePercent })
					);
					break;
				}
				case 'funding':
					for (const p of acct.positions) {
						if (rule.symbol && rule.symbol !== p.symbol) continue;
						if (p.fundingRate === null || p.nextFundingTime === null) continue;
						const minutes = (p.nextFundingTime - input.wallNow) / 60_000;
						const due = minutes >= 0 && minutes <= rule.withinMinutes;
						const big = Math.abs(p.fundingRate) * 100 >= rule.ratePercent;
						// One alert per settlement: the key names it, so the next one is a new condition.
						threshold(
							`${rule.id}|${p.key}|${p.nextFundingTime}`,
							due && big ? 'fire' : 'recovered',
							() =>
								make({
									kind: 'funding',
									symbol: p.symbol,
									side: p.side,
									rate: p.fundingRate ?? 0,
									minutes: Math.max(0, Math.round(minutes)),
									// A positive rate: longs pay shorts.
									pays: (p.fundingRate ?? 0) > 0 === (p.side === 'long')
								})
						);
					}
					break;
				case 'stream': {
					const seconds = downSince === null ? 0 : (input.monoNow - downSince) / 1000;
					threshold(
						`${rule.id}|${acct.accountId}`,
						downSince === null ? 'recovered' : seconds >= rule.downSeconds ? 'fire' : 'hold',
						() => make({ kind: 'stream', seconds: Math.floor(seconds) })
					);
					break;
				}
				case 'fill':
				case 'position':
					// Edges, not levels: found by comparing with the last ready look, below.
					break;
			}
		}

		const positions: AccountPrior['positions'] = {};
		for (const p of acct.positions)
			positions[p.key] = { symbol: p.symbol, side: p.side, size: p.size };
		const fills: AccountPrior['fills'] = {};
		for (const o of acct.orders) fills[o.orderId] = o.filledSize;

		if (acct.ready && prior?.ready) {
			const fillRule = rules.find((r) => r.kind === 'fill');
			const positionRule = rules.find((r) => r.kind === 'position');
			const make = (rule: AlertRule, event: AlertEvent): FiredAlert => ({
				ruleId: rule.id,
				kind: rule.kind,
				...base,
				event
			});
			for (const [key, now] of Object.entries(positions)) {
				const before = prior.positions[key];
				if (!before) {
					if (positionRule) {
						fired.push(make(positionRule, { kind: 'position', ...now, opened: true }));
					}
				} else if (before.size !== now.size && fillRule) {
					fired.push(
						make(fillRule, {
							kind: 'fill',
							symbol: now.symbol,
							detail: `${now.side} position`,
							size: now.size
						})
					);
				}
			}
			for (const [key, before] of Object.entries(prior.positions)) {
				if (!positions[key] && positionRule) {
					fired.push(make(positionRule, { kind: 'position', ...before, opened: false }));
				}
			}
			if (fillRule) {
				for (const o of acct.orders) {
					const before = prior.fills[o.orderId];
					if (before !== undefined && before !== o.filledSize && Number(o.filledSize) > 0) {
						fired.push(
							make(fillRule, {
								kind: 'fill',
								symbol: o.symbol,
								detail: `${o.side} order ${o.orderId}`,
								size: o.filledSize
							})
						);
					}
				}
			}
		}

		accounts[acct.accountId] = acct.ready
			? { positions, fills, downSince, ready: true }
			: { ...(prior ?? { positions: {}, fills: {} }), downSince, ready: prior?.ready ?? false };
	}

	// Conditions of subjects no longer observed (a closed position, a locked account) are
	// forgotten, so a new position starts armed.
	return { fired, state: { disarmed: [...disarmed].sort(), accounts } };
}
