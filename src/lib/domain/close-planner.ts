/**
 * Turns "close this fraction of that position" into an exact reduce-only market order.
 *
 * The size comes from the size string the exchange reported, in scaled-integer maths: a float
 * that rounds up by one ulp would be an order for more than the position, so no float touches it.
 */
import type { Instrument, MarginMode, Position, PositionSide } from '$lib/exchanges/types';
import {
	compareScaled,
	floorScaledToStep,
	roundScaledToStep,
	formatDecimal,
	mulScaled,
	normalizeScaled,
	parseDecimal,
	toDecimalString,
	toScaled,
	type ScaledDecimal
} from './decimal';

export interface ClosePlan {
	accountId: string;
	symbol: string;
	/** Close a long → sell, close a short → buy. */
	side: 'buy' | 'sell';
	reduceOnly: true;
	type: 'market';
	/** Contracts, canonical decimal text, a multiple of the size step unless it is the whole position. */
	size: string;
	marginMode: MarginMode;
	/** The side of the position being closed (hedge mode needs it). */
	positionSide: PositionSide;
}

export type ClosePlanResult = { ok: true; order: ClosePlan } | { ok: false; reason: string };

/**
 * How a venue counts and rounds order sizes (read from the venue registry by the caller; the
 * planner itself knows no venue).
 */
export interface SizeRules {
	/** What a size counts: contracts, or the base coin (e.g. BTC). */
	unit: 'contracts' | 'base';
	/**
	 * How a partial close's exact share becomes a multiple of the size step. 'down': never more
	 * than the share asked for. 'nearest': the nearest step, an exact half down (25 % of 3
	 * contracts is 1). Either way a partial close stays below the whole position.
	 */
	rounding: 'nearest' | 'down';
}

export interface ClosePlanInput {
	position: Position;
	instrument: Instrument;
	/** Share of the position to close: 0 < fraction ≤ 1. */
	fraction: number;
	rules: SizeRules;
}

const ZERO: ScaledDecimal = { int: 0n, scale: 0 };
const ONE: ScaledDecimal = { int: 1n, scale: 0 };

/** "3 contracts", "1 contract", "0.5 BTC". */
export function sizeText(size: string, rules: SizeRules, base: string): string {
	if (rules.unit === 'base') return `${size} ${base}`;
	return `${size} ${size === '1' ? 'contract' : 'contracts'}`;
}

/** "25", "33.33", "<0.01": enough for a message, never used in the maths. */
function percentText(fraction: ScaledDecimal): string {
	const exact = mulScaled(fraction, { int: 100n, scale: 0 });
	if (normalizeScaled(exact).scale <= 2) return toDecimalString(exact);
	const rounded = formatDecimal(toDecimalString(exact), 2).replace(/\.?0+$/, '');
	return rounded === '0' ? '<0.01' : rounded;
}

function readDecimal(text: string, what: string): ScaledDecimal | string {
	try {
		return parseDecimal(text);
	} catch {
		return `The ${what} ${JSON.stringify(text)} is not a decimal number`;
	}
}

interface CloseInputs {
	/** "3 contracts", "0.5 BTC". */
	amount: (value: ScaledDecimal) => string;
	/** A limit as an adjective: "5-contract", "0.001 BTC". */
	limit: (value: ScaledDecimal) => string;
	reported: ScaledDecimal;
	step: ScaledDecimal;
	share: ScaledDecimal;
}

/** Checks what the exchange and the gesture handed over; a string is the reason to refuse. */
function readInputs({
	position,
	instrument,
	fraction,
	rules
}: ClosePlanInput): CloseInputs | string {
	if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) {
		return `The close fraction must be above 0 and at most 1, not ${fraction}`;
	}
	if (position.side !== 'long' && position.side !== 'short') {
		return `Unknown position side ${JSON.stringify(position.side)}`;
	}
	if (position.symbol !== instrument.symbol) {
		return `The instrument ${instrument.symbol} does not match the position's ${position.symbol}`;
	}
	const reported = readDecimal(position.size, 'position size');
	if (typeof reported === 'string') return reported;
	if (compareScaled(reported, ZERO) <= 0) {
		return `The ${position.symbol} position size ${position.size} is not above 0: nothing to close`;
	}
	const step = readDecimal(instrument.sizeStep, 'size step');
	if (typeof step === 'string') return step;
	if (compareScaled(step, ZERO) <= 0) {
		return `The size step ${instrument.sizeStep} of ${instrument.symbol} is not above 0`;
	}
	// The fraction is read through its shortest decimal text (0.25 → 25/100, 1/3 →
	// 3333333333333333/10^16): an exact rational, so the size never depends on float rounding.
	const amount = (value: ScaledDecimal) => sizeText(toDecimalString(value), rules, instrument.base);
	const limit = (value: ScaledDecimal) =>
		rules.unit === 'base'
			? `${toDecimalString(value)} ${instrument.base}`
			: `${toDecimalString(value)}-contract`;
	return { amount, limit, reported, step, share: toScaled(fraction) };
}

