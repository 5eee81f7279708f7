/**
 * The gRPC control port ({@code chorus serve}, service {@code chorus.v1.Control} in
 * {@code src/main/proto/chorus/v1/control.proto}): start, watch, stop and read runs from another process.
 *
 * <p>What lives here: {@link dev.chorus.engine.control.ControlServer} (the Netty server, health service, TLS),
 * {@link dev.chorus.engine.control.ControlService} (the RPCs, proto to {@link dev.chorus.engine.RunSpec} and
 * {@link dev.chorus.engine.RunReport} to proto), {@link dev.chorus.engine.control.RunRegistry} (the runs this server
 * started) and {@link dev.chorus.engine.control.BearerTokenInterceptor}.
 *
 * <p>Threading: RPCs arrive on gRPC's executor threads, never on the call pipeline's event loops, so the blocking
 * part of StartRun (preparing templates and audio) does not stall calls. The registry is thread-safe (one lock,
 * held only for map operations). A WatchRun stream is written from two threads, the recorder thread (progress
 * listener, once a second) and whichever thread completes the run (the final snapshot), so each watcher serialises
 * its writes on itself and stops writing for good once the client cancels or the final snapshot went out. Nothing
 * here runs on an event loop or blocks the recorder thread.
 */
package dev.chorus.engine.control;
