import { checkEndpoints } from '$lib/exchanges/endpoints';
import {
	CUSTOM_PRESET_ID,
	DEFAULT_CHOICE,
	VENUES,
	type ConnectionChoice
} from '$lib/exchanges/registry';
import type { Endpoints, VenueDescription } from '$lib/exchanges/types';

/**
 * Non-secret UI preferences (the chosen venue and its public endpoints, the last symbol) live in
 * localStorage. Keys and anything derived from them never do.
 */
const CHOICE_KEY = 'perch.connection.v1';
const SYMBOL_KEY = 'perch.symbol.v1';

function storage(): Storage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

/**
 * The stored connection, if the registry still offers its venue and its endpoints still pass the
 * checks; otherwise the demo. `venues` is the registry's list (tests pass their own).
 */
export function loadChoice(venues: readonly VenueDescription[] = VENUES): ConnectionChoice {
	const raw = storage()?.getItem(CHOICE_KEY);
	if (!raw) return DEFAULT_CHOICE;
	try {
		return validChoice(JSON.parse(raw), venues) ?? DEFAULT_CHOICE;
	} catch {
		// A corrupt preference falls back to the demo; nothing else depends on it.
		return DEFAULT_CHOICE;
	}
}

function validChoice(value: unknown, venues: readonly VenueDescription[]): ConnectionChoice | null {
	if (!isObject(value)) return null;
	const venue = venues.find((v) => v.id === value.venue);
	// A venue that cannot be connected to (yet) is no choice to restore.
	if (!venue?.available) return null;
	if (!venue.needsEndpoints) {
		return { venue: venue.id, presetId: venue.presets[0]?.id ?? CUSTOM_PRESET_ID };
	}
	const endpoints = readEndpoints(value.endpoints);
	if (!endpoints || Object.keys(checkEndpoints(endpoints)).length > 0) return null;
	// A preset names its endpoints (and headers): kept only while the stored URLs are still its own.
	const preset = venue.presets.find((p) => p.id === value.presetId);
	const same =
		preset !== undefined &&
		preset.endpoints.rest === endpoints.rest &&
		preset.endpoints.publicWs === endpoints.publicWs &&
		preset.endpoints.privateWs === endpoints.privateWs;
	return { venue: venue.id, presetId: same ? preset.id : CUSTOM_PRESET_ID, endpoints };
}

function readEndpoints(value: unknown): Endpoints | null {
	if (!isObject(value)) return null;
	const { rest, publicWs, privateWs } = value;
	if (typeof rest !== 'string' || typeof publicWs !== 'string' || typeof privateWs !== 'string') {
		return null;
	}
	return { rest, publicWs, privateWs };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function saveChoice(choice: ConnectionChoice): void {
	storage()?.setItem(CHOICE_KEY, JSON.stringify(choice));
}

export function loadSymbol(): string | null {
	return storage()?.getItem(SYMBOL_KEY) ?? null;
}

export function saveSymbol(symbol: string): void {
	storage()?.setItem(SYMBOL_KEY, symbol);
}
