/**
 * Result files (CONTRACT §4): {@code report.json}, {@code sessions/<call id>.json}, and the terminal summary.
 *
 * <p>Threading: writers are used by the recorder thread only. Nothing here ever writes a secret: reports hold the
 * endpoint without query or user info, and no header values.
 */
package dev.chorus.engine.report;
