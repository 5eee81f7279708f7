/**
 * One simulated call: the compiled agent description and prepared test cases shared by all calls of a run
 * (immutable, thread-safe), and {@link dev.chorus.engine.session.CallSession}, the state machine at the bottom of
 * each call's pipeline (confined to its channel's event loop).
 *
 * <pre>
 *  connecting -> tls -> upgrading -> awaiting_ready -> streaming -> closing -> done
 *        \________\__________\_____________\______________\___________\----> failed (error class)
 * </pre>
 */
package dev.chorus.engine.session;
