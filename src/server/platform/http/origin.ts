import type { FastifyRequest } from 'fastify';

/**
 * The address the caller reached the platform at (scheme and host, behind a proxy as it forwarded
 * them when trustProxy is on): the base of absolute links in pages, sitemaps and harvest documents.
 */
export const originOf = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;
