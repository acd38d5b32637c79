/**
 * The Demo account: its public, simulator-only key and the positions it starts with. Data only,
 * so the simulator's worker can seed from it without loading the app's adapters.
 */

/** A public, simulator-only key: it opens the Demo account and nothing else anywhere. */
export const DEMO_ACCOUNT = {
	label: 'Demo',
	apiKey: 'perchdemo0000000000000000000000000000key',
	secret: 'perch-demo-secret-simulator-only',
	fields: { memo: 'perch-demo' }
} as const;

/** Demo positions: contracts and the entry's offset from the current mid. */
export const DEMO_SEEDS = [
	{ symbol: 'BTCUSDT', side: 'long', size: 120, offset: -0.004, leverage: '20', mode: 'isolated' },
	{ symbol: 'ETHUSDT', side: 'short', size: 40, offset: 0.003, leverage: '10', mode: 'cross' },
	{ symbol: 'SOLUSDT', side: 'long', size: 9, offset: 0.002, leverage: '5', mode: 'isolated' }
] as const;
