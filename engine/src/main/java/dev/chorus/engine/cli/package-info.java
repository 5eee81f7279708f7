/**
 * The command line (CONTRACT §3): {@code run}, {@code validate}, {@code demo}, {@code agent}, {@code serve}
 * (the gRPC control port, engine.control). Exit codes: 0 all calls passed, 1 a call or threshold failed, 2 bad input.
 */
package dev.chorus.engine.cli;
