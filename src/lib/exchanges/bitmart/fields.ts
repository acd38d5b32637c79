/**
 * Defensive readers for BitMart's JSON. The wire is outside our control: a missing or mistyped
 * field becomes a `WireFormatError` naming the field, which callers turn into an error event
 * (streams) or an `ExchangeError` of kind 'bad-response' (REST), never a crash deeper in the app.
 */

import { isDecimalString } from '$lib/domain/decimal';

export type WireObject = Record<string, unknown>;

export class WireFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'WireFormatError';
	}
}

export function isObject(value: unknown): value is WireObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, what: string): WireObject {
	if (!isObject(value)) throw new WireFormatError(`${what} is not an object`);
	return value;
}

export function asArray(value: unknown, what: string): unknown[] {
	if (!Array.isArray(value)) throw new WireFormatError(`${what} is not a list`);
	return value;
}

/** Decimal fields arrive as strings; a JSON number is accepted and kept as its written form. */
export function optString(o: WireObject, key: string): string | undefined {
	const value = o[key];
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

export function reqString(o: WireObject, key: string): string {
	const value = optString(o, key);
	if (value === undefined || value === '') throw new WireFormatError(`field "${key}" is missing`);
	return value;
}

/**
 * A decimal the app will compute with. Absent (or null) is undefined; anything present must pass
 * the one strict decimal check the maths uses, so "", " ", "abc" or "NaN" never reach state
 * (where `Number("")` would read as a zero size and remove a live position).
 */
export function optDecimal(o: WireObject, key: string): string | undefined {
	const raw = o[key];
	if (raw === undefined || raw === null) return undefined;
	const value = optString(o, key);
	if (value === undefined || !isDecimalString(value)) {
		throw new WireFormatError(`field "${key}" is not a decimal number (${preview(raw)})`);
	}
	return value;
}

export function reqDecimal(o: WireObject, key: string): string {
	const value = optDecimal(o, key);
	if (value === undefined) throw new WireFormatError(`field "${key}" is missing`);
	return value;
}

/** A short quoted sample of a bad value: enough to recognise it in a report, never a whole frame. */
function preview(value: unknown): string {
	const text = typeof value === 'string' ? JSON.stringify(value) : typeof value;
	return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

export function optNumber(o: WireObject, key: string): number | undefined {
	const value = o[key];
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
		return Number(value);
	}
	return undefined;
}

export function reqNumber(o: WireObject, key: string): number {
	const value = optNumber(o, key);
	if (value === undefined) throw new WireFormatError(`field "${key}" is not a number`);
	return value;
}

/**
 * BitMart mixes seconds and milliseconds between endpoints (and its docs' examples sometimes
 * disagree with its tables), so a time below 1e12 is read as seconds. 1e12 ms is in 2001, 1e12 s
 * is far in the future: no real time is ambiguous.
 */
export function toMillis(time: number): number {
	return Math.abs(time) < 1e12 ? time * 1000 : time;
}