/** Refuses sizes the venue would reject; a full close may go below the minimum order. */
function checkOrderLimits(
	size: ScaledDecimal,
	whole: boolean,
	instrument: Instrument,
	wanted: string,
	{ amount, limit }: Pick<CloseInputs, 'amount' | 'limit'>
): string | null {
	const minSize = readDecimal(instrument.minSize || '0', 'minimum size');
	if (typeof minSize === 'string') return minSize;
	if (!whole && compareScaled(size, minSize) < 0) {
		return `${wanted} is ${amount(size)}, below the ${limit(minSize)} minimum order; close the whole position instead`;
	}
	const maxSize = readDecimal(instrument.maxSize || '0', 'maximum size');
	if (typeof maxSize === 'string') return maxSize;
	// An empty or zero maximum means the venue gave none.
	if (compareScaled(maxSize, ZERO) > 0 && compareScaled(size, maxSize) > 0) {
		return `${wanted} is ${amount(size)}, above the ${limit(maxSize)} maximum order; close it in parts`;
	}
	return null;
}

function partialSize(
	reported: ScaledDecimal,
	share: ScaledDecimal,
	step: ScaledDecimal,
	rounding: SizeRules['rounding']
) {
	const exact = mulScaled(reported, share);
	if (rounding === 'down') return floorScaledToStep(exact, step);
	const rounded = roundScaledToStep(exact, step);
	// A partial close never grows into the whole position (or past it): then it rounds down instead.
	return compareScaled(rounded, reported) >= 0 ? floorScaledToStep(exact, step) : rounded;
}

/**
 * size = the reported size × fraction, rounded to a multiple of the size step by the venue's rule
 * (down, or nearest with an exact half down) and, for a partial close, always below the reported
 * size; fraction 1 → exactly the reported size. A close that rounds to 0 is refused with the
 * reason in words, as is one the venue would reject.
 */
export function planClose(input: ClosePlanInput): ClosePlanResult {
	const inputs = readInputs(input);
	if (typeof inputs === 'string') return { ok: false, reason: inputs };
	const { amount, limit, reported, step, share } = inputs;
	const { position, instrument } = input;

	const whole = compareScaled(share, ONE) === 0;
	// A full close sends exactly what the exchange reported, even off-step dust.
	const size = whole ? reported : partialSize(reported, share, step, input.rules.rounding);
	const wanted = `${percentText(share)} % of ${amount(reported)}`;
	if (compareScaled(size, ZERO) <= 0) {
		return { ok: false, reason: `${wanted} is below the ${limit(step)} step` };
	}
	const refused = checkOrderLimits(size, whole, instrument, wanted, inputs);
	if (refused) return { ok: false, reason: refused };

	return {
		ok: true,
		order: {
			accountId: position.accountId,
			symbol: position.symbol,
			side: position.side === 'long' ? 'sell' : 'buy',
			reduceOnly: true,
			type: 'market',
			size: toDecimalString(size),
			marginMode: position.marginMode,
			positionSide: position.side
		}
	};
}

/**
 * The confirm sheet's sentence: "Sell 12 BTCUSDT contracts at market, reduce-only, account Main",
 * or for a venue sized in the base coin "Sell 0.5 BTC of BTCUSDT at market, …".
 */
export function describeClose(
	plan: ClosePlan,
	{ accountLabel, rules, base }: { accountLabel: string; rules: SizeRules; base?: string }
): string {
	const verb = plan.side === 'sell' ? 'Sell' : 'Buy';
	const account = accountLabel.trim() || plan.accountId;
	let what = `${plan.size} ${plan.symbol} ${plan.size === '1' ? 'contract' : 'contracts'}`;
	if (rules.unit === 'base') {
		// The audit log may describe a close before contract details are loaded.
		what = base
			? `${plan.size} ${base} of ${plan.symbol}`
			: `${plan.symbol} ${plan.size} (base coin)`;
	}
	return `${verb} ${what} at market, reduce-only, account ${account}`;
}
