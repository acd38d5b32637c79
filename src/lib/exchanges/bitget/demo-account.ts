/**
 * The Bitget demo account of the in-page simulator: a public, simulator-only key (it opens this
 * account and nothing else anywhere) and the positions it starts with. Data only, so the
 * simulator's worker can seed from it without loading the app's adapters.
 */
export const BITGET_DEMO_ACCOUNT = {
	label: 'Demo Bitget',
	apiKey: 'bg_perchdemo_0000000000000000',
	secret: 'perch-bitget-demo-secret-simulator-only',
	fields: { passphrase: 'perch-demo' }
} as const;

/** Sizes in base coin, as on Bitget's wire; entries offset from the current mark. */
export const BITGET_DEMO_SEEDS = [
	{
		symbol: 'BTCUSDT',
		holdSide: 'long',
		size: '0.150',
		offset: -0.004,
		leverage: 20,
		mode: 'isolated'
	},
	{
		symbol: 'ETHUSDT',
		holdSide: 'short',
		size: '2.00',
		offset: 0.003,
		leverage: 10,
		mode: 'crossed'
	}
] as const;
