import type { CredentialField, VenueDescription } from '../types';

/** BitMart keys come with a memo, which is signed into every request (`timestamp#memo#payload`). */
export const BITMART_CREDENTIALS: readonly CredentialField[] = [
	{ id: 'apiKey', label: 'API key', secret: false, missing: 'Paste the API key.' },
	{ id: 'secret', label: 'API secret', secret: true, missing: 'Paste the API secret.' },
	{
		id: 'memo',
		label: 'Memo',
		secret: true,
		hint: 'The memo you typed when you created the key.',
		missing: 'BitMart signs every request with the memo: enter it.'
	}
];

export const BITMART_VENUE: VenueDescription = {
	id: 'bitmart',
	name: 'BitMart Futures V2',
	available: true,
	needsEndpoints: true,
	credentials: BITMART_CREDENTIALS,
	keySetup: {
		intro: 'Create the key on BitMart with exactly these permissions:',
		permissions: ['Read', 'Futures trade']
	},
	presets: [
		{
			id: 'production',
			label: 'Production',
			endpoints: {
				rest: 'https://api-cloud-v2.bitmart.com',
				publicWs: 'wss://openapi-ws-v2.bitmart.com/api?protocol=1.1',
				privateWs: 'wss://openapi-ws-v2.bitmart.com/user?protocol=1.1'
			}
		},
		{
			id: 'simulated-trading',
			label: 'Simulated trading (BitMart demo)',
			endpoints: {
				rest: 'https://demo-api-cloud-v2.bitmart.com',
				publicWs: 'wss://openapi-wsdemo-v2.bitmart.com/api?protocol=1.1',
				privateWs: 'wss://openapi-wsdemo-v2.bitmart.com/user?protocol=1.1'
			}
		}
	],
	positionModes: ['hedge', 'one-way'],
	sizeUnit: 'contracts',
	sizeRounding: 'nearest'
};
