/** The hobby-servo driver: PWM servos on an Arduino running Firmata, through johnny-five (optional, loaded lazily). */
export { BoardPool, DEFAULT_READY_WAIT_MS } from './board-pool.ts';
export type { BoardLink } from './board-link.ts';
export { HobbyServoDriver, type HobbyServoDriverOptions } from './hobby-servo-driver.ts';
export {
  isJohnnyFiveUnavailableError,
  JohnnyFiveUnavailableError,
  loadJohnnyFive,
  type JohnnyFiveRuntime,
  type LoadJohnnyFive,
} from './load-johnny-five.ts';
export type { HobbyServoSetup } from './servo-setup.ts';
