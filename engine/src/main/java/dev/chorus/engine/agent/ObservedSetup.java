package dev.chorus.engine.agent;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * One HTTP-first setup call the reference agent answered. Immutable.
 *
 * @param method  the request method
 * @param uri     the request target (path and query)
 * @param headers the request headers (a copy)
 * @param body    the request body as UTF-8
 * @param wsUrl   the WebSocket URL the reply named (empty when the reply had none)
 */
public record ObservedSetup(String method, String uri, HttpHeaders headers, String body, String wsUrl) {
}
