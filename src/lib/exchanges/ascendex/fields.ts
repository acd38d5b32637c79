/**
 * Defensive readers for AscendEX's JSON: a missing or mistyped field becomes a WireFormatError
 * naming it, which callers turn into an error event or an ExchangeError, never a crash deeper in.
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

/** A decimal the app computes with: absent is undefined, anything present must be a decimal. */
export function optDecimal(o: WireObject, key: string): string | undefined {
	const raw = o[key];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = optString(o, key);
	if (value === undefined || !isDecimalString(value)) {
		throw new WireFormatError(`field "${key}" is not a decimal number`);
	}
	return value;
}

export function reqDecimal(o: WireObject, key: string): string {
	const value = optDecimal(o, key);
	if (value === undefined) throw new WireFormatError(`field "${key}" is missing`);
	return value;
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

/** A signed decimal string without its sign. */
export function absDecimal(value: string): string {
	return value.startsWith('-') || value.startsWith('+') ? value.slice(1) : value;
}

export function isNegative(value: string): boolean {
	return value.startsWith('-') && /[1-9]/.test(value);
}

export function isZero(value: string): boolean {
	return !/[1-9]/.test(value);
}
