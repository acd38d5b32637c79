/**
 * Funding estimates for linear contracts. The payment is a display number (computed exactly on
 * the decimal strings, turned into a double at the end); the countdown is plain milliseconds.
 */
import type { PositionSide } from '$lib/exchanges/types';
import { mulScaled, parseDecimal, toNumber } from './decimal';

export interface FundingPaymentInput {
	side: PositionSide;
	/** Contracts, as reported (positive for both sides). */
	size: string;
	contractSize: string;
	mark: string;
	/** The predicted rate for the next settlement, e.g. "0.0001" for 0.01 %. */
	rate: string;
}

/**
 * What the position receives (+) or pays (−) at the next settlement, in the settle asset:
 * notional × rate, paid by longs to shorts when the rate is positive and the other way round when
 * it is negative.
 */
export function nextFundingPayment({
	side,
	size,
	contractSize,
	mark,
	rate
}: FundingPaymentInput): number {
	const notional = mulScaled(
		mulScaled(parseDecimal(size), parseDecimal(contractSize)),
		parseDecimal(mark)
	);
	const flow = mulScaled(notional, parseDecimal(rate));
	const signed = side === 'long' ? { int: -flow.int, scale: flow.scale } : flow;
	return toNumber(signed);
}

export interface Countdown {
	hours: number;
	minutes: number;
	seconds: number;
	/** Milliseconds left, never below 0. */
	totalMs: number;
}

/**
 * Time left until `nextFundingTime` (both Unix ms). The hours/minutes/seconds round the remaining
 * time up to a whole second, so the display reads 00:00:00 only once funding is due, not for the
 * last 999 ms before it. Hours are not wrapped at 24.
 */
export function countdown(nextFundingTime: number, now: number): Countdown {
	const left = nextFundingTime - now;
	const totalMs = Number.isFinite(left) && left > 0 ? left : 0;
	const totalSeconds = Math.ceil(totalMs / 1000);
	return {
		hours: Math.floor(totalSeconds / 3600),
		minutes: Math.floor((totalSeconds % 3600) / 60),
		seconds: totalSeconds % 60,
		totalMs
	};
}

const twoDigits = (n: number): string => String(n).padStart(2, '0');

/** "07:59:03"; hours keep all their digits past 99. */
export function formatCountdown({ hours, minutes, seconds }: Countdown): string {
	return `${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}`;
}
