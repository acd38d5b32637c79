import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CHOICE, VENUES } from '$lib/exchanges/registry';
import type { VenueDescription } from '$lib/exchanges/types';
import { loadChoice, saveChoice } from './preferences';

/** The registry's venues by what they are, not by name: the state layer never names one. */
const connectable = VENUES.find((v) => v.available && v.needsEndpoints)!;
/** A second venue with its own key, as it was while its adapter was still to come. */
const other = VENUES.find((v) => v.needsEndpoints && v.id !== connectable.id)!;
const coming: VenueDescription = { ...other, available: false };
const withComing = VENUES.map((v) => (v.id === coming.id ? coming : v));
const inPage = VENUES.find((v) => v.available && !v.needsEndpoints)!;

const store = new Map<string, string>();

beforeEach(() => {
	store.clear();
	vi.stubGlobal('localStorage', {
		getItem: (k: string) => store.get(k) ?? null,
		setItem: (k: string, v: string) => void store.set(k, v)
	});
});
afterEach(() => vi.unstubAllGlobals());

function stored(value: unknown): void {
	store.set('perch.connection.v1', typeof value === 'string' ? value : JSON.stringify(value));
}

describe('loadChoice', () => {
	it('restores a saved connection to a registered venue, with its preset', () => {
		const [production, demo] = connectable.presets;
		for (const preset of [production, demo]) {
			const choice = { venue: connectable.id, presetId: preset.id, endpoints: preset.endpoints };
			saveChoice(choice);
			expect(loadChoice()).toEqual(choice);
		}
		stored({ venue: inPage.id, presetId: 'whatever' });
		expect(loadChoice()).toEqual(DEFAULT_CHOICE);
	});

	it('restores any venue the registry offers, not one venue only', () => {
		// The same registry, with a venue whose adapter is still to come made available.
		const ready: VenueDescription = { ...coming, available: true };
		const venues = VENUES.map((v) => (v.id === coming.id ? ready : v));
		const preset = ready.presets[ready.presets.length - 1];
		stored({ venue: ready.id, presetId: preset.id, endpoints: preset.endpoints });
		expect(loadChoice(venues)).toEqual({
			venue: ready.id,
			presetId: preset.id,
			endpoints: preset.endpoints
		});
		// With a registry where that venue is not available yet: the demo instead.
		expect(loadChoice(withComing)).toEqual(DEFAULT_CHOICE);
	});

	it('keeps a preset id only while the stored URLs are that preset’s; otherwise custom', () => {
		const [production] = connectable.presets;
		const local = {
			rest: 'http://127.0.0.1:8765',
			publicWs: 'ws://127.0.0.1:8765/api',
			privateWs: 'ws://127.0.0.1:8765/user'
		};
		stored({ venue: connectable.id, presetId: production.id, endpoints: local });
		expect(loadChoice()).toEqual({ venue: connectable.id, presetId: 'custom', endpoints: local });
		stored({ venue: connectable.id, presetId: 42, endpoints: production.endpoints, extra: 'x' });
		expect(loadChoice()).toEqual({
			venue: connectable.id,
			presetId: 'custom',
			endpoints: production.endpoints
		});
	});

	it('falls back to the demo for anything the registry or the endpoint checks refuse', () => {
		const [production] = connectable.presets;
		const cases: unknown[] = [
			'{not json',
			'null',
			[connectable.id],
			{ venue: 'mtgox', presetId: 'production', endpoints: production.endpoints },
			{ venue: coming.id, presetId: coming.presets[0].id, endpoints: coming.presets[0].endpoints },
			{ venue: connectable.id, presetId: production.id },
			{
				venue: connectable.id,
				presetId: production.id,
				endpoints: { rest: production.endpoints.rest }
			},
			{
				venue: connectable.id,
				presetId: 'custom',
				endpoints: { ...production.endpoints, rest: 'http://10.0.0.2:9100' }
			},
			{
				venue: connectable.id,
				presetId: 'custom',
				endpoints: { ...production.endpoints, privateWs: 'wss://relay.example.com/user' }
			}
		];
		for (const value of cases) {
			stored(value);
			expect(loadChoice(withComing), JSON.stringify(value)).toEqual(DEFAULT_CHOICE);
		}
		store.clear();
		expect(loadChoice()).toEqual(DEFAULT_CHOICE);
	});
});
