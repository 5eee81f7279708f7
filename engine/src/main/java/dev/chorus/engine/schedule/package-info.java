/**
 * When calls start: arrival models. Thread-safe: reservations are taken from any event loop with CAS.
 */
package dev.chorus.engine.schedule;
