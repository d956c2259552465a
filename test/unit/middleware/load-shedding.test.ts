import type { NextFunction, Request, Response } from 'express';
import { createLoadShedder } from '../../../server/middleware/load-shedding';

/** Just what the middleware reads of a request whose connection is in the given state. */
function requestOn(socket: { destroyed: boolean }): Request {
  return { socket, path: '/claims' } as unknown as Request;
}

describe('load shedder: work whose client has gone', () => {
  it('when the client’s connection is already closed as its request is reached, then the handler never runs, nothing is sent and no slot is taken', () => {
    const shedder = createLoadShedder({ maxInFlight: 1 });
    const middleware = shedder.middleware({ locale: 'fr' });
    const status = jest.fn();
    const send = jest.fn();
    const res = { status, set: jest.fn(), send, json: jest.fn(), once: jest.fn() } as unknown as Response;
    const next = jest.fn() as NextFunction;

    void middleware(requestOn({ destroyed: true }), res, next);

    expect(next).not.toHaveBeenCalled();
    expect(status).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
    expect(shedder.stats()).toEqual({ inFlight: 0, shed: 0, abandoned: 1 });
  });

  it('when the client’s connection is open, then the handler runs and holds a slot', () => {
    const shedder = createLoadShedder({ maxInFlight: 1 });
    const middleware = shedder.middleware({ locale: 'fr' });
    const res = { once: jest.fn(), render: jest.fn(), end: jest.fn() } as unknown as Response;
    const next = jest.fn() as NextFunction;

    void middleware(requestOn({ destroyed: false }), res, next);

    expect(next).toHaveBeenCalledTimes(1);
    expect(shedder.stats()).toEqual({ inFlight: 1, shed: 0, abandoned: 0 });
  });
});
