package dev.chorus.engine.session;

import dev.chorus.engine.config.JsonTree;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What an HTTP-first setup reply says: the WebSocket URL at {@code websocket_url_response_path}, or the error class
 * and a message naming the path and what the reply held (its shape only: values may hold tokens). Immutable.
 *
 * @param url        the {@code wss://} URL to dial, or null when the reply does not give one
 * @param errorClass why not (when {@code url} is null)
 * @param message    what was wrong and the fix (when {@code url} is null)
 */
record HttpSetupReply(URI url, ErrorClass errorClass, String message) {

    /**
     * @param body     the reply body (not released here)
     * @param httpText the setup server as {@code host:port}, for messages
     */
    static HttpSetupReply read(int status, ByteBuf body, String path, String httpText) {
        if (status == 401 || status == 403) {
            return failed(ErrorClass.AUTHENTICATION_FAILED, "the setup call to " + httpText
                    + " was refused with HTTP " + status + "; check http_headers");
        }
        if (status < 200 || status > 299) {
            return failed(ErrorClass.HTTP_SETUP_FAILED, "the setup call to " + httpText + " answered HTTP " + status
                    + snippet(body));
        }
        Object tree;
        try {
            tree = JsonTree.parse(body.toString(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return failed(ErrorClass.HTTP_SETUP_FAILED, "the setup reply from " + httpText + " is not JSON ("
                    + e.getMessage() + ")" + snippet(body));
        }
        Object value = JsonTree.at(tree, path);
        if (!(value instanceof String)) {
            return failed(ErrorClass.HTTP_SETUP_FAILED, "the setup reply has " + (value == null ? "nothing"
                    : "a " + kind(value) + ", not a string,") + " at websocket_url_response_path '" + path
                    + "'; it holds " + outline(tree) + "; fix: set websocket_url_response_path to the dot path of "
                    + "the wss:// URL in the reply");
        }
        URI ws;
        try {
            ws = new URI((String) value);
        } catch (URISyntaxException e) {
            ws = null;
        }
        if (ws == null || !"wss".equalsIgnoreCase(ws.getScheme()) || ws.getHost() == null) {
            String shown = ws == null || ws.getScheme() == null ? "a malformed URL" : "'" + ws.getScheme() + "://"
                    + ws.getHost() + (ws.getRawPath() == null ? "" : ws.getRawPath()) + "'";
            return failed(ErrorClass.INVALID_URL, "Invalid WebSocket URL at websocket_url_response_path '" + path
                    + "' of the setup reply: " + shown + " (must start with wss://)");
        }
        return new HttpSetupReply(ws, null, null);
    }

    private static HttpSetupReply failed(ErrorClass errorClass, String message) {
        return new HttpSetupReply(null, errorClass, message);
    }

    private static String snippet(ByteBuf body) {
        if (!body.isReadable()) {
            return "";
        }
        int n = Math.min(200, body.readableBytes());
        String text = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return ": " + text + (n < body.readableBytes() ? "..." : "");
    }

    private static String kind(Object v) {
        return v instanceof Map ? "object" : v instanceof List ? "array" : v instanceof Boolean ? "boolean"
                : v instanceof Number ? "number" : "value";
    }

    /** The reply's shape without its values: keys two levels deep. */
    @SuppressWarnings("unchecked")
    private static String outline(Object tree) {
        if (!(tree instanceof Map)) {
            return "a top-level " + kind(tree);
        }
        StringBuilder b = new StringBuilder("keys [");
        int i = 0;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) tree).entrySet()) {
            if (i++ > 0) {
                b.append(", ");
            }
            b.append(e.getKey());
            if (e.getValue() instanceof Map) {
                b.append(" {").append(String.join(", ", ((Map<String, Object>) e.getValue()).keySet())).append('}');
            }
            if (i >= 20) {
                b.append(", ...");
                break;
            }
        }
        return b.append(']').toString();
    }
}
