import type { VenueDescription } from '../types';

/**
 * AscendEX futures (Pro API v2), described ahead of its adapter; from
 * /work/shared/protocols/ascendex.md. Private paths carry the account group (`/<grp>/api/...`),
 * which the adapter will read from the key's account info and insert: the presets hold the bases.
 */
export const ASCENDEX_VENUE: VenueDescription = {
	id: 'ascendex',
	name: 'AscendEX Futures',
	available: false,
	needsEndpoints: true,
	credentials: [
		{ id: 'apiKey', label: 'API key', secret: false, missing: 'Paste the API key.' },
		{ id: 'secret', label: 'API secret', secret: true, missing: 'Paste the API secret.' }
	],
	keySetup: {
		// To be checked against AscendEX's key page when the adapter is written.
		intro: 'Create the key on AscendEX with exactly these permissions:',
		permissions: ['View', 'Trade']
	},
	presets: [
		{
			id: 'production',
			label: 'Production',
			endpoints: {
				rest: 'https://ascendex.com',
				publicWs: 'wss://ascendex.com:443/api/pro/v2/stream',
				privateWs: 'wss://ascendex.com:443/api/pro/v2/stream'
			}
		},
		{
			id: 'sandbox',
			label: 'Sandbox (AscendEX testnet key)',
			endpoints: {
				rest: 'https://api-test.ascendex-sandbox.com',
				publicWs: 'wss://api-test.ascendex-sandbox.com:443/api/pro/v2/stream',
				privateWs: 'wss://api-test.ascendex-sandbox.com:443/api/pro/v2/stream'
			}
		}
	],
	// Net positions only: one per contract.
	positionModes: ['one-way'],
	// "order quantity (base asset)": contract size 1.
	sizeUnit: 'base',
	sizeRounding: 'down'
};
