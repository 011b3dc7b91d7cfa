import { brandGuard, brandedError } from '../common/branded-error.ts';

/** The edge node cannot start: what is missing, and the fix. Ends the run's start like a metrics port taken. */
export class MqttStartError extends brandedError('MqttStartError') {}
export const isMqttStartError = brandGuard<MqttStartError>('isMqttStartError');
