import { assertNever } from '../src/common/never.ts';
import { ExceptionCode, decodeRequest, functionCodeOf, type DecodedRequest, type ModbusReply, type ModbusRequest } from './pdu.ts';

/**
 * What the slave transports (RtuSlave, TcpSlave) serve: the register image of one or more units. The
 * transports frame, check and answer; the handler only reads and writes registers.
 */

/** A refusal the handler returns (not throws): the transport answers it as a Modbus exception. */
export interface ModbusException {
  readonly kind: 'exception';
  /** 1 illegal function, 2 illegal data address, 3 illegal data value, 4 server device failure, ... */
  readonly code: number;
}

export const modbusException = (code: number): ModbusException => ({ kind: 'exception', code });

type MaybePromise<T> = T | Promise<T>;

export interface RegisterHandler {
  /** Unit ids (1..247) this handler answers for; frames for other units are ignored on RTU. */
  unitIds(): readonly number[];
  /** Exactly `count` unsigned 16-bit values from `address`, or an exception (2 for a bad address). */
  readHoldingRegisters(unitId: number, address: number, count: number): MaybePromise<readonly number[] | ModbusException>;
  /** Stores `values` from `address` (FC06 arrives as one value), or refuses with an exception. */
  writeRegisters(unitId: number, address: number, values: readonly number[]): MaybePromise<ModbusException | undefined>;
}

/** The request a slave transport is about to serve, as its interceptor sees it. */
export interface InterceptedRequest {
  readonly unitId: number;
  readonly functionCode: number;
  /** Undefined when the request could not be decoded (it will get an exception answer). */
  readonly request: ModbusRequest | undefined;
  /** 1 for the first request this transport served, counting every addressed frame. */
  readonly sequence: number;
}

/**
 * Fault injection at the transport, for the simulator. Everything is optional; an empty object or
 * undefined means "answer normally". The faults act on the wire only: unless `dropRequest` is set,
 * the request is executed (a lost answer does not undo a write).
 */
export interface TransportFault {
  /** Act as if the request never arrived: not executed, not answered. */
  readonly dropRequest?: boolean;
  /** Execute the request but send no answer (garbage is still sent). */
  readonly dropResponse?: boolean;
  /** Hold the answer back this long, in ms on the slave's Clock. Later requests wait behind it. */
  readonly delayMs?: number;
  /** RTU: send the answer with a wrong CRC. TCP has no CRC and ignores it. */
  readonly corruptCrc?: boolean;
  /** Raw bytes sent just before the answer. */
  readonly garbageBefore?: Uint8Array;
  /** Raw bytes sent just after the answer. */
  readonly garbageAfter?: Uint8Array;
}

export type RequestInterceptor = (request: InterceptedRequest) => TransportFault | undefined;

/** Runs a decoded request against the handler. A handler that throws answers exception 4. */
export async function executeRequest(handler: RegisterHandler, unitId: number, request: ModbusRequest): Promise<ModbusReply> {
  const refuse = (code: number): ModbusReply => ({ kind: 'exception', functionCode: functionCodeOf(request), code });
  try {
    switch (request.kind) {
      case 'readHoldingRegisters': {
        const result = await handler.readHoldingRegisters(unitId, request.address, request.count);
        if (!isValues(result)) return refuse(result.code);
        if (result.length !== request.count) return refuse(ExceptionCode.ServerDeviceFailure);
        return { kind: 'readHoldingRegisters', values: [...result] };
      }
      case 'writeSingleRegister': {
        const result = await handler.writeRegisters(unitId, request.address, [request.value]);
        if (result) return refuse(result.code);
        return { kind: 'writeSingleRegister', address: request.address, value: request.value };
      }
      case 'writeMultipleRegisters': {
        const result = await handler.writeRegisters(unitId, request.address, request.values);
        if (result) return refuse(result.code);
        return { kind: 'writeMultipleRegisters', address: request.address, count: request.values.length };
      }
      default:
        return assertNever(request, 'request');
    }
  } catch {
    return refuse(ExceptionCode.ServerDeviceFailure);
  }
}

const isValues = (result: readonly number[] | ModbusException): result is readonly number[] => Array.isArray(result);

/** A request a slave has taken in: decoded (or the exception it earns) and what its interceptor wants done. */
export interface AdmittedRequest {
  readonly decoded: DecodedRequest;
  readonly fault: TransportFault;
}

/** Counts and decodes a request PDU and asks the interceptor (if any) what fault to play on it; undefined when it drops the request. */
export function admitRequest(
  interceptor: RequestInterceptor | undefined,
  unitId: number,
  pdu: Uint8Array,
  sequence: number,
  /** The slave's counts: every request admitted is counted, and a dropped one as dropped. */
  count: { requests: number; dropped: number },
): AdmittedRequest | undefined {
  count.requests++;
  const decoded = decodeRequest(pdu);
  const fault = interceptor?.({ unitId, functionCode: pdu[0] ?? 0, request: decoded.ok ? decoded.request : undefined, sequence }) ?? {};
  if (fault.dropRequest) {
    count.dropped++;
    return undefined;
  }
  return { decoded, fault };
}

/** The bytes to put on the wire for `answer` under `fault`: garbage around it, the answer itself unless dropped. */
export function answerBytes(answer: Uint8Array, fault: TransportFault): Uint8Array[] {
  return [fault.garbageBefore, fault.dropResponse ? undefined : answer, fault.garbageAfter].filter(
    (part): part is Uint8Array => part !== undefined,
  );
}
