package dev.chorus.engine.config;

import java.util.Locale;
import java.util.Set;

/** HTTP header rules shared by the loaders. Stateless. */
final class Headers {
    /** Headers the WebSocket handshake sets itself. */
    static final Set<String> RESERVED = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept", "content-length");

    private Headers() {
    }

    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Header values that are probably secrets, so messages hide them. */
    static boolean looksSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("authorization") || n.contains("token") || n.contains("key") || n.contains("secret")
                || n.contains("password") || n.contains("cookie");
    }
}
