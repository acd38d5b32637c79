export { SimExchange } from './sim-exchange';
export type {
	SeedOrderOptions,
	TradeOptions,
	SimAccountHandle,
	SimExchangeOptions,
	SimPositionView,
	SimTiming
} from './sim-exchange';
export type {
	AddAccountOptions,
	SeedPositionOptions,
	SimOrder,
	SimPosition,
	SimPositionMode
} from './accounts';
export type { BookView } from './depth-channel';
export type { HeldRequest, SimFaults } from './faults';
export { DEFAULT_INSTRUMENTS, type SimInstrument } from './instruments';
export type { LoggedRequest, RestRequest, RestResponse } from './rest';
export type { SocketHandle, SocketKind } from './ws-session';
export { MAINTENANCE_MARGIN_RATE, TAKER_FEE_RATE } from './margin';
