/**
 * Alert rules: what the user wants to hear about. Non-secret, stored in the settings store.
 * A rule applies to every account (accountId null) or to one; position rules may name a symbol.
 */

export type AlertKind = 'liquidation' | 'margin' | 'funding' | 'fill' | 'position' | 'stream';

interface RuleBase {
	id: string;
	enabled: boolean;
	/** null: every account. */
	accountId: string | null;
}

export interface LiquidationRule extends RuleBase {
	kind: 'liquidation';
	/** Fires when the distance to liquidation falls below this, in percent of the mark. */
	belowPercent: number;
	/** null: every position of the account(s). */
	symbol: string | null;
}

export interface MarginRule extends RuleBase {
	kind: 'margin';
	/** Fires when position margin / equity rises above this, in percent. */
	abovePercent: number;
}

export interface FundingRule extends RuleBase {
	kind: 'funding';
	/** Fires when the next settlement is this close... */
	withinMinutes: number;
	/** ...and the predicted rate's magnitude is at least this, in percent. */
	ratePercent: number;
	symbol: string | null;
}

export interface FillRule extends RuleBase {
	kind: 'fill';
}

export interface PositionRule extends RuleBase {
	kind: 'position';
}

export interface StreamRule extends RuleBase {
	kind: 'stream';
	/** Fires when the private stream has been down this long. */
	downSeconds: number;
}

export type AlertRule =
	LiquidationRule | MarginRule | FundingRule | FillRule | PositionRule | StreamRule;

/**
 * How far a value must come back past its threshold before the rule re-arms, in percentage
 * points: a mark hovering at the threshold would otherwise fire on every tick.
 */
export const REARM_POINTS = { liquidation: 1, margin: 5 } as const;

export const DEFAULT_RULES: readonly AlertRule[] = [
	{
		id: 'default-liq',
		kind: 'liquidation',
		enabled: true,
		accountId: null,
		symbol: null,
		belowPercent: 10
	},
	{ id: 'default-margin', kind: 'margin', enabled: true, accountId: null, abovePercent: 80 },
	{
		id: 'default-funding',
		kind: 'funding',
		enabled: false,
		accountId: null,
		symbol: null,
		withinMinutes: 30,
		ratePercent: 0.1
	},
	{ id: 'default-fill', kind: 'fill', enabled: true, accountId: null },
	{ id: 'default-position', kind: 'position', enabled: true, accountId: null },
	{ id: 'default-stream', kind: 'stream', enabled: true, accountId: null, downSeconds: 30 }
];

export const KIND_LABELS: Record<AlertKind, string> = {
	liquidation: 'Liquidation distance',
	margin: 'Margin ratio',
	funding: 'Funding payment',
	fill: 'Fills',
	position: 'Position opened or closed',
	stream: 'Private stream down'
};

function positive(v: unknown, max: number): v is number {
	return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max;
}

/** A stored rule, if it is still a valid rule; a broken record must never throw in the app. */
export function validRule(value: unknown): AlertRule | null {
	if (typeof value !== 'object' || value === null) return null;
	const r = value as Record<string, unknown>;
	if (typeof r.id !== 'string' || typeof r.enabled !== 'boolean') return null;
	if (r.accountId !== null && typeof r.accountId !== 'string') return null;
	const base = { id: r.id, enabled: r.enabled, accountId: r.accountId };
	const symbol = typeof r.symbol === 'string' && r.symbol !== '' ? r.symbol : null;
	switch (r.kind) {
		case 'liquidation':
			return positive(r.belowPercent, 100)
				? { ...base, kind: 'liquidation', belowPercent: r.belowPercent, symbol }
				: null;
		case 'margin':
			return positive(r.abovePercent, 1000)
				? { ...base, kind: 'margin', abovePercent: r.abovePercent }
				: null;
		case 'funding':
			return positive(r.withinMinutes, 24 * 60) && positive(r.ratePercent, 100)
				? {
						...base,
						kind: 'funding',
						withinMinutes: r.withinMinutes,
						ratePercent: r.ratePercent,
						symbol
					}
				: null;
		case 'fill':
		case 'position':
			return { ...base, kind: r.kind };
		case 'stream':
			return positive(r.downSeconds, 24 * 3600)
				? { ...base, kind: 'stream', downSeconds: r.downSeconds }
				: null;
		default:
			return null;
	}
}

export function validRules(value: unknown): AlertRule[] | null {
	if (!Array.isArray(value)) return null;
	return value.map(validRule).filter((r) => r !== null);
}
