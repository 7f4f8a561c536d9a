import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends JSON serialized by the caller. Bulk routes skip per-item serialization (a response schema
 * over thousands of features is several times slower); the body still matches the route's
 * documented 200 schema. Sent as a Buffer: encoded once, its length known without another scan.
 */
export function sendSerialized(reply: FastifyReply, json: string, contentType = 'application/geo+json; charset=utf-8'): FastifyReply {
  return reply.type(contentType).send(Buffer.from(json));
}

/** Sends bytes prepared by the caller (binary bulk answers), bypassing the response serializer. */
export function sendBinary(reply: FastifyReply, bytes: Buffer, contentType = 'application/octet-stream'): FastifyReply {
  return reply.type(contentType).send(bytes);
}

/** Streams a body made as it is sent (exports), bypassing the response serializer. */
export function sendStream(reply: FastifyReply, body: Readable, contentType: string): FastifyReply {
  return reply.type(contentType).send(body);
}
