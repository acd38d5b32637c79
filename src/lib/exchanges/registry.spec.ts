import { describe, expect, it } from 'vitest';
import { DEMO_ENDPOINTS } from '../../sim/browser/transport';
import { checkEndpoints } from './endpoints';
import {
	createAdapter,
	ENDPOINT_PRESETS,
	extraFields,
	fieldsFromFormat1,
	isPresetId,
	isVenueId,
	keyedVenues,
	presetIdFor,
	venueName,
	venueOf,
	VENUES
} from './registry';

describe('createAdapter', () => {
	it('refuses endpoints the checks refuse, whoever passes them in', async () => {
		const lan = {
			rest: 'http://10.0.0.2:9100',
			publicWs: 'wss://openapi-ws-v2.bitmart.com/api?protocol=1.1',
			privateWs: 'wss://openapi-ws-v2.bitmart.com/user?protocol=1.1'
		};
		await expect(
			createAdapter({ venue: 'bitmart', presetId: 'custom', endpoints: lan })
		).rejects.toThrow(/rest: http:\/\/ is only allowed for localhost/);
		const elsewhere = { ...lan, rest: 'https://relay.example.com' };
		await expect(
			createAdapter({ venue: 'bitmart', presetId: 'custom', endpoints: elsewhere })
		).rejects.toThrow(/PERCH_CONNECT_SRC/);
	});

	it('builds an adapter for loopback and preset endpoints', async () => {
		const local = {
			rest: 'http://127.0.0.1:8765',
			publicWs: 'ws://127.0.0.1:8765/api?protocol=1.1',
			privateWs: 'ws://127.0.0.1:8765/user?protocol=1.1'
		};
		const adapter = await createAdapter({ venue: 'bitmart', presetId: 'x', endpoints: local });
		expect(adapter.endpoints.rest).toBe('http://127.0.0.1:8765');
		expect((await createAdapter({ venue: 'bitmart', presetId: 'production' })).venue).toBe(
			'bitmart'
		);
	});
});

describe('the venue registry', () => {
	it('lists each venue once, with the API key and secret first among its credentials', () => {
		expect(VENUES.map((v) => v.id)).toEqual(['demo', 'bitmart', 'bitget', 'ascendex']);
		for (const venue of VENUES) {
			const ids = venue.credentials.map((f) => f.id);
			expect(ids.slice(0, 2), venue.id).toEqual(['apiKey', 'secret']);
			expect(new Set(ids).size, venue.id).toBe(ids.length);
		}
		expect(venueOf('bitmart').credentials.map((f) => [f.label, f.secret])).toEqual([
			['API key', false],
			['API secret', true],
			['Memo', true]
		]);
		expect(extraFields(venueOf('bitget')).map((f) => f.id)).toEqual(['passphrase']);
		expect(extraFields(venueOf('ascendex'))).toEqual([]);
	});

	it('has presets that pass the endpoint checks, production first, and the demo on its in-page host', () => {
		for (const venue of keyedVenues()) {
			expect(venue.presets[0].id, venue.id).toBe('production');
			expect(venue.presets.length, venue.id).toBeGreaterThanOrEqual(2);
			for (const preset of venue.presets) {
				expect(checkEndpoints(preset.endpoints), `${venue.id} ${preset.id}`).toEqual({});
			}
		}
		expect(venueOf('demo').presets.map((p) => p.endpoints)).toEqual([DEMO_ENDPOINTS]);
		expect(ENDPOINT_PRESETS.bitmart).toEqual(venueOf('bitmart').presets);
	});

	it('describes Bitget’s demo as a header on the production REST host', () => {
		const [production, demo] = venueOf('bitget').presets;
		expect(demo.headers).toEqual({ paptrading: '1' });
		expect(production.headers).toBeUndefined();
		expect(demo.endpoints.rest).toBe(production.endpoints.rest);
		expect(demo.endpoints.privateWs).toBe('wss://wspap.bitget.com/v2/ws/private');
	});

	it('names one display name per venue and only offers adapters that exist', async () => {
		expect(venueName('bitmart')).toBe('BitMart Futures V2');
		expect(venueName('demo')).toBe('Demo');
		expect(VENUES.filter((v) => v.available).map((v) => v.id)).toEqual([
			'demo',
			'bitmart',
			'bitget',
			'ascendex'
		]);
		expect((await createAdapter({ venue: 'ascendex', presetId: 'production' })).venue).toBe(
			'ascendex'
		);
		const bitget = await createAdapter({ venue: 'bitget', presetId: 'demo-trading' });
		expect(bitget.venue).toBe('bitget');
		expect(bitget.endpoints.publicWs).toBe('wss://wspap.bitget.com/v2/ws/public');
		expect(isVenueId('bitmart')).toBe(true);
		expect(isVenueId('mtgox')).toBe(false);
		expect(isVenueId(undefined)).toBe(false);
	});

	it('finds the preset of stored endpoints, and accepts only its venue’s preset ids', () => {
		const [production, simulated] = venueOf('bitmart').presets;
		expect(presetIdFor('bitmart', production.endpoints)).toBe('production');
		expect(presetIdFor('bitmart', simulated.endpoints)).toBe('simulated-trading');
		expect(presetIdFor('bitmart', { ...production.endpoints, rest: 'http://127.0.0.1:1' })).toBe(
			'custom'
		);
		expect(presetIdFor('demo', DEMO_ENDPOINTS)).toBe('demo');
		expect(isPresetId('bitmart', 'simulated-trading')).toBe(true);
		expect(isPresetId('bitmart', 'custom')).toBe(true);
		expect(isPresetId('bitmart', 'demo-trading')).toBe(false);
		expect(isPresetId('bitget', 'demo-trading')).toBe(true);
		expect(isPresetId('bitmart', 7)).toBe(false);
	});

	it('reads the one extra of a format-1 vault record as the venue’s own field', () => {
		const v1 = { apiKey: 'k', secret: 's', memo: 'typed as is ' };
		expect(fieldsFromFormat1('bitmart', v1)).toEqual({ memo: 'typed as is ' });
		expect(fieldsFromFormat1('demo', v1)).toEqual({ memo: 'typed as is ' });
		expect(fieldsFromFormat1('bitget', v1)).toEqual({ passphrase: 'typed as is ' });
		expect(fieldsFromFormat1('ascendex', { ...v1, memo: '' })).toEqual({});
		// Not a format-1 record: no extra, or an extra a venue without one cannot hold.
		expect(fieldsFromFormat1('bitmart', { apiKey: 'k', secret: 's' })).toBeNull();
		expect(fieldsFromFormat1('ascendex', v1)).toBeNull();
	});
});
