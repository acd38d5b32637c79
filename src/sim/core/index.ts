export { SimExchange } from './sim-exchange';
export type { SimAccountHandle, SimExchangeOptions, SimTiming } from './sim-exchange';
export type { AddAccountOptions, SimPositionMode } from './accounts';
export type { BookView } from './depth-channel';
export type { SimFaults } from './faults';
export { DEFAULT_INSTRUMENTS, type SimInstrument } from './instruments';
export type { LoggedRequest, RestRequest, RestResponse } from './rest';
export type { SocketHandle, SocketKind } from './ws-session';
