import type { VenueDescription } from '../types';

/**
 * AscendEX futures (Pro API v2), from /work/shared/protocols/ascendex.md. Private paths and the
 * private stream carry the account group (`/<grp>/api/...`), which the adapter reads from the
 * key's account info when the account is added and inserts: the presets hold the bases.
 */
export const ASCENDEX_VENUE: VenueDescription = {
	id: 'ascendex',
	name: 'AscendEX Futures',
	available: true,
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
			label: 'Sandbox (testnet, its own keys)',
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
	sizeRounding: 'down',
	// No funding-rate history endpoint is documented: the chart shows what the stream recorded.
	fundingHistory: 'recorded',
	// Notes §1.4: the vectors use the secret as typed, AscendEX's client code decodes it first.
	secretMayBeBase64: true
};
