import type { VenueDescription } from '../types';

/** Bitget USDT-M futures (V2 API); from /work/shared/protocols/bitget-v2-futures.md. */
export const BITGET_VENUE: VenueDescription = {
	id: 'bitget',
	name: 'Bitget Futures',
	available: true,
	needsEndpoints: true,
	credentials: [
		{ id: 'apiKey', label: 'API key', secret: false, missing: 'Paste the API key.' },
		{ id: 'secret', label: 'API secret', secret: true, missing: 'Paste the API secret.' },
		{
			id: 'passphrase',
			label: 'Passphrase',
			secret: true,
			hint: 'The passphrase you chose when you created the key (not your login password).',
			missing: 'Bitget sends the key’s passphrase with every request: enter it.'
		}
	],
	keySetup: {
		intro: 'Create the key on Bitget with exactly these permissions:',
		permissions: ['Read', 'Futures trade']
	},
	presets: [
		{
			id: 'production',
			label: 'Production',
			endpoints: {
				rest: 'https://api.bitget.com',
				publicWs: 'wss://ws.bitget.com/v2/ws/public',
				privateWs: 'wss://ws.bitget.com/v2/ws/private'
			}
		},
		{
			// Same REST host: a demo key works only with this header, and only on the wspap sockets.
			id: 'demo-trading',
			label: 'Demo trading (Bitget demo key)',
			endpoints: {
				rest: 'https://api.bitget.com',
				publicWs: 'wss://wspap.bitget.com/v2/ws/public',
				privateWs: 'wss://wspap.bitget.com/v2/ws/private'
			},
			headers: { paptrading: '1' }
		}
	],
	positionModes: ['hedge', 'one-way'],
	// "size … Amount (base coin)": contract size 1.
	sizeUnit: 'base',
	sizeRounding: 'down'
};
