package dev.chorus.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads, before the first call, the classes a call would otherwise load on its event loop the first time through
 * (Netty's TLS, HTTP and WebSocket handlers, the PKIX validator, Chorus's session and report classes: ~650, listed in
 * {@code call-classes.txt}). Read out of the jar, parsed and verified mid-run they cost the loop ~130 ms in bursts:
 * the first calls' setup and the first hang-ups each stalled every stream on the loop for tens of milliseconds.
 * Once per JVM, on the thread that prepares the run.
 *
 * <p>Regenerate the list from a run that covers a whole call (setup to session file):
 * <pre>
 *   CHORUS_JAVA_OPTS="-Xlog:class+load:file=cl.log" CALLS=50 RAMP=2s HOLD_SECONDS=5 bench/load/calls.sh
 *   # then every class loaded after dev.chorus.engine.session.CallSession, minus lambdas and hidden classes
 * </pre>
 */
final class ClassPreload {
    static final String RESOURCE = "call-classes.txt";
    /** Guarded by the class lock ({@link #run} is synchronized). */
    private static boolean done;

    private ClassPreload() {
    }

    /** Loads and initialises every listed class that exists; the names that do not are returned (for the test). */
    static synchronized List<String> run() {
        List<String> missing = new ArrayList<>();
        if (done) {
            return missing;
        }
        done = true;
        ClassLoader loader = ClassPreload.class.getClassLoader();
        for (String name : names()) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // Gone since the list was made, or not for this platform (e.g. epoll on macOS): the loop loads what
                // it needs as before.
                missing.add(name);
            }
        }
        return missing;
    }

    static List<String> names() {
        List<String> names = new ArrayList<>();
        try (InputStream in = ClassPreload.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return names;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
        } catch (IOException e) {
            // A jar that cannot be read here could not have been started; nothing to preload.
        }
        return names;
    }
}
